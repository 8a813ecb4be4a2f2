// `npm run bench`: every benchmark of the project, one section each. Figures vary with the machine;
// compare runs on the same one, ideally a quiet one (the companion's ratio is wall-clock).

import { build } from 'vite';
import { benchCompanion } from './companion.ts';
import { benchExtension } from './extension.ts';
import { benchProvider } from './provider.ts';
import { benchWallet } from './wallet.ts';
import { benchWalletProvider } from './walletProvider.ts';

console.log('== Companion signing service: POST /v1/session over loopback vs raw signing ==');
const companion = await benchCompanion();
if (companion.failures > 0) process.exitCode = 1;

console.log('\n== Extension: bundle sizes (gzip) and the login pipeline in Chromium ==');
await build({ logLevel: 'silent' });
await benchExtension();

console.log('\n== dApp provider: injected script sizes and okto_requestAuthToken round trip ==');
await benchProvider();

console.log('\n== Wallet: UserOp build+sign vs raw signing, and /execute → SUCCESSFUL on the local chain ==');
const wallet = await benchWallet();
if (wallet.orders.failed > 0) process.exitCode = 1;

console.log(
  '\n== Wallet in the extension: personal_sign and eth_sendTransaction for a dApp, against Okto ==',
);
await benchWalletProvider();
