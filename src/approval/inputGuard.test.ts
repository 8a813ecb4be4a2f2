import { describe, expect, it } from 'vitest';
import { createInputGuard } from './inputGuard.ts';

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('the input guard of Approve and Reject', () => {
  it('ignores activations for 500 ms after it appears', () => {
    const time = clock();
    const guard = createInputGuard({ now: time.now });
    expect(guard.mayActivate()).toBe(false);
    time.advance(499);
    expect(guard.mayActivate()).toBe(false);
    time.advance(1);
    expect(guard.mayActivate()).toBe(true);
  });

  it('waits again after every focus or visibility change, not only the first', () => {
    const time = clock();
    const guard = createInputGuard({ now: time.now });
    for (let change = 0; change < 3; change++) {
      time.advance(600);
      expect(guard.mayActivate()).toBe(true);
      guard.rearm();
      expect(guard.mayActivate()).toBe(false);
      expect(guard.msUntilArmed()).toBe(500);
    }
  });

  it('never acts on a press that started before arming, or on a key held down', () => {
    const time = clock();
    const guard = createInputGuard({ now: time.now });
    guard.pressed(false); // mouse down at once…
    time.advance(600);
    expect(guard.mayActivate()).toBe(false); // …and released after arming: ignored
    guard.pressed(true); // Enter held down, repeating
    expect(guard.mayActivate()).toBe(false);
    guard.pressed(false); // a fresh press after arming
    expect(guard.mayActivate()).toBe(true);
  });
});
