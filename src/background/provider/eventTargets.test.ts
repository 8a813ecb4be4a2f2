import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../messages/provider.ts';
import { createEventTargets, type FrameTarget } from './eventTargets.ts';

function sessionStorage() {
  const data = new Map<string, unknown>();
  return {
    get: async (key: string) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
    },
  } as unknown as Pick<chrome.storage.StorageArea, 'get' | 'set'>;
}

const sender = (tabId: number, documentId: string) =>
  ({ tab: { id: tabId }, frameId: 0, documentId }) as chrome.runtime.MessageSender;

describe('event targets', () => {
  it('send an event only to the documents of its origin, also after a worker restart', async () => {
    const storage = sessionStorage();
    const first = createEventTargets({ storage, deliver: async () => true });
    await first.remember('https://a.example', sender(1, 'doc-a'));
    await first.remember('https://b.example', sender(2, 'doc-b'));
    const delivered: [string | undefined, ProviderEvent][] = [];
    const restarted = createEventTargets({
      storage,
      deliver: async (frame: FrameTarget, message) => delivered.push([frame.documentId, message]),
    });
    await restarted.send('https://a.example', 'accountsChanged', []);
    expect(delivered).toEqual([
      ['doc-a', { type: 'provider/event', origin: 'https://a.example', event: 'accountsChanged', data: [] }],
    ]);
  });

  it('forget documents that are gone, and the frames of closed tabs', async () => {
    let attempts = 0;
    const targets = createEventTargets({
      storage: sessionStorage(),
      deliver: async (frame) => {
        attempts++;
        if (frame.documentId === 'gone')
          throw new Error('Could not establish connection. Receiving end does not exist.');
      },
    });
    await targets.remember('https://a.example', sender(1, 'gone'));
    await targets.remember('https://a.example', sender(2, 'alive'));
    await targets.remember('https://a.example', sender(3, 'closed'));
    await targets.forgetTab(3);
    await targets.send('https://a.example', 'disconnect', {});
    expect(attempts).toBe(2);
    await targets.send('https://a.example', 'disconnect', {});
    expect(attempts).toBe(3);
  });

  it('keep at most maxFramesPerOrigin documents of one origin, so a busy site cannot push out the others', async () => {
    const delivered: string[] = [];
    const targets = createEventTargets({
      storage: sessionStorage(),
      deliver: async (frame) => void delivered.push(`${frame.origin} ${frame.documentId}`),
      maxFrames: 100,
      maxFramesPerOrigin: 3,
    });
    await targets.remember('https://quiet.example', sender(1, 'quiet'));
    for (let i = 0; i < 500; i++) await targets.remember('https://busy.example', sender(2, `busy-${i}`));
    await targets.send('https://quiet.example', 'accountsChanged', []);
    await targets.send('https://busy.example', 'accountsChanged', []);
    expect(delivered).toEqual([
      'https://quiet.example quiet',
      'https://busy.example busy-497',
      'https://busy.example busy-498',
      'https://busy.example busy-499',
    ]);
  });
});
