// Landscape: 3D landscape viewer with Three.js showing terrain mesh and water
// plane.

// @ts-ignore: three.js has no types here
import * as THREE from "https://esm.sh/three@0.160.0";

/**
 * @typedef {object} Model
 * @property {number} water_level  height of the water plane, 0 to 1 (0 hides it)
 * @property {number} height_scale  height of a cell at 1.0, as a fraction of the terrain's width
 * @property {number} width  fixed width of the view in pixels (0: fill the output cell, at least 360 px)
 * @property {number} height  height of the view in pixels
 * @property {{ shape: number[], values: DataView } | number[][]} heightmap  64x64 grid of float values 0-1 representing terrain height
 */

const EXTENT = 10; // world units across the terrain
const FLAT = { rows: 2, cols: 2, heights: new Float32Array(4) };

/** @type {import("@anywidget/types").Render<Model>} */
function render({ model, el, signal }) {
  el.classList.add("landscape");
  let renderer;
  try {
    renderer = new THREE.WebGLRenderer({ antialias: true });
  } catch (error) {
    el.textContent = `This view needs WebGL: ${error.message}`;
    return;
  }
  const canvas = renderer.domElement;
  const caption = document.createElement("p");
  el.append(canvas, caption);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color();
  scene.fog = new THREE.Fog(0, 20, 45);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x4a5a40, 1.4));
  const sun = new THREE.DirectionalLight(0xffffff, 2.2);
  sun.position.set(-4, 8, 3);
  scene.add(sun);
  const camera = new THREE.PerspectiveCamera(40, 1, 0.1, 200);

  const palette = linearPalette(); // each height's colour, for the vertices
  const ground = new THREE.MeshStandardMaterial({
    vertexColors: true,
    roughness: 0.9,
  });
  const terrain = new THREE.Mesh(new THREE.BufferGeometry(), ground);
  const plane = new THREE.PlaneGeometry(EXTENT, EXTENT).rotateX(-Math.PI / 2);
  const waterMaterial = new THREE.MeshStandardMaterial({
    color: 0x2f80d0,
    transparent: true,
    opacity: 0.6,
    roughness: 0.2,
    depthWrite: false, // the terrain below stays visible through it
  });
  const water = new THREE.Mesh(plane, waterMaterial);
  scene.add(terrain, water);

  let frame = 0;
  function requestDraw() {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        renderer.render(scene, camera);
      });
    }
  }
  const view = { distance: 17, azimuth: 0, elevation: 0.75 };
  orbitControls(camera, canvas, view, {
    target: [0, 0.5, 0],
    near: 4,
    far: 50,
    onChange: requestDraw,
    signal,
  });

  function resize() {
    const width = model.get("width") || cellWidth();
    const height = model.get("height");
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    requestDraw();
  }

  /** The sky: the page's background, tinted blue (dusk on a dark theme). */
  function paint() {
    const sky = sceneColor(el, "--sky");
    scene.background.copy(sky);
    scene.fog.color.copy(sky);
    requestDraw();
  }

  function load() {
    const value = model.get("heightmap");
    const grid = decodeGrid(value);
    const empty = !grid.rows;
    const missing = countMissing(grid.heights);
    // Flat until a heightmap arrives; a single row or column is a strip, drawn twice.
    const { rows, cols, heights } = twoByTwoAtLeast(empty ? FLAT : grid);
    let geometry = terrain.geometry;
    if (geometry.userData.shape !== `${rows}x${cols}`) {
      geometry.dispose();
      // Vertex (col, row) of the plane is cell (col, row): row 0 at the back.
      geometry = new THREE.PlaneGeometry(EXTENT, EXTENT, cols - 1, rows - 1);
      geometry.rotateX(-Math.PI / 2);
      const colors = new Float32Array(rows * cols * 3);
      geometry.setAttribute("color", new THREE.BufferAttribute(colors, 3));
      geometry.userData.shape = `${rows}x${cols}`;
      terrain.geometry = geometry;
    }
    const { position, color } = geometry.attributes;
    const scale = model.get("height_scale") * EXTENT;
    const [xyz, rgb] = [position.array, color.array];
    for (let i = 0; i < heights.length; i++) {
      const height = heights[i];
      if (Number.isNaN(height)) continue; // a hole: no triangle reaches it
      xyz[i * 3 + 1] = height * scale;
      const shade = Math.round(Math.min(1, Math.max(0, height)) * 255) * 3;
      rgb.set(palette.subarray(shade, shade + 3), i * 3);
    }
    if (missing || geometry.userData.holes) {
      geometry.setIndex(surfaceIndex(rows, cols, heights));
      geometry.userData.holes = missing > 0;
    }
    position.needsUpdate = true;
    color.needsUpdate = true;
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    water.position.y = model.get("water_level") * scale;
    water.visible = model.get("water_level") > 0;
    const holes = missing ? `; ${plural(missing, "cell")} missing` : "";
    caption.textContent = empty
      ? "No heightmap yet: link one, e.g. from a painter widget."
      : `${grid.rows} × ${grid.cols} heightmap${holes} · drag to orbit, ` +
        "wheel to zoom, double-click to reset";
    requestDraw();
  }

  model.on("change:heightmap", load);
  model.on("change:water_level", load);
  model.on("change:height_scale", load);
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
  paint();
  load();

  signal.addEventListener("abort", () => {
    cancelAnimationFrame(frame);
    terrain.geometry.dispose();
    ground.dispose();
    plane.dispose();
    waterMaterial.dispose();
    renderer.dispose();
    renderer.forceContextLoss(); // browsers allow only a few WebGL contexts
  });
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
 * A height grid as one flat Float32Array, row after row, NaN where a cell has no
 * value. The model holds what `Grid` in _traits.py sends: `{ shape, values }`,
 * the float32 values in a DataView (a typed array when set on this page), or
 * the list of rows widgets wrote before. An empty grid has no rows.
 */
function decodeGrid(value) {
  if (value?.shape) {
    const [rows, cols] = value.shape;
    return { rows, cols, heights: float32s(value.values, rows * cols) };
  }
  const rows = value?.length ?? 0;
  const cols = rows && (value[0]?.length ?? 0);
  const heights = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const height = value[r][c];
      heights[r * cols + c] = height == null ? NaN : Number(height);
    }
  }
  return { rows: cols && rows, cols, heights };
}

/** `count` float32 values over the bytes of a DataView, typed array or buffer. */
function float32s(values, count) {
  if (values instanceof Float32Array) return values;
  const view = ArrayBuffer.isView(values) ? values : new DataView(values);
  const { buffer, byteOffset } = view;
  return byteOffset % 4 === 0
    ? new Float32Array(buffer, byteOffset, count)
    : new Float32Array(buffer.slice(byteOffset, byteOffset + count * 4));
}

/** How many cells have no height (NaN). */
function countMissing(heights) {
  let missing = 0;
  for (const height of heights) if (Number.isNaN(height)) missing++;
  return missing;
}

/**
 * Height (0..1) → colour, from sea floor to snow: [height, [r, g, b]] stops.
 * @type {[number, number[]][]}
 */
const TERRAIN_STOPS = [
  [0.0, [22, 52, 104]],
  [0.18, [58, 124, 186]],
  [0.22, [224, 208, 152]],
  [0.3, [116, 170, 82]],
  [0.55, [58, 112, 52]],
  [0.75, [128, 108, 88]],
  [0.9, [236, 236, 236]],
  [1.0, [255, 255, 255]],
];

/** The colour of a cell with no height: magenta, which no terrain has. */
const MISSING_COLOR = [214, 40, 160];

/** The terrain colour of a height in 0..1 (NaN: no height), as [r, g, b] bytes. */
function heightColor(height) {
  if (Number.isNaN(height)) return MISSING_COLOR;
  const h = Math.min(1, Math.max(0, height));
  let i = 1;
  while (i < TERRAIN_STOPS.length - 1 && TERRAIN_STOPS[i][0] < h) i++;
  const [h0, c0] = TERRAIN_STOPS[i - 1];
  const [h1, c1] = TERRAIN_STOPS[i];
  const t = (h - h0) / (h1 - h0);
  return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * t));
}

/**
 * The grid with at least two rows and two columns, as a plane needs: a single row
 * or column (a 1 × 1 grid too) repeated, so that it draws as a flat strip or tile.
 * @param {ReturnType<typeof decodeGrid>} grid
 */
function twoByTwoAtLeast({ rows, cols, heights }) {
  if (rows >= 2 && cols >= 2) return { rows, cols, heights };
  const [tall, wide] = [Math.max(rows, 2), Math.max(cols, 2)];
  const tiled = new Float32Array(tall * wide);
  for (let r = 0; r < tall; r++) {
    for (let c = 0; c < wide; c++) {
      tiled[r * wide + c] =
        heights[Math.min(r, rows - 1) * cols + Math.min(c, cols - 1)];
    }
  }
  return { rows: tall, cols: wide, heights: tiled };
}

/**
 * The triangles of a rows x cols plane, in PlaneGeometry's order, whose three
 * corners all have a height: a cell with none (NaN) leaves a hole.
 */
function surfaceIndex(rows, cols, heights) {
  const index = new Uint32Array((rows - 1) * (cols - 1) * 6);
  let n = 0;
  const add = (a, b, c) => {
    if (Number.isNaN(heights[a] + heights[b] + heights[c])) return;
    [index[n], index[n + 1], index[n + 2]] = [a, b, c];
    n += 3;
  };
  for (let r = 0; r < rows - 1; r++) {
    for (let c = 0; c < cols - 1; c++) {
      const [a, b] = [r * cols + c, (r + 1) * cols + c]; // this row, the next
      add(a, b, a + 1);
      add(b, b + 1, a + 1);
    }
  }
  return new THREE.BufferAttribute(index.slice(0, n), 1);
}

/** The terrain colour of each height from 0 to 1 in 256 steps, as three.js's
 * linear RGB: three floats a step. */
function linearPalette() {
  const palette = new Float32Array(256 * 3);
  const rgb = new THREE.Color();
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = heightColor(i / 255);
    rgb.setRGB(r / 255, g / 255, b / 255, THREE.SRGBColorSpace);
    palette.set([rgb.r, rgb.g, rgb.b], i * 3);
  }
  return palette;
}

/** A count with its noun: "1 row", "3,000 rows". */
function plural(count, noun) {
  return `${count.toLocaleString()} ${count === 1 ? noun : `${noun}s`}`;
}

export default { render };
