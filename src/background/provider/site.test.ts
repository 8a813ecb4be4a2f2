import { getDomain } from 'tldts';
import { describe, expect, it } from 'vitest';
import { publicSuffixRules } from '../../../vite/publicSuffix.ts';
import { createSiteResolver, parsePublicSuffixList, registrableDomain } from './site.ts';

const list = publicSuffixRules();
const rules = parsePublicSuffixList(`// header\n\n${list.join('\n')}\n`);

/** tldts' answer, with the same convention for hosts that have no registrable domain: the host. */
const expected = (host: string) => getDomain(host, { allowPrivateDomains: true }) ?? host;

describe('the site of an origin', () => {
  it('is the registrable domain, private registries included', () => {
    expect(registrableDomain('app.example.co.uk', rules)).toBe('example.co.uk');
    expect(registrableDomain('a.b.example.com', rules)).toBe('example.com');
    expect(registrableDomain('alice.github.io', rules)).toBe('alice.github.io');
    expect(registrableDomain('x.alice.github.io', rules)).toBe('alice.github.io');
    expect(registrableDomain('a.b.ck', rules)).toBe('a.b.ck'); // *.ck
    expect(registrableDomain('a.www.ck', rules)).toBe('www.ck'); // !www.ck
    expect(registrableDomain('f1.ads.test', rules)).toBe('ads.test'); // no rule: the last label
    expect(registrableDomain('x.y.xn--djty4k.jp', rules)).toBe('y.xn--djty4k.jp'); // 岩手.jp, as Chrome spells it
  });

  it('is the host itself for IP addresses, single labels and public suffixes', () => {
    for (const host of ['127.0.0.1', '[::1]', 'localhost', 'github.io', 'co.uk', 'com'])
      expect(registrableDomain(host, rules)).toBe(host);
    expect(registrableDomain('a.localhost', rules)).toBe('a.localhost');
  });

  it('agrees with tldts on every rule of the list, and on names below each', () => {
    expect(list.length).toBeGreaterThan(9000);
    const disagreements: string[] = [];
    for (const rule of list) {
      const base = rule.replace(/^!/, '').replace(/^\*\./, 'w.');
      for (const host of [base, `a.${base}`, `b.a.${base}`])
        if (registrableDomain(host, rules) !== expected(host)) disagreements.push(host);
    }
    expect(disagreements).toEqual([]);
  });

  it('is read once, when first needed, and falls back to the host if the list cannot be read', async () => {
    let reads = 0;
    const siteOf = createSiteResolver(async () => {
      reads++;
      return list.join('\n');
    });
    expect(reads).toBe(0);
    expect(await siteOf('https://app.example.co.uk')).toBe('example.co.uk');
    expect(await siteOf('http://127.0.0.1:8080')).toBe('127.0.0.1');
    expect(reads).toBe(1);
    const broken = createSiteResolver(() => Promise.reject(new Error('missing')));
    expect(await broken('https://app.example.co.uk')).toBe('app.example.co.uk');
  });
});
