/** [min, max] of the finite values, padded when they are all the same. */
function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these arrays can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

/** Axis lines, ticks and labels into `group`, for scales over pixel ranges. */
function drawAxes(group, { x, y, xLabel, yLabel, xKind = "number", yKind = "number" }) {
  group.replaceChildren();
  const [left, right] = [x(x.domain[0]), x(x.domain[1])];
  const [bottom, top] = [y(y.domain[0]), y(y.domain[1])];
  const line = (x1, y1, x2, y2) =>
    svgElement("line", { x1, y1, x2, y2, stroke: "currentColor", "stroke-opacity": 0.5 });
  const text = (content, attributes) => {
    const label = svgElement("text", { fill: "currentColor", "font-size": 11, ...attributes });
    label.textContent = content;
    return label;
  };
  group.append(line(left, bottom, right, bottom), line(left, bottom, left, top));
  for (const tick of niceTicks(...x.domain)) {
    group.append(
      line(x(tick), bottom, x(tick), bottom + 4),
      text(formatTick(tick, xKind), { x: x(tick), y: bottom + 16, "text-anchor": "middle" }),
    );
  }
  for (const tick of niceTicks(...y.domain)) {
    group.append(
      line(left - 4, y(tick), left, y(tick)),
      text(formatTick(tick, yKind), { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }),
    );
  }
  group.append(text(xLabel, { x: (left + right) / 2, y: bottom + 32, "text-anchor": "middle" }));
  group.append(
    text(yLabel, {
      transform: `translate(${left - 44}, ${(top + bottom) / 2}) rotate(-90)`,
      "text-anchor": "middle",
    }),
  );
}

/** The column named `name`, else the first numeric column not already `taken`. */
function pickNumericColumn(table, name, taken = []) {
  const numeric = table.columns.filter((c) => c.kind === "number" || c.kind === "time");
  return (
    table.columns.find((c) => c.name === name) ??
    numeric.find((c) => !taken.includes(c.name)) ??
    numeric[0] ??
    null
  );
}
