// The console's dashboard: figures per local day of the tenant's zone.
import type { Deps } from '../../kernel/deps.ts';
import { addDays, startOfLocalDay, type LocalDate } from '../../kernel/local-time.ts';
import { ok, type Result } from '../../kernel/result.ts';
import type { DashboardFailure } from './errors.ts';
import { daysOf, foldDays, type Dashboard } from './domain/dashboard.ts';
import * as repo from './repo/dashboard.repo.ts';

/** Figures for the local days from..to inclusive (at most a year). */
export async function dashboard(
  deps: Deps,
  tenantId: number,
  range: { from: LocalDate; to: LocalDate },
): Promise<Result<Dashboard, DashboardFailure>> {
  const days = daysOf(range);
  if (!days.ok) return days;
  const tz = (await repo.tenantZone(deps.db, tenantId)) ?? 'UTC';
  const span = { start: startOfLocalDay(range.from, tz), end: startOfLocalDay(addDays(range.to, 1), tz), tz };
  const figures = foldDays(
    days.value,
    await repo.claimsByDay(deps.db, tenantId, span),
    await repo.redemptionsByDay(deps.db, tenantId, span),
  );
  const topTemplates = await repo.topTemplates(deps.db, tenantId, span);
  const stock = await repo.stockLeft(deps.db, tenantId);
  return ok({ from: range.from, to: range.to, timezone: tz, days: figures.days, totals: figures.totals, topTemplates, stock });
}
