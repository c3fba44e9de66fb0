const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A time column's clock. Times arrive as UTC milliseconds with the zone they
 * were written in: an IANA name ("America/New_York"), "UTC", a fixed offset
 * ("+05:30"), or null for times written without one, shown as written (kept as
 * UTC, so the browser's own zone never shifts them). A zone the browser does
 * not know is shown as UTC, and named so.
 *
 * `offset(ms)`: what to add to a UTC time for the zone's wall clock there;
 * `suffix(ms)`: the zone's short name there ("EST", "EDT"), "" with no zone.
 *
 * @param {string | null} zone
 */
function timeZone(zone) {
  const fixed = (zone ?? "").match(/^([+-])(\d\d):(\d\d)$/);
  if (!zone || zone === "UTC" || fixed) {
    const sign = fixed?.[1] === "-" ? -1 : 1;
    const minutes = fixed ? Number(fixed[2]) * 60 + Number(fixed[3]) : 0;
    const suffix = zone ?? "";
    return {
      name: zone,
      offset: () => sign * minutes * MINUTE,
      suffix: () => suffix,
    };
  }
  let clock;
  try {
    clock = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      timeZoneName: "short",
    });
  } catch {
    return timeZone("UTC"); // a zone this browser does not know
  }
  const offsets = new Map(); // by minute: zones change offset on whole minutes
  return {
    name: zone,
    offset(ms) {
      const minute = Math.floor(ms / MINUTE);
      if (!offsets.has(minute)) {
        if (offsets.size > 10_000) offsets.clear();
        const part = partsOf(clock, minute * MINUTE);
        const wall = utcTime(part.year, part.month - 1, part.day, part.hour);
        offsets.set(minute, wall + part.minute * MINUTE - minute * MINUTE);
      }
      return offsets.get(minute);
    },
    suffix: (ms) => partsOf(clock, ms).timeZoneName,
  };
}

/** The numbers (and the zone's name) a formatter shows for a time. */
function partsOf(format, ms) {
  const parts = {};
  for (const { type, value } of format.formatToParts(ms)) {
    parts[type] = type === "timeZoneName" ? value : Number(value);
  }
  return parts;
}

/** Date.UTC, for years before 100 too (Date.UTC reads 24 as 1924). */
function utcTime(year, month, day = 1, hour = 0) {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime() + hour * HOUR;
}

/**
 * A time as the zone's clock shows it, a Date to read with the getUTC methods:
 * `wallClock(zone, ms).getUTCHours()` is the hour there.
 */
function wallClock(zone, ms) {
  return new Date(ms + zone.offset(ms));
}

/** A wallClock date as "2024-03-10". */
function dateText(wall) {
  return wall.toISOString().slice(0, 10);
}

/** A wallClock time as "00:00", "00:00:05" or "00:00:05.250", to `unit`. */
function clockText(wall, unit = MINUTE) {
  const text = wall.toISOString().slice(11, 23); // 00:00:05.250
  return text.slice(0, unit >= MINUTE ? 5 : unit >= SECOND ? 8 : 12);
}
