// CombinedView: table filtered by both brush selection AND selected airlines.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {number} page_size  rows per page
 * @property {string} category_column  text column that value imports filter (empty: one the import's name points at, else the first)
 * @property {DataView | { length: number, bitmap: DataView } | Int32Array | number[]} selected_indices  brush selection
 * @property {string[]} selected_airlines  array of airline codes
 */

/**
 * The imports that keep the rows they list.
 * @type {(keyof Model)[]}
 */
const ROW_FILTERS = ["selected_indices"];

/**
 * The imports that keep the rows whose value in a text column they list.
 * @type {(keyof Model)[]}
 */
const VALUE_FILTERS = ["selected_airlines"];

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("combined-view");
  const scroller = document.createElement("div");
  scroller.className = "scroller";
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  const body = table.createTBody();
  scroller.append(table);
  const pager = document.createElement("div");
  pager.className = "pager";
  const previous = document.createElement("button");
  previous.textContent = "‹ Previous";
  const next = document.createElement("button");
  next.textContent = "Next ›";
  const caption = document.createElement("span");
  caption.setAttribute("role", "status");
  pager.append(previous, next, caption);
  el.append(scroller, pager);

  let data = decodeTable(null);
  let filteredColumns = []; // per value filter: the category column it filters
  let cellTexts = []; // per column: a row's text in it
  let shown = new Int32Array(0); // the rows that pass every filter
  let page = 0;

  function load() {
    data = decodeTable(model.get("data"));
    const named = model.get("category_column");
    filteredColumns = VALUE_FILTERS.map((name) =>
      pickCategoryColumn(data, named, name),
    );
    const position = document.createElement("th");
    position.className = "number row";
    position.textContent = "#";
    head.replaceChildren(position);
    cellTexts = data.columns.map(cellText);
    for (const column of data.columns) {
      const cell = document.createElement("th");
      cell.textContent = column.name;
      if (column.kind === "time" && column.timezone) {
        cell.title = `times in ${timeZone(column.timezone).name}`;
      }
      if (column.kind === "number") cell.className = "number";
      head.append(cell);
    }
    filter();
  }

  /** Keeps the rows that pass every import (an empty one filters nothing). */
  function filter() {
    const pass = new Uint8Array(data.length).fill(1);
    for (const name of ROW_FILTERS) keepRows(pass, model.get(name));
    VALUE_FILTERS.forEach((name, i) => {
      keepValues(pass, filteredColumns[i], model.get(name));
    });
    shown = rowsWhere(pass);
    page = 0;
    draw();
  }

  function draw() {
    const size = Math.max(1, model.get("page_size"));
    const [passing, total] = [shown.length, data.length];
    const pages = Math.max(1, Math.ceil(passing / size));
    page = Math.min(page, pages - 1);
    const first = page * size;
    const last = Math.min(passing, first + size);
    body.replaceChildren();
    for (let i = first; i < last; i++) {
      const row = shown[i];
      const line = body.insertRow();
      const position = line.insertCell();
      position.className = "number row";
      position.textContent = String(row);
      data.columns.forEach((column, i) => {
        const cell = line.insertCell();
        cell.textContent = cellTexts[i](row);
        if (column.kind === "number") cell.className = "number";
      });
    }
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    const filtered = passing !== total;
    const from = filtered ? ` (filtered from ${total.toLocaleString()})` : "";
    const range =
      last === first + 1
        ? `row ${last.toLocaleString()}`
        : `rows ${(first + 1).toLocaleString()}–${last.toLocaleString()}`;
    caption.textContent = passing
      ? `${range} of ${passing.toLocaleString()}${from}`
      : `no rows${from}`;
  }

  function onPrevious() {
    page -= 1;
    draw();
  }
  function onNext() {
    page += 1;
    draw();
  }

  previous.addEventListener("click", onPrevious, { signal });
  next.addEventListener("click", onNext, { signal });
  model.on("change:data", load);
  model.on("change:category_column", load);
  model.on("change:page_size", draw);
  model.on("change:selected_indices", filter);
  model.on("change:selected_airlines", filter);
  load();
}

/** Clears `pass` for the rows not in `selection`, unless it is empty. */
function keepRows(pass, selection) {
  const rows = rowIndices(selection); // a buffer from Python, else a list
  if (!rows.length) return;
  const chosen = new Uint8Array(pass.length);
  for (const row of rows) if (row >= 0 && row < pass.length) chosen[row] = 1;
  for (let row = 0; row < pass.length; row++) pass[row] &= chosen[row];
}

/** Clears `pass` for the rows whose value is not in `values`, unless empty. */
function keepValues(pass, column, values) {
  if (!values?.length || !column) return;
  const wanted = new Set(values);
  const allowed = column.categories.map((name) => wanted.has(name));
  for (let row = 0; row < pass.length; row++) {
    const code = column.values[row];
    if (code < 0 || !allowed[code]) pass[row] = 0;
  }
}

/** The positions where `pass` is set. */
function rowsWhere(pass) {
  const rows = new Int32Array(pass.length);
  let count = 0;
  for (let row = 0; row < pass.length; row++) {
    if (pass[row]) rows[count++] = row;
  }
  return rows.slice(0, count);
}

/**
 * A column's text for a row: numbers with the same decimals all the way down;
 * times to the unit they need, in their zone and named by it ("2024-03-10
 * 00:00 EST"), dates alone when all are at midnight.
 */
function cellText({ kind, values, categories, timezone }) {
  switch (kind) {
    case "category":
      return (row) => (values[row] < 0 ? "" : categories[values[row]]);
    case "bool":
      return (row) => (Number.isNaN(values[row]) ? "" : String(!!values[row]));
    case "time": {
      const zone = timeZone(timezone);
      const unit = timeUnit(values, zone);
      return (row) => {
        const time = values[row];
        if (Number.isNaN(time)) return "";
        const wall = wallClock(zone, time);
        if (unit === DAY) return dateText(wall);
        const text = `${dateText(wall)} ${clockText(wall, unit)}`;
        return zone.name ? `${text} ${zone.suffix(time)}` : text;
      };
    }
    default: {
      if (hugeNumbers(values)) {
        // 1.0e300, not 301 digits pushing the column off screen
        return (row) =>
          Number.isNaN(values[row])
            ? ""
            : values[row].toExponential(1).replace("e+", "e");
      }
      const digits = fractionDigits(values);
      const number = new Intl.NumberFormat(undefined, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      return (row) =>
        Number.isNaN(values[row]) ? "" : number.format(values[row]);
    }
  }
}

/**
 * The finest unit a time column needs: DAY when every time is at midnight in
 * its zone, else MINUTE, SECOND or 1 (ms).
 */
function timeUnit(values, zone) {
  let unit = DAY;
  for (let i = 0; i < values.length && unit > 1; i++) {
    const time = values[i];
    if (!Number.isFinite(time)) continue;
    if (unit === DAY && (time + zone.offset(time)) % DAY) unit = MINUTE;
    if (unit === MINUTE && time % MINUTE) unit = SECOND;
    if (unit === SECOND && time % SECOND) unit = 1;
  }
  return unit;
}

/** Whether a column holds a finite number past 1e15, too long to print in full. */
function hugeNumbers(values) {
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude >= 1e15 && magnitude < Infinity) return true;
  }
  return false;
}

/**
 * The fewest decimals that show every value of a column exactly, up to 2 (21.0
 * and 5.5; 1.25; 7), or 3 significant digits of the largest when all are below
 * 1 (0.0042).
 */
function fractionDigits(values) {
  if (values instanceof Int32Array) return 0;
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]); // NaN fails both tests below
    if (magnitude > largest && magnitude < Infinity) largest = magnitude;
  }
  const small = largest > 0 && largest < 1;
  const most = small ? Math.min(6, 2 - Math.floor(Math.log10(largest))) : 2;
  for (let digits = 0; digits < most; digits++) {
    const scale = 10 ** digits;
    let exact = true;
    for (let i = 0; exact && i < values.length; i++) {
      const scaled = values[i] * scale;
      // ~1e-16 of it when exact: 0.1 + 0.2
      const error = Math.abs(scaled - Math.round(scaled));
      exact = !Number.isFinite(scaled) || error < 1e-9 * (1 + Math.abs(scaled));
    }
    if (exact) return digits;
  }
  return most;
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

export default { render };
