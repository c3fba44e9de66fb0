// vibew preview's page: mounts the widget with model.js, shows every trait in the inspector
// (updated whenever the widget or the user sets one), lets the user set any trait as Python
// would (model.fromPython), and re-mounts the widget when /version says NAME.js or NAME.css
// changed on disk, carrying the current trait values over to the new view.
import { mount } from "/model.js";

const POLL_MS = 200;
const traitsEl = document.getElementById("traits");
const statusEl = document.getElementById("status");
let names = [];
let version = null;
let mounts = 0;
let current = null; // window.widget of the view on the page (until mounted, window.widget is #widget)

// The model's raw values as model.js's JSON (the inverse of its decode), to mount again.
function encode(value) {
  if (value instanceof DataView) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return { $buffer: btoa(text) };
  }
  if (value instanceof Int32Array) return { $int32: Array.from(value) };
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

const isTable = (value) =>
  value && typeof value === "object" && Array.isArray(value.columns) && "length" in value;

// A trait's value as the inspector shows it: JSON, a table as its shape, bytes as a count.
function shown(value) {
  if (isTable(value)) {
    const columns = value.columns.map((c) => `${c.name}:${c.kind}`).join(", ");
    return `table: ${value.length} rows × ${value.columns.length} columns (${columns})`;
  }
  if (value instanceof DataView) return `‹${value.byteLength} bytes›`;
  if (value?.values instanceof DataView && Array.isArray(value.shape)) {
    return `grid: ${value.shape.join(" × ")} (float32; set a list of rows)`; // as Grid sends it
  }
  if (ArrayBuffer.isView(value)) return JSON.stringify(Array.from(value));
  return JSON.stringify(value);
}

// What the user typed, as a trait value like the current one.
function parsed(text, current) {
  if (typeof current === "string") return text;
  const value = JSON.parse(text);
  if (current instanceof Int32Array || (current instanceof DataView && Array.isArray(value))) {
    return { $int32: value }; // a row selection, as RowIndices sends it
  }
  return value;
}

function row(name) {
  const model = current.model;
  const div = document.createElement("div");
  div.className = "trait";
  div.dataset.trait = name;
  const label = document.createElement("label");
  label.textContent = name;
  const value = document.createElement("div");
  value.className = "value";
  value.dataset.role = "value";
  div.append(label, value);
  const initial = model.get(name);
  if (!isTable(initial) && !(initial instanceof DataView && initial.byteLength > 4096)) {
    const form = document.createElement("form");
    const input = document.createElement("input");
    input.name = name;
    input.setAttribute("aria-label", `set ${name}`);
    if (typeof initial === "boolean") {
      input.type = "checkbox";
      input.addEventListener("change", () => set(name, input.checked, div));
    } else {
      input.type = typeof initial === "number" ? "number" : "text";
      input.step = "any";
      const button = document.createElement("button");
      button.textContent = "set";
      form.append(input, button);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        try {
          const value = input.type === "number" ? Number(input.value) : parsed(input.value, model.get(name));
          set(name, value, div);
        } catch (error) {
          problem(div, `not JSON: ${error.message}`);
        }
      });
    }
    if (!form.contains(input)) form.append(input);
    div.append(form);
  }
  const note = document.createElement("div");
  note.className = "problem";
  div.append(note);
  return div;
}

function problem(div, text) {
  div.querySelector(".problem").textContent = text;
}

function set(name, value, div) {
  problem(div, "");
  current.model.fromPython(name, value);
}

// Show `name`'s value; `fill` also puts it in the input (not while the user types there).
function refresh(name, { fill = false, flash = false } = {}) {
  const div = traitsEl.querySelector(`[data-trait="${CSS.escape(name)}"]`);
  if (!div) return;
  const value = current.model.get(name);
  const valueEl = div.querySelector("[data-role=value]");
  valueEl.textContent = shown(value);
  if (flash) {
    valueEl.classList.add("changed");
    setTimeout(() => valueEl.classList.remove("changed"), 600);
  }
  const input = div.querySelector("input");
  if (!input || (!fill && document.activeElement === input)) return;
  if (input.type === "checkbox") input.checked = Boolean(value);
  else input.value = typeof value === "string" ? value : shown(value);
}

async function mountWith(state) {
  current?.cleanup(); // the old view's signal aborts (its listeners go), its element empties
  current?.model.off(); // and the inspector's own listeners on the old model
  const url = `/widget.js?v=${encodeURIComponent(version ?? "")}&n=${mounts++}`;
  await mount(url, state);
  current = window.widget;
  const model = current.model;
  traitsEl.replaceChildren(...names.map(row));
  for (const name of names) {
    model.on(`change:${name}`, () => refresh(name, { flash: true }));
    refresh(name, { fill: true });
  }
  window.preview.mounts = mounts;
}

async function reload() {
  const state = Object.fromEntries(names.map((n) => [n, encode(current.model.get(n))]));
  try {
    await mountWith(state);
    statusEl.className = "status";
    statusEl.textContent = `reloaded ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    statusEl.className = "status error";
    statusEl.textContent = `reload failed: ${error}`;
    throw error;
  }
}

async function poll() {
  let now;
  try {
    const response = await fetch("/version", { cache: "no-store" });
    now = response.ok ? await response.text() : version;
  } catch {
    statusEl.className = "status error";
    statusEl.textContent = "the preview server stopped";
    return;
  }
  if (now !== version) {
    version = now;
    await reload().catch(() => {}); // shown in the status line; the next edit tries again
  }
  setTimeout(poll, POLL_MS);
}

async function start() {
  window.preview = { mounts: 0 };
  const get = (path) => fetch(path, { cache: "no-store" });
  const [state, now, name] = await Promise.all([
    get("/state.json").then((r) => r.json()),
    get("/version").then((r) => r.text()),
    get("/name").then((r) => r.text()),
  ]);
  version = now;
  names = Object.keys(state);
  document.getElementById("name").textContent = name;
  document.title = `${name} · vibew preview`;
  await mountWith(state);
  statusEl.textContent = "watching for changes";
  setTimeout(poll, POLL_MS);
}

start();
