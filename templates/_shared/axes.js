/**
 * [min, max] of the finite values, padded when they are all the same, or null
 * when there are none.
 */
function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return null;
  const pad = Math.max(1, Math.abs(min) / 10); // 66,631 → 59,968–73,295
  return min === max ? [min - pad, max + pad] : [min, max];
}

/** Axis lines, ticks and labels into `group`, for scales over pixel ranges. */
function drawAxes(group, { x, y, xLabel, yLabel, xKind, yKind }) {
  group.replaceChildren();
  const [left, right] = [x(x.domain[0]), x(x.domain[1])];
  const [bottom, top] = [y(y.domain[0]), y(y.domain[1])];
  const line = (x1, y1, x2, y2) => svgElement("line", { x1, y1, x2, y2 });
  group.append(
    line(left, bottom, right, bottom),
    line(left, bottom, left, top),
  );
  for (const tick of niceTicks(...x.domain)) {
    const [at, label] = [x(tick), formatTick(tick, xKind)];
    // Clear of the y labels and inside the right margin (12 px or more), at
    // ~3.3 px a character each side
    const half = label.length * 3.3;
    const centre = Math.max(left - 4 + half, Math.min(at, right + 12 - half));
    group.append(
      line(at, bottom, at, bottom + 4),
      svgText(label, { x: centre, y: bottom + 16 }),
    );
  }
  let widest = 0; // of the y labels, in characters
  for (const tick of niceTicks(...y.domain)) {
    const [at, label] = [y(tick), formatTick(tick, yKind)];
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
    svgText(xLabel, { x: (left + right) / 2, y: bottom + 32 }),
    svgText(yLabel, {
      transform: `translate(${titleAt}, ${middle}) rotate(-90)`,
    }),
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
