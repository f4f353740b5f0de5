// Wall-clock times "YYYY-MM-DD HH:mm:ss" in a tenant's zone, as the seller
// and portal contracts show and take them.

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function parts(ms: number, timeZone: string) {
  const w: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(ms)) if (p.type !== 'literal') w[p.type] = Number(p.value);
  return { year: w.year!, month: w.month!, day: w.day!, hour: w.hour!, minute: w.minute!, second: w.second! };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 2018-09-16T13:43:40Z in Asia/Shanghai → "2018-09-16 21:43:40". */
export function formatLocalDateTime(d: Date | null | undefined, timeZone: string): string | null {
  if (!d) return null;
  const p = parts(d.getTime(), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

const LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** "2016-01-16 00:00:00" (or "2016-01-16") in `timeZone` → the instant; null when not such a time. */
export function parseLocalDateTime(text: string, timeZone: string): Date | null {
  const m = LOCAL.exec(String(text ?? '').trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  // The offset at a guess, then at the corrected instant (enough for DST edges).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const p = parts(t, timeZone);
    const off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
    t = wall - off;
  }
  return new Date(t);
}
