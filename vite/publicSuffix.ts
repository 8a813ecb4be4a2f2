import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';
import type { Plugin } from 'vite';
import { PUBLIC_SUFFIX_FILE } from '../src/background/provider/site.ts';

// The Public Suffix List for the worker, taken from tldts (exact-pinned in package.json) at build time.
// tldts itself is 47 KB gzip, most of it the list compiled into its JavaScript: far too big for a
// worker that must stay under 60 KB. So the build decodes tldts' data into the list's own text format
// and ships it as a file the worker reads only when a site asks for approval
// (src/background/provider/site.ts). `site.test.ts` checks that the worker's answers equal tldts'.

/** tldts' packed trie (`tldts/dist/cjs/src/data/trie.js`), the parts read here. */
type PackedTrie = {
  nodeFlags: Uint8Array;
  edgeStart: ArrayLike<number>;
  edgeLength: ArrayLike<number>;
  edgeChild: ArrayLike<number>;
  labelText: string;
  rulesRoot: number;
  exceptionsRoot: number;
};

/**
 * Every rule of tldts' list (ICANN and private sections), in the Public Suffix List's syntax
 * (`co.uk`, `*.ck`, `!www.ck`), with labels in ASCII (punycode) as Chrome reports hostnames; sorted.
 */
export function publicSuffixRules(): string[] {
  const require = createRequire(import.meta.url);
  const trie = require('tldts/dist/cjs/src/data/trie.js') as PackedTrie;
  // Labels are stored back to back, edge after edge in node order (as tldts' own loader reads them).
  const offsets: number[] = [];
  for (let node = 0, offset = 0; node < trie.nodeFlags.length; node++)
    for (let edge = trie.edgeStart[node] ?? 0; edge < (trie.edgeStart[node + 1] ?? 0); edge++) {
      offsets[edge] = offset;
      offset += trie.edgeLength[edge] ?? 0;
    }
  const walk = (root: number): string[] => {
    const found: string[] = [];
    // Labels from the right (the TLD) to the left; a node with a flag ends a rule.
    const visit = (node: number, labels: string[]) => {
      for (let edge = trie.edgeStart[node] ?? 0; edge < (trie.edgeStart[node + 1] ?? 0); edge++) {
        const start = offsets[edge] ?? 0;
        const label = trie.labelText.slice(start, start + (trie.edgeLength[edge] ?? 0));
        const child = trie.edgeChild[edge] ?? 0;
        const path = [label, ...labels];
        if ((trie.nodeFlags[child] ?? 0) & 3) found.push(path.join('.'));
        visit(child, path);
      }
    };
    visit(root, []);
    return found;
  };
  const ascii = (rule: string) =>
    rule.startsWith('*.') ? `*.${domainToASCII(rule.slice(2))}` : domainToASCII(rule);
  const rules = new Set<string>();
  for (const rule of walk(trie.rulesRoot)) rules.add(ascii(rule));
  for (const rule of walk(trie.exceptionsRoot)) rules.add(`!${ascii(rule)}`);
  rules.delete('');
  rules.delete('!');
  return [...rules].sort();
}

/** Emits {@link PUBLIC_SUFFIX_FILE} into the extension. */
export function publicSuffixList(): Plugin {
  return {
    name: 'okto:public-suffix-list',
    apply: 'build',
    generateBundle() {
      const require = createRequire(import.meta.url);
      const { version } = require('tldts/package.json') as { version: string };
      const header = `// The Public Suffix List (https://publicsuffix.org/), ICANN and private sections, from tldts ${version}.`;
      this.emitFile({
        type: 'asset',
        fileName: PUBLIC_SUFFIX_FILE,
        source: `${header}\n${publicSuffixRules().join('\n')}\n`,
      });
    },
  };
}
