const MIN_WIDTH = 360; // px: a narrower cell scrolls rather than squeeze the view

/**
 * Follows the width of `el`, which the page gives it (the notebook cell's
 * output), not what is drawn in it: calls `onResize` when it changes, at most
 * once an animation frame, until `signal` aborts. Returns a function that
 * reads the width to draw at: the cell's, never below MIN_WIDTH.
 *
 * @param {HTMLElement} el
 * @param {AbortSignal} signal
 * @param {() => void} onResize
 * @returns {() => number}
 */
function fitWidth(el, signal, onResize) {
  const measure = () => Math.max(MIN_WIDTH, Math.floor(el.clientWidth));
  let width = measure();
  let frame = 0;
  const observer = new ResizeObserver(() => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const next = measure();
      if (next === width) return;
      width = next;
      onResize();
    });
  });
  observer.observe(el);
  signal.addEventListener("abort", () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  });
  return () => width;
}
