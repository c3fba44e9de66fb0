/**
 * A height grid as one flat Float32Array, row after row, NaN where a cell has no
 * value. The model holds what `Grid` in _traits.py sends: `{ shape, values }`,
 * the float32 values in a DataView (a typed array when set on this page), or
 * the list of rows widgets wrote before. An empty grid has no rows.
 */
function decodeGrid(value) {
  if (value?.shape) {
    const [rows, cols] = value.shape;
    return { rows, cols, heights: float32s(value.values, rows * cols) };
  }
  const rows = value?.length ?? 0;
  const cols = rows && (value[0]?.length ?? 0);
  const heights = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const height = value[r][c];
      heights[r * cols + c] = height == null ? NaN : Number(height);
    }
  }
  return { rows: cols && rows, cols, heights };
}

/** `count` float32 values over the bytes of a DataView, typed array or buffer. */
function float32s(values, count) {
  if (values instanceof Float32Array) return values;
  const view = ArrayBuffer.isView(values) ? values : new DataView(values);
  const { buffer, byteOffset } = view;
  return byteOffset % 4 === 0
    ? new Float32Array(buffer, byteOffset, count)
    : new Float32Array(buffer.slice(byteOffset, byteOffset + count * 4));
}

/** How many cells have no height (NaN). */
function countMissing(heights) {
  let missing = 0;
  for (const height of heights) if (Number.isNaN(height)) missing++;
  return missing;
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

/** The colour of a cell with no height: magenta, which no terrain has. */
const MISSING_COLOR = [214, 40, 160];

/** The terrain colour of a height in 0..1 (NaN: no height), as [r, g, b] bytes. */
function heightColor(height) {
  if (Number.isNaN(height)) return MISSING_COLOR;
  const h = Math.min(1, Math.max(0, height));
  let i = 1;
  while (i < TERRAIN_STOPS.length - 1 && TERRAIN_STOPS[i][0] < h) i++;
  const [h0, c0] = TERRAIN_STOPS[i - 1];
  const [h1, c1] = TERRAIN_STOPS[i];
  const t = (h - h0) / (h1 - h0);
  return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * t));
}
