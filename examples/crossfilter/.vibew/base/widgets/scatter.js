// Scatter: scatter with brush selection.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {string} x  column on the x axis (empty: the first numeric column)
 * @property {string} y  column on the y axis (empty: the next numeric column)
 * @property {number} width  width of the plot in pixels
 * @property {number} height  height of the plot in pixels
 * @property {DataView | Int32Array | number[]} selected_indices  written here: brush selection
 */

const MARGIN = { top: 12, right: 16, bottom: 44, left: 60 };

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("scatter");
  const plot = document.createElement("div");
  plot.className = "plot";
  const canvas = document.createElement("canvas");
  const svg = svgElement("svg", { role: "img" });
  const axes = svgElement("g", { class: "axes" });
  const brush = svgElement("rect", { class: "brush", visibility: "hidden" });
  svg.append(axes, brush);
  const caption = document.createElement("p");
  caption.setAttribute("role", "status");
  plot.append(canvas, svg);
  el.append(plot, caption);

  const context = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  let table = decodeTable(null);
  let x = null;
  let y = null;
  let xScale = null;
  let yScale = null;
  let side = 1; // of each point's square, in canvas pixels
  let pixelOf = new Int32Array(0); // each row's first canvas pixel; -1: none
  let brushed = null; // the selection this view last wrote, to tell it apart
  let shown = null; // the selection last drawn
  let frame = 0; // the animation frame a redraw waits for, if any
  let drawn = 0; // rows with both values finite

  function load() {
    const [width, height] = [model.get("width"), model.get("height")];
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    Object.assign(canvas.style, { width: `${width}px`, height: `${height}px` });
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    table = decodeTable(model.get("data"));
    x = pickNumericColumn(table, model.get("x"));
    y = pickNumericColumn(table, model.get("y"), x ? [x.name] : []);
    if (!x || !y) {
      axes.replaceChildren();
      context.clearRect(0, 0, canvas.width, canvas.height);
      caption.textContent = "Pass a DataFrame with two numeric columns.";
      return;
    }
    svg.setAttribute("aria-label", `${y.name} against ${x.name}`);
    const [right, bottom] = [width - MARGIN.right, height - MARGIN.bottom];
    const [xRange, yRange] = [extent(x.values), extent(y.values)];
    drawn = 0;
    for (let row = 0; row < table.length; row++) {
      if (Number.isFinite(x.values[row]) && Number.isFinite(y.values[row])) {
        drawn++;
      }
    }
    if (!xRange || !yRange || !drawn) {
      axes.replaceChildren();
      context.clearRect(0, 0, canvas.width, canvas.height);
      const rows = plural(table.length, "row");
      caption.textContent = `No numeric values to draw: ${rows}, none with both ${x.name} and ${y.name}.`;
      x = null;
      xScale = null;
      return;
    }
    xScale = linearScale(xRange, [MARGIN.left, right]);
    yScale = linearScale(yRange, [bottom, MARGIN.top]);
    drawAxes(axes, {
      x: xScale,
      y: yScale,
      xLabel: x.name,
      yLabel: y.name,
      xKind: x.kind,
      yKind: y.kind,
    });
    const size = table.length > 100_000 ? 1 : table.length > 10_000 ? 2 : 3;
    side = Math.max(1, Math.round(size * ratio));
    pixelOf = pixelPositions(x.values, y.values, {
      xScale,
      yScale,
      ratio,
      side,
      canvas,
    });
    draw();
  }

  function draw() {
    if (!x || !y) return;
    const selected = selectedRows();
    shown = selected;
    if (!brushed || !sameRows(selected, brushed)) {
      brush.setAttribute("visibility", "hidden");
    }
    const colors = themeColors(el);
    const image = context.createImageData(canvas.width, canvas.height);
    if (selected.length) {
      paintPoints(image, pixelOf, null, side, colorBytes(colors.markMuted));
      paintPoints(image, pixelOf, selected, side, colorBytes(colors.mark));
    } else {
      paintPoints(image, pixelOf, null, side, colorBytes(colors.mark));
    }
    context.putImageData(image, 0, 0);
    let existing = 0; // selected rows this table has: a selection can outlive it
    for (const row of selected) if (row >= 0 && row < table.length) existing++;
    const all = plural(table.length, "row");
    const missing = table.length - drawn;
    const rows = selected.length
      ? `${existing.toLocaleString()} of ${all} selected`
      : missing
        ? `${drawn.toLocaleString()} of ${all} drawn; ${missing.toLocaleString()} missing or infinite`
        : all;
    caption.textContent = `${rows} · drag to select, click to clear`;
  }

  function selectedRows() {
    const value = model.get("selected_indices");
    return rowIndices(value);
  }

  /**
   * Redraws at the next frame, once however many changes come before it, and
   * not at all when the selection is the one on screen (say, the kernel
   * echoing this view's brush back).
   */
  function onSelection() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const selected = selectedRows();
      if (!shown || !sameRows(selected, shown)) draw();
    });
  }

  let start = null;
  function onPointerDown(event) {
    if (!xScale || event.button !== 0) return;
    svg.setPointerCapture(event.pointerId);
    start = pointer(event);
    moveBrush(start, start);
    brush.setAttribute("visibility", "visible");
  }
  function onPointerMove(event) {
    if (start) moveBrush(start, pointer(event));
  }
  function onPointerUp(event) {
    if (!start) return;
    const end = pointer(event);
    const [dx, dy] = [end[0] - start[0], end[1] - start[1]];
    const tiny = Math.abs(dx) < 3 && Math.abs(dy) < 3;
    brushed = tiny ? new Int32Array(0) : rowsInside(start, end);
    start = null;
    if (tiny) brush.setAttribute("visibility", "hidden");
    model.set("selected_indices", brushed);
    model.save_changes(); // sent before the redraw, which waits for a frame
    onSelection();
  }
  function pointer(event) {
    const box = svg.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }
  function moveBrush(from, to) {
    const [[x0, y0], [x1, y1]] = [from, to];
    brush.setAttribute("x", String(Math.min(x0, x1)));
    brush.setAttribute("y", String(Math.min(y0, y1)));
    brush.setAttribute("width", String(Math.abs(x1 - x0)));
    brush.setAttribute("height", String(Math.abs(y1 - y0)));
  }
  /** The rows whose point lies between two corners (in pixels). */
  function rowsInside(from, to) {
    const [[x0, y0], [x1, y1]] = [from, to];
    const [xMin, xMax] = [xScale.invert(x0), xScale.invert(x1)].sort(byValue);
    const [yMin, yMax] = [yScale.invert(y0), yScale.invert(y1)].sort(byValue);
    const rows = new Int32Array(table.length);
    let count = 0;
    for (let row = 0; row < table.length; row++) {
      const [xv, yv] = [x.values[row], y.values[row]];
      if (xv >= xMin && xv <= xMax && yv >= yMin && yv <= yMax) {
        rows[count++] = row;
      }
    }
    return rows.slice(0, count); // a copy that owns its buffer, as sent
  }

  svg.addEventListener("pointerdown", onPointerDown, { signal });
  svg.addEventListener("pointermove", onPointerMove, { signal });
  svg.addEventListener("pointerup", onPointerUp, { signal });
  model.on("change:data", load);
  model.on("change:x", load);
  model.on("change:y", load);
  model.on("change:width", load);
  model.on("change:height", load);
  model.on("change:selected_indices", onSelection);
  onThemeChange(draw, signal);
  signal.addEventListener("abort", () => cancelAnimationFrame(frame));
  load();
}

function byValue(a, b) {
  return a - b;
}

function sameRows(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Where each row's square starts in the canvas (an index into its pixels), or
 * -1 when the point is missing or off the plot: worked out once per table, so
 * a redraw only copies colours.
 */
function pixelPositions(xs, ys, { xScale, yScale, ratio, side, canvas }) {
  const { width, height } = canvas;
  const positions = new Int32Array(xs.length);
  for (let row = 0; row < xs.length; row++) {
    const px = Math.round(xScale(xs[row]) * ratio - side / 2);
    const py = Math.round(yScale(ys[row]) * ratio - side / 2);
    const inside =
      px >= 0 && py >= 0 && px + side <= width && py + side <= height;
    positions[row] = inside ? py * width + px : -1;
  }
  return positions;
}

/** Paints each row's square (every row's when `rows` is null) into an image. */
function paintPoints(image, positions, rows, side, [r, g, b, a]) {
  const pixels = new Uint32Array(image.data.buffer);
  const width = image.width;
  const packed = ((a << 24) | (b << 16) | (g << 8) | r) >>> 0; // little-endian
  const count = rows ? rows.length : positions.length;
  for (let i = 0; i < count; i++) {
    const at = positions[rows ? rows[i] : i];
    if (!(at >= 0)) continue; // -1, or a row past the end of the table
    for (let dy = 0; dy < side; dy++) {
      pixels.fill(packed, at + dy * width, at + dy * width + side);
    }
  }
}

/**
 * @typedef {"number" | "bool" | "time" | "category"} Kind
 * @typedef { { name: string, kind: Kind, dtype: string, values: DataView,
 *   categories?: string[] } } EncodedColumn
 * @typedef { { length: number, columns: EncodedColumn[] } } EncodedTable
 * @typedef { { name: string, kind: Kind, categories: string[] | null,
 *   values: Float64Array | Float32Array | Int32Array | Uint8Array } } Column
 * @typedef { { length: number, columns: Column[] } } Table
 */

/**
 * Decodes the table `Table` in `_traits.py` sends, one binary buffer a column.
 * Numbers, booleans and times become typed arrays over the received bytes (no
 * copy); text becomes Int32Array codes into `categories` (-1: missing). Missing
 * numbers are NaN; times are milliseconds since 1970 (UTC).
 *
 * @param {EncodedTable | null | undefined} table
 * @returns {Table}
 */
function decodeTable(table) {
  if (!table) return { length: 0, columns: [] };
  const columns = table.columns.map((column) => ({
    name: column.name,
    kind: column.kind,
    values: typedArray(column.values, column.dtype),
    categories: column.categories ?? null,
  }));
  return { length: table.length, columns };
}

const ARRAY_TYPES = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
};

/** A typed array over a DataView's bytes, copied only when misaligned. */
function typedArray(view, dtype) {
  const Type = ARRAY_TYPES[dtype];
  if (!Type) throw new Error(`unsupported column type ${dtype}`);
  const { buffer, byteOffset, byteLength } = view;
  if (byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(buffer, byteOffset, byteLength / Type.BYTES_PER_ELEMENT);
  }
  return new Type(buffer.slice(byteOffset, byteOffset + byteLength));
}

/**
 * Row positions as an Int32Array, whatever form the model holds them in: a
 * DataView from Python (`RowIndices` sends one int32 buffer), an Int32Array set
 * here, or a plain array.
 */
function rowIndices(value) {
  if (!value) return new Int32Array(0);
  if (value instanceof Int32Array) return value;
  if (value instanceof DataView) {
    const { buffer, byteOffset, byteLength } = value;
    return byteOffset % 4 === 0
      ? new Int32Array(buffer, byteOffset, byteLength / 4)
      : new Int32Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  return Int32Array.from(value);
}

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

/**
 * An SVG element with its attributes set.
 *
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 */
function svgElement(tag, attributes = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  return element;
}

/** An SVG text element. */
function svgText(content, attributes) {
  const text = svgElement("text", attributes);
  text.textContent = content;
  return text;
}

/**
 * A linear map from `domain` to `range`, with its inverse.
 *
 * @param {number[]} domain
 * @param {number[]} range
 */
function linearScale(domain, range) {
  const [[d0, d1], [r0, r1]] = [domain, range];
  const k = (r1 - r0) / (d1 - d0);
  const scale = (value) => r0 + (value - d0) * k;
  scale.invert = (position) => d0 + (position - r0) / k;
  scale.domain = [d0, d1];
  return scale;
}

/** About `count` round numbers spanning [min, max]. */
function niceTicks(min, max, count = 5) {
  const rough = max / count - min / count; // max - min can overflow
  if (!(rough > 0 && rough < Infinity)) return [];
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const ticks = [];
  const first = Math.ceil(min / step) * step;
  for (let value = first; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** @type {[number, string][]} */
const TICK_UNITS = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** A tick's label: 0.25 · 1500 · 60k · 1.2M · 2e15 · 1e300 · 2024-05-01. */
function formatTick(value, kind = "number") {
  if (kind === "time") return new Date(value).toISOString().slice(0, 10);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || (magnitude > 0 && magnitude < 1e-4)) {
    return value.toExponential().replace("e+", "e"); // 1e300, 2.5e-7
  }
  if (magnitude < 1e4) return String(Number(value.toPrecision(6)));
  const [size, unit] = TICK_UNITS.find(([size]) => magnitude >= size);
  // niceTicks gives round numbers, so the quotient's shortest text is exact.
  return `${Number((value / size).toPrecision(12))}${unit}`;
}

/**
 * [min, max] of the finite values, padded when they are all the same, or null
 * when there are none.
 */
function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return null;
  const pad = Math.max(1, Math.abs(min) / 10); // 66,631 → 59,968–73,295
  return min === max ? [min - pad, max + pad] : [min, max];
}

/** Axis lines, ticks and labels into `group`, for scales over pixel ranges. */
function drawAxes(group, { x, y, xLabel, yLabel, xKind, yKind }) {
  group.replaceChildren();
  const [left, right] = [x(x.domain[0]), x(x.domain[1])];
  const [bottom, top] = [y(y.domain[0]), y(y.domain[1])];
  const line = (x1, y1, x2, y2) => svgElement("line", { x1, y1, x2, y2 });
  group.append(
    line(left, bottom, right, bottom),
    line(left, bottom, left, top),
  );
  for (const tick of niceTicks(...x.domain)) {
    const [at, label] = [x(tick), formatTick(tick, xKind)];
    // Clear of the y labels and inside the right margin (12 px or more), at
    // ~3.3 px a character each side
    const half = label.length * 3.3;
    const centre = Math.max(left - 4 + half, Math.min(at, right + 12 - half));
    group.append(
      line(at, bottom, at, bottom + 4),
      svgText(label, { x: centre, y: bottom + 16 }),
    );
  }
  let widest = 0; // of the y labels, in characters
  for (const tick of niceTicks(...y.domain)) {
    const [at, label] = [y(tick), formatTick(tick, yKind)];
    widest = Math.max(widest, label.length);
    group.append(
      line(left - 4, at, left, at),
      svgText(label, { x: left - 6, y: at + 4, class: "end" }),
    );
  }
  const middle = (top + bottom) / 2;
  // Clear of the widest label (~6.5 px a character), inside the left edge.
  const titleAt = Math.max(10, Math.min(left - 44, left - 12 - widest * 6.5));
  group.append(
    svgText(xLabel, { x: (left + right) / 2, y: bottom + 32 }),
    svgText(yLabel, {
      transform: `translate(${titleAt}, ${middle}) rotate(-90)`,
    }),
  );
}

/** How many of `values` are finite: the rest are missing or infinite. */
function countFinite(values) {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) count++;
  }
  return count;
}

/** "all 6 rows", or "4 of 6 rows drawn; 2 missing or infinite". */
function drawnRows(drawn, total) {
  if (drawn === total) {
    return `${total > 1 ? "all " : ""}${plural(total, "row")}`;
  }
  const missing = (total - drawn).toLocaleString();
  const of = `${drawn.toLocaleString()} of ${plural(total, "row")}`;
  return `${of} drawn; ${missing} missing or infinite`;
}

/** The column named `name`, else the first numeric column not `taken`. */
function pickNumericColumn(table, name, taken = []) {
  const numeric = table.columns.filter(
    (c) => c.kind === "number" || c.kind === "time",
  );
  return (
    table.columns.find((c) => c.name === name) ??
    numeric.find((c) => !taken.includes(c.name)) ??
    numeric[0] ??
    null
  );
}

/** A count with its noun: "1 row", "3,000 rows". */
function plural(count, noun) {
  return `${count.toLocaleString()} ${count === 1 ? noun : `${noun}s`}`;
}

export default { render };
