// Card products and their recharge events (card_products, card_events), with
// the stores they are used in (a read of identity's stores) and the coupon
// template an event gives (a read of coupons' templates).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { CardEvent, CardKind, CardProduct, EventKind, StoreBrief } from '../domain/card.ts';

/** card_products.type as stored. */
export const CARD_KIND_DB: Record<CardKind, number> = { platform: 1, stored_value: 10, event: 11 };
/** card_events.type as stored. */
export const EVENT_KIND_DB: Record<EventKind, number> = { bonus: 1, coupons: 2, bonus_and_coupons: 5 };
/** card_events.status of a new event: 10 on an event card, 1 elsewhere. */
export const NEW_EVENT_STATUS_DB: Record<'event_card' | 'other', number> = { event_card: 10, other: 1 };

const byDb = <K extends string>(m: Record<K, number>) => {
  const back = new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
  return (n: number): K => {
    const k = back.get(Number(n));
    if (k === undefined) throw new Error(`unknown stored value ${n}`);
    return k;
  };
};
export const cardKindOf = byDb(CARD_KIND_DB);
export const eventKindOf = byDb(EVENT_KIND_DB);

type EventRow = Row<'card_events'> & { template_name: string | null };

const toEvent = (r: EventRow): CardEvent => ({
  id: r.id,
  cardProductId: r.card_product_id,
  title: r.title,
  summary: r.summary,
  kind: eventKindOf(r.type),
  rechargeMoney: r.recharge_money,
  sendMoney: r.send_money,
  templateId: r.template_id,
  templateName: r.template_name ?? null,
  quantity: r.quantity,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toProduct = (p: Row<'card_products'>, stores: StoreBrief[], events: CardEvent[]): CardProduct => ({
  id: p.id,
  title: p.title,
  kind: cardKindOf(p.type),
  colour: p.colour,
  logo: p.logo,
  storeIds: (p.store_ids ?? []).map(Number),
  summary: p.summary,
  detail: p.detail,
  status: p.status,
  createdBy: p.created_by,
  createdAt: p.created_at,
  stores,
  events,
});

export async function loadStores(q: Queryable, tenantId: number, ids: number[]): Promise<StoreBrief[]> {
  if (ids.length === 0) return [];
  const r = await q.query<StoreBrief>(
    'SELECT id, name, address, area, phone, linkman FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[]) ORDER BY id',
    [tenantId, ids],
  );
  return r.rows;
}

export async function storeExists(q: Queryable, tenantId: number, storeId: number): Promise<boolean> {
  const s = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, storeId]);
  return s.rowCount > 0;
}

export async function loadEvents(q: Queryable, tenantId: number, productIds: number[], onlyActive = false): Promise<CardEvent[]> {
  if (productIds.length === 0) return [];
  const r = await q.query<EventRow>(
    `SELECT e.*, t.name AS template_name FROM card_events e LEFT JOIN coupon_templates t ON t.id = e.template_id
     WHERE e.tenant_id = $1 AND e.card_product_id = ANY($2::bigint[]) AND ($3::boolean IS FALSE OR e.status <> 2) ORDER BY e.id DESC`,
    [tenantId, productIds, onlyActive],
  );
  return r.rows.map(toEvent);
}

export async function getEvent(q: Queryable, tenantId: number, id: number): Promise<CardEvent | null> {
  const r = await q.query<EventRow>(
    `SELECT e.*, t.name AS template_name FROM card_events e LEFT JOIN coupon_templates t ON t.id = e.template_id WHERE e.tenant_id = $1 AND e.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ? toEvent(r.rows[0]) : null;
}

export interface NewProduct {
  title: string;
  kind: CardKind;
  colour: string | null;
  logo: string | null;
  storeIds: number[];
  summary: string | null;
  detail: string | null;
  createdBy: number | null;
}

export async function insertProduct(q: Queryable, tenantId: number, p: NewProduct): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO card_products (tenant_id, title, type, colour, logo, store_ids, summary, detail, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [tenantId, p.title, CARD_KIND_DB[p.kind], p.colour, p.logo, p.storeIds, p.summary, p.detail, p.createdBy],
  );
  return r.rows[0]!.id;
}

/** The columns a product edit may set (only those given change). */
export interface ProductPatch {
  title?: string;
  colour?: string | null;
  logo?: string | null;
  storeIds?: number[];
  summary?: string | null;
  detail?: string | null;
  status?: number;
}

const PATCH_COLUMNS: Record<keyof ProductPatch, string> = {
  title: 'title',
  colour: 'colour',
  logo: 'logo',
  storeIds: 'store_ids',
  summary: 'summary',
  detail: 'detail',
  status: 'status',
};
const PATCH_CASTS: Partial<Record<keyof ProductPatch, string>> = { storeIds: '::bigint[]', status: '::smallint' };

/** Sets the given columns; false when there is no such product. */
export async function patchProduct(q: Queryable, tenantId: number, id: number, patch: ProductPatch): Promise<boolean> {
  const sets: string[] = [];
  const params: unknown[] = [tenantId, id];
  for (const [k, v] of Object.entries(patch) as [keyof ProductPatch, unknown][]) {
    if (v === undefined) continue;
    params.push(v);
    sets.push(`${PATCH_COLUMNS[k]} = $${params.length}${PATCH_CASTS[k] ?? ''}`);
  }
  const r = await q.query<{ id: number }>(
    `UPDATE card_products SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING id`,
    params,
  );
  return r.rowCount > 0;
}

export async function getProduct(q: Queryable, tenantId: number, id: number): Promise<CardProduct | null> {
  const r = await q.query<Row<'card_products'>>('SELECT * FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  const p = r.rows[0];
  if (!p) return null;
  const ids = (p.store_ids ?? []).map(Number);
  return toProduct(p, await loadStores(q, tenantId, ids), await loadEvents(q, tenantId, [p.id]));
}

/** What opening a card or adding an event needs of a product. */
export async function productBrief(
  q: Queryable,
  tenantId: number,
  id: number,
): Promise<{ kind: CardKind; status: number; storeIds: number[] } | null> {
  const r = await q.query<Pick<Row<'card_products'>, 'type' | 'status' | 'store_ids'>>(
    'SELECT type, status, store_ids FROM card_products WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  const p = r.rows[0];
  return p ? { kind: cardKindOf(p.type), status: p.status, storeIds: (p.store_ids ?? []).map(Number) } : null;
}

export async function listProducts(
  q: Queryable,
  tenantId: number,
  f: { kind?: CardKind; activeOnly?: boolean; storeIds?: number[] },
): Promise<CardProduct[]> {
  const r = await q.query<Row<'card_products'>>(
    `SELECT * FROM card_products WHERE tenant_id = $1 AND ($2::int IS NULL OR type = $2) AND ($3::boolean IS FALSE OR status = 1)
       AND ($4::bigint[] IS NULL OR cardinality(store_ids) = 0 OR store_ids && $4::bigint[])
     ORDER BY id DESC`,
    [tenantId, f.kind ? CARD_KIND_DB[f.kind] : null, f.activeOnly ?? false, f.storeIds && f.storeIds.length > 0 ? f.storeIds : null],
  );
  const allStoreIds = [...new Set(r.rows.flatMap((p) => (p.store_ids ?? []).map(Number)))];
  const stores = new Map((await loadStores(q, tenantId, allStoreIds)).map((s) => [s.id, s]));
  const events = await loadEvents(
    q,
    tenantId,
    r.rows.map((p) => p.id),
    f.activeOnly,
  );
  return r.rows.map((p) =>
    toProduct(
      p,
      (p.store_ids ?? [])
        .map(Number)
        .map((i) => stores.get(i))
        .filter((s): s is StoreBrief => !!s),
      events.filter((e) => e.cardProductId === p.id),
    ),
  );
}

export async function templateExists(q: Queryable, tenantId: number, templateId: number): Promise<boolean> {
  const t = await q.query('SELECT 1 FROM coupon_templates WHERE tenant_id = $1 AND id = $2', [tenantId, templateId]);
  return t.rowCount > 0;
}

export interface NewEvent {
  productId: number;
  title: string;
  summary: string | null;
  kind: EventKind;
  rechargeMoney: number;
  sendMoney: number;
  templateId: number | null;
  quantity: number | null;
  onEventCard: boolean;
  createdBy: number | null;
}

export async function insertEvent(q: Queryable, tenantId: number, e: NewEvent): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO card_events (tenant_id, card_product_id, title, summary, type, recharge_money, send_money, template_id, quantity, status, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
    [
      tenantId,
      e.productId,
      e.title,
      e.summary,
      EVENT_KIND_DB[e.kind],
      e.rechargeMoney,
      e.sendMoney,
      e.templateId,
      e.quantity,
      NEW_EVENT_STATUS_DB[e.onEventCard ? 'event_card' : 'other'],
      e.createdBy,
    ],
  );
  return r.rows[0]!.id;
}

export async function productExists(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const p = await q.query('SELECT 1 FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return p.rowCount > 0;
}
