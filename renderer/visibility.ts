/**
 * One shared IntersectionObserver for the roles list: rows learn whether they are on (or near)
 * the screen, so only those subscribe to the clock. With 500 roles a tick then re-renders the
 * dozen visible countdowns, not all of them.
 */

type Listener = (visible: boolean) => void;

const listeners = new Map<Element, Listener>();
let observer: IntersectionObserver | null = null;

function getObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) listeners.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: '200px 0px' },
  );
  return observer;
}

/** Call `cb` with the element's visibility now and whenever it changes; returns the unobserve function. */
export function observeVisibility(el: Element, cb: Listener): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    cb(true);
    return () => undefined;
  }
  listeners.set(el, cb);
  getObserver().observe(el);
  return () => {
    listeners.delete(el);
    observer?.unobserve(el);
  };
}
