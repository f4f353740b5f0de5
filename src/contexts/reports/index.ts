// The reports context's public face: the only module other contexts and the
// dialects import. Reports owns no table: it only READS other contexts'
// tables (coupons, redemptions, redemption_items, coupon_templates of
// coupons; tenants and staff of identity; audit_log of platform), which the
// house rules allow; it never writes one.
export type { Dashboard, DayFigures, StockLeft, TemplateFigures } from './domain/dashboard.ts';
export { MAX_DAYS } from './domain/dashboard.ts';
export type { AuditLogFilter, AuditLogItem } from './domain/audit-log.ts';
export type * from './errors.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { LocalDate } from '../../kernel/local-time.ts';
import { auditLog } from './audit-log.ts';
import { dashboard } from './dashboard.ts';
import type { AuditLogFilter } from './domain/audit-log.ts';

/** The reports facade (`services.reports`). */
export function reportService(deps: Deps) {
  return {
    /** Figures for the local days from..to inclusive (at most a year). */
    dashboard: (tenantId: number, range: { from: LocalDate; to: LocalDate }) => dashboard(deps, tenantId, range),
    /** The audit trail of a tenant, newest first. */
    auditLog: (tenantId: number, f: AuditLogFilter) => auditLog(deps, tenantId, f),
  };
}

/** Builds the report service once (compose.ts calls this). */
export function buildReports(deps: Deps) {
  return { reports: reportService(deps) };
}
export type Reports = ReturnType<typeof buildReports>;
