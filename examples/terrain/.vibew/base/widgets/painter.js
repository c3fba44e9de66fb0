// Painter: 2D canvas for painting terrain height with mouse brush, stores 64x64
// grid.

/**
 * @typedef {object} Model
 * @property {number} size  cells along each side of the height grid
 * @property {number} width  width of the canvas in pixels
 * @property {number} height  height of the canvas in pixels
 * @property {{ shape: number[], values: DataView } | number[][]} heightmap  written here: 64x64 grid of float values 0-1 representing terrain height
 */

const STRENGTH = 0.05; // height a brush stamp adds at its centre
const WRITE_INTERVAL = 100; // ms between writes while painting

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("painter");
  const canvas = document.createElement("canvas");
  const toolbar = document.createElement("div");
  toolbar.className = "toolbar";
  const brushLabel = document.createElement("label");
  const brush = document.createElement("input");
  Object.assign(brush, { type: "range", min: "1", max: "16", step: "0.5" });
  brush.value = "5";
  brushLabel.append("Brush", brush);
  const flatten = document.createElement("button");
  flatten.textContent = "Flatten";
  const caption = document.createElement("span");
  toolbar.append(brushLabel, flatten, caption);
  const hint = document.createElement("p");
  hint.textContent = "Drag to raise the ground; shift-drag to lower it.";
  el.append(canvas, toolbar, hint);

  const context = canvas.getContext("2d");
  const cells = document.createElement("canvas"); // a pixel per cell, smoothed
  const cellContext = cells.getContext("2d");
  const palette = Array.from({ length: 256 }, (_, i) => heightColor(i / 255));
  const first = model.get("heightmap");
  let grid = readGrid(first, model.get("size"));
  let written = null; // the value this view wrote, to skip its own change
  let stroke = null; // { button, last } while a button is down, in cell units
  let hover = null; // the pointer in cell units, for the brush outline
  let lastWrite = 0;

  function resize() {
    const [width, height] = [model.get("width"), model.get("height")];
    const ratio = window.devicePixelRatio || 1;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    draw();
  }

  function draw() {
    const { rows, cols, heights } = grid;
    [cells.width, cells.height] = [cols, rows];
    const image = cellContext.createImageData(cols, rows);
    for (let i = 0; i < heights.length; i++) {
      const height = heights[i];
      const shade = Math.round(Math.min(1, Math.max(0, height)) * 255);
      const rgb = Number.isNaN(height) ? MISSING_COLOR : palette[shade];
      image.data.set(rgb, i * 4);
      image.data[i * 4 + 3] = 255;
    }
    cellContext.putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(cells, 0, 0, canvas.width, canvas.height);
    if (hover) {
      const [x, y] = [canvas.width / cols, canvas.height / rows]; // per cell
      const [r, ratio] = [brushRadius(), window.devicePixelRatio || 1];
      const [cx, cy] = [(hover[0] + 0.5) * x, (hover[1] + 0.5) * y];
      context.beginPath();
      context.ellipse(cx, cy, r * x, r * y, 0, 0, 2 * Math.PI);
      // A light ring on a dark one shows on sea and snow alike.
      context.globalAlpha = 0.45;
      context.strokeStyle = "black";
      context.lineWidth = 3 * ratio;
      context.stroke();
      context.globalAlpha = 0.9;
      context.strokeStyle = "white";
      context.lineWidth = ratio;
      context.stroke();
      context.globalAlpha = 1;
    }
    const missing = countMissing(heights);
    caption.textContent =
      `${rows} × ${cols} cells` +
      (missing ? `; ${plural(missing, "cell")} missing` : "");
  }

  function brushRadius() {
    return Number(brush.value);
  }

  /** The pointer in cell units: cell (c, r) has its centre at (c, r). */
  function cellAt(event) {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) / box.width) * grid.cols - 0.5,
      ((event.clientY - box.top) / box.height) * grid.rows - 0.5,
    ];
  }

  /** Stamps the brush every third of a radius from the last point to `to`. */
  function paintTo(to, lower) {
    const [x0, y0] = stroke.last;
    const [dx, dy] = [to[0] - x0, to[1] - y0];
    const radius = brushRadius();
    const amount = lower ? -STRENGTH : STRENGTH;
    const count = Math.ceil(Math.hypot(dx, dy) / Math.max(0.25, radius / 3));
    for (let i = 1; i <= count; i++) {
      const at = [x0 + (dx * i) / count, y0 + (dy * i) / count];
      stamp(grid, at, radius, amount);
    }
    stroke.last = to;
  }

  function write() {
    written = encodeGrid(grid); // one float32 buffer, whatever the size
    lastWrite = performance.now();
    model.set("heightmap", written);
    model.save_changes();
  }

  function onPointerDown(event) {
    if (event.button !== 0 && event.button !== 2) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    const at = cellAt(event);
    stroke = { button: event.button, last: at };
    const lower = event.shiftKey || event.button === 2;
    stamp(grid, at, brushRadius(), lower ? -STRENGTH : STRENGTH);
    draw();
  }
  function onPointerMove(event) {
    hover = cellAt(event);
    if (stroke) {
      paintTo(hover, event.shiftKey || stroke.button === 2);
      if (performance.now() - lastWrite >= WRITE_INTERVAL) write();
    }
    draw();
  }
  function onPointerUp() {
    if (!stroke) return;
    stroke = null;
    write();
  }
  function onPointerLeave() {
    hover = null;
    draw();
  }
  function onContextMenu(event) {
    event.preventDefault(); // the right button lowers the ground instead
  }
  function onFlatten() {
    grid.heights.fill(0);
    draw();
    write();
  }
  function onHeightmapChange() {
    const value = model.get("heightmap");
    // Not this view's own writes, nor during a stroke: the stroke in hand wins.
    if (value === written || stroke) return;
    grid = readGrid(value, model.get("size"));
    draw();
  }
  function onSizeChange() {
    const size = Math.max(2, model.get("size"));
    if (grid.rows === size && grid.cols === size) return;
    grid = resample(grid, size);
    draw();
    write();
  }

  canvas.addEventListener("pointerdown", onPointerDown, { signal });
  canvas.addEventListener("pointermove", onPointerMove, { signal });
  canvas.addEventListener("pointerup", onPointerUp, { signal });
  canvas.addEventListener("pointercancel", onPointerUp, { signal });
  canvas.addEventListener("pointerleave", onPointerLeave, { signal });
  canvas.addEventListener("contextmenu", onContextMenu, { signal });
  flatten.addEventListener("click", onFlatten, { signal });
  model.on("change:heightmap", onHeightmapChange);
  model.on("change:size", onSizeChange);
  model.on("change:width", resize);
  model.on("change:height", resize);
  resize();
}

/** The model's grid, to paint on; flat, `size` cells a side, while it has none. */
function readGrid(value, size) {
  const { rows, cols, heights } = decodeGrid(value);
  if (rows) return { rows, cols, heights: heights.slice() }; // the model's stays
  return { rows: size, cols: size, heights: new Float32Array(size * size) };
}

/** Adds a soft round bump (a dip if `amount` < 0) at `at`, in 0..1. */
function stamp(grid, at, radius, amount) {
  const { rows, cols, heights } = grid;
  const [x, y] = at;
  const r2 = radius * radius;
  const top = Math.max(0, Math.ceil(y - radius));
  const bottom = Math.min(rows - 1, y + radius);
  const left = Math.max(0, Math.ceil(x - radius));
  const right = Math.min(cols - 1, x + radius);
  for (let row = top; row <= bottom; row++) {
    for (let col = left; col <= right; col++) {
      const d2 = (col - x) ** 2 + (row - y) ** 2;
      if (d2 >= r2) continue;
      const falloff = (1 - d2 / r2) ** 2; // 1 at the centre, 0 at the rim
      const i = row * cols + col;
      const height = Number.isNaN(heights[i]) ? 0 : heights[i]; // paints a hole
      heights[i] = Math.min(1, Math.max(0, height + amount * falloff));
    }
  }
}

/** The grid resampled bilinearly to `size` x `size` cells. */
function resample({ rows, cols, heights }, size) {
  const out = new Float32Array(size * size);
  const at = (row, col) => heights[row * cols + col];
  for (let row = 0; row < size; row++) {
    const y = (row / (size - 1)) * (rows - 1);
    const [r0, ty] = [Math.floor(y), y - Math.floor(y)];
    const r1 = Math.min(rows - 1, r0 + 1);
    for (let col = 0; col < size; col++) {
      const x = (col / (size - 1)) * (cols - 1);
      const [c0, tx] = [Math.floor(x), x - Math.floor(x)];
      const c1 = Math.min(cols - 1, c0 + 1);
      const upper = at(r0, c0) * (1 - tx) + at(r0, c1) * tx;
      const lower = at(r1, c0) * (1 - tx) + at(r1, c1) * tx;
      out[row * size + col] = upper * (1 - ty) + lower * ty;
    }
  }
  return { rows: size, cols: size, heights: out };
}

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

/** The grid as `Grid` in _traits.py takes it back: its own copy of the heights. */
function encodeGrid({ rows, cols, heights }) {
  // A DataView, which every host (marimo too) sends as one binary buffer.
  return { shape: [rows, cols], values: new DataView(heights.slice().buffer) };
}

/** A count with its noun: "1 row", "3,000 rows". */
function plural(count, noun) {
  return `${count.toLocaleString()} ${count === 1 ? noun : `${noun}s`}`;
}

export default { render };
