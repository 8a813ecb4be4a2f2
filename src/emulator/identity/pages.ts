import { CHOOSER_ACCOUNTS } from './accounts.ts';

// The stand-ins' pages: plain HTML forms, no inline script or style, each served with a strict CSP. The
// only script is Apple's form_post submitter, a file served from the emulator itself.

/** Where the pages' one stylesheet and the form_post script live. */
export const PAGE_STYLESHEET_PATH = '/idp/assets/page.css';
export const FORM_POST_SCRIPT_PATH = '/idp/assets/form_post.js';

/** A page and its headers; the routes turn it into a Response. */
export type HtmlPage = { status: 200 | 400 | 401; html: string; headers: Record<string, string> };

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The CSP of every page. `formTargets` are the origins a form may post to besides the page's own; the
 * extension's redirect origins (Chrome's and Firefox's) are always among them, since CSP checks the redirect after a form post too.
 */
function securityHeaders({ script = false, formTargets = [] as string[] } = {}): Record<string, string> {
  const formAction = [
    "'self'",
    ...new Set(formTargets),
    'https://*.chromiumapp.org',
    'https://*.extensions.allizom.org',
  ].join(' ');
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; script-src ${script ? "'self'" : "'none'"}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

export type ChooserPageParameters = {
  /** "Google", "Apple", "X", "Example app". */
  providerName: string;
  /** The path the form posts to: the authorize route itself. */
  action: string;
  /** The request's parameters, carried to the decision as hidden fields. */
  hidden: Record<string, string>;
  /** Who asks: the client id, shown as text. */
  clientLabel: string;
  redirectUri: string;
  /** A problem with the last attempt, e.g. an address that is not one. */
  notice?: string;
};

/**
 * The account chooser of every stand-in: radios `input[name=account]` (alice@example.com checked,
 * bob@example.com), a field `#other-account` for any address, and the buttons `#approve` and `#cancel`.
 */
export function renderChooserPage(p: ChooserPageParameters): HtmlPage {
  const hidden = Object.entries(p.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const radios = CHOOSER_ACCOUNTS.map(
    (account, i) =>
      `<label><input type="radio" name="account" value="${account}"${i === 0 ? ' checked' : ''}> ${account}</label>`,
  ).join('\n');
  const body = `<h1>Sign in with ${escapeHtml(p.providerName)}</h1>
<p class="note">Okto emulator: a local stand-in for ${escapeHtml(p.providerName)}. No real account is used.</p>
<p><strong>${escapeHtml(p.clientLabel)}</strong> asks who you are.</p>
${p.notice === undefined ? '' : `<p class="notice" role="alert">${escapeHtml(p.notice)}</p>`}
<form method="post" action="${escapeHtml(p.action)}">
${hidden}
<fieldset>
<legend>Choose an account</legend>
${radios}
<label>Another address <input type="text" id="other-account" name="other_account" inputmode="email" autocomplete="off" placeholder="carol@example.com"></label>
</fieldset>
<button type="submit" id="approve" name="decision" value="approve">Continue</button>
<button type="submit" id="cancel" name="decision" value="cancel">Cancel</button>
</form>`;
  return {
    status: 200,
    html: document(`Sign in with ${p.providerName} (Okto emulator)`, body),
    headers: securityHeaders({ formTargets: originOf(p.redirectUri) }),
  };
}

/** A provider's error page, shown instead of a redirect: "Error 400: redirect_uri_mismatch". */
export function renderErrorPage(status: 400 | 401, error: string, description: string): HtmlPage {
  const title = `Error ${status}: ${error}`;
  return {
    status,
    html: document(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(description)}</p>`),
    headers: securityHeaders(),
  };
}

/** Apple's `response_mode=form_post`: a form that the emulator's own script submits at once. */
export function renderFormPostPage(redirectUri: string, fields: Record<string, string>): HtmlPage {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const body = `<form id="form-post" method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script src="${FORM_POST_SCRIPT_PATH}"></script>`;
  return {
    status: 200,
    html: document('Signing in… (Okto emulator)', body),
    headers: securityHeaders({ script: true, formTargets: originOf(redirectUri) }),
  };
}

/** The script of {@link renderFormPostPage}. */
export const FORM_POST_SCRIPT = "document.getElementById('form-post').submit();\n";

export const PAGE_STYLESHEET = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:28rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
fieldset{border:1px solid #d0d4da;border-radius:8px;margin:1rem 0}
label{display:block;margin:.4rem 0}
input[type=text]{width:100%;box-sizing:border-box;padding:.4rem;margin-top:.2rem}
button{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #888;cursor:pointer}
#approve{background:#1a73e8;color:#fff;border-color:#1a73e8}
.note{color:#5f6368;font-size:.9rem}
.notice{color:#b00020}
`;
