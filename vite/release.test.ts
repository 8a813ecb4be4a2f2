import { describe, expect, it } from 'vitest';
import manifest from '../manifest.json' with { type: 'json' };
import { releaseCompanionUrl, releaseManifest } from './release.ts';

describe('the release build', () => {
  it('needs an https companion URL of another computer, and says why otherwise (F14, F7)', () => {
    expect(releaseCompanionUrl({ COMPANION_URL: 'https://companion.example.com/' })).toBe(
      'https://companion.example.com',
    );
    expect(() => releaseCompanionUrl({})).toThrow(/COMPANION_URL is missing/);
    expect(() => releaseCompanionUrl({ COMPANION_URL: 'http://companion.example.com' })).toThrow(
      /must start with https:\/\/.*take over/,
    );
    expect(() => releaseCompanionUrl({ COMPANION_URL: 'https://127.0.0.1:8791' })).toThrow(/this computer/);
    expect(() => releaseCompanionUrl({ COMPANION_URL: 'companion.example.com' })).toThrow(/not a URL/);
  });

  it('drops the development key and the loopback hosts, and adds the companion (F14, F16)', () => {
    const release = releaseManifest(manifest, 'https://companion.example.com');
    expect(release).not.toHaveProperty('key');
    expect(release.host_permissions).toEqual([
      'https://sandbox-api.okto.tech/*',
      'https://apigw.okto.tech/*',
      'https://companion.example.com/*',
    ]);
    expect(release.permissions).toEqual(manifest.permissions);
    expect(manifest.key).toBeDefined(); // the development build keeps its fixed id
  });
});
