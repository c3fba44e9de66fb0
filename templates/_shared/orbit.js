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
