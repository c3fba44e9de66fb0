// Scatter: scatter plot showing flight delays vs distance, with brush
// selection.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {string} x  column on the x axis (empty: the first numeric column)
 * @property {string} y  column on the y axis (empty: the next numeric column)
 * @property {number} width  fixed width of the plot in pixels (0: fill the output cell, at least 360 px)
 * @property {number} height  height of the plot in pixels
 * @property {DataView | { length: number, bitmap: DataView } | Int32Array | number[]} selected_indices  written here: list of indices selected by brush
 */

const MARGIN = { top: 12, right: 16, bottom: 44, left: 60 };

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("scatter");
  const plot = document.createElement("div");
  plot.className = "plot";
  // Two layers: every point (muted while there is a selection), painted when
  // the table, size or theme changes; above it the selected points alone, so a
  // brush repaints only what it selected.
  const canvas = document.createElement("canvas");
  const overlay = document.createElement("canvas");
  overlay.className = "selection";
  // Over the other canvas, taking no room, whatever the stylesheet says.
  Object.assign(overlay.style, { position: "absolute", top: "0", left: "0" });
  const svg = svgElement("svg", { role: "img" });
  const axes = svgElement("g", { class: "axes" });
  const brush = svgElement("rect", { class: "brush", visibility: "hidden" });
  svg.append(axes, brush);
  const caption = document.createElement("p");
  caption.setAttribute("role", "status");
  plot.append(canvas, overlay, svg);
  el.append(plot, caption);

  const context = canvas.getContext("2d");
  const overlayContext = overlay.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  let table = decodeTable(null);
  let x = null;
  let y = null;
  let xScale = null;
  let yScale = null;
  let side = 1; // of each point's square, in canvas pixels
  let pixelOf = new Int32Array(0); // each row's first canvas pixel; -1: none
  let baseColor = ""; // the colour every point was last painted in ("": none)
  let overlayImage = null; // the selection layer's pixels, reused
  let found = new Int32Array(0); // room for the rows a brush finds, reused
  let brushed = null; // the selection this view last wrote, to tell it apart
  let shown = null; // the selection last drawn
  let frame = 0; // the animation frame a redraw waits for, if any
  let drawn = 0; // rows with both values finite

  function load() {
    const width = model.get("width") || cellWidth();
    const height = model.get("height");
    for (const layer of [canvas, overlay]) {
      layer.width = width * ratio;
      layer.height = height * ratio;
      Object.assign(layer.style, {
        width: `${width}px`,
        height: `${height}px`,
      });
    }
    baseColor = "";
    overlayImage = null;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    brush.setAttribute("visibility", "hidden"); // drawn in the old plot's pixels
    table = decodeTable(model.get("data"));
    x = pickNumericColumn(table, model.get("x"));
    y = pickNumericColumn(table, model.get("y"), x ? [x.name] : []);
    if (!x || !y) {
      axes.replaceChildren();
      caption.textContent = "Pass a DataFrame with two numeric columns.";
      return;
    }
    svg.setAttribute("aria-label", `${y.name} against ${x.name}`);
    const [right, bottom] = [width - MARGIN.right, height - MARGIN.bottom];
    const xRange = extent(x.values, x.kind);
    const yRange = extent(y.values, y.kind);
    drawn = 0;
    for (let row = 0; row < table.length; row++) {
      if (Number.isFinite(x.values[row]) && Number.isFinite(y.values[row])) {
        drawn++;
      }
    }
    if (!xRange || !yRange || !drawn) {
      axes.replaceChildren();
      const rows = plural(table.length, "row");
      caption.textContent = `No numeric values to draw: ${rows}, none with both ${x.name} and ${y.name}.`;
      x = null;
      xScale = null;
      return;
    }
    const size = table.length > 100_000 ? 1 : table.length > 10_000 ? 2 : 3;
    side = Math.max(1, Math.round(size * ratio));
    // Inset by half a point, so the points at the extremes are inside the axes.
    const inset = side / ratio / 2;
    xScale = linearScale(xRange, [MARGIN.left + inset, right - inset]);
    yScale = linearScale(yRange, [bottom - inset, MARGIN.top + inset]);
    drawAxes(axes, {
      x: xScale,
      y: yScale,
      xLabel: x.name,
      yLabel: y.name,
      xKind: x.kind,
      yKind: y.kind,
      xZone: x.timezone,
      yZone: y.timezone,
    });
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
    const color = selected.length ? colors.markMuted : colors.mark;
    if (color !== baseColor) {
      // Every point: once per table, size and theme, and when a selection
      // starts or ends (the points under it turn muted, or back).
      const image = context.createImageData(canvas.width, canvas.height);
      paintPoints(image, pixelOf, null, side, colorBytes(color));
      context.putImageData(image, 0, 0);
      baseColor = color;
    }
    overlayImage ??= overlayContext.createImageData(
      overlay.width,
      overlay.height,
    );
    new Uint32Array(overlayImage.data.buffer).fill(0);
    paintPoints(overlayImage, pixelOf, selected, side, colorBytes(colors.mark));
    overlayContext.putImageData(overlayImage, 0, 0);
    let existing = 0; // selected rows this table has: a selection can outlive it
    for (let i = 0; i < selected.length; i++) {
      if (selected[i] >= 0 && selected[i] < table.length) existing++;
    }
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

  function onSelection() {
    redrawAfter(1);
  }

  /**
   * Redraws after `frames` animation frames, once however many changes come
   * before, and not at all when the selection is the one on screen (say, the
   * kernel echoing this view's brush back).
   */
  function redrawAfter(frames) {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (frames > 1) {
        redrawAfter(frames - 1);
        return;
      }
      const selected = selectedRows();
      if (!shown || !sameRows(selected, shown)) draw();
    });
  }

  /**
   * A new `x` or `y` arrives before the table with its column (which is sent
   * again when they change): until then the old picture stays.
   */
  function onColumn() {
    const names = new Set(table.columns.map((column) => column.name));
    const wanted = [model.get("x"), model.get("y")];
    const coming = wanted.find((name) => name && !names.has(name));
    if (!coming || !names.size) return load();
    caption.textContent = `Loading ${coming}…`;
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
    // Views linked in the page (jslink) redraw as the selection is set: this
    // one redraws a frame later, and the save (megabytes at a million rows)
    // waits for a task of its own, so a frame that is due shows them first.
    redrawAfter(2);
    model.set("selected_indices", rowsToSave(brushed, table.length));
    setTimeout(() => model.save_changes());
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
    const [xs, ys] = [x.values, y.values];
    if (found.length !== table.length) found = new Int32Array(table.length);
    let count = 0;
    for (let row = 0; row < found.length; row++) {
      const [xv, yv] = [xs[row], ys[row]];
      if (xv >= xMin && xv <= xMax && yv >= yMin && yv <= yMax) {
        found[count++] = row;
      }
    }
    return found.slice(0, count); // a copy that owns its buffer, as sent
  }

  svg.addEventListener("pointerdown", onPointerDown, { signal });
  svg.addEventListener("pointermove", onPointerMove, { signal });
  svg.addEventListener("pointerup", onPointerUp, { signal });
  model.on("change:data", load);
  model.on("change:x", onColumn);
  model.on("change:y", onColumn);
  model.on("change:width", load);
  model.on("change:height", load);
  model.on("change:selected_indices", onSelection);
  const cellWidth = fitWidth(el, signal, load);
  onThemeChange(draw, signal);
  signal.addEventListener("abort", () => cancelAnimationFrame(frame));
  load();
}

function byValue(a, b) {
  return a - b;
}

function sameRows(a, b) {
  if (a.length !== b.length) return false;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return true;
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
    // A few pixels a point: plain stores, no call (a million points).
    if (side === 1) {
      pixels[at] = packed;
      continue;
    }
    const end = at + side * width;
    for (let line = at; line < end; line += width) {
      for (let pixel = line; pixel < line + side; pixel++) {
        pixels[pixel] = packed;
      }
    }
  }
}

/**
 * @typedef {"number" | "bool" | "time" | "category"} Kind
 * @typedef { { name: string, kind: Kind, dtype: string, values: DataView,
 *   categories?: string[], timezone?: string | null } } EncodedColumn
 * @typedef { { length: number, columns: EncodedColumn[] } } EncodedTable
 * @typedef { { name: string, kind: Kind, categories: string[] | null,
 *   timezone: string | null,
 *   values: Float64Array | Float32Array | Int32Array | Uint8Array } } Column
 * @typedef { { length: number, columns: Column[] } } Table
 */

/**
 * Decodes the table `Table` in `_traits.py` sends, one binary buffer a column.
 * Numbers, booleans and times become typed arrays over the received bytes (no
 * copy); text becomes Int32Array codes into `categories` (-1: missing). Missing
 * numbers are NaN; times are milliseconds since 1970 (UTC), their `timezone` the
 * zone they were written in ("America/New_York", "UTC", "+05:30"), or null.
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
    timezone: column.timezone ?? null,
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
 * DataView (`RowIndices` sends one int32 buffer, and a page saves one),
 * `{ length, bitmap }` (a dense selection, as a page may save it), an
 * Int32Array, or a plain array.
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
  if (value.bitmap instanceof DataView) {
    const { buffer, byteOffset, byteLength } = value.bitmap;
    const bits = new Uint8Array(buffer, byteOffset, byteLength);
    const rows = new Int32Array(value.length);
    let count = 0;
    for (let row = 0; row < value.length; row++) {
      if (bits[row >> 3] & (1 << (row & 7))) rows[count++] = row;
    }
    return rows.subarray(0, count);
  }
  return Int32Array.from(value);
}

/**
 * A selection as `model.set` should get it: a DataView of its int32 bytes or,
 * when one bit a row of the `length` rows is smaller, `{ length, bitmap }` (row
 * i is bit i % 8 of byte i >> 3). Jupyter's server drops a message over 10 MiB
 * from the page: 2.6M rows as int32, 80M as bits. Every host sends a DataView
 * as one binary buffer (marimo sends nothing else as binary: a typed array
 * would reach Python as a dict of index to value).
 */
function rowsToSave(rows, length = 0) {
  const int32 = rowIndices(rows);
  if (int32.length * 32 > length && length > 0) {
    const bits = new Uint8Array((length + 7) >> 3);
    for (const row of int32) bits[row >> 3] |= 1 << (row & 7);
    return { length, bitmap: new DataView(bits.buffer) };
  }
  return new DataView(int32.buffer, int32.byteOffset, int32.byteLength);
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

/** A tick's label: 0.25 · 1500 · 60k · 1.2M · 2e15 · 1e300. */
function formatTick(value) {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || (magnitude > 0 && magnitude < 1e-4)) {
    return value.toExponential().replace("e+", "e"); // 1e300, 2.5e-7
  }
  if (magnitude < 1e4) return String(Number(value.toPrecision(6)));
  const [size, unit] = TICK_UNITS.find(([size]) => magnitude >= size);
  // niceTicks gives round numbers, so the quotient's shortest text is exact.
  return `${Number((value / size).toPrecision(12))}${unit}`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A time column's clock. Times arrive as UTC milliseconds with the zone they
 * were written in: an IANA name ("America/New_York"), "UTC", a fixed offset
 * ("+05:30"), or null for times written without one, shown as written (kept as
 * UTC, so the browser's own zone never shifts them). A zone the browser does
 * not know is shown as UTC, and named so.
 *
 * `offset(ms)`: what to add to a UTC time for the zone's wall clock there;
 * `suffix(ms)`: the zone's short name there ("EST", "EDT"), "" with no zone.
 *
 * @param {string | null} zone
 */
function timeZone(zone) {
  const fixed = (zone ?? "").match(/^([+-])(\d\d):(\d\d)$/);
  if (!zone || zone === "UTC" || fixed) {
    const sign = fixed?.[1] === "-" ? -1 : 1;
    const minutes = fixed ? Number(fixed[2]) * 60 + Number(fixed[3]) : 0;
    const suffix = zone ?? "";
    return {
      name: zone,
      offset: () => sign * minutes * MINUTE,
      suffix: () => suffix,
    };
  }
  let clock;
  try {
    clock = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      timeZoneName: "short",
    });
  } catch {
    return timeZone("UTC"); // a zone this browser does not know
  }
  const offsets = new Map(); // by minute: zones change offset on whole minutes
  return {
    name: zone,
    offset(ms) {
      const minute = Math.floor(ms / MINUTE);
      if (!offsets.has(minute)) {
        if (offsets.size > 10_000) offsets.clear();
        const part = partsOf(clock, minute * MINUTE);
        const wall = utcTime(part.year, part.month - 1, part.day, part.hour);
        offsets.set(minute, wall + part.minute * MINUTE - minute * MINUTE);
      }
      return offsets.get(minute);
    },
    suffix: (ms) => partsOf(clock, ms).timeZoneName,
  };
}

/** The numbers (and the zone's name) a formatter shows for a time. */
function partsOf(format, ms) {
  const parts = {};
  for (const { type, value } of format.formatToParts(ms)) {
    parts[type] = type === "timeZoneName" ? value : Number(value);
  }
  return parts;
}

/** Date.UTC, for years before 100 too (Date.UTC reads 24 as 1924). */
function utcTime(year, month, day = 1, hour = 0) {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime() + hour * HOUR;
}

/**
 * A time as the zone's clock shows it, a Date to read with the getUTC methods:
 * `wallClock(zone, ms).getUTCHours()` is the hour there.
 */
function wallClock(zone, ms) {
  return new Date(ms + zone.offset(ms));
}

/** A wallClock date as "2024-03-10". */
function dateText(wall) {
  return wall.toISOString().slice(0, 10);
}

/** A wallClock time as "00:00", "00:00:05" or "00:00:05.250", to `unit`. */
function clockText(wall, unit = MINUTE) {
  const text = wall.toISOString().slice(11, 23); // 00:00:05.250
  return text.slice(0, unit >= MINUTE ? 5 : unit >= SECOND ? 8 : 12);
}

/**
 * [min, max] of the finite values, padded when they are all the same (by an
 * hour for times), or null when there are none.
 */
function extent(values, kind = "number") {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return null;
  // 66,631 → 59,968–73,295
  const pad = kind === "time" ? HOUR : Math.max(1, Math.abs(min) / 10);
  return min === max ? [min - pad, max + pad] : [min, max];
}

/**
 * Axis lines, ticks and labels into `group`, for scales over pixel ranges. A
 * time axis (kind "time") reads its times in `xZone` or `yZone` (see timeZone).
 */
function drawAxes(
  group,
  { x, y, xLabel, yLabel, xKind, yKind, xZone = null, yZone = null },
) {
  group.replaceChildren();
  const [left, right] = [x(x.domain[0]), x(x.domain[1])];
  const [bottom, top] = [y(y.domain[0]), y(y.domain[1])];
  const line = (x1, y1, x2, y2) => svgElement("line", { x1, y1, x2, y2 });
  group.append(
    line(left, bottom, right, bottom),
    line(left, bottom, left, top),
  );
  // Clear of the y labels and inside the right margin (12 px or more), at
  // ~3.3 px a character each side
  const centre = (at, label) => {
    const half = label.length * 3.3;
    return Math.max(left - 4 + half, Math.min(at, right + 12 - half));
  };
  // As many x ticks as have room for their labels: about one per 100 px
  let xTicks = [];
  const most = Math.max(5, Math.floor((right - left) / 100));
  for (let count = most; count >= 2; count--) {
    xTicks = axisTicks(x.domain, xKind, xZone, count);
    const room = xTicks.every(([tick, label], i) => {
      if (i === 0) return true;
      const [before, previous] = xTicks[i - 1];
      const gap = centre(x(tick), label) - centre(x(before), previous);
      return gap >= (label.length + previous.length) * 3.3 + 8;
    });
    if (room) break;
  }
  for (const [tick, label] of xTicks) {
    const at = x(tick);
    group.append(
      line(at, bottom, at, bottom + 4),
      svgText(label, { x: centre(at, label), y: bottom + 16 }),
    );
  }
  let widest = 0; // of the y labels, in characters
  // Short labels, in the left margin: times without their dates
  for (const [tick, label] of axisTicks(y.domain, yKind, yZone, 5, true)) {
    const at = y(tick);
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
    svgText(axisTitle(xLabel, xKind, xZone), {
      x: (left + right) / 2,
      y: bottom + 32,
    }),
    svgText(axisTitle(yLabel, yKind, yZone), {
      transform: `translate(${titleAt}, ${middle}) rotate(-90)`,
    }),
  );
}

/** About `count` ticks over `domain`, each [value, label]. */
function axisTicks([min, max], kind, zone, count = 5, short = false) {
  if (kind === "time") {
    return timeTicks(min, max, timeZone(zone), count, short);
  }
  return niceTicks(min, max, count).map((tick) => [tick, formatTick(tick)]);
}

/** An axis's title: its column's name, with the zone its times are read in. */
function axisTitle(label, kind, zone) {
  return kind === "time" && zone ? `${label} (${timeZone(zone).name})` : label;
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/**
 * The UTC time at which the zone's clock shows `wall` (a wallClock time, in
 * ms); in a gap that clock skips (spring forward), the first time after it.
 */
function timeAt(zone, wall) {
  const guess = wall - zone.offset(wall);
  const time = wall - zone.offset(guess);
  return time + zone.offset(time) === wall ? time : Math.max(guess, time);
}

/**
 * About `count` times spanning [min, max], on round steps of the zone's clock
 * (hours on the hour, days at midnight, weeks on Mondays, months on the 1st),
 * each [time, label]. Labels say the unit: "01:00" (with the date on the first
 * tick and where the day changes: "Mar 10" alone at midnight), "Mar 10" (with
 * the year on the first tick and where it changes), "Mar 2024", "2024". Steps
 * go by the zone's clock, so a DST day of 23 hours has no 02:00 tick and one
 * of 25 no second 01:00. `short` labels give the clock or the day alone.
 *
 * @returns {[number, string][]}
 */
function timeTicks(min, max, zone, count = 5, short = false) {
  const rough = (max - min) / count;
  if (!(rough > 0 && rough < Infinity)) return [];
  const [first, last] = [min + zone.offset(min), max + zone.offset(max)];
  const clockSteps = [
    ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
    ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
    ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
    ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
    ...[1, 2, 7, 14].map((n) => n * DAY),
  ]; // then months (1, 2, 3 or 6) and years (1, 2, 5, 10, 20, ...)
  let step = clockSteps.find((size) => size >= rough);
  let unit = step < DAY ? "clock" : "day";
  const walls = [];
  if (step !== undefined) {
    // Weeks start on Monday: 1970-01-05 was one.
    const origin = step % (7 * DAY) ? 0 : 4 * DAY;
    const start = Math.ceil((first - origin) / step) * step + origin;
    for (let wall = start; wall <= last; wall += step) walls.push(wall);
  } else {
    const month = 30.44 * DAY; // on average
    const months =
      [1, 2, 3, 6].find((n) => n * month >= rough) ??
      12 * niceYears(rough / (12 * month));
    [step, unit] = [months * month, months < 12 ? "month" : "year"];
    const [from, to] = [monthIndex(first), monthIndex(last)];
    const start = Math.ceil(from / months) * months;
    for (let month = start; month <= to; month += months) {
      walls.push(utcTime(Math.floor(month / 12), month % 12));
    }
  }
  const ticks = [];
  for (const wall of walls) {
    const time = timeAt(zone, wall);
    // A clock time the zone skips has no tick (a skipped midnight moves on).
    const skipped = unit === "clock" && time + zone.offset(time) !== wall;
    if (time >= min && time <= max && !skipped) ticks.push(time);
  }
  return ticks.map((time, i) => {
    const wall = wallClock(zone, time);
    const previous = i > 0 ? wallClock(zone, ticks[i - 1]) : null;
    // Short: as if each tick followed one of its own day, so no date is added
    return [time, timeLabel(wall, short ? wall : previous, unit, step)];
  });
}

/** Months since year 0 of a wall time (ms): 2024 * 12 + 2 for March 2024. */
function monthIndex(wall) {
  const date = new Date(wall);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** 1, 2, 5, 10, 20, ... years: the first not shorter than `rough` years. */
function niceYears(rough) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= rough);
}

/**
 * A time tick's label, after the tick at `previous` (null for the first), for
 * ticks `step` ms apart in `unit`: "clock", "day", "month" or "year".
 */
function timeLabel(wall, previous, unit, step) {
  const [year, month, day] = [
    wall.getUTCFullYear(),
    MONTHS[wall.getUTCMonth()],
    wall.getUTCDate(),
  ];
  if (unit === "year") return String(year);
  if (unit === "month") return `${month} ${year}`;
  if (unit === "day") {
    const newYear = previous?.getUTCFullYear() !== year;
    return newYear ? `${month} ${day}, ${year}` : `${month} ${day}`;
  }
  const clock = clockText(wall, step);
  if (previous && dateText(previous) === dateText(wall)) return clock;
  // A new day: its date, and the time unless it is midnight
  return wall.getTime() % DAY ? `${month} ${day} ${clock}` : `${month} ${day}`;
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

export default { render };
