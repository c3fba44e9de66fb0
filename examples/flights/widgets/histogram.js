// Histogram: histogram of flight delays, filtered by selection from scatter
// plot.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {string} column  the column to bin (empty: the first numeric column)
 * @property {number} bins  number of bins
 * @property {number} width  width of the chart in pixels
 * @property {number} height  height of the chart in pixels
 * @property {DataView | Int32Array | number[]} selected_indices  list of indices selected by brush
 */

const MARGIN = { top: 12, right: 16, bottom: 44, left: 60 };

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("histogram");
  const svg = svgElement("svg", { role: "img" });
  const bars = svgElement("g", { class: "bars" });
  const axes = svgElement("g", { class: "axes" });
  svg.append(bars, axes);
  const caption = document.createElement("p");
  caption.setAttribute("role", "status");
  el.append(svg, caption);

  let column = null;
  let binOfRow = new Int32Array(0); // each row's bin, -1 when its value is missing
  let totals = new Int32Array(0);
  let edges = [];

  function load() {
    const table = decodeTable(model.get("data"));
    column = pickNumericColumn(table, model.get("column"));
    if (!column) {
      bars.replaceChildren();
      axes.replaceChildren();
      caption.textContent = "Pass a DataFrame with a numeric column.";
      return;
    }
    svg.setAttribute("aria-label", `Histogram of ${column.name}`);
    const range = extent(column.values);
    if (!range) {
      column = null;
      bars.replaceChildren();
      axes.replaceChildren();
      const rows = plural(table.length, "row");
      caption.textContent = `No numeric values to draw: ${rows}, all missing or infinite.`;
      return;
    }
    const binCount = Math.max(1, model.get("bins"));
    const [min, max] = range;
    const width = (max - min) / binCount;
    edges = Array.from({ length: binCount + 1 }, (_, i) => min + i * width);
    binOfRow = new Int32Array(table.length);
    totals = new Int32Array(binCount);
    for (let row = 0; row < table.length; row++) {
      const value = column.values[row];
      const bin = !Number.isFinite(value)
        ? -1
        : Math.min(binCount - 1, Math.floor((value - min) / width));
      binOfRow[row] = bin;
      if (bin >= 0) totals[bin]++;
    }
    draw();
  }

  function draw() {
    if (!column) return;
    const [width, height] = [model.get("width"), model.get("height")];
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    const value = model.get("selected_indices");
    const selected = rowIndices(value);
    const counts = new Int32Array(totals.length);
    let existing = 0; // selected rows this table has: a selection can outlive it
    for (let i = 0; i < selected.length; i++) {
      const bin = binOfRow[selected[i]]; // undefined: a row past the table's end
      if (bin === undefined) continue;
      existing++;
      if (bin >= 0) counts[bin]++;
    }
    const [first, last] = [edges[0], edges[edges.length - 1]];
    const x = linearScale([first, last], [MARGIN.left, width - MARGIN.right]);
    const top = Math.max(1, ...totals);
    const y = linearScale([0, top], [height - MARGIN.bottom, MARGIN.top]);
    /** A bar from 0 to `count`, its count in its tooltip. */
    const bar = (bin, count, className, tooltip) => {
      const rect = svgElement("rect", {
        x: x(edges[bin]) + 1,
        y: y(count),
        width: Math.max(0, x(edges[bin + 1]) - x(edges[bin]) - 1),
        height: y(0) - y(count),
        class: className,
      });
      const title = svgElement("title");
      title.textContent = tooltip;
      rect.append(title);
      return rect;
    };
    bars.replaceChildren();
    for (let bin = 0; bin < totals.length; bin++) {
      const rows = plural(totals[bin], "row");
      if (!selected.length) {
        bars.append(bar(bin, totals[bin], "all", rows));
        continue;
      }
      const chosen = `${counts[bin].toLocaleString()} of ${rows} selected`;
      bars.append(bar(bin, totals[bin], "all muted", rows));
      bars.append(bar(bin, counts[bin], "selected", chosen));
    }
    drawAxes(axes, {
      x,
      y,
      xLabel: column.name,
      yLabel: "rows",
      xKind: column.kind,
      yKind: "number",
    });
    const total = plural(binOfRow.length, "row");
    const rows = drawnRows(countFinite(column.values), binOfRow.length);
    caption.textContent = selected.length
      ? `${column.name}: ${existing.toLocaleString()} of ${total} selected`
      : `${column.name}: ${rows}`;
  }

  model.on("change:data", load);
  model.on("change:column", load);
  model.on("change:bins", load);
  model.on("change:width", draw);
  model.on("change:height", draw);
  model.on("change:selected_indices", draw);
  load();
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
