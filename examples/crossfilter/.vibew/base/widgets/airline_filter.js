// AirlineFilter: dropdown to select airlines.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {number} queried_rows  rows of a table too big to send, which the kernel counts (0: all sent)
 * @property {string} column  text column to choose from (empty: one the export's name points at, else the first)
 * @property {string[]} selected_airlines  written here: array of airline codes
 */

const SEARCH_FROM = 9; // offer a search box from this many values on
const SHOWN = 200; // list at most this many of the values that match
const ASKED = 10_000; // of a table too big to send, the commonest values listed

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  const ask = kernelAsker(model);
  el.classList.add("airline-filter");
  const details = document.createElement("details");
  details.open = true;
  const summary = document.createElement("summary");
  const title = document.createElement("strong");
  const status = document.createElement("span");
  status.className = "status";
  summary.append(title, status);
  const tools = document.createElement("div");
  tools.className = "tools";
  const search = document.createElement("input");
  Object.assign(search, { type: "search", placeholder: "Search…" });
  const clear = document.createElement("button");
  clear.textContent = "Clear";
  tools.append(search, clear);
  const list = document.createElement("div");
  list.className = "options";
  list.setAttribute("role", "group");
  details.append(summary, tools, list);
  el.append(details);

  // The values ranked once (the most common first), their counts and lowercase names for
  // search; the list draws at most SHOWN of the values that match, so 100,000 stay quick.
  let ranked = []; // values, the most common first
  let lower = []; // ranked, lowercase
  let rowsOf = new Map(); // value → its rows
  let most = 1;
  let unlisted = 0; // values of a table too big to send left out of the list
  let asked = 0; // questions to the kernel: only the last one's answer is shown
  let boxes = []; // the checkboxes shown
  const more = document.createElement("div");
  more.className = "more";

  function load() {
    const table = decodeTable(model.get("data"));
    const named = model.get("column");
    const column = pickCategoryColumn(table, named, "selected_airlines");
    list.replaceChildren();
    boxes = [];
    ranked = [];
    lower = [];
    rowsOf = new Map();
    tools.hidden = !column;
    if (!column) {
      title.textContent = "Nothing to choose from";
      status.textContent = "pass a DataFrame with a text column";
      return;
    }
    list.setAttribute("aria-label", column.name);
    title.textContent = column.name;
    unlisted = 0;
    asked++; // an answer still coming is for another table
    if (model.get("queried_rows")) return countInKernel(column.name);
    const { categories, values } = column;
    const counts = new Int32Array(categories.length);
    for (const code of values) if (code >= 0) counts[code]++;
    const codes = [];
    for (let code = 0; code < categories.length; code++) {
      if (counts[code] > 0) codes.push(code);
    }
    const name = (code) => String(categories[code]);
    const byName = (a, b) =>
      name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
    codes.sort((a, b) => counts[b] - counts[a] || byName(a, b));
    ranked = codes.map(name);
    lower = ranked.map((value) => value.toLowerCase());
    for (const code of codes) rowsOf.set(name(code), counts[code]);
    most = counts[codes[0]] ?? 1;
    search.hidden = ranked.length < SEARCH_FROM;
    onSearch();
  }

  /** The commonest values of a table too big to send, counted in the kernel. */
  async function countInKernel(name) {
    status.textContent = `counting ${plural(model.get("queried_rows"), "row")}…`;
    const mine = ++asked;
    let answer;
    try {
      answer = await ask({ ask: "categories", column: name, limit: ASKED });
    } catch (error) {
      status.textContent = `the kernel could not count ${name}: ${error.message}`;
      return;
    }
    if (mine !== asked) return; // a newer table or column asked since
    const counts = float64s(answer.buffers[0]);
    ranked = answer.values;
    lower = ranked.map((value) => value.toLowerCase());
    rowsOf = new Map(ranked.map((value, i) => [value, counts[i]]));
    most = counts[0] ?? 1;
    unlisted = answer.rest;
    search.hidden = ranked.length < SEARCH_FROM;
    onSearch();
  }

  function row(value) {
    const label = document.createElement("label");
    // A faint bar behind the row shows its count.
    label.style.setProperty("--share", `${(100 * rowsOf.get(value)) / most}%`);
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = value;
    const name = document.createElement("span");
    name.textContent = value;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = rowsOf.get(value).toLocaleString();
    count.title = plural(rowsOf.get(value), "row");
    label.append(box, name, count);
    box.addEventListener("change", onTick, { signal });
    return label;
  }

  function chosen() {
    const value = model.get("selected_airlines");
    return new Set(value);
  }

  function showSelection() {
    const picked = [...chosen()].filter((value) => rowsOf.has(value));
    for (const box of boxes) box.checked = picked.includes(box.value);
    const rows = picked.reduce((sum, value) => sum + rowsOf.get(value), 0);
    status.textContent = !picked.length
      ? `all ${plural(ranked.length, "value")} (none chosen)`
      : picked.length <= 3
        ? `${picked.join(", ")} · ${plural(rows, "row")}`
        : `${picked.length} of ${ranked.length} chosen · ${plural(rows, "row")}`;
    clear.disabled = !picked.length;
  }

  function write(values) {
    model.set("selected_airlines", values);
    model.save_changes();
    showSelection();
  }
  /** @param {Event} event */
  function onTick(event) {
    const picked = chosen();
    const { value, checked } = /** @type {HTMLInputElement} */ (event.target);
    if (checked) picked.add(value);
    else picked.delete(value);
    // In the list's order: the most common first.
    const rank = (value) => ranked.indexOf(value);
    write([...picked].sort((a, b) => rank(a) - rank(b)));
  }
  function onClear() {
    write([]);
  }
  function onSearch() {
    const query = search.value.trim().toLowerCase();
    const shown = [];
    let matches = 0;
    for (let i = 0; i < lower.length; i++) {
      if (query && !lower[i].includes(query)) continue;
      if (matches++ < SHOWN) shown.push(ranked[i]);
    }
    const rows = shown.map(row);
    boxes = rows.map((label) => label.firstChild);
    more.textContent =
      matches > SHOWN
        ? `+${(matches - SHOWN).toLocaleString()} more — type to search`
        : unlisted
          ? `and ${plural(unlisted, "row")} of rarer values, not listed`
          : "";
    const after = more.textContent ? [more] : [];
    list.replaceChildren(...rows, ...after);
    showSelection();
  }

  clear.addEventListener("click", onClear, { signal });
  search.addEventListener("input", onSearch, { signal });
  model.on("change:data", load);
  model.on("change:column", load);
  model.on("change:selected_airlines", showSelection);
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

export default { render };
