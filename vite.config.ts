import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { assertNoDynamicImportInSW, swStaticImports } from './vite/plugins.ts';
import { publicSuffixList } from './vite/publicSuffix.ts';
import { releaseCompanionUrl, releaseManifest } from './vite/release.ts';

// `vite build` is the development build (dist/, fixed id, loopback stack, test hooks); `vite build
// --mode release` (run by `npm run package`) is the one users install: see vite/release.ts.
export default defineConfig(({ mode }) => {
  const release = mode === 'release';
  const companionUrl = release ? releaseCompanionUrl(process.env) : undefined;
  return {
    plugins: [
      swStaticImports(),
      preact(),
      crx({ manifest: companionUrl ? releaseManifest(manifest, companionUrl) : manifest }),
      assertNoDynamicImportInSW(`/${manifest.background.service_worker}`),
      publicSuffixList(),
    ],
    define: {
      'import.meta.env.OKTO_COMPANION_URL': JSON.stringify(companionUrl ?? ''),
    },
    build: {
      target: 'chrome120',
      modulePreload: { polyfill: false },
      emptyOutDir: true,
      outDir: process.env.OKTO_OUT_DIR ?? 'dist',
      // panel.html is opened only from devtools.ts, so the manifest does not name it.
      // approval.html is opened only by the worker (chrome.windows.create), so the manifest does not name it.
      rolldownOptions: { input: { panel: 'panel.html', approval: 'approval.html' } },
    },
    server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
  };
});
