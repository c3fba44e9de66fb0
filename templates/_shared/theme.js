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
