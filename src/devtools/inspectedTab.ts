// Which tab the panel debugs. In DevTools it is the inspected window; when panel.html is opened on
// its own (tests, or a developer pinning it in a tab), `?tabId=<n>&origin=<origin>` say it.

export type InspectedTab = {
  /** `-1` when unknown: the panel then shows only the worker-wide Okto and companion calls. */
  tabId: number;
  /** The page's origin as DevTools or the query string reports it; the worker may know it otherwise. */
  origin?: string;
};

/** Whether the panel runs inside DevTools (rather than as a plain extension page). */
export function isInDevtools(): boolean {
  return typeof chrome !== 'undefined' && chrome.devtools?.inspectedWindow !== undefined;
}

/** The inspected tab from the query string, for panel.html opened directly. */
export function inspectedTabFromQuery(search: string): InspectedTab {
  const params = new URLSearchParams(search);
  const tabId = Number(params.get('tabId'));
  const origin = params.get('origin') ?? undefined;
  return {
    tabId: Number.isInteger(tabId) && tabId >= 0 && params.has('tabId') ? tabId : -1,
    origin: originOf(origin),
  };
}

/** The inspected page's origin, asked of the page itself; `undefined` for pages without one. */
export function evalInspectedOrigin(): Promise<string | undefined> {
  return new Promise((resolve) => {
    chrome.devtools.inspectedWindow.eval('location.origin', (result: unknown, exception) => {
      resolve(exception || typeof result !== 'string' ? undefined : originOf(result));
    });
  });
}

/** `https://a.example` for an http(s) origin or URL; `undefined` for anything else (`null`, `about:`). */
export function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
