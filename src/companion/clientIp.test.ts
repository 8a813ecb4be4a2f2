import { describe, expect, test } from 'vitest';
import { ipRateLimitSubject, resolveClientIp } from './clientIp.ts';

describe('resolveClientIp', () => {
  test('uses the socket address unless proxies are trusted', () => {
    expect(resolveClientIp({ forwardedFor: '1.2.3.4', socketAddress: '10.0.0.1', trustProxyHops: 0 })).toBe(
      '10.0.0.1',
    );
    expect(resolveClientIp({ forwardedFor: undefined, socketAddress: undefined, trustProxyHops: 0 })).toBe(
      'unknown',
    );
  });

  test('behind one proxy, takes the entry that proxy appended, not one the client wrote', () => {
    const forwardedFor = '6.6.6.6, 203.0.113.7';
    expect(resolveClientIp({ forwardedFor, socketAddress: '10.0.0.1', trustProxyHops: 1 })).toBe(
      '203.0.113.7',
    );
    expect(resolveClientIp({ forwardedFor, socketAddress: '10.0.0.1', trustProxyHops: 2 })).toBe('6.6.6.6');
    expect(resolveClientIp({ forwardedFor: undefined, socketAddress: '10.0.0.1', trustProxyHops: 1 })).toBe(
      '10.0.0.1',
    );
  });
});

describe('ipRateLimitSubject', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0000:ffff:1:2:3', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['[2001:db8:aa:bb::5]:443', '2001:db8:aa:bb::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (ip, subject) => {
    expect(ipRateLimitSubject(ip)).toBe(subject);
  });

  test('every address of one /64 shares a bucket', () => {
    expect(ipRateLimitSubject('2001:db8:1:2:aaaa::1')).toBe(
      ipRateLimitSubject('2001:db8:1:2:bbbb:cccc:dddd:eeee'),
    );
    expect(ipRateLimitSubject('2001:db8:1:2::1')).not.toBe(ipRateLimitSubject('2001:db8:1:3::1'));
  });
});
