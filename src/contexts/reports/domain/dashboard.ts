// The console's dashboard figures, per local day (in the tenant's time zone):
// the coupons claimed (received by a user), the coupons redeemed and the
// discount given; the top templates in the range; the stock left of active
// templates. Pure: the range check and the folding of counts into days.
import { addDays, parseLocalDate, type LocalDate } from '../../../kernel/local-time.ts';
import { fail, ok, type Result } from '../../../kernel/result.ts';

export interface DayFigures {
  date: LocalDate;
  claims: number;
  redemptions: number;
  discount: number; // fen
}

export interface TemplateFigures {
  templateId: number;
  name: string;
  claims: number;
  redemptions: number;
  discount: number;
}

export interface StockLeft {
  templateId: number;
  name: string;
  stock: number;
  issued: number;
  left: number;
}

export interface Dashboard {
  from: LocalDate;
  to: LocalDate;
  timezone: string;
  days: DayFigures[];
  totals: { claims: number; redemptions: number; discount: number };
  topTemplates: TemplateFigures[];
  stock: StockLeft[];
}

/** Counts of one local day, as the database groups them. */
export interface DayCount {
  day: LocalDate;
  n: number;
  discount?: number;
}

export const MAX_DAYS = 366;

/** The local days from..to inclusive, or why the range is refused. */
export function daysOf(range: { from: LocalDate; to: LocalDate }): Result<LocalDate[], 'invalid_input'> {
  if (!parseLocalDate(range.from) || !parseLocalDate(range.to)) return fail('invalid_input', 'from and to are dates like 2026-01-31');
  if (range.from > range.to) return fail('invalid_input', 'from must not be after to');
  const days: LocalDate[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    days.push(d);
    if (days.length > MAX_DAYS) return fail('invalid_input', `a range covers at most ${MAX_DAYS} days`);
  }
  return ok(days);
}

/** Every day of the range with its claims and redemptions (zero where none), and the totals. */
export function foldDays(days: LocalDate[], claims: DayCount[], used: DayCount[]): { days: DayFigures[]; totals: Dashboard['totals'] } {
  const byDay = new Map<string, DayFigures>(days.map((d) => [d, { date: d, claims: 0, redemptions: 0, discount: 0 }]));
  for (const r of claims) {
    const f = byDay.get(r.day);
    if (f) f.claims = Number(r.n);
  }
  for (const r of used) {
    const f = byDay.get(r.day);
    if (f) {
      f.redemptions = Number(r.n);
      f.discount = Number(r.discount);
    }
  }
  const list = [...byDay.values()];
  const totals = list.reduce(
    (t, d) => ({ claims: t.claims + d.claims, redemptions: t.redemptions + d.redemptions, discount: t.discount + d.discount }),
    {
      claims: 0,
      redemptions: 0,
      discount: 0,
    },
  );
  return { days: list, totals };
}
