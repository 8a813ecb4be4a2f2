import {
  type PageMessage,
  type PageRequest,
  ProviderErrorCode,
  REQUEST_CHANNEL,
  RESPONSE_CHANNEL,
} from '../messages/provider.ts';

// The provider dApps see, in the page's main world: `window.okto`, an EIP-1193 provider, also
// announced through EIP-6963. It only posts requests to its own window; the isolated-world bridge
// (src/content/bridge.iife.ts) carries them to the worker, which decides by the origin Chrome reports.
// Injected at document_start into every page and frame, so it stays tiny and framework-free.

type Listener = (...args: unknown[]) => void;

/** An EIP-1193 error: `code` 4001 rejected, 4100 unauthorized, 4200 unsupported, 4900 disconnected, -326xx. */
class ProviderRpcError extends Error {
  code: number;
  data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ProviderRpcError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

/** A random UUID v4; `crypto.randomUUID` exists only in secure contexts, and dApps may be on plain http. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="22" fill="#5b4cf0"/><circle cx="48" cy="48" r="24" fill="none" stroke="#fff" stroke-width="10"/></svg>',
)}`;

if (!('okto' in window)) {
  // To this frame's own window; a sandboxed frame's origin is "null", which only '*' can address.
  const target = window.origin === 'null' ? '*' : window.origin;
  const pending = new Map<string, [(value: unknown) => void, (error: ProviderRpcError) => void]>();
  const listeners = new Map<string, Set<Listener>>();
  const prefix = `${uuid().slice(0, 8)}:`;
  let counter = 0;

  const emit = (event: string, data: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(data);
      } catch (error) {
        // A dApp's listener that throws must not stop the others.
        setTimeout(() => {
          throw error;
        });
      }
    }
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as PageMessage | null;
    if (event.source !== window || message?.channel !== RESPONSE_CHANNEL) return;
    if ('event' in message) return emit(message.event, message.data);
    const waiting = pending.get(String(message.id));
    if (!waiting) return;
    pending.delete(String(message.id));
    if ('error' in message)
      waiting[1](new ProviderRpcError(message.error.code, message.error.message, message.error.data));
    else waiting[0](message.result);
  });

  const provider = Object.freeze({
    isOkto: true,
    /** Sends an EIP-1193 request; see the README for the methods. */
    request(args: { method: string; params?: unknown }): Promise<unknown> {
      const { method, params } = (args ?? {}) as { method?: unknown; params?: unknown };
      if (typeof method !== 'string' || !method)
        return Promise.reject(
          new ProviderRpcError(
            ProviderErrorCode.invalidRequest,
            'request() takes { method: string, params? }.',
          ),
        );
      if (params !== undefined && (typeof params !== 'object' || params === null))
        return Promise.reject(
          new ProviderRpcError(ProviderErrorCode.invalidParams, 'params must be an array or an object.'),
        );
      const id = prefix + ++counter;
      return new Promise((resolve, reject) => {
        pending.set(id, [resolve, reject]);
        try {
          window.postMessage({ channel: REQUEST_CHANNEL, id, method, params } satisfies PageRequest, target);
        } catch {
          pending.delete(id);
          reject(
            new ProviderRpcError(
              ProviderErrorCode.invalidParams,
              'params must be plain data (no functions).',
            ),
          );
        }
      });
    },
    /** Listens to connect, disconnect, accountsChanged, chainChanged or okto_sessionChanged. */
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  });

  Object.defineProperty(window, 'okto', { value: provider, enumerable: true });

  const detail = Object.freeze({
    info: Object.freeze({ uuid: uuid(), name: 'Okto', icon: ICON, rdns: 'tech.okto' }),
    provider,
  });
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
}
