import type { ProviderEvent, ProviderEventName } from '../../messages/provider.ts';

// The frames that used the provider, by origin, so that events (accountsChanged, …) reach the open
// tabs of a site. Kept in chrome.storage.session: a restarted worker still knows them, a browser
// restart forgets them. Events go to one document at a time (Chrome's documentId), so a frame that
// navigated to another site never receives them; its bridge also checks the origin.

const KEY = 'provider/frames';

/** One document that sent a provider request. */
export type FrameTarget = { origin: string; tabId: number; frameId: number; documentId?: string };

export type EventTargets = {
  /** Records the frame that sent a request (cheap when it is already known). */
  remember(origin: string, sender: chrome.runtime.MessageSender): Promise<void>;
  /** Sends `event` to every known frame of `origin`; frames that are gone are forgotten. */
  send(origin: string, event: ProviderEventName, data: unknown): Promise<void>;
  /** Forgets the frames of a closed tab. */
  forgetTab(tabId: number): Promise<void>;
};

export type CreateEventTargetsParameters = {
  storage?: Pick<chrome.storage.StorageArea, 'get' | 'set'>;
  /** Delivers one message to one frame; rejects if the frame is gone. */
  deliver?: (frame: FrameTarget, message: ProviderEvent) => Promise<unknown>;
  /** Frames remembered at most, the oldest dropped first. */
  maxFrames?: number;
  /** Frames of one origin remembered at most (its oldest dropped first), so no site crowds out the others. */
  maxFramesPerOrigin?: number;
};

const keyOf = (f: FrameTarget) => f.documentId ?? `${f.tabId}:${f.frameId}`;

/** The registry of frames to send provider events to. */
export function createEventTargets({
  storage = chrome.storage.session,
  deliver = (frame, message) =>
    chrome.tabs.sendMessage(
      frame.tabId,
      message,
      frame.documentId ? { documentId: frame.documentId } : { frameId: frame.frameId },
    ),
  maxFrames = 500,
  maxFramesPerOrigin = 50,
}: CreateEventTargetsParameters = {}): EventTargets {
  let frames: Promise<Map<string, FrameTarget>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = () => {
    frames ??= storage.get(KEY).then((items) => {
      const list = Array.isArray(items[KEY]) ? (items[KEY] as FrameTarget[]) : [];
      return new Map(list.map((f) => [keyOf(f), f]));
    });
    return frames;
  };
  /** Changes the registry in order and persists it. */
  const update = (change: (map: Map<string, FrameTarget>) => boolean) => {
    const next = queue.then(async () => {
      const map = await load();
      if (change(map)) await storage.set({ [KEY]: [...map.values()] });
    });
    queue = next.catch(() => {});
    return next;
  };

  return {
    async remember(origin, sender) {
      if (sender.tab?.id === undefined || sender.frameId === undefined) return;
      const frame: FrameTarget = {
        origin,
        tabId: sender.tab.id,
        frameId: sender.frameId,
        documentId: sender.documentId,
      };
      if ((await load()).get(keyOf(frame))?.origin === origin) return;
      await update((map) => {
        map.delete(keyOf(frame));
        map.set(keyOf(frame), frame);
        const ofOrigin = [...map].filter(([, f]) => f.origin === origin);
        for (const [key] of ofOrigin.slice(0, Math.max(0, ofOrigin.length - maxFramesPerOrigin)))
          map.delete(key);
        while (map.size > maxFrames) map.delete(map.keys().next().value as string);
        return true;
      });
    },
    async send(origin, event, data) {
      const targets = [...(await load()).values()].filter((f) => f.origin === origin);
      const message: ProviderEvent = { type: 'provider/event', origin, event, data };
      const gone: string[] = [];
      await Promise.all(
        targets.map((f) =>
          deliver(f, message).catch((error: unknown) => {
            // "Receiving end does not exist", "No tab with id": the document is gone.
            if (!String(error).includes('message port closed')) gone.push(keyOf(f));
          }),
        ),
      );
      if (gone.length > 0) await update((map) => gone.map((key) => map.delete(key)).some(Boolean));
    },
    forgetTab(tabId) {
      return update((map) => {
        let changed = false;
        for (const [key, f] of map)
          if (f.tabId === tabId) {
            map.delete(key);
            changed = true;
          }
        return changed;
      });
    },
  };
}
