/**
 * A colour of the host's theme (from themeColors) for three.js, mixed with
 * `tint` by `amount` (0 to 1) as CSS's color-mix() mixes them.
 *
 * @param {string} color
 * @param {string} [tint]
 * @param {number} [amount]
 */
function sceneColor(color, tint = color, amount = 0) {
  const [from, to] = [colorBytes(color), colorBytes(tint)];
  const rgb = [0, 1, 2].map((i) => from[i] + (to[i] - from[i]) * amount);
  return new THREE.Color(`rgb(${rgb.map(Math.round).join(", ")})`);
}
