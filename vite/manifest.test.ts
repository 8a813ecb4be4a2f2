import { describe, expect, it } from 'vitest';
import manifest from '../manifest.json' with { type: 'json' };
import { browserManifest, targetBrowser } from './manifest.ts';
import { releaseManifest } from './release.ts';

describe('one manifest source, one manifest per browser', () => {
  it('Chrome keeps its service worker and key, and gets no Firefox settings', () => {
    const chrome = browserManifest(manifest, 'chrome');
    expect(chrome.background).toEqual({ service_worker: 'src/background/index.ts', type: 'module' });
    expect(chrome.key).toBe(manifest.key);
    expect(chrome.minimum_chrome_version).toBe('120');
    expect(chrome).not.toHaveProperty('browser_specific_settings');
  });

  it('Firefox gets the same entry as a module event page, its gecko settings, and no key', () => {
    const firefox = browserManifest(manifest, 'firefox') as Record<string, unknown>;
    expect(firefox.background).toEqual({ scripts: ['src/background/index.ts'], type: 'module' });
    expect(firefox).not.toHaveProperty('key');
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
    expect(firefox.browser_specific_settings).toEqual({
      gecko: {
        id: 'okto-login@okto.tech',
        strict_min_version: '153.0',
        data_collection_permissions: {
          required: ['personallyIdentifyingInfo', 'authenticationInfo', 'financialAndPaymentInfo'],
        },
      },
    });
    // Everything else is shared.
    for (const field of ['permissions', 'host_permissions', 'content_scripts', 'action', 'options_ui'])
      expect(firefox[field]).toEqual((manifest as Record<string, unknown>)[field]);
  });

  it('the Firefox release drops the loopback hosts too', () => {
    const release = releaseManifest(browserManifest(manifest, 'firefox'), 'https://companion.example.com');
    expect(release.host_permissions).toEqual([
      'https://sandbox-api.okto.tech/*',
      'https://apigw.okto.tech/*',
      'https://companion.example.com/*',
    ]);
    expect(release).not.toHaveProperty('key');
  });

  it('OKTO_BROWSER picks the browser, chrome by default', () => {
    expect(targetBrowser({})).toBe('chrome');
    expect(targetBrowser({ OKTO_BROWSER: 'firefox' })).toBe('firefox');
    expect(() => targetBrowser({ OKTO_BROWSER: 'safari' })).toThrow(/expected chrome or firefox/);
  });
});
