const MIN_WIDTH = 360; // px: a narrower cell scrolls rather than squeeze the view

/**
 * Follows the width of `el`, which the page gives it (the notebook cell's
 * output): calls `onResize` when it changes, at most once an animation frame,
 * until `signal` aborts. Returns a function that reads the width to draw at:
 * that of `el`'s content, never below MIN_WIDTH. Where `el` takes the width
 * of what is in it (an inline-block), that width is kept: no drawing wider
 * and wider.
 *
 * @param {HTMLElement} el
 * @param {AbortSignal} signal
 * @param {() => void} onResize
 * @returns {() => number}
 */
function fitWidth(el, signal, onResize) {
  const measure = () => {
    const style = getComputedStyle(el);
    const padding =
      parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(MIN_WIDTH, Math.floor(el.clientWidth - (padding || 0)));
  };
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
