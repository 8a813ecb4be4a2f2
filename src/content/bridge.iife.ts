import {
  type BridgeNotice,
  type BridgeProbe,
  isProviderEventFor,
  isRequestId,
  type PageMessage,
  type ProviderAnswer,
  ProviderErrorCode,
  type ProviderRequest,
  REQUEST_CHANNEL,
  RESPONSE_CHANNEL,
  readPageRequest,
} from '../messages/provider.ts';

// The isolated-world bridge between the page's provider and the service worker. It accepts only
// messages its own window posted on the request channel, forwards only the parsed method and params
// (the worker takes the origin from Chrome, never from the page), answers only the ids the page used,
// and passes on only events the worker addressed to this frame's origin. Native `chrome.runtime` is
// promise-based in MV3, so no polyfill: this script runs in every page and must stay tiny.

// window.origin, not location.origin: a sandboxed frame's origin is opaque ("null") whatever its URL.
const origin = window.origin;
/** Requests of this frame waiting for the worker; more at once are refused, so a page cannot flood it. */
const MAX_IN_FLIGHT = 64;
/**
 * The wait before each re-send, when the background stopped mid-request. Chrome starts a stopped worker
 * for the message at once; a Firefox event page that is reloading has no listener for a moment, and a
 * message sent then fails at once, so the later tries wait a little longer each time.
 */
const RESEND_DELAYS_MS = [0, 250, 750, 2000];
let inFlight = 0;

/** Messages go to this frame's own window; a sandboxed frame's origin is "null", which only '*' can address. */
const target = origin === 'null' ? '*' : origin;
const post = (message: PageMessage) => window.postMessage(message, target);

window.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { channel?: unknown; id?: unknown } | null;
  if (event.source !== window || typeof data !== 'object' || data?.channel !== REQUEST_CHANNEL) return;
  const parsed = readPageRequest(data);
  if (parsed.ok) return void forward(parsed.request.id, parsed.request);
  // Answer a malformed request only if it names an id the page can match; drop everything else.
  if (isRequestId(data.id))
    post({
      channel: RESPONSE_CHANNEL,
      id: data.id,
      error: { code: ProviderErrorCode.invalidRequest, message: `Invalid request: ${parsed.issue}.` },
    });
});

async function forward(id: string | number, { method, params }: { method: string; params?: unknown }) {
  if (inFlight >= MAX_IN_FLIGHT)
    return post({
      channel: RESPONSE_CHANNEL,
      id,
      error: {
        code: ProviderErrorCode.limitExceeded,
        message: 'Too many requests at once. Wait for answers.',
      },
    });
  inFlight++;
  try {
    // The id goes along: a re-send after a worker restart is then known as the same request.
    post({
      channel: RESPONSE_CHANNEL,
      id,
      ...(await send({ type: 'provider/request', method, params, requestId: String(id) })),
    });
  } finally {
    inFlight--;
  }
}

/**
 * Sends to the worker, which Chrome starts if it is stopped. If the worker stops before it answers,
 * the request is sent again: every method is safe to repeat (a repeated approval request joins the
 * one still pending), so the dApp sees the answer, not the restart. After that, 4900.
 */
async function send(request: ProviderRequest): Promise<ProviderAnswer> {
  for (let attempt = 0; attempt <= RESEND_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await new Promise((resume) => setTimeout(resume, RESEND_DELAYS_MS[attempt - 1]));
    try {
      const answer = (await chrome.runtime.sendMessage(request)) as ProviderAnswer | undefined;
      if (answer && 'error' in answer) return { error: answer.error };
      if (answer && 'result' in answer) return { result: answer.result };
    } catch {
      if (!chrome.runtime?.id) break; // the extension was reloaded or removed: this script is orphaned
    }
  }
  return {
    error: {
      code: ProviderErrorCode.disconnected,
      message: 'The Okto extension is not reachable (it restarted or was updated). Try again.',
    },
  };
}

chrome.runtime.onMessage.addListener((message: unknown, sender, respond: (answer: unknown) => void) => {
  if (sender.id !== chrome.runtime.id || sender.tab) return;
  // Whether this document still exists, or (asked of a tab's top frame) which page embeds a frame.
  if ((message as BridgeProbe | null)?.type === 'provider/probe') return void respond(origin);
  if (!isProviderEventFor(message, origin)) return;
  post({ channel: RESPONSE_CHANNEL, event: message.event, data: message.data });
  respond(true); // tells the worker this document still listens
});

// A document that goes away (navigated, reloaded, closed) while requests wait tells the worker, which
// ends their approvals at once; which document it is, the worker reads from Chrome, not from here.
window.addEventListener('pagehide', (event) => {
  if (event.isTrusted && inFlight > 0)
    chrome.runtime.sendMessage({ type: 'provider/unload' } satisfies BridgeNotice).catch(() => {});
});
