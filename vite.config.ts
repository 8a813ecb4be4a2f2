import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { backgroundEntry, browserManifest, targetBrowser } from './vite/manifest.ts';
import { assertNoDynamicImportInSW, swStaticImports } from './vite/plugins.ts';
import { publicSuffixList } from './vite/publicSuffix.ts';
import { releaseCompanionUrl, releaseManifest } from './vite/release.ts';

// `vite build` is the development build (fixed id, loopback stack, test hooks); `vite build --mode
// release` (run by `npm run package`) is the one users install: see vite/release.ts. `OKTO_BROWSER`
// (chrome or firefox, default chrome) picks the browser: one manifest source, `dist/<browser>/` each
// (`npm run build` makes both).
export default defineConfig(({ mode }) => {
  const release = mode === 'release';
  const browser = targetBrowser(process.env);
  const companionUrl = release ? releaseCompanionUrl(process.env) : undefined;
  const source = browserManifest(manifest, browser);
  // JSON widens crxjs' string unions (data_collection_permissions) to string: the file is checked by the browsers.
  const built = (companionUrl ? releaseManifest(source, companionUrl) : source) as ManifestV3Export;
  return {
    plugins: [
      swStaticImports(),
      preact(),
      crx({ manifest: built, browser }),
      assertNoDynamicImportInSW(`/${backgroundEntry(manifest)}`),
      publicSuffixList(),
    ],
    define: {
      'import.meta.env.OKTO_COMPANION_URL': JSON.stringify(companionUrl ?? ''),
    },
    build: {
      // Firefox: the gecko strict_min_version (MessageSender.documentId, which approvals need, is 153).
      target: browser === 'firefox' ? 'firefox153' : 'chrome120',
      modulePreload: { polyfill: false },
      emptyOutDir: true,
      outDir: process.env.OKTO_OUT_DIR ?? `dist/${browser}`,
      // panel.html is opened only from devtools.ts, so the manifest does not name it.
      // approval.html is opened only by the worker (chrome.windows.create), so the manifest does not name it.
      rolldownOptions: { input: { panel: 'panel.html', approval: 'approval.html' } },
    },
    server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
  };
});
