import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { assertNoDynamicImportInSW, swStaticImports } from './vite/plugins.ts';
import { publicSuffixList } from './vite/publicSuffix.ts';

export default defineConfig({
  plugins: [
    swStaticImports(),
    preact(),
    crx({ manifest }),
    assertNoDynamicImportInSW(`/${manifest.background.service_worker}`),
    publicSuffixList(),
  ],
  build: {
    target: 'chrome120',
    modulePreload: { polyfill: false },
    emptyOutDir: true,
    // panel.html is opened only from devtools.ts, so the manifest does not name it.
    // approval.html is opened only by the worker (chrome.windows.create), so the manifest does not name it.
    rolldownOptions: { input: { panel: 'panel.html', approval: 'approval.html' } },
  },
  server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
});
