/**
 * How long Approve and Reject ignore clicks and keys after the window (or what it shows) appears, and
 * after every focus or visibility change: long enough that a page cannot land a click or a keystroke
 * it provoked on a window that just took focus (as Chrome guards its own permission prompts).
 */
export const ARM_AFTER_MS = 500;

/** When a guard arms, and whether an activation may act. Pure: `now` is passed in. */
export type InputGuard = {
  /** Starts the wait again: the window appeared, gained or lost focus, or its content changed. */
  rearm(): void;
  isArmed(): boolean;
  /** Milliseconds until {@link InputGuard.isArmed} becomes true. */
  msUntilArmed(): number;
  /** A pointer or key went down; `repeat` for a key held down. */
  pressed(repeat: boolean): void;
  /**
   * Whether a click may act now: armed, and the press that caused it (mouse down, key down) came
   * after arming and was not a held key repeating. A press that started early never acts.
   */
  mayActivate(): boolean;
};

/** Creates an unarmed {@link InputGuard}. */
export function createInputGuard({
  delayMs = ARM_AFTER_MS,
  now = () => performance.now(),
}: {
  delayMs?: number;
  now?: () => number;
} = {}): InputGuard {
  let armedAt = now() + delayMs;
  let pressedEarly = false;
  const guard: InputGuard = {
    rearm() {
      armedAt = now() + delayMs;
    },
    isArmed: () => now() >= armedAt,
    msUntilArmed: () => Math.max(0, armedAt - now()),
    pressed(repeat) {
      pressedEarly = repeat || !guard.isArmed();
    },
    mayActivate: () => guard.isArmed() && !pressedEarly,
  };
  return guard;
}
