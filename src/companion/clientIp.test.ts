import { describe, expect, test } from 'vitest';
import { ipRateLimitSubjects, resolveClientIp } from './clientIp.ts';

describe('resolveClientIp', () => {
  test('uses the socket address unless proxies are trusted', () => {
    expect(resolveClientIp({ forwardedFor: '1.2.3.4', socketAddress: '10.0.0.1', trustProxyHops: 0 })).toBe(
      '10.0.0.1',
    );
  });

  test('answers nothing, rather than a shared placeholder, when the runtime gives no address', () => {
    expect(
      resolveClientIp({ forwardedFor: undefined, socketAddress: undefined, trustProxyHops: 0 }),
    ).toBeUndefined();
    expect(
      resolveClientIp({ forwardedFor: undefined, socketAddress: '', trustProxyHops: 0 }),
    ).toBeUndefined();
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

/** The bucket of the finest level: the IPv4 address or the IPv6 /64. */
const finest = (ip: string) => ipRateLimitSubjects(ip)?.at(-1)?.subject;

describe('ipRateLimitSubjects', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0000:ffff:1:2:3', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['[2001:db8:aa:bb::5]:443', '2001:db8:aa:bb::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (ip, subject) => {
    expect(finest(ip)).toBe(subject);
  });

  test('an IPv6 address counts in its /48, /56 and /64, broadest first', () => {
    expect(ipRateLimitSubjects('2001:db8:1:2345:aaaa::1')).toEqual([
      { level: 'ipv6Slash48', subject: '2001:db8:1::/48' },
      { level: 'ipv6Slash56', subject: '2001:db8:1:2300::/56' },
      { level: 'address', subject: '2001:db8:1:2345::/64' },
    ]);
  });

  test('every address of one /64 shares a bucket; /64s of one /56 or /48 share those', () => {
    expect(finest('2001:db8:1:2:aaaa::1')).toBe(finest('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(finest('2001:db8:1:2::1')).not.toBe(finest('2001:db8:1:3::1'));
    const [a48, a56] = ipRateLimitSubjects('2001:db8:1:2::1') ?? [];
    const [b48, b56] = ipRateLimitSubjects('2001:db8:1:ff::1') ?? [];
    const [c48, c56] = ipRateLimitSubjects('2001:db8:1:100::1') ?? [];
    expect(a56).toEqual(b56);
    expect(a56).not.toEqual(c56);
    expect(a48).toEqual(b48);
    expect(a48).toEqual(c48);
  });

  test.each([
    ['6to4', '2002:cb00:7107::1', '203.0.113.7'],
    ['6to4, another /64 of the same prefix', '2002:cb00:7107:ffff::1', '203.0.113.7'],
    ['NAT64', '64:ff9b::203.0.113.7', '203.0.113.7'],
    ['NAT64 in hex', '64:ff9b::cb00:7107', '203.0.113.7'],
    // Teredo: server 65.54.227.120, client 203.0.113.7 stored inverted (34.ff.8e.f8).
    ['Teredo', '2001:0:4136:e378:8000:63bf:34ff:8ef8', '203.0.113.7'],
  ])('%s counts as the IPv4 address it carries', (_, ip, v4) => {
    expect(ipRateLimitSubjects(ip)).toEqual([{ level: 'address', subject: v4 }]);
  });

  test.each([
    'unknown',
    '',
    'localhost',
    '1.2.3',
    '256.1.1.1',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::1',
    'gggg::1',
    '1.2.3.4::',
  ])('%j is not an address', (ip) => {
    expect(ipRateLimitSubjects(ip)).toBeUndefined();
  });
});
