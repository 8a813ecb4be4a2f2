// The site of an origin: its registrable domain (eTLD+1) by the Public Suffix List, as browsers
// group origins into sites. The approval window shows it prominently (`app.example.co.uk` is
// `example.co.uk`; `alice.github.io` is itself), and approval limits count per site, so a page with
// wildcard subdomains is one site, not thousands. The list is the one tldts ships, written by the
// build into a file (vite/publicSuffix.ts) and read here only when a site first asks for approval:
// compiled into the worker it would more than double the worker's size.

/** The list's file at the root of the extension, written by the build. */
export const PUBLIC_SUFFIX_FILE = 'public-suffix.txt';

/** The rules of the list, split by kind, labels in ASCII. */
export type PublicSuffixRules = {
  rules: ReadonlySet<string>;
  /** `*.ck` is stored as `ck`. */
  wildcards: ReadonlySet<string>;
  /** `!www.ck` is stored as `www.ck`. */
  exceptions: ReadonlySet<string>;
};

/** Reads the list's text format: one rule per line; `//` comments and blank lines are skipped. */
export function parsePublicSuffixList(text: string): PublicSuffixRules {
  const rules = new Set<string>();
  const wildcards = new Set<string>();
  const exceptions = new Set<string>();
  for (const line of text.split('\n')) {
    const rule = line.trim().toLowerCase();
    if (!rule || rule.startsWith('//')) continue;
    if (rule.startsWith('!')) exceptions.add(rule.slice(1));
    else if (rule.startsWith('*.')) wildcards.add(rule.slice(2));
    else rules.add(rule);
  }
  return { rules, wildcards, exceptions };
}

const isIpAddress = (host: string) => host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/**
 * The registrable domain of `hostname` (lower case, ASCII as in a URL): the public suffix plus one
 * label. An IP address, a single label (`localhost`) and a public suffix itself (`github.io`) are
 * their own site.
 *
 * @example
 * registrableDomain('app.example.co.uk', rules) // 'example.co.uk'
 */
export function registrableDomain(
  hostname: string,
  { rules, wildcards, exceptions }: PublicSuffixRules,
): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isIpAddress(host)) return host;
  const labels = host.split('.');
  const from = (i: number) => labels.slice(i).join('.');
  // The prevailing rule: an exception first, else the longest matching rule, else `*` (the last label).
  let suffixLabels = 1;
  const exception = labels.findIndex((_, i) => exceptions.has(from(i)));
  if (exception !== -1) suffixLabels = labels.length - exception - 1;
  else {
    const match = labels.findIndex(
      (_, i) => rules.has(from(i)) || (i + 1 < labels.length && wildcards.has(from(i + 1))),
    );
    if (match !== -1) suffixLabels = labels.length - match;
  }
  return labels.length <= suffixLabels ? host : labels.slice(-(suffixLabels + 1)).join('.');
}

/** Answers the site of an origin (`https://app.example.co.uk` → `example.co.uk`). */
export type SiteOf = (origin: string) => Promise<string>;

/**
 * The site resolver of the worker, over the list `load` reads (once, when first needed). If the list
 * cannot be read, the host itself stands for the site: limits then count per host, which is stricter
 * for nobody but never wrong about who asked.
 */
export function createSiteResolver(load: () => Promise<string>): SiteOf {
  let rules: Promise<PublicSuffixRules> | undefined;
  return async (origin) => {
    const { hostname } = new URL(origin);
    rules ??= load().then(parsePublicSuffixList);
    try {
      return registrableDomain(hostname, await rules);
    } catch {
      rules = undefined; // try again next time
      return hostname;
    }
  };
}
