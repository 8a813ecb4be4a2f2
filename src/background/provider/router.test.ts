import { describe, expect, it } from 'vitest';
import { senderOrigin } from './router.ts';

const tab = { id: 7 } as chrome.tabs.Tab;

describe('the origin of a provider request', () => {
  it('is the one Chrome reports for the sending frame', () => {
    expect(senderOrigin({ tab, origin: 'https://app.example', url: 'https://app.example/page' })).toBe(
      'https://app.example',
    );
    expect(senderOrigin({ tab, origin: 'http://127.0.0.1:8080', url: 'http://127.0.0.1:8080/x?y#z' })).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it('is refused for anything but http and https pages in a tab', () => {
    expect(senderOrigin({ tab, origin: 'null', url: 'about:blank' })).toBeUndefined();
    // A sandboxed frame: an http URL, an opaque origin.
    expect(senderOrigin({ tab, origin: 'null', url: 'https://app.example/frame' })).toBeUndefined();
    expect(senderOrigin({ tab, url: 'https://app.example/' })).toBeUndefined();
    expect(senderOrigin({ tab, origin: 'file://', url: 'file:///etc/passwd' })).toBeUndefined();
    expect(senderOrigin({ tab, origin: 'chrome-extension://abc' })).toBeUndefined();
    expect(senderOrigin({ origin: 'https://app.example' })).toBeUndefined(); // no tab: not a content script
  });
});
