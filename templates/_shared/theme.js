/**
 * The colours of the widget's stylesheet, which follow the host's theme, for
 * drawing code that cannot use `var()`: a canvas, SVG attributes, WebGL.
 *
 * @param {Element} el
 */
function themeColors(el) {
  const style = getComputedStyle(el);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    fg: read("--fg"),
    fgMuted: read("--fg-muted"),
    bg: read("--bg"),
    grid: read("--grid"),
    accent: read("--accent"),
    mark: read("--mark"),
    markMuted: read("--mark-muted"),
    highlight: read("--highlight"),
  };
}

/**
 * Calls `redraw` when the theme may have changed: the system turned dark or
 * light, or the host switched its theme (JupyterLab, VS Code and marimo mark it
 * on <html> or <body>).
 *
 * @param {() => void} redraw
 * @param {AbortSignal} signal
 */
function onThemeChange(redraw, signal) {
  const dark = matchMedia("(prefers-color-scheme: dark)");
  dark.addEventListener("change", redraw, { signal });
  const observer = new MutationObserver(redraw);
  const attributeFilter = ["class", "style", "data-jp-theme-name"];
  for (const node of [document.documentElement, document.body]) {
    observer.observe(node, { attributes: true, attributeFilter });
  }
  signal.addEventListener("abort", () => observer.disconnect());
}
