// The anywidget front end, in a page of its own: a model (get, set, on, off, save_changes,
// send) and `mount(jsUrl, state)`, which renders a widget module as anywidget 0.11 does, with
// an AbortSignal and a host. `vibew check --browser` and `vibew preview` share it.
//
// window.widget, once mounted: { model, el, returned, cleanup() }. `model.log` records every
// set and save_changes ([["set", name], ["save", [names]]]); `model.saved` what each
// save_changes() sent; `model.fromPython(name, value)` sets a trait as the kernel would.

// State as JSON: {"$buffer": base64} is a binary buffer (a DataView, as anywidget hands
// one over), {"$int32": [..]} a row selection (an Int32Array).
export function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if ("$buffer" in value) {
      const bytes = Uint8Array.from(atob(value.$buffer), (c) => c.charCodeAt(0));
      return new DataView(bytes.buffer);
    }
    if ("$int32" in value) return Int32Array.from(value.$int32);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

// What Python would receive: typed arrays and views as plain lists.
function plain(value) {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value);
  if (value instanceof DataView) return { $bytes: value.byteLength };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function fakeModel(state) {
  const handlers = []; // [event, handler, view]
  const dirty = new Set();
  const fire = (name) => {
    for (const [, handler] of handlers.filter(([e]) => e === `change:${name}`)) handler();
  };
  const model = {
    saved: [],
    log: [],
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
      dirty.add(name);
      model.log.push(["set", name]);
      fire(name);
    },
    on: (event, handler, view = null) => handlers.push([event, handler, view]),
    off(event, handler, view) {
      const kept = handlers.filter(
        ([e, h, v]) =>
          !((event == null || e === event) && (handler == null || h === handler) &&
            (view == null || v === view)),
      );
      handlers.splice(0, handlers.length, ...kept);
    },
    save_changes() {
      const names = [...dirty];
      model.saved.push(Object.fromEntries(names.map((name) => [name, plain(state[name])])));
      model.log.push(["save", names]);
      dirty.clear();
    },
    // No kernel here: a question for one (a page asking its `_source.py`) is answered
    // with an error, as the kernel answers a question it cannot, so the widget says so.
    send(content) {
      if (!content || content.ask === undefined) return;
      const answer = { id: content.id, error: "there is no kernel here to ask" };
      setTimeout(() => {
        for (const [, handler] of handlers.filter(([e]) => e === "msg:custom")) {
          handler(answer, []);
        }
      });
    },
    fromPython(name, value) {
      state[name] = decode(value);
      fire(name);
    },
    state: () => plain(state),
    listenerCount: () => handlers.length,
    viewOf: (view) => ({
      ...model,
      on: (event, handler) => model.on(event, handler, view),
      off: (event, handler) => model.off(event, handler, view),
      save_changes: () => model.save_changes(),
    }),
  };
  return model;
}

const host = {
  getWidget: () => Promise.reject(new Error("this page shows one widget; there is no other")),
};

// Render the module at `jsUrl` with a model holding `state` (JSON, see decode), styled by
// the stylesheet at `cssUrl` (null for none).
export async function mount(jsUrl, state, cssUrl = "/widget.css") {
  if (cssUrl) {
    const response = await fetch(cssUrl);
    document.getElementById("widget-css").textContent = response.ok ? await response.text() : "";
  }
  const widget = (await import(jsUrl)).default;
  const model = fakeModel(decode(state));
  const el = document.getElementById("widget");
  await widget.initialize?.({ model, host });
  const view = {};
  const controller = new AbortController();
  controller.signal.addEventListener("abort", () => model.off(null, null, view));
  window.widget = {
    model,
    el,
    returned: undefined,
    cleanup() {
      controller.abort();
      el.replaceChildren();
    },
  };
  window.widget.returned = await widget.render({
    model: model.viewOf(view),
    el,
    signal: controller.signal,
    host,
  });
  return true;
}

window.mount = mount;
window.decode = decode;
