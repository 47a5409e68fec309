import { useLayoutEffect, useRef } from 'react';
import { formatDateTime, lifeFraction } from '../format';
import { useClock, useCountdownText } from '../hooks';

/**
 * Live countdown to a session's expiry. Subscribes to the shared clock with a selector that
 * returns the displayed text, so it re-renders only when the text changes.
 */
export function Countdown({ expiresAt, live = true }: { expiresAt: number | null; live?: boolean }) {
  const text = useCountdownText(expiresAt, live);
  return (
    <span className="countdown" title={expiresAt === null ? 'no session' : `expires ${formatDateTime(expiresAt)}`}>
      {text}
    </span>
  );
}

/** Quantization of the life bar: the DOM is written only when the width changes by 0.1 %. */
const STEPS = 1000;

/**
 * Remaining life of a session (issuedAt..expiresAt) as a bar. Never re-renders on ticks: it
 * listens to the clock itself and writes the fill's transform through the CSSOM (allowed by the
 * CSP, unlike style attributes), and only when the quantized value changes.
 */
export function LifeBar({ issuedAt, expiresAt, live = true }: { issuedAt: number | null; expiresAt: number | null; live?: boolean }) {
  const clock = useClock();
  const fillRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const fill = fillRef.current;
    if (!fill) return undefined;
    let shown = -1;
    const paint = (): void => {
      const q = Math.round(lifeFraction(issuedAt, expiresAt, clock.now()) * STEPS);
      if (q === shown) return;
      shown = q;
      fill.style.setProperty('transform', `scaleX(${q / STEPS})`);
    };
    paint();
    return live ? clock.subscribe(paint) : undefined;
  }, [clock, issuedAt, expiresAt, live]);
  return (
    <div className="lifebar" aria-hidden="true">
      <div className="lifebar-fill" ref={fillRef} />
    </div>
  );
}
