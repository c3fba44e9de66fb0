/**
 * A height grid as one flat Float64Array, row after row. The model holds a list
 * of rows (Python's list of lists of floats); with nothing there yet it is
 * `size` x `size` zeros.
 */
function readGrid(value, size) {
  if (!value?.length || !value[0]?.length) {
    return { rows: size, cols: size, heights: new Float64Array(size * size) };
  }
  const rows = value.length;
  const cols = value[0].length;
  const heights = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r];
    for (let c = 0; c < cols; c++) heights[r * cols + c] = Number(row[c]) || 0;
  }
  return { rows, cols, heights };
}

/**
 * Height (0..1) → colour, from sea floor to snow: [height, [r, g, b]] stops.
 * @type {[number, number[]][]}
 */
const TERRAIN_STOPS = [
  [0.0, [22, 52, 104]],
  [0.18, [58, 124, 186]],
  [0.22, [224, 208, 152]],
  [0.3, [116, 170, 82]],
  [0.55, [58, 112, 52]],
  [0.75, [128, 108, 88]],
  [0.9, [236, 236, 236]],
  [1.0, [255, 255, 255]],
];

/** The terrain colour of a height in 0..1, as [r, g, b] bytes. */
function heightColor(height) {
  const h = Math.min(1, Math.max(0, height));
  let i = 1;
  while (i < TERRAIN_STOPS.length - 1 && TERRAIN_STOPS[i][0] < h) i++;
  const [h0, c0] = TERRAIN_STOPS[i - 1];
  const [h1, c1] = TERRAIN_STOPS[i];
  const t = (h - h0) / (h1 - h0);
  return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * t));
}
