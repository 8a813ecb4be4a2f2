import type { PendingRequestView } from '../messages/provider.ts';
import { Alert } from '../popup/ui.tsx';

/** Whether an http origin is still private to this computer (then plain http is not a warning sign). */
const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/**
 * Who asks, for every kind of request: the site (registrable domain) large, the exact origin below it,
 * and, for a frame, the page that embeds it ("widget.example, inside news.example").
 */
export function RequestOrigin({ request }: { request: PendingRequestView }) {
  const url = new URL(request.origin);
  const embedding = request.embeddedIn.map((e) => e.site).join(', ');
  return (
    <>
      <h1 class="title request-site" data-testid="approval-site">
        {request.site}
      </h1>
      <p class="muted origin" data-testid="approval-origin">
        {request.origin}
      </p>
      {request.embeddedIn.length > 0 && (
        <div class="notice embedding" role="note">
          <p data-testid="approval-embedding">
            <strong>{request.site}</strong>, inside <strong>{embedding}</strong>
          </p>
          <p class="muted">
            A frame of {request.origin} inside {request.embeddedIn.map((e) => e.origin).join(', ')} asks.
            Approve only if you expected {request.site} on that page.
          </p>
        </div>
      )}
      {url.protocol === 'http:' && !isLoopback(url) && (
        <Alert>This site does not use HTTPS: others on the network could see or change it.</Alert>
      )}
    </>
  );
}
