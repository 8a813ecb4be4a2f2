// The demo dApp: what a dApp developer writes to use the Okto extension. Plain JS, no build step.

/** Where each Okto environment lives; `local` is the emulator `npm start` runs. */
const OKTO_BASE_URLS = {
  local: document.querySelector('meta[name="okto-emulator"]')?.content ?? 'http://127.0.0.1:8790',
  sandbox: 'https://sandbox-api.okto.tech',
  production: 'https://apigw.okto.tech',
};

const $ = (id) => document.getElementById(id);
const show = (id, value, error = false) => {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  $(id).className = error ? 'error' : '';
};

/** The Okto provider, once announced. */
let okto;

/** EIP-6963: every wallet announces itself; ask, then keep what answers. */
const providers = new Map();
window.addEventListener('eip6963:announceProvider', (event) => {
  const { info, provider } = event.detail;
  providers.set(info.rdns, { info, provider });
  $('providers').replaceChildren(
    ...[...providers.values()].map(({ info }) => {
      const item = document.createElement('li');
      const icon = document.createElement('img');
      icon.src = info.icon;
      icon.alt = '';
      icon.width = 16;
      icon.height = 16;
      item.append(icon, ` ${info.name} (${info.rdns})`);
      return item;
    }),
  );
  if (info.rdns === 'tech.okto') useOkto(provider);
});
window.dispatchEvent(new Event('eip6963:requestProvider'));
setTimeout(() => {
  if (!providers.has('tech.okto'))
    $('providers').innerHTML =
      '<li class="error">The Okto extension was not found. Install it and reload.</li>';
}, 1000);

function useOkto(provider) {
  if (okto) return;
  okto = provider;
  $('connect').disabled = false;
  const events = [];
  for (const name of ['connect', 'disconnect', 'accountsChanged', 'okto_sessionChanged'])
    okto.on(name, (data) => {
      events.push(`${new Date().toLocaleTimeString()} ${name} ${JSON.stringify(data)}`);
      show('events', events.join('\n'));
    });
}

$('connect').addEventListener('click', async () => {
  $('connect').disabled = true;
  show('status', 'Waiting for you to approve this site in the Okto window…');
  try {
    const token = await okto.request({ method: 'okto_requestAuthToken', params: [{ ttlSeconds: 900 }] });
    show(
      'status',
      `Got a token for ${token.userSWA}, valid until ${new Date(token.expiresAt * 1000).toLocaleTimeString()}.`,
    );
    $('token').hidden = false;
    show('token', { ...token, authToken: `${token.authToken.slice(0, 24)}…` });
    await callOkto(token);
  } catch (error) {
    show('status', `${error.message} (code ${error.code})`, true);
  } finally {
    $('connect').disabled = false;
  }
});

/** Calls Okto as the user: `Authorization: Bearer <authToken>`. */
async function callOkto({ authToken, environment }) {
  const base = OKTO_BASE_URLS[environment];
  for (const [id, path] of [
    ['verify', '/api/oc/v1/verify-session'],
    ['wallets', '/api/oc/v1/wallets'],
  ]) {
    try {
      const response = await fetch(base + path, { headers: { Authorization: `Bearer ${authToken}` } });
      show(id, { status: response.status, body: await response.json() }, !response.ok);
    } catch (error) {
      show(id, `Could not reach Okto at ${base}: ${error.message}`, true);
    }
  }
}
