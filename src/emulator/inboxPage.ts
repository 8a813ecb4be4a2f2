// `GET /__emulator/inbox`: every code the emulator delivered, shown the way a phone and a mailbox would
// show it, and an Activity view of every order (`/__emulator/orders`: status, chain, hashes, reason),
// both updating live from `/__emulator/events`. One self-contained page: no external resources, and
// every piece of user-provided text reaches the DOM through `textContent`, never as HTML.

/** The inbox page; `nonce` authorises its inline style and script under the page's CSP. */
export function renderInboxPage({ nonce }: { nonce: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inbox · Okto emulator</title>
<style nonce="${nonce}">
  :root {
    --bg: #f4f5f7; --panel: #ffffff; --ink: #14161a; --muted: #6b7280; --line: #e5e7eb;
    --accent: #5b5bd6; --wa: #128c7e; --wa-dark: #075e54; --wa-chat: #efeae2; --wa-bubble: #ffffff;
    --ok: #16a34a; --warn: #b45309;
    font-family: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    color: var(--ink); background: var(--bg);
  }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #0f1115; --panel: #171a21; --ink: #e8eaed; --muted: #9aa0a6; --line: #2a2f3a;
      --wa-chat: #0b141a; --wa-bubble: #1f2c34; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; }
  header { display: flex; align-items: center; gap: 16px; padding: 18px 28px; border-bottom: 1px solid var(--line);
    background: var(--panel); position: sticky; top: 0; z-index: 1; }
  header { flex-wrap: wrap; row-gap: 8px; }
  header h1 { font-size: 17px; margin: 0; font-weight: 650; letter-spacing: -0.01em; white-space: nowrap; }
  header h1 small { color: var(--muted); font-weight: 500; margin-left: 6px; }
  .spacer { flex: 1; }
  .pill { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); white-space: nowrap;
    border: 1px solid var(--line); border-radius: 999px; padding: 4px 10px; }
  .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
  .live .dot { background: var(--ok); box-shadow: 0 0 0 3px color-mix(in srgb, var(--ok) 25%, transparent); }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; padding: 24px 28px; max-width: 1280px; margin: 0 auto; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  section.column { background: var(--panel); border: 1px solid var(--line); border-radius: 16px; overflow: hidden;
    display: flex; flex-direction: column; min-height: 320px; }
  .column > h2 { margin: 0; font-size: 14px; font-weight: 650; padding: 14px 18px; display: flex; align-items: center; gap: 8px;
    border-bottom: 1px solid var(--line); }
  .column > h2 .count { margin-left: auto; color: var(--muted); font-weight: 500; }
  .badge { width: 22px; height: 22px; border-radius: 6px; display: inline-grid; place-items: center; color: #fff; font-size: 12px; }
  .badge-wa { background: var(--wa); } .badge-mail { background: var(--accent); }
  .empty { color: var(--muted); font-size: 13px; padding: 28px 18px; line-height: 1.6; }
  .empty code { background: color-mix(in srgb, var(--muted) 14%, transparent); padding: 1px 5px; border-radius: 4px; }

  .chat { border-bottom: 1px solid var(--line); }
  .chat-head { display: flex; align-items: center; gap: 10px; padding: 10px 16px; background: var(--wa-dark); color: #fff; }
  .avatar { width: 32px; height: 32px; border-radius: 50%; background: rgba(255, 255, 255, 0.22); display: grid; place-items: center;
    font-size: 12px; font-weight: 700; }
  .chat-head .who { font-weight: 600; font-size: 14px; }
  .chat-head .sub { font-size: 11px; opacity: 0.8; }
  .chat-body { background: var(--wa-chat); padding: 12px 14px; display: flex; flex-direction: column; gap: 8px; }
  .bubble { align-self: flex-start; max-width: 88%; background: var(--wa-bubble); border-radius: 0 10px 10px 10px;
    padding: 8px 10px 6px; box-shadow: 0 1px 0.5px rgba(0, 0, 0, 0.13); font-size: 14px; line-height: 1.45; }
  .bubble .meta, .mail .meta { display: flex; gap: 8px; justify-content: flex-end; align-items: center; font-size: 11px; color: var(--muted); margin-top: 2px; }

  .mailbox { border-bottom: 1px solid var(--line); }
  .mailbox-head { padding: 10px 18px; font-size: 13px; font-weight: 600; background: color-mix(in srgb, var(--accent) 7%, var(--panel));
    display: flex; gap: 8px; align-items: center; }
  .mailbox-head .sub { color: var(--muted); font-weight: 500; }
  .mail { padding: 12px 18px; border-top: 1px solid var(--line); }
  .mail:first-of-type { border-top: 0; }
  .mail .row { display: flex; gap: 10px; align-items: baseline; }
  .mail .from { font-weight: 600; font-size: 13px; }
  .mail .time { margin-left: auto; color: var(--muted); font-size: 12px; white-space: nowrap; }
  .mail .subject { font-size: 14px; margin: 2px 0 8px; }
  .mail .body { font-size: 13px; color: var(--muted); line-height: 1.5; }

  .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 700; letter-spacing: 0.14em;
    font-size: 20px; color: var(--ink); background: none; border: 1px dashed transparent; border-radius: 8px; padding: 2px 6px;
    cursor: pointer; }
  .code:hover { border-color: var(--line); }
  .code:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  .tag { font-size: 10.5px; text-transform: uppercase; letter-spacing: 0.06em; padding: 1px 6px; border-radius: 4px; font-weight: 650; }
  .tag.fresh { color: var(--ok); background: color-mix(in srgb, var(--ok) 12%, transparent); }
  .tag.stale { color: var(--warn); background: color-mix(in srgb, var(--warn) 12%, transparent); }
  .is-stale .code { text-decoration: line-through; color: var(--muted); }
  .token { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 10.5px; color: var(--muted); }
  nav.tabs { display: inline-flex; gap: 4px; background: color-mix(in srgb, var(--muted) 10%, transparent); padding: 3px; border-radius: 10px; }
  nav.tabs button { border: 0; background: none; color: var(--muted); font: inherit; font-size: 13px; font-weight: 600;
    padding: 5px 12px; border-radius: 8px; cursor: pointer; display: inline-flex; gap: 6px; align-items: center; }
  nav.tabs button[aria-selected="true"] { background: var(--panel); color: var(--ink); box-shadow: 0 1px 2px rgba(0, 0, 0, 0.12); }
  nav.tabs button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  nav.tabs .n { font-weight: 500; color: var(--muted); }
  [hidden] { display: none !important; }
  #activity-view { padding: 24px 28px; max-width: 1280px; margin: 0 auto; }
  .jobs { background: var(--panel); border: 1px solid var(--line); border-radius: 16px; overflow: hidden; }
  .job { padding: 14px 18px; border-top: 1px solid var(--line); display: grid; gap: 6px; }
  .job:first-child { border-top: 0; }
  .job .row { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
  .job .kind { font-weight: 650; font-size: 14px; }
  .job .chain, .job .who { font-size: 12px; color: var(--muted); }
  .job .time { margin-left: auto; font-size: 12px; color: var(--muted); white-space: nowrap; }
  .status { font-size: 10.5px; text-transform: uppercase; letter-spacing: 0.06em; padding: 2px 7px; border-radius: 4px; font-weight: 700; }
  .status.pending { color: var(--accent); background: color-mix(in srgb, var(--accent) 12%, transparent); }
  .status.ok { color: var(--ok); background: color-mix(in srgb, var(--ok) 12%, transparent); }
  .status.bad { color: #dc2626; background: color-mix(in srgb, #dc2626 12%, transparent); }
  .hashes { display: grid; gap: 2px; }
  .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11.5px; color: var(--ink);
    background: none; border: 0; padding: 0; text-align: left; cursor: pointer; word-break: break-all; }
  .hash:hover { text-decoration: underline; }
  .hash-label { font-size: 11px; color: var(--muted); margin-right: 6px; font-family: inherit; }
  .reason { font-size: 13px; color: #dc2626; }
  .what { font-size: 13px; word-break: break-all; }
  .steps { font-size: 11.5px; color: var(--muted); }
  .toast { position: fixed; bottom: 20px; left: 50%; transform: translateX(-50%); background: var(--ink); color: var(--bg);
    padding: 8px 14px; border-radius: 8px; font-size: 13px; opacity: 0; transition: opacity 0.2s; pointer-events: none; }
  .toast.show { opacity: 1; }
</style>
</head>
<body>
<header>
  <h1>Okto emulator <small>Inbox</small></h1>
  <nav class="tabs" role="tablist" aria-label="Views">
    <button type="button" role="tab" id="tab-codes" aria-controls="codes-view" aria-selected="true">Codes</button>
    <button type="button" role="tab" id="tab-activity" aria-controls="activity-view" aria-selected="false">Activity <span class="n" id="jobs-count"></span></button>
  </nav>
  <span class="spacer"></span>
  <span class="pill" id="clock" title="The emulator clock (POST /__emulator/clock moves it forward)">clock —</span>
  <span class="pill" id="status"><span class="dot"></span><span id="status-text">Connecting…</span></span>
</header>
<main id="codes-view" role="tabpanel" aria-labelledby="tab-codes">
  <section class="column" aria-label="WhatsApp">
    <h2><span class="badge badge-wa" aria-hidden="true"><svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 11.5a8.4 8.4 0 0 1-12.3 7.5L3 21l2-5.6A8.4 8.4 0 1 1 21 11.5z"/></svg></span>WhatsApp<span class="count" id="wa-count"></span></h2>
    <div id="wa"></div>
  </section>
  <section class="column" aria-label="Email">
    <h2><span class="badge badge-mail" aria-hidden="true"><svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/></svg></span>Email<span class="count" id="mail-count"></span></h2>
    <div id="mail"></div>
  </section>
</main>
<section id="activity-view" role="tabpanel" aria-labelledby="tab-activity" hidden>
  <div class="jobs" id="jobs"></div>
</section>
<div class="toast" id="toast" role="status" aria-live="polite"></div>
<script nonce="${nonce}">
(function () {
  'use strict';
  var OTP_LIFETIME_MS = 300000;
  var messages = [];
  var clockOffsetMs = 0;

  /** Builds an element; strings become text nodes, so nothing user-provided is ever parsed as HTML. */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === 'text') el.textContent = attrs[key];
      else el.setAttribute(key, attrs[key]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return el;
  }

  function emulatorNow() { return Date.now() + clockOffsetMs; }

  function ago(iso) {
    var s = Math.max(0, Math.round((emulatorNow() - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return new Date(iso).toLocaleString();
  }

  function isReplaced(message) {
    for (var i = 0; i < messages.length; i++) {
      var other = messages[i];
      if (other === message) return false;
      if (other.token === message.token) return true;
    }
    return false;
  }

  /** Fresh (with the time left), expired, or replaced by a newer code for the same token. */
  function stateOf(message) {
    if (isReplaced(message)) return { stale: true, label: 'replaced' };
    var left = Math.min(OTP_LIFETIME_MS, OTP_LIFETIME_MS - (emulatorNow() - Date.parse(message.sentAt)));
    if (left <= 0) return { stale: true, label: 'expired' };
    var seconds = Math.ceil(left / 1000);
    return { stale: false, label: 'valid ' + Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0') };
  }

  function codeButton(otp) {
    var button = h('button', { class: 'code', type: 'button', title: 'Copy the code', text: otp });
    button.addEventListener('click', function () {
      if (navigator.clipboard) navigator.clipboard.writeText(otp).then(function () { toast('Copied ' + otp); });
    });
    return button;
  }

  /** Status tags on screen, refreshed every second by tick() without rebuilding the page. */
  var liveTags = [];

  function paintTag(entry) {
    var state = stateOf(entry.message);
    entry.el.textContent = state.label;
    entry.el.className = 'tag ' + (state.stale ? 'stale' : 'fresh');
    entry.card.classList.toggle('is-stale', state.stale);
  }

  function tag(message, card) {
    var entry = { el: h('span'), message: message, card: card };
    liveTags.push(entry);
    paintTag(entry);
    return entry.el;
  }

  function groupBy(list, channel) {
    var groups = [];
    var index = {};
    list.forEach(function (message) {
      if (message.channel !== channel) return;
      if (!(message.to in index)) { index[message.to] = groups.length; groups.push({ to: message.to, items: [] }); }
      groups[index[message.to]].items.push(message);
    });
    return groups;
  }

  function empty(lines) {
    var box = h('div', { class: 'empty' });
    lines.forEach(function (line, i) { if (i) box.appendChild(h('br')); box.appendChild(line); });
    return box;
  }

  function renderWhatsApp(groups) {
    var root = document.getElementById('wa');
    root.replaceChildren();
    if (!groups.length) {
      root.appendChild(empty([
        document.createTextNode('No WhatsApp codes yet.'),
        h('span', null, 'Log in with a phone number, then watch this phone.'),
      ]));
      return;
    }
    groups.forEach(function (group) {
      var body = h('div', { class: 'chat-body' });
      group.items.forEach(function (message) {
        var bubble = h('div', { class: 'bubble' },
          h('div', null, 'Your Okto verification code is ', codeButton(message.otp), '. Do not share it with anyone.'));
        bubble.appendChild(h('div', { class: 'meta' }, tag(message, bubble),
          h('span', { class: 'token', text: 'token ' + message.token.slice(0, 8) }),
          h('time', { datetime: message.sentAt, 'data-ago': message.sentAt, text: ago(message.sentAt) })));
        body.appendChild(bubble);
      });
      root.appendChild(h('div', { class: 'chat' },
        h('div', { class: 'chat-head' }, h('div', { class: 'avatar', 'aria-hidden': 'true', text: 'OK' }),
          h('div', null, h('div', { class: 'who', text: group.to }),
            h('div', { class: 'sub', text: 'Okto · ' + group.items.length + (group.items.length === 1 ? ' message' : ' messages') }))),
        body));
    });
  }

  function renderEmail(groups) {
    var root = document.getElementById('mail');
    root.replaceChildren();
    if (!groups.length) {
      root.appendChild(empty([
        document.createTextNode('No emails yet.'),
        h('span', null, 'Log in with an email address, then watch this mailbox.'),
      ]));
      return;
    }
    groups.forEach(function (group) {
      var box = h('div', { class: 'mailbox' },
        h('div', { class: 'mailbox-head' }, h('span', { text: group.to }),
          h('span', { class: 'sub', text: '· ' + group.items.length + (group.items.length === 1 ? ' email' : ' emails') })));
      group.items.forEach(function (message) {
        var mail = h('article', { class: 'mail' },
          h('div', { class: 'row' }, h('span', { class: 'from', text: 'Okto' }), h('span', { class: 'token', text: 'no-reply@okto.tech' }),
            h('time', { class: 'time', datetime: message.sentAt, 'data-ago': message.sentAt, text: ago(message.sentAt) })),
          h('div', { class: 'subject', text: 'Your Okto login code' }),
          h('div', null, codeButton(message.otp)),
          h('div', { class: 'body', text: 'Enter this code to log in. It expires 5 minutes after it was sent.' }));
        mail.appendChild(h('div', { class: 'meta' }, tag(message, mail),
          h('span', { class: 'token', text: 'token ' + message.token.slice(0, 8) })));
        box.appendChild(mail);
      });
      root.appendChild(box);
    });
  }

  function render() {
    liveTags = [];
    var wa = groupBy(messages, 'whatsapp');
    var mail = groupBy(messages, 'email');
    renderWhatsApp(wa);
    renderEmail(mail);
    var waCount = messages.filter(function (m) { return m.channel === 'whatsapp'; }).length;
    document.getElementById('wa-count').textContent = waCount ? String(waCount) : '';
    document.getElementById('mail-count').textContent = messages.length - waCount ? String(messages.length - waCount) : '';
    document.title = (messages.length ? '(' + messages.length + ') ' : '') + 'Inbox · Okto emulator';
  }

  function tick() {
    document.getElementById('clock').textContent = 'clock ' + new Date(emulatorNow()).toLocaleTimeString();
    var times = document.querySelectorAll('[data-ago]');
    for (var i = 0; i < times.length; i++) times[i].textContent = ago(times[i].getAttribute('data-ago'));
    liveTags.forEach(paintTag);
  }

  function setLive(live) {
    document.getElementById('status').className = 'pill' + (live ? ' live' : '');
    document.getElementById('status-text').textContent = live ? 'Live' : 'Reconnecting…';
  }

  var toastTimer;
  function toast(text) {
    var el = document.getElementById('toast');
    el.textContent = text;
    el.className = 'toast show';
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.className = 'toast'; }, 1400);
  }

  function setClock(now) { clockOffsetMs = now * 1000 - Date.now(); tick(); }

  // One fetch at a time; an event that arrives meanwhile schedules one more, so none is missed.
  var refreshing = false;
  var refreshAgain = false;
  function refresh() {
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    Promise.all([
      fetch('/__emulator/outbox', { cache: 'no-store' }).then(function (r) { return r.json(); }),
      fetch('/__emulator/clock', { cache: 'no-store' }).then(function (r) { return r.json(); }),
    ]).then(function (results) {
      messages = Array.isArray(results[0]) ? results[0] : [];
      setClock(results[1].now);
      render();
    }).catch(function () { setLive(false); }).then(function () {
      refreshing = false;
      if (refreshAgain) { refreshAgain = false; refresh(); }
    });
  }


  // The Activity view: every order /execute accepted, newest first, as /__emulator/orders lists them.
  var jobs = [];
  var PENDING = { INITIATED: true, IN_PROGRESS: true };

  function copyButton(label, value) {
    var button = h('button', { class: 'hash', type: 'button', title: 'Copy', text: value });
    button.addEventListener('click', function () {
      if (navigator.clipboard) navigator.clipboard.writeText(value).then(function () { toast('Copied ' + label); });
    });
    return h('div', null, h('span', { class: 'hash-label', text: label }), button);
  }

  /** One line on what the job does, from its details (§5 of the wallet spec). */
  function summary(job) {
    var d = job.details || {};
    if (job.intentType === 'TOKEN_TRANSFER')
      return 'send ' + d.amount + ' of ' + (d.tokenAddress || 'the native currency') + ' (smallest unit) to ' + d.recipientWalletAddress;
    if (job.intentType === 'NFT_TRANSFER')
      return 'send ' + d.amount + ' × ' + d.nftType + ' #' + d.nftId + ' of ' + d.collectionAddress + ' to ' + d.recipientWalletAddress;
    var calls = Array.isArray(d.transactions) ? d.transactions : [];
    return calls.length + (calls.length === 1 ? ' call: ' : ' calls: ') + calls.map(function (pairs) {
      var tx = {};
      (pairs || []).forEach(function (pair) { tx[pair.Key] = pair.Value; });
      return 'to ' + tx.to + (tx.value && tx.value !== '0x0' ? ' value ' + tx.value : '') + (tx.data && tx.data !== '0x' ? ' data ' + String(tx.data).slice(0, 10) + '…' : '');
    }).join('; ');
  }

  function renderJobs() {
    var root = document.getElementById('jobs');
    root.replaceChildren();
    document.getElementById('jobs-count').textContent = jobs.length ? String(jobs.length) : '';
    if (!jobs.length) {
      root.appendChild(empty([
        document.createTextNode('No jobs yet.'),
        h('span', null, 'Send a transaction from the extension (or POST /api/oc/v1/execute) and watch it here.'),
      ]));
      return;
    }
    jobs.forEach(function (job) {
      var kind = PENDING[job.status] ? 'pending' : job.status === 'SUCCESSFUL' ? 'ok' : 'bad';
      var hashes = h('div', { class: 'hashes' });
      if (job.userOpHash) hashes.appendChild(copyButton('userOp', job.userOpHash));
      (job.downstreamTransactionHash || []).forEach(function (hash, i) {
        hashes.appendChild(copyButton('tx ' + (i + 1), hash));
      });
      var steps = (job.history || []).map(function (step) { return step.status; }).join(' → ');
      root.appendChild(h('article', { class: 'job', 'data-job': job.intentId },
        h('div', { class: 'row' },
          h('span', { class: 'status ' + kind, text: job.status }),
          h('span', { class: 'kind', text: job.intentType }),
          h('span', { class: 'chain', text: (job.networkName || '?') + ' · ' + job.caip2Id }),
          h('time', { class: 'time', datetime: job.createdAt, 'data-ago': job.createdAt, text: ago(job.createdAt) })),
        h('div', { class: 'row' },
          h('span', { class: 'who', text: job.contact + ' · wallet ' + job.wallet }),
          h('span', { class: 'token', text: 'job ' + job.intentId })),
        h('div', { class: 'what', text: summary(job) }),
        job.reason ? h('div', { class: 'reason', text: job.reason }) : null,
        hashes,
        h('div', { class: 'steps', text: steps })));
    });
  }

  var loadingJobs = false;
  var loadJobsAgain = false;
  function refreshJobs() {
    if (loadingJobs) { loadJobsAgain = true; return; }
    loadingJobs = true;
    fetch('/__emulator/orders', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (list) {
      jobs = Array.isArray(list) ? list : [];
      renderJobs();
    }).catch(function () { setLive(false); }).then(function () {
      loadingJobs = false;
      if (loadJobsAgain) { loadJobsAgain = false; refreshJobs(); }
    });
  }

  function show(view) {
    var activity = view === 'activity';
    document.getElementById('codes-view').hidden = activity;
    document.getElementById('activity-view').hidden = !activity;
    document.getElementById('tab-codes').setAttribute('aria-selected', String(!activity));
    document.getElementById('tab-activity').setAttribute('aria-selected', String(activity));
    if (location.hash !== (activity ? '#activity' : '')) history.replaceState(null, '', activity ? '#activity' : location.pathname);
  }
  document.getElementById('tab-codes').addEventListener('click', function () { show('codes'); });
  document.getElementById('tab-activity').addEventListener('click', function () { show('activity'); });
  show(location.hash === '#activity' ? 'activity' : 'codes');

  var events = new EventSource('/__emulator/events');
  events.addEventListener('open', function () { setLive(true); refresh(); refreshJobs(); });
  events.addEventListener('order', function () { refreshJobs(); });
  events.addEventListener('error', function () { setLive(false); });
  events.addEventListener('otp', function () { refresh(); });
  events.addEventListener('clock', function (event) {
    try { setClock(JSON.parse(event.data).now); } catch (e) {}
    render();
  });

  refresh();
  refreshJobs();
  setInterval(tick, 1000);
})();
</script>
</body>
</html>
`;
}
