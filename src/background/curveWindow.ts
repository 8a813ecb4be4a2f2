import { secp256k1 } from '@noble/curves/secp256k1';

// noble-curves precomputes a window-8 table of the generator on its first use: about 4,200 point
// additions, tens of milliseconds on a freshly started worker whose JIT has not warmed up. Chrome
// stops an idle worker after 30 s, so most dApp requests meet a fresh one, and its first signature
// would pay for that table. With a window of 2 the table is 258 points and a signature 129 additions:
// the fewest point operations for one signature, and still well under a millisecond once warm.
// Imported first by the worker's entry, before anything signs.

/** The wNAF window of the secp256k1 generator in the worker. */
export const GENERATOR_WINDOW = 2;
secp256k1.ProjectivePoint.BASE._setWindowSize(GENERATOR_WINDOW);
