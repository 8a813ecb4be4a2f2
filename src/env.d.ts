/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The companion a release build talks to by default (`COMPANION_URL` of `npm run package`); '' otherwise. */
  readonly OKTO_COMPANION_URL?: string;
}
