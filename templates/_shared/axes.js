/** [min, max] of the finite values, padded when they are all the same. */
function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
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
    const at = x(tick);
    group.append(
      line(at, bottom, at, bottom + 4),
      svgText(formatTick(tick, xKind), { x: at, y: bottom + 16 }),
    );
  }
  for (const tick of niceTicks(...y.domain)) {
    const [at, label] = [y(tick), formatTick(tick, yKind)];
    group.append(
      line(left - 4, at, left, at),
      svgText(label, { x: left - 6, y: at + 4, class: "end" }),
    );
  }
  const middle = (top + bottom) / 2;
  group.append(
    svgText(xLabel, { x: (left + right) / 2, y: bottom + 32 }),
    svgText(yLabel, {
      transform: `translate(${left - 44}, ${middle}) rotate(-90)`,
    }),
  );
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
