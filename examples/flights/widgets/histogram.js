// Histogram: histogram of flight delays, filtered by selection from scatter
// plot.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {string} column  the column to bin (empty: the first numeric column)
 * @property {number} bins  number of bins
 * @property {number} width  fixed width of the chart in pixels (0: fill the output cell, at least 360 px)
 * @property {number} height  height of the chart in pixels
 * @property {DataView | { length: number, bitmap: DataView } | Int32Array | number[]} selected_indices  list of indices selected by brush
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
  let finite = 0; // rows with a value
  let total = 0; // rows
  let names = new Set(); // the table's columns

  function load() {
    const table = decodeTable(model.get("data"));
    names = new Set(table.columns.map((c) => c.name));
    column = pickNumericColumn(table, model.get("column"));
    if (!column) {
      bars.replaceChildren();
      axes.replaceChildren();
      caption.textContent = "Pass a DataFrame with a numeric column.";
      return;
    }
    svg.setAttribute("aria-label", `Histogram of ${column.name}`);
    const range = extent(column.values, column.kind);
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
    edges = binEdges(min, max, binCount);
    // The bin of each value as the kernel finds it, for counts that agree
    const scale = binCount / (max - min);
    binOfRow = new Int32Array(table.length);
    totals = new Int32Array(binCount);
    for (let row = 0; row < table.length; row++) {
      const value = column.values[row];
      const bin = !Number.isFinite(value)
        ? -1
        : Math.min(binCount - 1, Math.floor((value - min) * scale));
      binOfRow[row] = bin;
      if (bin >= 0) totals[bin]++;
    }
    finite = countFinite(column.values);
    total = table.length;
    draw();
  }

  function draw() {
    if (!column || !totals.length) return; // no table yet, or its counts are coming
    const width = model.get("width") || cellWidth();
    const height = model.get("height");
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
      const tip = `${counts[bin].toLocaleString()} of ${rows} selected`;
      bars.append(bar(bin, totals[bin], "all muted", rows));
      bars.append(bar(bin, counts[bin], "selected", tip));
    }
    drawAxes(axes, {
      x,
      y,
      xLabel: column.name,
      yLabel: "rows",
      xKind: column.kind,
      yKind: "number",
      xZone: column.timezone,
    });
    const rows = drawnRows(finite, total);
    const all = plural(total, "row");
    caption.textContent = selected.length
      ? `${column.name}: ${existing.toLocaleString()} of ${all} selected`
      : `${column.name}: ${rows}`;
  }

  /**
   * A new `column` arrives before the table with it (which is sent again when
   * it changes): until then the old picture stays.
   */
  function onColumn() {
    const name = model.get("column");
    if (!name || names.has(name) || !names.size) return load();
    caption.textContent = `Loading ${name}…`;
  }

  model.on("change:data", load);
  model.on("change:column", onColumn);
  model.on("change:bins", load);
  model.on("change:width", draw);
  model.on("change:height", draw);
  model.on("change:selected_indices", draw);
  const cellWidth = fitWidth(el, signal, draw);
  load();
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

/** The `bins + 1` edges of equal bins from `min` to `max`. */
function binEdges(min, max, bins) {
  const width = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => min + i * width);
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
