import { secp256k1 } from '@noble/curves/secp256k1';

// noble-curves precomputes a window-8 table of the generator on its first use: about 4,200 point
// additions, tens of milliseconds on a freshly started worker whose JIT has not warmed up. Chrome
// stops an idle worker after 30 s, so most dApp requests meet a fresh one, and its first signature
// would pay for that table. So a worker starts with a window of 2 (a 258-point table, 129 additions a
// signature: the fewest point operations for one signature), and once it has been up a moment, with
// nothing waiting on it, builds the window-8 table for the many signatures a busy dApp asks for.
// Imported by the worker's entry: it runs when the worker starts, before anything can sign.

/** The wNAF window of the secp256k1 generator on a fresh worker, and once it has settled. */
export const COLD_GENERATOR_WINDOW = 2;
export const WARM_GENERATOR_WINDOW = 8;

secp256k1.ProjectivePoint.BASE._setWindowSize(COLD_GENERATOR_WINDOW);

/** Builds the window-8 table `delayMs` after the worker started (the first requests are answered by then). */
export function warmGeneratorWindowLater(delayMs = 1000): void {
  setTimeout(() => secp256k1.utils.precompute(WARM_GENERATOR_WINDOW), delayMs);
}
