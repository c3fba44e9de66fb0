// PlanetChart: bar chart showing planet properties, highlight selected planet.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {number} queried_rows  rows of a table too big to send, which the kernel counts (0: all sent)
 * @property {string} category  text column with one bar per value (empty: the first text column)
 * @property {string} value  numeric column summed per bar (empty: the first; none: count rows)
 * @property {number} width  fixed width of the chart in pixels (0: fill the output cell, at least 360 px)
 * @property {number} height  height of the chart in pixels, with the category names level
 * @property {string} selected_planet  name of the clicked planet
 */

const MARGIN = { top: 18, right: 12, bottom: 24, left: 64 };
const TILTED_ROOM = 48; // more height under the axis for names turned to fit
const MAX_BARS = 40; // beyond this, only the largest bars are drawn
const NAME_ROOM = 22; // px a tilted name needs: fewer bars when narrower

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  const ask = kernelAsker(model);
  el.classList.add("planet-chart");
  const svg = svgElement("svg", { role: "img" });
  const grid = svgElement("g", { class: "grid" });
  const bars = svgElement("g", { class: "bars" });
  const axes = svgElement("g", { class: "axes" });
  svg.append(grid, bars, axes);
  const caption = document.createElement("p");
  caption.setAttribute("role", "status");
  el.append(svg, caption);

  let category = null;
  let value = null;
  let all = []; // { name, total, rows } per bar, in the table's order
  let entries = []; // those drawn: the largest that fit
  let hidden = 0; // categories left out: they do not fit
  let summed = false; // whether some bar adds up more than one row
  let empty = ""; // why nothing is drawn
  let unnamed = 0; // rows whose category is missing
  let missing = 0; // rows whose value is missing or infinite
  let rowCount = 0;
  // Of a table too big to send, the kernel sums the bars: the categories it
  // left out (only the largest sums come), and its questions, the last of
  // which is drawn
  let others = 0;
  let asked = 0;

  function load() {
    const table = decodeTable(model.get("data"));
    const chosen = model.get("category");
    category = pickCategoryColumn(table, chosen, "selected_planet");
    const numbers = table.columns.filter((c) => c.kind === "number");
    const named = model.get("value");
    value =
      named === "none"
        ? null
        : (numbers.find((c) => c.name === named) ?? numbers[0] ?? null);
    rowCount = table.length;
    all = [];
    unnamed = 0;
    missing = 0;
    others = 0;
    asked++; // an answer still coming is for another table or column
    if (category && model.get("queried_rows")) return sumInKernel();
    empty = category
      ? table.length
        ? ""
        : "0 rows: nothing to draw."
      : "Pass a DataFrame with a text column to draw one bar per value.";
    if (empty) {
      draw();
      return;
    }
    const totals = new Float64Array(category.categories.length);
    const rows = new Int32Array(category.categories.length);
    for (let row = 0; row < table.length; row++) {
      const code = category.values[row];
      const amount = value ? value.values[row] : 1;
      // A row with no category, or no finite value, is left out, and counted
      if (code < 0) {
        unnamed++;
        continue;
      }
      if (!Number.isFinite(amount)) {
        missing++;
        continue;
      }
      rows[code]++;
      totals[code] += amount; // past ±1.8e308 it overflows to ±Infinity
    }
    all = category.categories
      .map((name, code) => ({ name, total: totals[code], rows: rows[code] }))
      .filter((entry) => entry.rows > 0);
    summed = all.some((entry) => entry.rows > 1);
    if (!all.length) {
      const rows = plural(table.length, "row");
      empty = unnamed
        ? `Nothing to draw: ${rows}, ${leftOut()}.`
        : `No numeric values in ${value?.name} to draw: ${rows}, all missing or infinite.`;
    }
    draw();
  }

  /** The largest sums per category of a table too big to send, from the kernel. */
  async function sumInKernel() {
    const mine = asked;
    caption.textContent = `Summing ${plural(model.get("queried_rows"), "row")}…`;
    const question = { ask: "sums", category: category.name, limit: MAX_BARS };
    let answer;
    try {
      answer = await ask({ ...question, value: value?.name ?? null });
    } catch (error) {
      if (mine !== asked) return;
      caption.textContent = `The kernel could not sum the rows: ${error.message}`;
      return;
    }
    if (mine !== asked) return; // a newer table or column asked since
    const sums = float64s(answer.buffers[0]); // the totals, then the rows
    const count = answer.names.length;
    all = answer.names.map((name, i) => ({
      name,
      total: sums[i],
      rows: sums[count + i],
    }));
    ({ others, unnamed, missing } = answer);
    rowCount = model.get("queried_rows");
    summed = all.some((entry) => entry.rows > 1);
    const rows = plural(rowCount, "row");
    empty = all.length ? "" : `Nothing to draw: ${rows}, ${leftOut()}.`;
    draw();
  }

  function draw() {
    for (const group of [grid, bars, axes]) group.replaceChildren();
    if (empty) {
      caption.textContent = empty;
      return;
    }
    const width = model.get("width") || cellWidth();
    const height = model.get("height");
    const room = width - MARGIN.left - MARGIN.right;
    const fit = Math.max(1, Math.min(MAX_BARS, Math.floor(room / NAME_ROOM)));
    entries = all;
    hidden = others + Math.max(0, all.length - fit);
    if (hidden) {
      const bySize = [...all].sort((a, b) => b.total - a.total);
      const largest = new Set(bySize.slice(0, fit));
      entries = all.filter((entry) => largest.has(entry));
    }
    const selected = model.get("selected_planet");
    const highlighted = new Set(selected ? [selected] : []);
    const tilted = entries.length > 8;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height + (tilted ? TILTED_ROOM : 0)));
    svg.setAttribute("aria-label", `${category.name} bars`);
    const totals = entries.map((entry) => entry.total).filter(Number.isFinite);
    const [low, high] = [Math.min(0, ...totals), Math.max(0, ...totals)];
    const [left, right] = [MARGIN.left, width - MARGIN.right];
    const bottom = height - MARGIN.bottom;
    const domain = [low, high > low ? high : low + 1];
    const y = linearScale(domain, [bottom, MARGIN.top]);
    const step = (right - left) / entries.length;
    const rule = (at) =>
      svgElement("line", { x1: left, x2: right, y1: at, y2: at });

    for (const tick of niceTicks(...y.domain)) {
      grid.append(rule(y(tick)));
      const at = { x: left - 6, y: y(tick) + 4, class: "end" };
      axes.append(svgText(formatTick(tick), at));
    }
    axes.append(rule(y(0)));
    const valueName = summed ? `sum of ${value?.name}` : value?.name;
    const yLabel = value ? valueName : "rows";
    const middle = (MARGIN.top + bottom) / 2;
    const turned = `translate(${left - 48}, ${middle}) rotate(-90)`;
    axes.append(svgText(yLabel, { transform: turned }));
    entries.forEach((entry, i) => {
      const className = highlighted.has(entry.name) ? "highlighted" : "";
      const x = left + i * step;
      // An overflowing sum is drawn to the edge, and labelled as such
      const end = Math.min(Math.max(entry.total, domain[0]), domain[1]);
      const bar = svgElement("rect", {
        x: x + step * 0.1,
        y: Math.min(y(end), y(0)),
        width: step * 0.8,
        height: Math.abs(y(end) - y(0)),
        class: className,
      });
      const tooltip = svgElement("title");
      const sum = Number.isFinite(entry.total)
        ? entry.total.toLocaleString()
        : "overflow (past ±1.8e308)";
      tooltip.textContent = `${entry.name}: ${sum}`;
      bar.append(tooltip);
      bars.append(bar);
      const name =
        entry.name.length > 14 ? `${entry.name.slice(0, 13)}…` : entry.name;
      const [cx, cy] = [x + step / 2, bottom + 14];
      const turn = { transform: `rotate(-40, ${cx}, ${cy})`, class: "end" };
      const nameClass = tilted ? `end ${className}` : className;
      const attributes = tilted ? { ...turn, class: nameClass } : {};
      const at = { x: cx, y: cy, class: nameClass, ...attributes };
      axes.append(svgText(name, at));
      if (entries.length <= 12) {
        const top = y(Math.max(end, 0)) - 4;
        axes.append(svgText(shortNumber(entry.total), { x: cx, y: top }));
      }
    });

    const more = hidden.toLocaleString();
    const shown = hidden ? ` (the largest; +${more} more not shown)` : "";
    const kept = (rowCount - unnamed - missing).toLocaleString();
    const drawn =
      unnamed || missing
        ? ` · ${kept} of ${plural(rowCount, "row")} drawn; ${leftOut()}`
        : "";
    const summary = `${plural(entries.length, "bar")} by ${category.name}`;
    const chosen = highlighted.size
      ? ` · highlighted: ${[...highlighted].join(", ")}`
      : "";
    caption.textContent = `${summary}${shown}${drawn}${chosen}`;
  }

  /** The rows left out, and why: "2 missing name, 1 missing or infinite price". */
  function leftOut() {
    const reasons = [];
    if (unnamed) {
      reasons.push(`${unnamed.toLocaleString()} missing ${category.name}`);
    }
    if (missing) {
      reasons.push(
        `${missing.toLocaleString()} missing or infinite ${value.name}`,
      );
    }
    return reasons.join(", ");
  }

  model.on("change:data", load);
  model.on("change:category", load);
  model.on("change:value", load);
  model.on("change:width", draw);
  model.on("change:height", draw);
  model.on("change:selected_planet", draw);
  const cellWidth = fitWidth(el, signal, draw);
  load();
}

/**
 * A number short enough to sit above its bar: 1,604 · 92.7 · 0.35 · 1.2M ·
 * 1e300 · overflow (a sum past the largest number).
 */
function shortNumber(value) {
  if (!Number.isFinite(value)) return "overflow";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15) {
    return Number(value.toPrecision(3)).toExponential().replace("e+", "e");
  }
  if (magnitude >= 1e5) {
    return value.toLocaleString(undefined, { notation: "compact" });
  }
  return value.toLocaleString(undefined, {
    maximumFractionDigits: magnitude >= 100 ? 0 : magnitude >= 1 ? 1 : 2,
  });
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
 * Asks the kernel about a table too big to send (the widget's `_source.py`
 * answers): `ask(question)` sends `{ ask, ...question }` as a custom message
 * and resolves with the answer, its buffers as DataViews in `buffers`, or
 * rejects with the kernel's error. Each view tells its answers apart by a
 * prefix of its own (the host drops the listener with the view). Answers may
 * come after a newer question's: callers keep only the latest.
 *
 * @param {import("@anywidget/types").AnyModel<Model>} model
 */
function kernelAsker(model) {
  const prefix = Math.random().toString(36).slice(2);
  const waiting = new Map();
  let next = 0;
  const onMessage = (message, buffers = []) => {
    const pending = waiting.get(message?.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve({ ...message, buffers: buffers.map(dataView) });
  };
  model.on("msg:custom", onMessage);
  return (question) =>
    new Promise((resolve, reject) => {
      const id = `${prefix}-${next++}`;
      waiting.set(id, { resolve, reject });
      model.send({ ...question, id });
    });
}

/** A buffer as a DataView, whether a host gives a view or an ArrayBuffer. */
function dataView(buffer) {
  return ArrayBuffer.isView(buffer)
    ? new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new DataView(buffer);
}

/** The float64s of a buffer of the answer, copied (a view may be unaligned). */
function float64s({ buffer, byteOffset, byteLength }) {
  return new Float64Array(buffer.slice(byteOffset, byteOffset + byteLength));
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

/**
 * The text column to group by: the one named `name` (an option), else one a
 * trait's name points at (`selected_airlines` → "airline" or "airlines"), else
 * the first text column.
 */
function pickCategoryColumn(table, name, traitName = "") {
  const text = table.columns.filter((c) => c.kind === "category");
  const noun = traitName.toLowerCase().split("_").pop();
  const nouns = [noun, noun.replace(/s$/, "")];
  const named = (c) => noun && nouns.includes(c.name.toLowerCase());
  return (
    text.find((c) => c.name === name) ?? text.find(named) ?? text[0] ?? null
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
