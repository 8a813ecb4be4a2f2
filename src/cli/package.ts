import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { build } from 'vite';
import manifest from '../../manifest.json' with { type: 'json' };
import { BROWSERS, type Browser } from '../../vite/manifest.ts';
import { releaseCompanionUrl } from '../../vite/release.ts';

// `COMPANION_URL=https://… npm run package`: the release builds users install, one per browser. It writes
// `release/okto-login-<browser>-<version>/` (load it unpacked to try it) and the zip beside it: upload
// okto-login-chrome-… to the Chrome Web Store and okto-login-firefox-… to addons.mozilla.org (with the
// source, which AMO asks for bundled code). Built for Okto production and the given companion: no development
// key, no loopback host permissions, no test hooks. `OKTO_RELEASE_DIR` moves the output (tests use a temp dir).

/** Where the release for `browser` goes and what it is called. */
export function releasePaths(
  root: string,
  version: string,
  browser: Browser = 'chrome',
): { folder: string; zip: string } {
  const name = `okto-login-${browser}-${version}`;
  return { folder: join(root, name), zip: join(root, `${name}.zip`) };
}

/** Every file under `folder`, as zip entries keyed by their path inside it. */
function filesOf(folder: string): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else entries[relative(folder, path).replaceAll('\\', '/')] = readFileSync(path);
    }
  };
  walk(folder);
  return entries;
}

async function main(): Promise<void> {
  try {
    releaseCompanionUrl(process.env); // says what is wrong before anything is built
  } catch (error) {
    console.error(`npm run package: ${(error as Error).message}`);
    process.exit(2);
  }
  const root = resolve(process.env.OKTO_RELEASE_DIR ?? 'release');
  mkdirSync(root, { recursive: true });
  const built: Record<Browser, { folder: string; zip: string }> = {
    chrome: releasePaths(root, manifest.version, 'chrome'),
    firefox: releasePaths(root, manifest.version, 'firefox'),
  };
  // One after the other: each build reads OKTO_BROWSER and OKTO_OUT_DIR when its config loads.
  for (const browser of BROWSERS) {
    const { folder, zip } = built[browser];
    rmSync(zip, { force: true });
    process.env.OKTO_BROWSER = browser;
    process.env.OKTO_OUT_DIR = folder;
    await build({ mode: 'release', logLevel: 'warn' });
    writeFileSync(zip, zipSync(filesOf(folder), { level: 9 }));
  }
  const shown = (path: string) => relative(process.cwd(), path);
  console.log(`Release ${manifest.version} for Okto production, companion ${process.env.COMPANION_URL}:`);
  console.log(`  ${shown(built.chrome.folder)}/  (chrome://extensions → Load unpacked, to try it)`);
  console.log(`  ${shown(built.chrome.zip)}  (upload to the Chrome Web Store)`);
  console.log(
    `  ${shown(built.firefox.folder)}/  (about:debugging → This Firefox → Load Temporary Add-on, to try it)`,
  );
  console.log(`  ${shown(built.firefox.zip)}  (upload to addons.mozilla.org, with the source)`);
}

await main();
