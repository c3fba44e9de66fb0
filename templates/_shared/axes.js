/**
 * [min, max] of the finite values, padded when they are all the same (by an
 * hour for times), or null when there are none.
 */
function extent(values, kind = "number") {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]; // an indexed loop: these can hold millions of rows
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return null;
  // 66,631 → 59,968–73,295
  const pad = kind === "time" ? HOUR : Math.max(1, Math.abs(min) / 10);
  return min === max ? [min - pad, max + pad] : [min, max];
}

/**
 * Axis lines, ticks and labels into `group`, for scales over pixel ranges. A
 * time axis (kind "time") reads its times in `xZone` or `yZone` (see timeZone).
 */
function drawAxes(
  group,
  { x, y, xLabel, yLabel, xKind, yKind, xZone = null, yZone = null },
) {
  group.replaceChildren();
  const [left, right] = [x(x.domain[0]), x(x.domain[1])];
  const [bottom, top] = [y(y.domain[0]), y(y.domain[1])];
  const line = (x1, y1, x2, y2) => svgElement("line", { x1, y1, x2, y2 });
  group.append(
    line(left, bottom, right, bottom),
    line(left, bottom, left, top),
  );
  // Clear of the y labels and inside the right margin (12 px or more), at
  // ~3.3 px a character each side
  const centre = (at, label) => {
    const half = label.length * 3.3;
    return Math.max(left - 4 + half, Math.min(at, right + 12 - half));
  };
  // As many x ticks as have room for their labels: about one per 100 px
  let xTicks = [];
  const most = Math.max(5, Math.floor((right - left) / 100));
  for (let count = most; count >= 2; count--) {
    xTicks = axisTicks(x.domain, xKind, xZone, count);
    const room = xTicks.every(([tick, label], i) => {
      if (i === 0) return true;
      const [before, previous] = xTicks[i - 1];
      const gap = centre(x(tick), label) - centre(x(before), previous);
      return gap >= (label.length + previous.length) * 3.3 + 8;
    });
    if (room) break;
  }
  for (const [tick, label] of xTicks) {
    const at = x(tick);
    group.append(
      line(at, bottom, at, bottom + 4),
      svgText(label, { x: centre(at, label), y: bottom + 16 }),
    );
  }
  let widest = 0; // of the y labels, in characters
  // Short labels, in the left margin: times without their dates
  for (const [tick, label] of axisTicks(y.domain, yKind, yZone, 5, true)) {
    const at = y(tick);
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
    svgText(axisTitle(xLabel, xKind, xZone), {
      x: (left + right) / 2,
      y: bottom + 32,
    }),
    svgText(axisTitle(yLabel, yKind, yZone), {
      transform: `translate(${titleAt}, ${middle}) rotate(-90)`,
    }),
  );
}

/** About `count` ticks over `domain`, each [value, label]. */
function axisTicks([min, max], kind, zone, count = 5, short = false) {
  if (kind === "time") {
    return timeTicks(min, max, timeZone(zone), count, short);
  }
  return niceTicks(min, max, count).map((tick) => [tick, formatTick(tick)]);
}

/** An axis's title: its column's name, with the zone its times are read in. */
function axisTitle(label, kind, zone) {
  return kind === "time" && zone ? `${label} (${timeZone(zone).name})` : label;
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/**
 * The UTC time at which the zone's clock shows `wall` (a wallClock time, in
 * ms); in a gap that clock skips (spring forward), the first time after it.
 */
function timeAt(zone, wall) {
  const guess = wall - zone.offset(wall);
  const time = wall - zone.offset(guess);
  return time + zone.offset(time) === wall ? time : Math.max(guess, time);
}

/**
 * About `count` times spanning [min, max], on round steps of the zone's clock
 * (hours on the hour, days at midnight, weeks on Mondays, months on the 1st),
 * each [time, label]. Labels say the unit: "01:00" (with the date on the first
 * tick and where the day changes: "Mar 10" alone at midnight), "Mar 10" (with
 * the year on the first tick and where it changes), "Mar 2024", "2024". Steps
 * go by the zone's clock, so a DST day of 23 hours has no 02:00 tick and one
 * of 25 no second 01:00. `short` labels give the clock or the day alone.
 *
 * @returns {[number, string][]}
 */
function timeTicks(min, max, zone, count = 5, short = false) {
  const rough = (max - min) / count;
  if (!(rough > 0 && rough < Infinity)) return [];
  const [first, last] = [min + zone.offset(min), max + zone.offset(max)];
  const clockSteps = [
    ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
    ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
    ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
    ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
    ...[1, 2, 7, 14].map((n) => n * DAY),
  ]; // then months (1, 2, 3 or 6) and years (1, 2, 5, 10, 20, ...)
  let step = clockSteps.find((size) => size >= rough);
  let unit = step < DAY ? "clock" : "day";
  const walls = [];
  if (step !== undefined) {
    // Weeks start on Monday: 1970-01-05 was one.
    const origin = step % (7 * DAY) ? 0 : 4 * DAY;
    const start = Math.ceil((first - origin) / step) * step + origin;
    for (let wall = start; wall <= last; wall += step) walls.push(wall);
  } else {
    const month = 30.44 * DAY; // on average
    const months =
      [1, 2, 3, 6].find((n) => n * month >= rough) ??
      12 * niceYears(rough / (12 * month));
    [step, unit] = [months * month, months < 12 ? "month" : "year"];
    const [from, to] = [monthIndex(first), monthIndex(last)];
    const start = Math.ceil(from / months) * months;
    for (let month = start; month <= to; month += months) {
      walls.push(utcTime(Math.floor(month / 12), month % 12));
    }
  }
  const ticks = [];
  for (const wall of walls) {
    const time = timeAt(zone, wall);
    // A clock time the zone skips has no tick (a skipped midnight moves on).
    const skipped = unit === "clock" && time + zone.offset(time) !== wall;
    if (time >= min && time <= max && !skipped) ticks.push(time);
  }
  return ticks.map((time, i) => {
    const wall = wallClock(zone, time);
    const previous = i > 0 ? wallClock(zone, ticks[i - 1]) : null;
    // Short: as if each tick followed one of its own day, so no date is added
    return [time, timeLabel(wall, short ? wall : previous, unit, step)];
  });
}

/** Months since year 0 of a wall time (ms): 2024 * 12 + 2 for March 2024. */
function monthIndex(wall) {
  const date = new Date(wall);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** 1, 2, 5, 10, 20, ... years: the first not shorter than `rough` years. */
function niceYears(rough) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= rough);
}

/**
 * A time tick's label, after the tick at `previous` (null for the first), for
 * ticks `step` ms apart in `unit`: "clock", "day", "month" or "year".
 */
function timeLabel(wall, previous, unit, step) {
  const [year, month, day] = [
    wall.getUTCFullYear(),
    MONTHS[wall.getUTCMonth()],
    wall.getUTCDate(),
  ];
  if (unit === "year") return String(year);
  if (unit === "month") return `${month} ${year}`;
  if (unit === "day") {
    const newYear = previous?.getUTCFullYear() !== year;
    return newYear ? `${month} ${day}, ${year}` : `${month} ${day}`;
  }
  const clock = clockText(wall, step);
  if (previous && dateText(previous) === dateText(wall)) return clock;
  // A new day: its date, and the time unless it is midnight
  return wall.getTime() % DAY ? `${month} ${day} ${clock}` : `${month} ${day}`;
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
