import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The anvil executable comes from npm: `@foundry-rs/anvil` lists one optional package per platform, and
// npm installs the one that matches. Its binary is resolved from there, never downloaded at run time
// (the wrapper's postinstall download is not needed and not run).

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

/** anvil is not installed for this platform: the message says what to do. */
export class AnvilNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnvilNotFoundError';
  }
}

/**
 * The path of the anvil binary installed by `@foundry-rs/anvil` for this platform, or `ANVIL_BINARY`
 * from the environment when set (e.g. a Foundry install on a platform npm has no package for).
 * Throws {@link AnvilNotFoundError} when neither is there.
 */
export function resolveAnvilBinary({
  platform = process.platform,
  arch = process.arch,
  env = process.env,
}: {
  platform?: string;
  arch?: string;
  env?: Record<string, string | undefined>;
} = {}): string {
  const override = env.ANVIL_BINARY;
  if (override) {
    if (!existsSync(override)) throw new AnvilNotFoundError(`ANVIL_BINARY=${override} does not exist`);
    return override;
  }
  const packageName = PLATFORM_PACKAGES[`${platform}-${arch}`];
  if (!packageName)
    throw new AnvilNotFoundError(
      `@foundry-rs/anvil has no binary for ${platform}-${arch}: install Foundry and set ANVIL_BINARY to its anvil, or run the emulator with --no-chains`,
    );
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
  } catch {
    throw new AnvilNotFoundError(
      `${packageName} is not installed: run \`npm ci\` (without --omit=optional), or run the emulator with --no-chains`,
    );
  }
  const binary = join(dirname(packageJson), 'bin', platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(binary)) throw new AnvilNotFoundError(`${packageName} is installed but has no ${binary}`);
  return binary;
}
