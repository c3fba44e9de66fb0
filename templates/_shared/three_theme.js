/**
 * A colour the widget's stylesheet sets (`--sky`), as the host's theme makes it
 * now, for three.js.
 *
 * @param {Element} el
 * @param {string} name
 */
function sceneColor(el, name) {
  const css = getComputedStyle(el).getPropertyValue(name);
  const [r, g, b] = colorBytes(css).map((byte) => byte / 255);
  return new THREE.Color().setRGB(r, g, b, THREE.SRGBColorSpace);
}
