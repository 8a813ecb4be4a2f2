import type { ComponentProps } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Button } from '../popup/ui.tsx';
import { createInputGuard, type InputGuard } from './inputGuard.ts';

/** An {@link InputGuard} wired to the page, and whether it is armed now (for the buttons' look). */
export type InputArming = { armed: boolean; guard: InputGuard };

/**
 * Guards the buttons that answer a request (the approval window, the popup's pending list): they ignore
 * clicks and keys for 500 ms after they appear, after every window focus, blur or visibility change,
 * and whenever `content` changes (another request took the place under the pointer).
 */
export function useInputArming(content: string): InputArming {
  const guard = useMemo(() => createInputGuard(), []);
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rearm = () => {
      guard.rearm();
      setArmed(false);
      clearTimeout(timer);
      timer = setTimeout(() => setArmed(true), guard.msUntilArmed());
    };
    const pressed = (event: Event) => guard.pressed(event instanceof KeyboardEvent && event.repeat);
    rearm();
    window.addEventListener('focus', rearm);
    window.addEventListener('blur', rearm);
    document.addEventListener('visibilitychange', rearm);
    window.addEventListener('pointerdown', pressed, true);
    window.addEventListener('keydown', pressed, true);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', rearm);
      window.removeEventListener('blur', rearm);
      document.removeEventListener('visibilitychange', rearm);
      window.removeEventListener('pointerdown', pressed, true);
      window.removeEventListener('keydown', pressed, true);
    };
  }, [guard, content]);
  return { armed, guard };
}

/**
 * A {@link Button} that acts only when `arming` allows it. Until then it stays focusable (so Reject can
 * hold the initial focus) but is marked `aria-disabled`, looks dimmed, and ignores activation.
 */
export function GuardedButton({
  arming,
  onClick,
  style,
  ...props
}: ComponentProps<typeof Button> & { arming: InputArming }) {
  return (
    <Button
      {...props}
      aria-disabled={!arming.armed}
      data-armed={String(arming.armed)}
      style={arming.armed ? style : { opacity: 0.55, cursor: 'default' }}
      onClick={(event) => {
        if (!arming.guard.mayActivate()) return event.preventDefault();
        onClick?.(event);
      }}
    />
  );
}
