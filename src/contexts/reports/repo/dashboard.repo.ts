// The dashboard's reads: of identity's tenants (the time zone) and of the
// coupons context's coupons, redemptions, redemption_items and
// coupon_templates. Reports writes nothing.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { DayCount, StockLeft, TemplateFigures } from '../domain/dashboard.ts';

/** Instants [start, end) and the zone whose local days they are. */
export interface Span {
  start: Date;
  end: Date;
  tz: string;
}

const day = (col: string) => `to_char(${col} AT TIME ZONE $4, 'YYYY-MM-DD')`;

export async function tenantZone(q: Queryable, tenantId: number): Promise<string | null> {
  return (await q.query<RowOf<'tenants', 'timezone'>>('SELECT timezone FROM tenants WHERE id = $1', [tenantId])).rows[0]?.timezone ?? null;
}

/** Coupons received by a user, per local day. */
export async function claimsByDay(q: Queryable, tenantId: number, s: Span): Promise<DayCount[]> {
  const claims = await q.query<{ day: string; n: number }>(
    `SELECT ${day('c.received_at')} AS day, count(*)::int AS n
       FROM coupons c
      WHERE c.tenant_id = $1 AND c.received_at >= $2 AND c.received_at < $3
      GROUP BY 1`,
    [tenantId, s.start, s.end, s.tz],
  );
  return claims.rows;
}

/** Coupons redeemed (completed redemptions) and their discount, per local day. */
export async function redemptionsByDay(q: Queryable, tenantId: number, s: Span): Promise<DayCount[]> {
  const used = await q.query<{ day: string; n: number; discount: number }>(
    `SELECT ${day('r.created_at')} AS day, count(ri.coupon_id)::int AS n, coalesce(sum(ri.discount), 0)::bigint AS discount
       FROM redemptions r JOIN redemption_items ri ON ri.redemption_id = r.id
      WHERE r.tenant_id = $1 AND r.status = 'done' AND r.created_at >= $2 AND r.created_at < $3
      GROUP BY 1`,
    [tenantId, s.start, s.end, s.tz],
  );
  return used.rows;
}

/** The ten templates with the most claims and redemptions in the span. */
export async function topTemplates(q: Queryable, tenantId: number, s: Span): Promise<TemplateFigures[]> {
  const top = await q.query<{ template_id: number; name: string; claims: number; redemptions: number; discount: number }>(
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
    [tenantId, s.start, s.end],
  );
  return top.rows.map((r) => ({
    templateId: Number(r.template_id),
    name: r.name,
    claims: Number(r.claims),
    redemptions: Number(r.redemptions),
    discount: Number(r.discount),
  }));
}

/** The twenty active templates with a stock closest to running out. */
export async function stockLeft(q: Queryable, tenantId: number): Promise<StockLeft[]> {
  const stock = await q.query<RowOf<'coupon_templates', 'id' | 'name' | 'stock' | 'issued'>>(
    `SELECT id, name, stock, issued FROM coupon_templates
      WHERE tenant_id = $1 AND state = 'active' AND stock IS NOT NULL
      ORDER BY (stock - issued) ASC, id LIMIT 20`,
    [tenantId],
  );
  return stock.rows.map((r) => ({
    templateId: Number(r.id),
    name: r.name,
    stock: Number(r.stock),
    issued: Number(r.issued),
    left: Number(r.stock) - Number(r.issued),
  }));
}
