// The emulator's clock: real time plus an offset that only moves forward, so tests and developers can
// expire codes, tokens and sessions without waiting (`POST /__emulator/clock`).

/** The emulator's notion of "now". Every expiry check reads it; nothing else reads `Date.now()`. */
export type EmulatorClock = {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Whole seconds since the epoch. */
  nowSeconds(): number;
  /** Moves the clock forward; `seconds` must be a finite, non-negative number. */
  advance(seconds: number): void;
};

/**
 * A clock that reads `now` (real time by default) plus everything {@link EmulatorClock.advance} added.
 * @example
 * const clock = createEmulatorClock();
 * clock.advance(301); // every OTP sent before now has expired
 */
export function createEmulatorClock({ now = Date.now }: { now?: () => number } = {}): EmulatorClock {
  let offsetMs = 0;
  const nowMs = () => now() + offsetMs;
  return {
    nowMs,
    nowSeconds: () => Math.floor(nowMs() / 1000),
    advance(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new RangeError(`the clock only moves forward by a finite number of seconds, got ${seconds}`);
      offsetMs += seconds * 1000;
    },
  };
}
