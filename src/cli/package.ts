import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { build } from 'vite';
import manifest from '../../manifest.json' with { type: 'json' };
import { releaseCompanionUrl } from '../../vite/release.ts';

// `COMPANION_URL=https://… npm run package`: the release build users install. It writes
// `release/okto-login-chrome-<version>/` (load it unpacked to try it) and the zip beside it (upload that
// to the Chrome Web Store). Built for Okto production and the given companion: no development key, no
// loopback host permissions, no test hooks. `OKTO_RELEASE_DIR` moves the output (tests use a temp dir).

/** Where the release goes and what it is called. */
export function releasePaths(root: string, version: string): { folder: string; zip: string } {
  const name = `okto-login-chrome-${version}`;
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
  const { folder, zip } = releasePaths(root, manifest.version);
  mkdirSync(root, { recursive: true });
  rmSync(zip, { force: true });
  process.env.OKTO_OUT_DIR = folder;
  await build({ mode: 'release', logLevel: 'warn' });
  writeFileSync(zip, zipSync(filesOf(folder), { level: 9 }));
  console.log(`Release ${manifest.version} for Okto production, companion ${process.env.COMPANION_URL}:`);
  console.log(`  ${relative(process.cwd(), folder)}/  (chrome://extensions → Load unpacked, to try it)`);
  console.log(`  ${relative(process.cwd(), zip)}  (upload to the Chrome Web Store)`);
}

await main();
