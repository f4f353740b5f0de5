// Wall-clock times "YYYY-MM-DD HH:mm:ss" in a tenant's zone, as the seller
// and portal contracts show and take them. The formatting and the zone
// offsets are the kernel's (kernel/local-time.ts).
import { formatLocalDateTime as formatInZone, offsetAt } from '../../kernel/local-time.ts';

/** 2018-09-16T13:43:40Z in Asia/Shanghai → "2018-09-16 21:43:40"; null stays null. */
export function formatLocalDateTime(d: Date | null | undefined, timeZone: string): string | null {
  return d ? formatInZone(d, timeZone) : null;
}

const LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** "2016-01-16 00:00:00" (or "2016-01-16") in `timeZone` → the instant; null when not such a time. */
export function parseLocalDateTime(text: string, timeZone: string): Date | null {
  const m = LOCAL.exec(String(text ?? '').trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  // The offset at a guess, then at the corrected instant (enough for DST edges).
  let t = wall;
  for (let i = 0; i < 2; i++) t = wall - offsetAt(t, timeZone);
  return new Date(t);
}
