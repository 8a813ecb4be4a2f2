import './demo.css';
import {
  type Config,
  type Connector,
  getConnection,
  reconnect,
  watchConnection,
  watchConnectors,
} from '@wagmi/core';
import { type Address, getAddress, isAddress } from 'viem';
import { callOkto, oktoBaseUrl, oktoProvider, requestAuthToken } from './authToken.ts';
import { readCapabilities, sendApproveAndTransfer, showBatch, waitForBatch } from './batch.ts';
import { chainLabel, connectOkto, disconnectOkto, switchNetwork } from './connection.ts';
import { getTestFunds, readBalances } from './funds.ts';
import { type DemoPageConfig, readPageConfig } from './pageConfig.ts';
import { signInWithEthereum } from './signIn.ts';
import { receiptLine, sendNative, sendToken } from './transfers.ts';
import { signMail } from './typedData.ts';
import { byId, enable, onClick, show, showError } from './view.ts';
import { createDemoConfig, OKTO_RDNS, oktoConnector } from './wagmiConfig.ts';

// The demo dApp's page: wires each step's button to its module and shows every result.

/** Buttons that need a connected account. */
const CONNECTED_BUTTONS = [
  'disconnect-button',
  'fund-button',
  'balances-button',
  'siwe-button',
  'typed-button',
  'native-button',
  'erc20-button',
  'capabilities-button',
  'batch-button',
];

function main(): void {
  let page: DemoPageConfig;
  try {
    page = readPageConfig(document);
  } catch (error) {
    showError('page-error', error);
    return;
  }
  const config = createDemoConfig(page.chains);
  if (page.chains.length === 0)
    show(
      'page-error',
      'This demo server was started without local chains: balances, receipts and verification read public RPCs. Run `npm start` for the local chains.',
      'error',
    );

  watchProviders(config);
  renderSwitchButtons(config);
  watchConnection(config, { onChange: () => renderConnection(config, page) });
  renderConnection(config, page);
  void reconnect(config).catch(() => {});

  onClick('connect-button', 'connect-status', async () => {
    show('connect-status', 'Waiting for you to approve this site in the Okto window…', 'pending');
    const { address, chainId } = await connectOkto(config);
    show('connect-status', `Connected ${address} on ${chainLabel(config, chainId)}.`);
  });
  onClick('disconnect-button', 'connect-status', async () => {
    await disconnectOkto(config);
    // wagmi's injected connector asks the wallet to revoke the site (wallet_revokePermissions): Okto
    // does, so the next connect asks the user again.
    show(
      'connect-status',
      'Disconnected: Okto revoked this site, so connecting again asks you to approve it.',
      'idle',
    );
  });

  onClick('fund-button', 'fund-status', async () => {
    show('fund-status', 'Asking the local faucet…', 'pending');
    await getTestFunds(config);
    show('fund-status', '✓ Funded: 1 of the native currency and 1,000 OTUSD.');
    await refreshBalances(config, page);
  });
  onClick('balances-button', 'balances', () => refreshBalances(config, page));

  onClick('siwe-button', 'siwe-verified', async () => {
    show('siwe-verified', 'Waiting for your signature in the Okto window…', 'pending');
    const result = await signInWithEthereum(config);
    show('siwe-message', result.message);
    show('siwe-signature', result.signature);
    if (result.fieldsValid && result.signatureValid)
      show(
        'siwe-verified',
        '✓ Signed in: viem verified the signature against your account and the message fields.',
      );
    else
      show(
        'siwe-verified',
        `✗ Not verified: ${result.signatureValid ? '' : 'the signature is not the account’s. '}${result.fieldsValid ? '' : 'The message fields do not match this site, account or nonce.'}`,
        'error',
      );
  });

  onClick('typed-button', 'typed-verified', async () => {
    show('typed-verified', 'Waiting for your signature in the Okto window…', 'pending');
    const result = await signMail(config, recipient());
    show('typed-data', result.typedData);
    show('typed-signature', result.signature);
    if (result.valid) show('typed-verified', '✓ Verified: viem’s verifyTypedData recovered your account.');
    else show('typed-verified', '✗ Not verified: the signature is not the account’s.', 'error');
  });

  onClick('native-button', 'native-receipt', async () => {
    show('native-hash', '–', 'idle');
    show('native-receipt', 'Waiting for your approval in the Okto window…', 'pending');
    const { receipt } = await sendNative(config, recipient(), {
      onHash: (hash) => {
        show('native-hash', hash);
        show('native-receipt', 'Sent; waiting for the receipt from the chain’s RPC…', 'pending');
      },
    });
    show('native-receipt', receiptLine(receipt), receipt.status === 'success' ? 'ok' : 'error');
    await refreshBalances(config, page);
  });

  onClick('erc20-button', 'erc20-receipt', async () => {
    show('erc20-hash', '–', 'idle');
    show('erc20-receipt', 'Waiting for your approval in the Okto window…', 'pending');
    const { receipt, transferred } = await sendToken(config, page.token, recipient(), {
      onHash: (hash) => {
        show('erc20-hash', hash);
        show('erc20-receipt', 'Sent; waiting for the receipt from the chain’s RPC…', 'pending');
      },
    });
    const moved = transferred === undefined ? '' : ` (Transfer event: ${transferred} base units)`;
    show('erc20-receipt', `${receiptLine(receipt)}${moved}`, receipt.status === 'success' ? 'ok' : 'error');
    await refreshBalances(config, page);
  });

  onClick('capabilities-button', 'capabilities', async () => {
    show('capabilities', await readCapabilities(config));
  });

  let batchId: string | undefined;
  onClick('batch-button', 'batch-status', async () => {
    byId('batch-receipts').replaceChildren();
    show('batch-id', '–', 'idle');
    show('batch-status', 'Waiting for your approval in the Okto window…', 'pending');
    batchId = await sendApproveAndTransfer(config, page.token, recipient());
    show('batch-id', batchId);
    enable(['batch-show-button'], true);
    const final = await waitForBatch(config, batchId, (status) => {
      if (status.status === 'pending')
        show('batch-status', `Pending (status ${status.statusCode})…`, 'pending');
    });
    const receipts = final.receipts ?? [];
    byId('batch-receipts').replaceChildren(
      ...receipts.map((receipt, i) => {
        const item = document.createElement('li');
        item.dataset.testid = `batch-receipt-${i}`;
        item.textContent = `${receipt.transactionHash}: ${receipt.status} in block ${receipt.blockNumber}`;
        return item;
      }),
    );
    if (final.status === 'success')
      show('batch-status', `✓ Confirmed (status ${final.statusCode}): ${receipts.length} receipts.`);
    else show('batch-status', `✗ The batch failed (status ${final.statusCode}).`, 'error');
    await refreshBalances(config, page);
  });
  onClick('batch-show-button', 'batch-status', async () => {
    if (batchId) await showBatch(config, batchId);
  });

  onClick('token-button', 'token-status', async () => {
    const connector = oktoConnector(config);
    if (!connector) throw new Error('The Okto extension was not found. Install it, then reload this page.');
    show('token-status', 'Waiting for you to approve this site in the Okto window…', 'pending');
    const token = await requestAuthToken(await oktoProvider(connector));
    show(
      'token-status',
      `Got a token for ${token.userSWA}, valid until ${new Date(token.expiresAt * 1000).toLocaleTimeString()}.`,
    );
    show('token', { ...token, authToken: `${token.authToken.slice(0, 24)}…` });
    const base = oktoBaseUrl(token.environment, page.emulatorUrl);
    for (const [id, path] of [
      ['verify', '/api/oc/v1/verify-session'],
      ['wallets', '/api/oc/v1/wallets'],
    ] as const) {
      try {
        const answer = await callOkto(base, path, token.authToken);
        show(id, answer, answer.status === 200 ? 'ok' : 'error');
      } catch (error) {
        showError(id, error);
      }
    }
  });
}

/** The recipient the page sends to and names in the typed data. */
function recipient(): Address {
  const text = byId<HTMLInputElement>('recipient').value.trim();
  if (!isAddress(text, { strict: false }))
    throw new Error('The recipient is not an address: enter 0x and 40 hex digits.');
  return getAddress(text);
}

/** Lists the wallets announced through EIP-6963 (wagmi's connectors) and hooks the Okto one once. */
function watchProviders(config: Config): void {
  let hooked = false;
  const render = (connectors: readonly Connector[]) => {
    const list = byId('providers');
    if (connectors.length > 0)
      list.replaceChildren(
        ...connectors.map((connector) => {
          const item = document.createElement('li');
          if (connector.icon) {
            const icon = document.createElement('img');
            icon.src = connector.icon;
            icon.alt = '';
            icon.width = 16;
            icon.height = 16;
            item.append(icon, ' ');
          }
          item.append(`${connector.name} (${connector.id})`);
          return item;
        }),
      );
    const okto = connectors.find((c) => c.id === OKTO_RDNS);
    if (okto && !hooked) {
      hooked = true;
      enable(['token-button'], true);
      enable(['connect-button'], getConnection(config).status !== 'connected');
      void logEvents(okto);
    }
  };
  render(config.connectors);
  watchConnectors(config, { onChange: render });
  setTimeout(() => {
    if (!oktoConnector(config)) {
      const item = document.createElement('li');
      item.className = 'error';
      item.textContent = 'The Okto extension was not found. Install it and reload.';
      byId('providers').replaceChildren(item);
    }
  }, 1000);
}

/** Writes every event of Okto's provider to the events block. */
async function logEvents(connector: Connector): Promise<void> {
  const provider = await oktoProvider(connector);
  const lines: string[] = [];
  for (const name of ['connect', 'disconnect', 'accountsChanged', 'chainChanged', 'okto_sessionChanged'])
    provider.on(name, (data) => {
      lines.push(`${new Date().toLocaleTimeString()} ${name} ${JSON.stringify(data)}`);
      show('events', lines.join('\n'), 'idle');
    });
}

/** One "Switch to …" button per chain of the dApp. */
function renderSwitchButtons(config: Config): void {
  byId('switch-buttons').replaceChildren(
    ...config.chains.map((chain) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = `switch-${chain.id}`;
      button.textContent = `Switch to ${chain.name}`;
      button.disabled = true;
      return button;
    }),
  );
  for (const chain of config.chains)
    onClick(`switch-${chain.id}`, 'switch-status', async () => {
      show('switch-status', `Switching to ${chain.name}…`, 'pending');
      const now = await switchNetwork(config, chain.id);
      show('switch-status', `✓ Now on ${chainLabel(config, now)}.`);
    });
}

/** Shows the account and chain, and enables what a connection allows. */
function renderConnection(config: Config, page: DemoPageConfig): void {
  const connection = getConnection(config);
  const connected = connection.status === 'connected';
  byId('account').textContent = connected ? connection.address : '–';
  byId('chain').textContent = connected ? chainLabel(config, connection.chainId) : '–';
  enable(CONNECTED_BUTTONS, connected);
  enable(['connect-button'], !connected && oktoConnector(config) !== undefined);
  for (const chain of config.chains)
    enable([`switch-${chain.id}`], connected && connection.chainId !== chain.id);
  if (connected) void refreshBalances(config, page).catch((error: unknown) => showError('balances', error));
  else show('balances', 'Connect to see balances.', 'idle');
}

async function refreshBalances(config: Config, page: DemoPageConfig): Promise<void> {
  show('balances', await readBalances(config, page.token));
}

main();
