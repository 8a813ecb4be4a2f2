import type { Plugin } from 'vite';

/**
 * Lazy `import()` calls inside dependencies that the service worker uses, keyed by the module path suffix.
 *
 * MV3 service workers reject `import()` at run time ("import() is disallowed on ServiceWorkerGlobalScope"), and
 * Vite's preload helper hides that as `ReferenceError: window is not defined`. The build succeeds either way, so
 * these are rewritten to static imports before bundling.
 */
export const SW_STATIC_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  // viem `recoverPublicKey` (used by verifyMessage / recoverAddress).
  '/viem/_esm/utils/signature/recoverPublicKey.js': ['@noble/curves/secp256k1'],
  // viem `call` (used by publicClient.call / readContract) loads CCIP-Read lazily.
  '/viem/_esm/actions/public/call.js': ['../../utils/ccip.js'],
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Rewrites the known lazy `import('x')` calls of {@link SW_STATIC_IMPORTS} into a static namespace import plus
 * `Promise.resolve(namespace)`, so no chunk the service worker loads contains `import()`.
 *
 * Fails the build if an expected dynamic import is missing, so a dependency upgrade that moves it is noticed
 * instead of silently shipping a broken worker.
 *
 * @example
 * plugins: [swStaticImports(), preact(), crx({ manifest }), assertNoDynamicImportInSW('/src/background/index.ts')]
 */
export function swStaticImports(
  table: Readonly<Record<string, readonly string[]>> = SW_STATIC_IMPORTS,
): Plugin {
  return {
    name: 'okto:sw-static-imports',
    enforce: 'pre',
    transform(code, id) {
      const normalized = id.replaceAll('\\', '/').split('?')[0] ?? id;
      const key = Object.keys(table).find((suffix) => normalized.endsWith(suffix));
      if (!key) return null;
      let out = code;
      (table[key] ?? []).forEach((spec, i) => {
        const pattern = new RegExp(`import\\((['"])${escapeRegExp(spec)}\\1\\)`, 'g');
        if (!pattern.test(out))
          this.error(`expected a dynamic import of ${spec} in ${id}; update SW_STATIC_IMPORTS`);
        out = `import * as __swStatic${i} from '${spec}';\n${out.replace(pattern, `Promise.resolve(__swStatic${i})`)}`;
      });
      return { code: out, map: null };
    },
  };
}

/**
 * Fails the build if any chunk statically reachable from the service-worker entry still has a dynamic `import()`.
 *
 * This is the guard behind {@link swStaticImports}: new code or a new dependency that adds `import()` to the
 * worker's graph breaks the build with the offending chunks listed, rather than breaking the worker at run time.
 *
 * @param swEntry - Path suffix of the worker entry module, as in the manifest (e.g. `/src/background/index.ts`).
 */
export function assertNoDynamicImportInSW(swEntry: string): Plugin {
  return {
    name: 'okto:assert-no-dynamic-import-in-sw',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find(
        (file) => file.type === 'chunk' && file.facadeModuleId?.replaceAll('\\', '/').endsWith(swEntry),
      );
      if (entry?.type !== 'chunk') {
        this.error(`service worker entry ${swEntry} not found in the bundle`);
      }
      const seen = new Set<string>();
      const stack = [entry.fileName];
      const offenders: string[] = [];
      for (let fileName = stack.pop(); fileName !== undefined; fileName = stack.pop()) {
        if (seen.has(fileName)) continue;
        seen.add(fileName);
        const chunk = bundle[fileName];
        if (chunk?.type !== 'chunk') continue;
        if (chunk.dynamicImports.length > 0)
          offenders.push(`${fileName} -> ${chunk.dynamicImports.join(', ')}`);
        stack.push(...chunk.imports);
      }
      if (offenders.length > 0) {
        this.error(`service worker graph contains dynamic import():\n${offenders.join('\n')}`);
      }
    },
  };
}
