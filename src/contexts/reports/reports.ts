// The console's dashboard figures, computed from coupons, redemptions and
// redemption_items: per local day (in the tenant's time zone) the coupons
// claimed (received by a user), the coupons redeemed and the discount given;
// the top templates in the range; the stock left of active templates.
import type { Deps } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import { addDays, parseLocalDate, startOfLocalDay, type LocalDate } from '../../kernel/local-time.ts';

export interface DayFigures {
  date: LocalDate;
  claims: number;
  redemptions: number;
  discount: number; // fen
}

export interface Dashboard {
  from: LocalDate;
  to: LocalDate;
  timezone: string;
  days: DayFigures[];
  totals: { claims: number; redemptions: number; discount: number };
  topTemplates: { templateId: number; name: string; claims: number; redemptions: number; discount: number }[];
  stock: { templateId: number; name: string; stock: number; issued: number; left: number }[];
}

const MAX_DAYS = 366;

export function reportService(deps: Deps) {
  const { db } = deps;

  return {
    /** Figures for the local days from..to inclusive (at most a year). */
    async dashboard(tenantId: number, range: { from: LocalDate; to: LocalDate }): Promise<Result<Dashboard>> {
      if (!parseLocalDate(range.from) || !parseLocalDate(range.to)) return fail('invalid_input', 'from and to are dates like 2026-01-31');
      if (range.from > range.to) return fail('invalid_input', 'from must not be after to');
      const days: LocalDate[] = [];
      for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
        days.push(d);
        if (days.length > MAX_DAYS) return fail('invalid_input', `a range covers at most ${MAX_DAYS} days`);
      }
      const tz = ((await db.query<{ timezone: string }>('SELECT timezone FROM tenants WHERE id = $1', [tenantId])).rows[0]?.timezone) ?? 'UTC';
      const start = startOfLocalDay(range.from, tz);
      const end = startOfLocalDay(addDays(range.to, 1), tz);
      const day = (col: string) => `to_char(${col} AT TIME ZONE $4, 'YYYY-MM-DD')`;

      const claims = await db.query<{ day: string; n: number }>(
        `SELECT ${day('c.received_at')} AS day, count(*)::int AS n
           FROM coupons c
          WHERE c.tenant_id = $1 AND c.received_at >= $2 AND c.received_at < $3
          GROUP BY 1`,
        [tenantId, start, end, tz],
      );
      const used = await db.query<{ day: string; n: number; discount: number }>(
        `SELECT ${day('r.created_at')} AS day, count(ri.coupon_id)::int AS n, coalesce(sum(ri.discount), 0)::bigint AS discount
           FROM redemptions r JOIN redemption_items ri ON ri.redemption_id = r.id
          WHERE r.tenant_id = $1 AND r.status = 'done' AND r.created_at >= $2 AND r.created_at < $3
          GROUP BY 1`,
        [tenantId, start, end, tz],
      );
      const byDay = new Map<string, DayFigures>(days.map((d) => [d, { date: d, claims: 0, redemptions: 0, discount: 0 }]));
      for (const r of claims.rows) {
        const f = byDay.get(r.day);
        if (f) f.claims = Number(r.n);
      }
      for (const r of used.rows) {
        const f = byDay.get(r.day);
        if (f) {
          f.redemptions = Number(r.n);
          f.discount = Number(r.discount);
        }
      }
      const list = [...byDay.values()];
      const totals = list.reduce((t, d) => ({ claims: t.claims + d.claims, redemptions: t.redemptions + d.redemptions, discount: t.discount + d.discount }), {
        claims: 0,
        redemptions: 0,
        discount: 0,
      });

      const top = await db.query<{ template_id: number; name: string; claims: number; redemptions: number; discount: number }>(
        `WITH cl AS (
           SELECT template_id, count(*)::int AS n FROM coupons
            WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY template_id
         ), rd AS (
           SELECT c.template_id, count(*)::int AS n, coalesce(sum(ri.discount), 0)::bigint AS discount
             FROM redemptions r
             JOIN redemption_items ri ON ri.redemption_id = r.id
             JOIN coupons c ON c.id = ri.coupon_id
            WHERE r.tenant_id = $1 AND r.status = 'done' AND r.created_at >= $2 AND r.created_at < $3
            GROUP BY c.template_id
         )
         SELECT t.id AS template_id, t.name, coalesce(cl.n, 0) AS claims, coalesce(rd.n, 0) AS redemptions, coalesce(rd.discount, 0) AS discount
           FROM coupon_templates t
           LEFT JOIN cl ON cl.template_id = t.id
           LEFT JOIN rd ON rd.template_id = t.id
          WHERE t.tenant_id = $1 AND (cl.n IS NOT NULL OR rd.n IS NOT NULL)
          ORDER BY coalesce(rd.n, 0) + coalesce(cl.n, 0) DESC, t.id
          LIMIT 10`,
        [tenantId, start, end],
      );
      const stock = await db.query<{ id: number; name: string; stock: number; issued: number }>(
        `SELECT id, name, stock, issued FROM coupon_templates
          WHERE tenant_id = $1 AND state = 'active' AND stock IS NOT NULL
          ORDER BY (stock - issued) ASC, id LIMIT 20`,
        [tenantId],
      );
      return ok({
        from: range.from,
        to: range.to,
        timezone: tz,
        days: list,
        totals,
        topTemplates: top.rows.map((r) => ({
          templateId: Number(r.template_id),
          name: r.name,
          claims: Number(r.claims),
          redemptions: Number(r.redemptions),
          discount: Number(r.discount),
        })),
        stock: stock.rows.map((r) => ({ templateId: Number(r.id), name: r.name, stock: Number(r.stock), issued: Number(r.issued), left: Number(r.stock) - Number(r.issued) })),
      });
    },

    /** The audit trail of a tenant, newest first. */
    async auditLog(tenantId: number, f: { action?: string; staffId?: number; targetType?: string; targetId?: string; from?: Date; to?: Date; limit: number; offset: number }) {
      const where = ['a.tenant_id = $1'];
      const params: unknown[] = [tenantId];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (f.action) add('a.action LIKE ?', `${f.action.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
      if (f.staffId !== undefined) add('a.staff_id = ?', f.staffId);
      if (f.targetType) add('a.target_type = ?', f.targetType);
      if (f.targetId) add('a.target_id = ?', f.targetId);
      if (f.from) add('a.created_at >= ?', f.from);
      if (f.to) add('a.created_at < ?', f.to);
      const w = where.join(' AND ');
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log a WHERE ${w}`, params);
      const rows = await db.query<{ id: number; staff_id: number | null; username: string | null; action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown> | null; created_at: Date }>(
        `SELECT a.id, a.staff_id, s.username, a.action, a.target_type, a.target_id, a.details, a.created_at
           FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
          WHERE ${w} ORDER BY a.id DESC LIMIT ${Math.trunc(f.limit)} OFFSET ${Math.trunc(f.offset)}`,
        params,
      );
      return {
        total: Number(total.rows[0]?.n ?? 0),
        items: rows.rows.map((r) => ({
          id: Number(r.id),
          staffId: r.staff_id === null ? null : Number(r.staff_id),
          username: r.username,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          details: r.details,
          createdAt: r.created_at,
        })),
      };
    },
  };
}
