// SolarSystem: 3D solar system with clickable planets.

// @ts-ignore: three.js has no types here
import * as THREE from "https://esm.sh/three@0.160.0";

/**
 * @typedef {object} Model
 * @property {EncodedTable | null} data  the rows, one binary buffer a column
 * @property {number} speed  orbit speed (1: the fastest planet turns once in 12 seconds; 0 stops)
 * @property {number} width  fixed width of the view in pixels (0: fill the output cell, at least 360 px)
 * @property {number} height  height of the view in pixels
 * @property {string} selected_planet  written here: name of the clicked planet
 */

const SUN_RADIUS = 1.6;
const SYSTEM_RADIUS = 20; // scene units to the outermost planet's outer edge
const FASTEST_ORBIT = 12; // seconds a turn of the fastest planet, at speed 1
const LABEL_CHARS = 24; // longer names are cut, in full in the label's title
const MAX_PLANETS = 60; // more rows than this: the first ones, and the caption says so
const PALETTE = [0xb1aca6, 0xe3bb76, 0x4f8fd8, 0xc1440e, 0xd8b48a];

// The table's columns, found by name (any case); only a name column is needed.
const COLUMNS = {
  radius: ["radius", "radius_km", "mean_radius", "size"],
  distance: ["distance", "distance_au", "semi_major_axis", "orbit", "au"],
  period: ["period", "orbital_period", "period_days", "year"],
  color: ["color", "colour"],
};

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("solar-system");
  let renderer;
  try {
    renderer = new THREE.WebGLRenderer({ antialias: true });
  } catch (error) {
    el.textContent = `This view needs WebGL: ${error.message}`;
    return;
  }
  const canvas = renderer.domElement;
  const stage = document.createElement("div"); // the canvas, names over it
  stage.className = "stage";
  const labels = document.createElement("div");
  labels.className = "labels";
  stage.append(canvas, labels);
  const caption = document.createElement("p");
  el.append(stage, caption);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color();
  const camera = new THREE.PerspectiveCamera(45, 1, 0.1, 1000);
  scene.add(new THREE.AmbientLight(0xffffff, 0.35));
  // The sun's light, undimmed by distance.
  scene.add(new THREE.PointLight(0xfff4dd, 3, 0, 0));
  // Shared by every planet (a unit sphere, scaled) and orbit.
  const sphere = new THREE.SphereGeometry(1, 32, 16);
  const pathMaterial = new THREE.LineBasicMaterial();
  const sunMaterial = new THREE.MeshBasicMaterial({ color: 0xffc94d });
  const sunGeometry = new THREE.SphereGeometry(SUN_RADIUS, 48, 24);
  const sun = new THREE.Mesh(sunGeometry, sunMaterial);
  // A ring around the selected planet.
  const ringMaterial = new THREE.MeshBasicMaterial({ side: THREE.DoubleSide });
  const ringGeometry = new THREE.RingGeometry(1.5, 1.7, 64);
  const ring = new THREE.Mesh(ringGeometry.rotateX(-Math.PI / 2), ringMaterial);
  const stars = starField();
  scene.add(sun, stars);
  const highlight = new THREE.Color();

  let planets = []; // { name, mesh, path, label, orbitRadius, angle, speed }
  let named = false; // whether the table has a name column (it may have no rows)
  let rowCount = 0; // rows in the table, drawn or not
  let [width, height] = [0, 0];
  const raycaster = new THREE.Raycaster();
  const projected = new THREE.Vector3();

  function load() {
    removePlanets();
    const table = decodeTable(model.get("data"));
    const names = pickCategoryColumn(table, "name", "planet");
    named = Boolean(names);
    const column = (key, kind = "number") =>
      table.columns.find(
        (c) => c.kind === kind && COLUMNS[key].includes(c.name.toLowerCase()),
      );
    const [radius, distance, period] = ["radius", "distance", "period"].map(
      (key) => column(key),
    );
    const color = column("color", "category");
    const number = (col, row, fallback) => {
      const value = col ? col.values[row] : NaN;
      return Number.isFinite(value) && value > 0 ? value : fallback;
    };
    const rows = [];
    rowCount = table.length;
    for (let row = 0; row < Math.min(rowCount, MAX_PLANETS); row++) {
      const code = names ? names.values[row] : -1;
      const colorCode = color ? color.values[row] : -1;
      rows.push({
        name: code >= 0 ? names.categories[code] : `planet ${row + 1}`,
        radius: number(radius, row, 1),
        distance: number(distance, row, row + 1),
        period: number(period, row, NaN),
        size: 0, // both set by layOut
        orbitRadius: 0,
        color:
          colorCode >= 0
            ? color.categories[colorCode]
            : PALETTE[row % PALETTE.length],
      });
    }
    layOut(rows);
    const fastest = Math.min(...rows.map((p) => p.period));
    rows.forEach((p, i) => {
      const material = new THREE.MeshStandardMaterial({ roughness: 0.8 });
      const mesh = new THREE.Mesh(sphere, material);
      material.color.set(p.color);
      mesh.scale.setScalar(p.size);
      const path = new THREE.Line(orbitPath(p.orbitRadius), pathMaterial);
      const label = document.createElement("div");
      label.textContent = shortened(p.name);
      label.title = p.name;
      labels.append(label);
      scene.add(mesh, path);
      planets.push({
        name: p.name,
        mesh,
        path,
        label,
        orbitRadius: p.orbitRadius,
        angle: i * 2.39996, // the golden angle: neighbours start well apart
        speed: (2 * Math.PI) / (FASTEST_ORBIT * (p.period / fastest)),
      });
    });
    place(0);
    select();
  }

  function removePlanets() {
    ring.removeFromParent();
    for (const planet of planets) {
      planet.mesh.material.dispose();
      planet.path.geometry.dispose();
      scene.remove(planet.mesh, planet.path);
      planet.label.remove();
    }
    planets = [];
  }

  /** Moves each planet `seconds` further along its orbit. */
  function place(seconds) {
    for (const planet of planets) {
      planet.angle += planet.speed * seconds;
      const { orbitRadius: r, angle } = planet;
      planet.mesh.position.set(r * Math.cos(angle), 0, -r * Math.sin(angle));
    }
  }

  /** A planet's centre and radius on the canvas in CSS pixels, or null. */
  function screenCircle(planet) {
    projected.copy(planet.mesh.position).project(camera);
    if (projected.z > 1) return null;
    const depth = camera.position.distanceTo(planet.mesh.position);
    const halfView = depth * Math.tan((camera.fov * Math.PI) / 360);
    return {
      x: ((projected.x + 1) / 2) * width,
      y: ((1 - projected.y) / 2) * height,
      r: (planet.mesh.scale.x * height) / 2 / halfView,
    };
  }

  /** The planet under the pointer: a ray hit, else one a few pixels off. */
  function planetAt(event) {
    const box = canvas.getBoundingClientRect();
    const [x, y] = [event.clientX - box.left, event.clientY - box.top];
    const pointer = [(x / width) * 2 - 1, 1 - (y / height) * 2];
    raycaster.setFromCamera(new THREE.Vector2(...pointer), camera);
    const meshes = [sun, ...planets.map((p) => p.mesh)];
    const [hit] = raycaster.intersectObjects(meshes, false);
    if (hit) return planets.find((p) => p.mesh === hit.object) ?? null;
    let nearest = null;
    let nearestGap = 6; // pixels outside a planet's disc that still count
    for (const planet of planets) {
      const circle = screenCircle(planet);
      if (!circle) continue;
      const gap = Math.hypot(circle.x - x, circle.y - y) - circle.r;
      if (gap < nearestGap) [nearest, nearestGap] = [planet, gap];
    }
    return nearest;
  }

  /** Shows the selected planet: a ring, a glow, and its name in the accent. */
  function select() {
    const name = model.get("selected_planet");
    const chosen = planets.find((p) => p.name === name) ?? null;
    for (const planet of planets) {
      const { material } = planet.mesh;
      material.emissive.set(planet === chosen ? highlight : 0);
      material.emissiveIntensity = 0.35;
      planet.label.classList.toggle("selected", planet === chosen);
    }
    if (chosen) chosen.mesh.add(ring);
    else ring.removeFromParent();
    requestDraw();
    if (!planets.length && named) {
      caption.textContent = "0 planets: the table has no rows";
    } else if (!planets.length) {
      caption.textContent =
        "Pass a DataFrame of planets: a name column, and radius, distance, " +
        "period and color columns if you have them.";
    } else {
      const shown =
        rowCount > planets.length
          ? `The first ${planets.length} of ${plural(rowCount, "planet")} · `
          : "";
      if (chosen) {
        caption.textContent = `${shown}${shortened(chosen.name)} selected · click another, or empty space to clear`;
      } else if (name && shown) {
        caption.textContent = `${shown}${shortened(name)} selected, not among them`;
      } else {
        caption.textContent = `${shown}Click a planet to select it · drag to orbit, wheel to zoom`;
      }
    }
  }

  /** Colours from the page's theme: sky, orbits, stars and the selection. */
  function paint() {
    scene.background.copy(sceneColor(el, "--space"));
    pathMaterial.color.copy(sceneColor(el, "--orbit"));
    stars.material.color.copy(sceneColor(el, "--stars"));
    highlight.copy(sceneColor(el, "--accent"));
    ringMaterial.color.copy(highlight);
    select();
  }

  function resize() {
    width = model.get("width") || cellWidth();
    height = model.get("height");
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    requestDraw();
  }

  function onClick(event) {
    if (controls.dragged()) return;
    const planet = planetAt(event);
    model.set("selected_planet", planet ? planet.name : "");
    model.save_changes();
    select();
  }
  let paused = false; // orbits stop under the pointer, to click a planet
  function onPointerEnter() {
    paused = true;
  }
  function onPointerLeave() {
    paused = false;
    canvas.style.cursor = "";
    requestFrame();
  }
  function onPointerMove(event) {
    if (event.buttons === 0) {
      canvas.style.cursor = planetAt(event) ? "pointer" : "";
    }
  }

  // Frames run only while the widget is on screen, and render only when the
  // picture changed: software WebGL takes tens of milliseconds a frame.
  let onScreen = false;
  let stale = true; // the canvas no longer shows the scene
  let frame = 0;
  let previous = 0; // the time of the last frame, while the orbits move
  const orbiting = () =>
    !paused && model.get("speed") !== 0 && planets.length > 0;
  function requestFrame() {
    if (onScreen && !frame) frame = requestAnimationFrame(tick);
  }
  function requestDraw() {
    stale = true;
    requestFrame();
  }
  function tick(now) {
    frame = 0;
    const moving = orbiting();
    if (moving) {
      const seconds = previous ? Math.min(0.1, (now - previous) / 1000) : 0;
      place(seconds * model.get("speed"));
      stale = true;
      requestFrame();
    }
    previous = moving ? now : 0;
    if (stale) {
      stale = false;
      renderer.render(scene, camera); // also updates the camera's matrices
      placeLabels();
    }
  }
  /** Puts each planet's name above its disc, as just rendered. */
  function placeLabels() {
    for (const planet of planets) {
      const circle = screenCircle(planet);
      planet.label.hidden = !circle;
      if (circle) {
        planet.label.style.left = `${circle.x}px`;
        planet.label.style.top = `${circle.y - circle.r - 2}px`;
      }
    }
  }
  const visibility = new IntersectionObserver(([entry]) => {
    onScreen = entry.isIntersecting;
    cancelAnimationFrame(frame);
    frame = 0;
    previous = 0;
    requestFrame();
  });

  const view = { distance: 2.4 * SYSTEM_RADIUS, azimuth: 0, elevation: 0.55 };
  const controls = orbitControls(camera, canvas, view, {
    near: SYSTEM_RADIUS / 2,
    far: 8 * SYSTEM_RADIUS,
    onChange: requestDraw,
    signal,
  });
  canvas.addEventListener("click", onClick, { signal });
  canvas.addEventListener("pointerenter", onPointerEnter, { signal });
  canvas.addEventListener("pointerleave", onPointerLeave, { signal });
  canvas.addEventListener("pointermove", onPointerMove, { signal });
  model.on("change:data", load);
  model.on("change:speed", requestFrame);
  model.on("change:selected_planet", select);
  model.on("change:width", resize);
  model.on("change:height", resize);
  // A notebook attaches the view after render: the cell's width, and the colours of
  // its theme, are known once it has a size.
  const cellWidth = fitWidth(el, signal, () => {
    resize();
    paint();
  });
  onThemeChange(paint, signal);
  resize();
  load();
  paint();
  visibility.observe(stage);

  signal.addEventListener("abort", () => {
    cancelAnimationFrame(frame);
    visibility.disconnect();
    removePlanets();
    for (const thing of [sphere, pathMaterial, sunGeometry, sunMaterial]) {
      thing.dispose();
    }
    ringGeometry.dispose();
    ringMaterial.dispose();
    stars.geometry.dispose();
    stars.material.dispose();
    renderer.dispose();
    renderer.forceContextLoss(); // browsers allow only a few WebGL contexts
  });
}

/**
 * Each planet's `size` and `orbitRadius` in scene units. True ratios would make
 * the inner planets specks, so both follow a square root; each orbit keeps
 * clear of the one inside it, and the whole is scaled to SYSTEM_RADIUS.
 */
function layOut(planets) {
  const largest = Math.max(...planets.map((p) => p.radius));
  const farthest = Math.max(...planets.map((p) => p.distance));
  let edge = SUN_RADIUS; // the outer edge of what is placed so far
  for (const p of [...planets].sort((a, b) => a.distance - b.distance)) {
    p.size = 0.35 + 0.9 * Math.sqrt(p.radius / largest);
    const spread = SUN_RADIUS + 1.5 + 16 * Math.sqrt(p.distance / farthest);
    p.orbitRadius = Math.max(spread, edge + p.size + 0.4);
    edge = p.orbitRadius + p.size;
    // Kepler's third law when the table has no period: distance ** 1.5.
    if (Number.isNaN(p.period)) p.period = p.distance ** 1.5;
  }
  const shrink = Math.min(1, SYSTEM_RADIUS / edge);
  for (const p of planets) {
    p.size *= shrink;
    p.orbitRadius *= shrink;
  }
}

/** A circle of `radius` in the orbital plane. */
function orbitPath(radius) {
  const points = Array.from({ length: 129 }, (_, i) => {
    const angle = (i / 128) * 2 * Math.PI;
    return new THREE.Vector3(Math.cos(angle), 0, Math.sin(angle));
  });
  const path = new THREE.BufferGeometry().setFromPoints(points);
  return path.scale(radius, 1, radius);
}

/** Faint stars on a far sphere, the same every time (a fixed seed). */
function starField(count = 800) {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const [u, v] = [random() * 2 - 1, random() * 2 * Math.PI];
    const radius = 300 + random() * 100;
    const ring = radius * Math.sqrt(1 - u * u);
    positions.set([ring * Math.cos(v), radius * u, ring * Math.sin(v)], i * 3);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
  return new THREE.Points(geometry, new THREE.PointsMaterial({ size: 1.2 }));
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
 * A colour the widget's stylesheet sets (`--sky`), as the host's theme makes it
 * now, for three.js.
 *
 * @param {Element} el
 * @param {string} name
 */
function sceneColor(el, name) {
  const css = getComputedStyle(el).getPropertyValue(name);
  const [r, g, b] = colorBytes(css).map((byte) => byte / 255);
  return new THREE.Color().setRGB(r, g, b, THREE.SRGBColorSpace);
}

/**
 * A small orbit control, so the widget needs no three.js add-on: drag to turn
 * the camera around `target`, wheel to zoom, double-click to go back to `view`,
 * { distance, azimuth, elevation } (radians); `near` and `far` bound the
 * distance; `signal` removes the listeners. Returns `dragged()`: did the last
 * press move, so that it was no click?
 */
function orbitControls(camera, element, view, options) {
  const { target = [0, 0, 0], near = 2, far = 60, onChange, signal } = options;
  const first = { ...view };
  let last = null; // the pointer's previous position while a button is down
  let travelled = 0;

  function update() {
    const { distance, azimuth, elevation } = view;
    camera.position.set(
      target[0] + distance * Math.cos(elevation) * Math.sin(azimuth),
      target[1] + distance * Math.sin(elevation),
      target[2] + distance * Math.cos(elevation) * Math.cos(azimuth),
    );
    camera.lookAt(...target);
    onChange?.();
  }
  function onPointerDown(event) {
    if (event.button !== 0) return;
    element.setPointerCapture(event.pointerId);
    last = [event.clientX, event.clientY];
    travelled = 0;
  }
  function onPointerMove(event) {
    if (!last) return;
    const dx = event.clientX - last[0];
    const dy = event.clientY - last[1];
    last = [event.clientX, event.clientY];
    travelled += Math.abs(dx) + Math.abs(dy);
    view.azimuth -= dx * 0.008;
    view.elevation = Math.min(1.5, Math.max(0.05, view.elevation + dy * 0.008));
    update();
  }
  function onPointerUp() {
    last = null;
  }
  function onWheel(event) {
    event.preventDefault(); // zoom the scene, not scroll the notebook
    const zoom = Math.exp(event.deltaY * 0.001);
    view.distance = Math.min(far, Math.max(near, view.distance * zoom));
    update();
  }
  function onDoubleClick() {
    Object.assign(view, first);
    update();
  }

  element.addEventListener("pointerdown", onPointerDown, { signal });
  element.addEventListener("pointermove", onPointerMove, { signal });
  element.addEventListener("pointerup", onPointerUp, { signal });
  element.addEventListener("pointercancel", onPointerUp, { signal });
  element.addEventListener("wheel", onWheel, { passive: false, signal });
  element.addEventListener("dblclick", onDoubleClick, { signal });
  update();
  return { dragged: () => travelled > 4 };
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

/**
 * A name short enough for a label: at most LABEL_CHARS characters, the last an ellipsis.
 * @param {string} name
 */
function shortened(name) {
  return name.length > LABEL_CHARS
    ? `${name.slice(0, LABEL_CHARS - 1)}…`
    : name;
}

export default { render };
