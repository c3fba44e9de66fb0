// Landscape: 3D landscape viewer with Three.js showing terrain mesh and water
// plane.

// @ts-ignore: three.js has no types here
import * as THREE from "https://esm.sh/three@0.160.0";

/**
 * @typedef {object} Model
 * @property {number} water_level  height of the water plane, 0 to 1 (0 hides it)
 * @property {number} height_scale  height of a cell at 1.0, as a fraction of the terrain's width
 * @property {number} width  width of the view in pixels
 * @property {number} height  height of the view in pixels
 * @property {number[][]} heightmap  64x64 grid of float values 0-1 representing terrain height
 */

const EXTENT = 10; // world units across the terrain

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
    const [width, height] = [model.get("width"), model.get("height")];
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
    const empty = !(value?.length >= 1 && value[0]?.length >= 1);
    // Flat until a heightmap arrives; a single row or column is a strip, drawn twice.
    const grid = readGrid(empty ? null : value, 2);
    const { rows, cols, heights } = twoByTwoAtLeast(grid);
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
    const rgb = new THREE.Color();
    for (let i = 0; i < heights.length; i++) {
      position.setY(i, heights[i] * scale);
      const [r, g, b] = heightColor(heights[i]);
      rgb.setRGB(r / 255, g / 255, b / 255, THREE.SRGBColorSpace);
      color.setXYZ(i, rgb.r, rgb.g, rgb.b);
    }
    position.needsUpdate = true;
    color.needsUpdate = true;
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    water.position.y = model.get("water_level") * scale;
    water.visible = model.get("water_level") > 0;
    caption.textContent = empty
      ? "No heightmap yet: link one, e.g. from a painter widget."
      : `${grid.rows} × ${grid.cols} heightmap · drag to orbit, wheel to zoom, ` +
        "double-click to reset";
    requestDraw();
  }

  model.on("change:heightmap", load);
  model.on("change:water_level", load);
  model.on("change:height_scale", load);
  model.on("change:width", resize);
  model.on("change:height", resize);
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
 * The colours of the widget's stylesheet, which follow the host's theme, for
 * drawing code that cannot use `var()`: a canvas, SVG attributes, WebGL.
 *
 * @param {Element} el
 */
function themeColors(el) {
  const style = getComputedStyle(el);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    fg: read("--fg"),
    fgMuted: read("--fg-muted"),
    bg: read("--bg"),
    grid: read("--grid"),
    accent: read("--accent"),
    mark: read("--mark"),
    markMuted: read("--mark-muted"),
    highlight: read("--highlight"),
  };
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
 * A height grid as one flat Float64Array, row after row. The model holds a list
 * of rows (Python's list of lists of floats); with nothing there yet it is
 * `size` x `size` zeros.
 */
function readGrid(value, size) {
  if (!value?.length || !value[0]?.length) {
    return { rows: size, cols: size, heights: new Float64Array(size * size) };
  }
  const rows = value.length;
  const cols = value[0].length;
  const heights = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r];
    for (let c = 0; c < cols; c++) heights[r * cols + c] = Number(row[c]) || 0;
  }
  return { rows, cols, heights };
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

/** The terrain colour of a height in 0..1, as [r, g, b] bytes. */
function heightColor(height) {
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
 * @param {ReturnType<typeof readGrid>} grid
 */
function twoByTwoAtLeast({ rows, cols, heights }) {
  if (rows >= 2 && cols >= 2) return { rows, cols, heights };
  const [tall, wide] = [Math.max(rows, 2), Math.max(cols, 2)];
  const tiled = new Float64Array(tall * wide);
  for (let r = 0; r < tall; r++) {
    for (let c = 0; c < wide; c++) {
      tiled[r * wide + c] =
        heights[Math.min(r, rows - 1) * cols + Math.min(c, cols - 1)];
    }
  }
  return { rows: tall, cols: wide, heights: tiled };
}

export default { render };
