// AirlineFilter: dropdown to select airlines.

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {string} column  text column to choose from (empty: one the export's name points at, else the first)
 * @property {string[]} selected_airlines  written here: array of airline codes
 */

const SEARCH_FROM = 9; // offer a search box from this many values on

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
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

  let boxes = []; // one checkbox per value, the most common first
  const rowCounts = new Map(); // value → its rows

  function load() {
    const table = decodeTable(model.get("data"));
    const named = model.get("column");
    const column = pickCategoryColumn(table, named, "selected_airlines");
    list.replaceChildren();
    boxes = [];
    rowCounts.clear();
    tools.hidden = !column;
    if (!column) {
      title.textContent = "Nothing to choose from";
      status.textContent = "pass a DataFrame with a text column";
      return;
    }
    list.setAttribute("aria-label", column.name);
    const { categories, values } = column;
    const counts = new Int32Array(categories.length);
    for (const code of values) if (code >= 0) counts[code]++;
    const byName = (a, b) => categories[a].localeCompare(categories[b]);
    const codes = categories
      .map((_, code) => code)
      .filter((code) => counts[code] > 0)
      .sort((a, b) => counts[b] - counts[a] || byName(a, b));
    const most = counts[codes[0]] ?? 1;
    for (const code of codes) {
      const label = document.createElement("label");
      // A faint bar behind the row shows its count.
      label.style.setProperty("--share", `${(100 * counts[code]) / most}%`);
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = categories[code];
      const name = document.createElement("span");
      name.textContent = categories[code];
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = counts[code].toLocaleString();
      count.title = plural(counts[code], "row");
      label.append(box, name, count);
      list.append(label);
      boxes.push(box);
      rowCounts.set(box.value, counts[code]);
    }
    title.textContent = column.name;
    search.hidden = codes.length < SEARCH_FROM;
    onSearch();
    showSelection();
  }

  function showSelection() {
    const value = model.get("selected_airlines");
    const chosen = new Set(value);
    for (const box of boxes) box.checked = chosen.has(box.value);
    const picked = boxes.filter((box) => box.checked).map((box) => box.value);
    const rows = picked.reduce((sum, value) => sum + rowCounts.get(value), 0);
    status.textContent = !picked.length
      ? `all ${plural(boxes.length, "value")} (none chosen)`
      : picked.length <= 3
        ? `${picked.join(", ")} · ${plural(rows, "row")}`
        : `${picked.length} of ${boxes.length} chosen · ${plural(rows, "row")}`;
    clear.disabled = !picked.length;
  }

  function write(values) {
    model.set("selected_airlines", values);
    model.save_changes();
    showSelection();
  }
  function onTick() {
    write(boxes.filter((box) => box.checked).map((box) => box.value));
  }
  function onClear() {
    write([]);
  }
  function onSearch() {
    const query = search.value.trim().toLowerCase();
    for (const box of boxes) {
      box.parentElement.hidden = !box.value.toLowerCase().includes(query);
    }
  }

  list.addEventListener("change", onTick, { signal });
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
