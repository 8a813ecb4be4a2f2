import type { OktoTestHooks } from '../../src/background/index.ts';

declare global {
  /** The service worker's test hooks (src/background/index.ts), for `serviceWorker.evaluate`. */
  var __okto: OktoTestHooks;
}
