// banners, notices and config_values: the only SQL over what a shop shows.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { Banner, BannerInput, ConfigValue, Notice, NoticeInput } from '../domain/content.ts';

type Created = RowOf<'banners', 'id' | 'created_at'>;

const toBanner = (b: Row<'banners'>): Banner => ({
  id: b.id,
  type: b.type,
  title: b.title,
  picUrl: b.pic_url,
  linkType: b.link_type,
  linkUrl: b.link_url ?? null,
  appid: b.appid ?? null,
  businessId: b.business_id ?? null,
  sort: b.sort,
  enabled: b.enabled,
  createdAt: b.created_at,
});

const toNotice = (n: Row<'notices'>): Notice => ({
  id: n.id,
  type: n.type,
  title: n.title,
  content: n.content,
  enabled: n.enabled,
  createdAt: n.created_at,
});

// ------------------------------------------------------------ banners

/** Writes a banner with its defaults filled in (type '', title '', link 0, sort 0, enabled). */
export async function insertBanner(q: Queryable, tenantId: number, input: BannerInput): Promise<Banner> {
  const b = {
    type: input.type ?? '',
    title: input.title ?? '',
    picUrl: input.picUrl.trim(),
    linkType: input.linkType ?? 0,
    linkUrl: input.linkUrl ?? null,
    appid: input.appid ?? null,
    businessId: input.businessId ?? null,
    sort: input.sort ?? 0,
    enabled: input.enabled ?? true,
  };
  const r = await q.query<Created>(
    `INSERT INTO banners (tenant_id, type, title, pic_url, link_type, link_url, appid, business_id, sort, enabled) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, created_at`,
    [tenantId, b.type, b.title, b.picUrl, b.linkType, b.linkUrl, b.appid, b.businessId, b.sort, b.enabled],
  );
  return { id: r.rows[0]!.id, ...b, createdAt: r.rows[0]!.created_at };
}

export async function listBanners(q: Queryable, tenantId: number, f: { type?: string | null; enabledOnly?: boolean }): Promise<Banner[]> {
  const r = await q.query<Row<'banners'>>(
    `SELECT * FROM banners WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::boolean IS NOT TRUE OR enabled) ORDER BY sort, id`,
    [tenantId, f.type ?? null, f.enabledOnly ?? true],
  );
  return r.rows.map(toBanner);
}

export async function deleteBanner(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const r = await q.query('DELETE FROM banners WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rowCount > 0;
}

// ------------------------------------------------------------ notices

export async function insertNotice(q: Queryable, tenantId: number, input: NoticeInput): Promise<Notice> {
  const n = { type: input.type ?? '', title: input.title.trim(), content: input.content ?? '', enabled: input.enabled ?? true };
  const r = await q.query<Created>(
    'INSERT INTO notices (tenant_id, type, title, content, enabled) VALUES ($1,$2,$3,$4,$5) RETURNING id, created_at',
    [tenantId, n.type, n.title, n.content, n.enabled],
  );
  return { id: r.rows[0]!.id, ...n, createdAt: r.rows[0]!.created_at };
}

export async function listNotices(
  q: Queryable,
  tenantId: number,
  f: { type?: string | null; enabledOnly?: boolean; limit: number; offset: number },
): Promise<{ items: Notice[]; total: number }> {
  const r = await q.query<Row<'notices'> & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM notices WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::boolean IS NOT TRUE OR enabled)
     ORDER BY id DESC LIMIT $4 OFFSET $5`,
    [tenantId, f.type ?? null, f.enabledOnly ?? true, f.limit, f.offset],
  );
  return { items: r.rows.map(toNotice), total: r.rows[0]?.total ?? 0 };
}

/** One enabled notice. */
export async function findNotice(q: Queryable, tenantId: number, id: number): Promise<Notice | null> {
  const r = await q.query<Row<'notices'>>('SELECT * FROM notices WHERE tenant_id = $1 AND id = $2 AND enabled', [tenantId, id]);
  return r.rows[0] ? toNotice(r.rows[0]) : null;
}

// ------------------------------------------------------------ config values

/** Sets a key's value (insert or replace) in one statement. */
export async function upsertConfig(
  q: Queryable,
  tenantId: number,
  key: string,
  value: string,
  remark: string | null,
): Promise<ConfigValue> {
  const r = await q.query<RowOf<'config_values', 'updated_at'>>(
    `INSERT INTO config_values (tenant_id, key, value, remark) VALUES ($1,$2,$3,$4)
     ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value, remark = EXCLUDED.remark, updated_at = now() RETURNING updated_at`,
    [tenantId, key, value, remark],
  );
  return { key, value, remark, updatedAt: r.rows[0]!.updated_at };
}

/** The values of these keys (all keys when null), by key. */
export async function listConfig(q: Queryable, tenantId: number, keys: string[] | null): Promise<ConfigValue[]> {
  const r = await q.query<RowOf<'config_values', 'key' | 'value' | 'remark' | 'updated_at'>>(
    'SELECT key, value, remark, updated_at FROM config_values WHERE tenant_id = $1 AND ($2::text[] IS NULL OR key = ANY($2)) ORDER BY key',
    [tenantId, keys],
  );
  return r.rows.map((c) => ({ key: c.key, value: c.value, remark: c.remark, updatedAt: c.updated_at }));
}
