// Calendar days in a tenant's IANA time zone, with Intl only (no date
// library): "N days after receipt" and sign-in streaks are counted in the
// tenant's local days, and DST days are 23 or 25 hours long.

/** A local calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Building a DateTimeFormat costs far more than using one.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatFor(timeZone).formatToParts(ms)) {
    if (p.type in w) w[p.type as keyof WallClock] = Number(p.value);
  }
  return w;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateText = (y: number, m: number, d: number): LocalDate => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** How far the zone's wall clock is ahead of UTC at `ms` (whole seconds), in ms. */
export function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

// setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
function utcDate(year: number, month: number, day: number): Date {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t;
}

/** Year, month, day of a valid 'YYYY-MM-DD', else null. */
export function parseLocalDate(date: string): { year: number; month: number; day: number } | null {
  const m = LOCAL_DATE.exec(date);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const t = utcDate(year, month, day);
  if (t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return null;
  return { year, month, day };
}

function mustParse(date: LocalDate): { year: number; month: number; day: number } {
  const d = parseLocalDate(date);
  if (!d) throw new RangeError(`"${date}" is not a date like 2024-03-10`);
  return d;
}

/** The local calendar date of an instant in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const w = wallClock(instant.getTime(), timeZone);
  return dateText(w.year, w.month, w.day);
}

/** Calendar arithmetic on local dates (no time zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = mustParse(date);
  const t = utcDate(year, month, day + days);
  return dateText(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/**
 * The first instant of a local day. Usually local midnight; where a DST jump
 * skips midnight it is the moment of the jump, and where midnight happens
 * twice it is the first one.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const { year, month, day } = mustParse(date);
  const midnightUtc = utcDate(year, month, day).getTime();
  // Local midnight lies within about a day of midnight UTC; the offsets in
  // force around it give every candidate instant.
  const offsets = new Set([
    offsetAt(midnightUtc - DAY_MS, timeZone),
    offsetAt(midnightUtc, timeZone),
    offsetAt(midnightUtc + DAY_MS, timeZone),
  ]);
  let best: number | null = null;
  for (const off of offsets) {
    const c = midnightUtc - off;
    if (localDateOf(new Date(c), timeZone) !== date) continue;
    if (localDateOf(new Date(c - 1), timeZone) >= date) continue; // not the first instant of the day
    if (best === null || c < best) best = c;
  }
  return new Date(best ?? midnightUtc - offsetAt(midnightUtc, timeZone));
}

/** An instant as "YYYY-MM-DD HH:mm:ss" on the wall clock of `timeZone` (2018-09-16T13:43:40Z in Asia/Shanghai: "2018-09-16 21:43:40"). */
export function formatLocalDateTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant.getTime(), timeZone);
  return `${dateText(w.year, w.month, w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
