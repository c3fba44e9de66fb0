const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with its attributes set. */
function svgElement(tag, attributes = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** [min, max] of the finite values (rows limited to `rows` when given), padded when flat. */
function extent(values, rows = null) {
  let min = Infinity;
  let max = -Infinity;
  const count = rows ? rows.length : values.length;
  for (let i = 0; i < count; i++) {
    const value = values[rows ? rows[i] : i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

/** A linear map from `domain` to `range`, with its inverse. */
function linearScale([d0, d1], [r0, r1]) {
  const k = (r1 - r0) / (d1 - d0);
  const scale = (value) => r0 + (value - d0) * k;
  scale.invert = (position) => d0 + (position - r0) / k;
  scale.domain = [d0, d1];
  return scale;
}

/** About `count` round numbers spanning [min, max]. */
function niceTicks(min, max, count = 5) {
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

const TICK_UNITS = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** A tick's label: 0.25 · 1500 · 60k · 1.2M · 2024-05-01. */
function formatTick(value, kind = "number") {
  if (kind === "time") return new Date(value).toISOString().slice(0, 10);
  const magnitude = Math.abs(value);
  const unit = magnitude >= 1e4 ? TICK_UNITS.find(([size]) => magnitude >= size) : null;
  if (!unit) return String(value);
  // niceTicks gives round numbers, so the shortest text of the quotient is exact: 1.25M.
  return `${Number((value / unit[0]).toPrecision(12))}${unit[1]}`;
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
