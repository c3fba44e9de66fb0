const colorContext = document
  .createElement("canvas")
  .getContext("2d", { willReadFrequently: true });

/**
 * A CSS colour, in any notation, as its red, green, blue and alpha bytes, for
 * code that writes pixels.
 *
 * @param {string} color
 * @returns {[number, number, number, number]}
 */
function colorBytes(color) {
  colorContext.clearRect(0, 0, 1, 1);
  colorContext.fillStyle = color;
  colorContext.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = colorContext.getImageData(0, 0, 1, 1).data;
  return [r, g, b, a];
}
