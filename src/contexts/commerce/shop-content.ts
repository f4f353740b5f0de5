// The small content a shop shows: banners, notices, config values, user
// levels (with their prices), in-app messages to a user, and invoice
// requests. Staff manage them through the native API; consumers read them
// through the apifm dialect.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface Banner {
  id: number;
  type: string;
  title: string;
  picUrl: string;
  linkType: number;
  linkUrl: string | null;
  appid: string | null;
  businessId: number | null;
  sort: number;
  enabled: boolean;
  createdAt: Date;
}

export interface Notice {
  id: number;
  type: string;
  title: string;
  content: string;
  enabled: boolean;
  createdAt: Date;
}

export interface ConfigValue {
  key: string;
  value: string;
  remark: string | null;
  updatedAt: Date;
}

export interface Level {
  id: number;
  name: string;
  level: number;
  upgradeAmount: Fen;
  /** Basis points of the price paid (10000 = no discount). */
  rebate: number;
  remark: string | null;
  createdAt: Date;
}

export interface LevelPrice {
  id: number;
  levelId: number;
  duration: number;
  unit: number;
  price: Fen;
}

export interface InboxMessage {
  id: number;
  userId: number;
  type: number;
  source: number;
  title: string;
  content: string | null;
  isRead: boolean;
  createdAt: Date;
}

export interface Invoice {
  id: number;
  userId: number;
  orderId: number | null;
  amount: Fen;
  comName: string | null;
  tfn: string | null;
  consumption: string | null;
  email: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  status: number;
  file: string | null;
  createdAt: Date;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function contentService(deps: Deps) {
  return {
    // ------------------------------------------------------------ banners
    async addBanner(
      tenantId: number,
      input: { type?: string; title?: string; picUrl: string; linkType?: number; linkUrl?: string | null; appid?: string | null; businessId?: number | null; sort?: number; enabled?: boolean },
      by: Principal,
    ): Promise<Result<Banner>> {
      if (!input.picUrl?.trim()) return fail(ErrorCode.invalid_input, 'picUrl is required', { field: 'picUrl' });
      return deps.db.tx(async (q) => {
        const r = await q.query<{ id: number; created_at: Date }>(
          `INSERT INTO banners (tenant_id, type, title, pic_url, link_type, link_url, appid, business_id, sort, enabled) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, created_at`,
          [tenantId, input.type ?? '', input.title ?? '', input.picUrl.trim(), input.linkType ?? 0, input.linkUrl ?? null, input.appid ?? null, input.businessId ?? null, input.sort ?? 0, input.enabled ?? true],
        );
        await audit(q, tenantId, by, { action: 'banner.create', targetType: 'banner', targetId: r.rows[0]!.id });
        return ok({
          id: r.rows[0]!.id,
          type: input.type ?? '',
          title: input.title ?? '',
          picUrl: input.picUrl.trim(),
          linkType: input.linkType ?? 0,
          linkUrl: input.linkUrl ?? null,
          appid: input.appid ?? null,
          businessId: input.businessId ?? null,
          sort: input.sort ?? 0,
          enabled: input.enabled ?? true,
          createdAt: r.rows[0]!.created_at,
        });
      });
    },

    async banners(tenantId: number, f: { type?: string | null; enabledOnly?: boolean }): Promise<Banner[]> {
      const r = await deps.db.query<Record<string, unknown>>(
        `SELECT * FROM banners WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::boolean IS NOT TRUE OR enabled) ORDER BY sort, id`,
        [tenantId, f.type ?? null, f.enabledOnly ?? true],
      );
      return r.rows.map((b) => ({
        id: b.id as number,
        type: b.type as string,
        title: b.title as string,
        picUrl: b.pic_url as string,
        linkType: b.link_type as number,
        linkUrl: str(b.link_url),
        appid: str(b.appid),
        businessId: (b.business_id as number | null) ?? null,
        sort: b.sort as number,
        enabled: b.enabled as boolean,
        createdAt: b.created_at as Date,
      }));
    },

    async removeBanner(tenantId: number, id: number, by: Principal): Promise<Result<void>> {
      return deps.db.tx(async (q) => {
        const r = await q.query('DELETE FROM banners WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
        if (!r.rowCount) return fail(ErrorCode.not_found, 'banner not found');
        await audit(q, tenantId, by, { action: 'banner.delete', targetType: 'banner', targetId: id });
        return ok(undefined);
      });
    },

    // ------------------------------------------------------------ notices
    async addNotice(tenantId: number, input: { type?: string; title: string; content?: string; enabled?: boolean }, by: Principal): Promise<Result<Notice>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required', { field: 'title' });
      return deps.db.tx(async (q) => {
        const r = await q.query<{ id: number; created_at: Date }>('INSERT INTO notices (tenant_id, type, title, content, enabled) VALUES ($1,$2,$3,$4,$5) RETURNING id, created_at', [
          tenantId,
          input.type ?? '',
          input.title.trim(),
          input.content ?? '',
          input.enabled ?? true,
        ]);
        await audit(q, tenantId, by, { action: 'notice.create', targetType: 'notice', targetId: r.rows[0]!.id });
        return ok({ id: r.rows[0]!.id, type: input.type ?? '', title: input.title.trim(), content: input.content ?? '', enabled: input.enabled ?? true, createdAt: r.rows[0]!.created_at });
      });
    },

    async notices(tenantId: number, f: { type?: string | null; enabledOnly?: boolean; limit: number; offset: number }): Promise<{ items: Notice[]; total: number }> {
      const r = await deps.db.query<{ id: number; type: string; title: string; content: string; enabled: boolean; created_at: Date; total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM notices WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::boolean IS NOT TRUE OR enabled)
         ORDER BY id DESC LIMIT $4 OFFSET $5`,
        [tenantId, f.type ?? null, f.enabledOnly ?? true, f.limit, f.offset],
      );
      return {
        items: r.rows.map((n) => ({ id: n.id, type: n.type, title: n.title, content: n.content, enabled: n.enabled, createdAt: n.created_at })),
        total: r.rows[0]?.total ?? 0,
      };
    },

    async notice(tenantId: number, id: number): Promise<Notice | null> {
      const r = await deps.db.query<{ id: number; type: string; title: string; content: string; enabled: boolean; created_at: Date }>(
        'SELECT * FROM notices WHERE tenant_id = $1 AND id = $2 AND enabled',
        [tenantId, id],
      );
      const n = r.rows[0];
      return n ? { id: n.id, type: n.type, title: n.title, content: n.content, enabled: n.enabled, createdAt: n.created_at } : null;
    },

    // ------------------------------------------------------------ config
    async setConfig(tenantId: number, key: string, value: string, remark: string | null, by: Principal): Promise<Result<ConfigValue>> {
      if (!/^[\w.-]{1,100}$/.test(key)) return fail(ErrorCode.invalid_input, 'key: 1-100 letters, digits, _ . -', { field: 'key' });
      if (value.length > 10_000) return fail(ErrorCode.invalid_input, 'value: at most 10000 characters', { field: 'value' });
      return deps.db.tx(async (q) => {
        const r = await q.query<{ updated_at: Date }>(
          `INSERT INTO config_values (tenant_id, key, value, remark) VALUES ($1,$2,$3,$4)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value, remark = EXCLUDED.remark, updated_at = now() RETURNING updated_at`,
          [tenantId, key, value, remark],
        );
        await audit(q, tenantId, by, { action: 'config.set', targetType: 'config', targetId: key });
        return ok({ key, value, remark, updatedAt: r.rows[0]!.updated_at });
      });
    },

    async configValues(tenantId: number, keys: string[] | null): Promise<ConfigValue[]> {
      const r = await deps.db.query<{ key: string; value: string; remark: string | null; updated_at: Date }>(
        'SELECT key, value, remark, updated_at FROM config_values WHERE tenant_id = $1 AND ($2::text[] IS NULL OR key = ANY($2)) ORDER BY key',
        [tenantId, keys],
      );
      return r.rows.map((c) => ({ key: c.key, value: c.value, remark: c.remark, updatedAt: c.updated_at }));
    },

    // ------------------------------------------------------------ levels
    async addLevel(tenantId: number, input: { name: string; level: number; upgradeAmount?: Fen; rebate?: number; remark?: string | null; prices?: { duration: number; unit?: number; price: Fen }[] }, by: Principal): Promise<Result<Level & { prices: LevelPrice[] }>> {
      if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      if (!Number.isInteger(input.level) || input.level < 0) return fail(ErrorCode.invalid_input, 'level must be a whole number ≥ 0', { field: 'level' });
      const rebate = input.rebate ?? 10000;
      if (!Number.isInteger(rebate) || rebate <= 0 || rebate > 10000) return fail(ErrorCode.invalid_input, 'rebate must be 1-10000 basis points', { field: 'rebate' });
      try {
        return await deps.db.tx(async (q) => {
          const r = await q.query<{ id: number; created_at: Date }>(
            'INSERT INTO user_levels (tenant_id, name, level, upgrade_amount, rebate, remark) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id, created_at',
            [tenantId, input.name.trim(), input.level, input.upgradeAmount ?? 0, rebate, input.remark ?? null],
          );
          const id = r.rows[0]!.id;
          const prices: LevelPrice[] = [];
          for (const p of input.prices ?? []) {
            const pr = await q.query<{ id: number }>('INSERT INTO user_level_prices (tenant_id, level_id, duration, unit, price) VALUES ($1,$2,$3,$4,$5) RETURNING id', [
              tenantId,
              id,
              p.duration,
              p.unit ?? 0,
              p.price,
            ]);
            prices.push({ id: pr.rows[0]!.id, levelId: id, duration: p.duration, unit: p.unit ?? 0, price: p.price });
          }
          await audit(q, tenantId, by, { action: 'level.create', targetType: 'level', targetId: id });
          return ok({ id, name: input.name.trim(), level: input.level, upgradeAmount: input.upgradeAmount ?? 0, rebate, remark: input.remark ?? null, createdAt: r.rows[0]!.created_at, prices });
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505') return fail(ErrorCode.conflict, `level ${input.level} already exists`);
        throw e;
      }
    },

    async levels(tenantId: number, f: { limit: number; offset: number }): Promise<{ items: Level[]; total: number }> {
      const r = await deps.db.query<{ id: number; name: string; level: number; upgrade_amount: number; rebate: number; remark: string | null; created_at: Date; total: number }>(
        'SELECT *, count(*) OVER ()::int AS total FROM user_levels WHERE tenant_id = $1 ORDER BY level, id LIMIT $2 OFFSET $3',
        [tenantId, f.limit, f.offset],
      );
      return {
        items: r.rows.map((l) => ({ id: l.id, name: l.name, level: l.level, upgradeAmount: l.upgrade_amount, rebate: l.rebate, remark: l.remark, createdAt: l.created_at })),
        total: r.rows[0]?.total ?? 0,
      };
    },

    async level(tenantId: number, id: number): Promise<(Level & { prices: LevelPrice[] }) | null> {
      const r = await deps.db.query<{ id: number; name: string; level: number; upgrade_amount: number; rebate: number; remark: string | null; created_at: Date }>(
        'SELECT * FROM user_levels WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      const l = r.rows[0];
      if (!l) return null;
      const p = await deps.db.query<{ id: number; level_id: number; duration: number; unit: number; price: number }>('SELECT * FROM user_level_prices WHERE level_id = $1 ORDER BY duration, id', [id]);
      return {
        id: l.id,
        name: l.name,
        level: l.level,
        upgradeAmount: l.upgrade_amount,
        rebate: l.rebate,
        remark: l.remark,
        createdAt: l.created_at,
        prices: p.rows.map((x) => ({ id: x.id, levelId: x.level_id, duration: x.duration, unit: x.unit, price: x.price })),
      };
    },

    // ------------------------------------------------------------ inbox (站内信)
    async sendMessage(tenantId: number, userId: number, input: { title: string; content?: string | null; type?: number }, by: Principal | null): Promise<Result<InboxMessage>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required', { field: 'title' });
      return deps.db.tx(async (q) => {
        const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
        if (!u.rowCount) return fail(ErrorCode.not_found, 'user not found');
        const r = await q.query<{ id: number; created_at: Date }>(
          'INSERT INTO user_messages (tenant_id, user_id, type, source, title, content) VALUES ($1,$2,$3,0,$4,$5) RETURNING id, created_at',
          [tenantId, userId, input.type ?? 0, input.title.trim(), input.content ?? null],
        );
        if (by) await audit(q, tenantId, by, { action: 'message.send', targetType: 'user', targetId: userId });
        return ok({ id: r.rows[0]!.id, userId, type: input.type ?? 0, source: 0, title: input.title.trim(), content: input.content ?? null, isRead: false, createdAt: r.rows[0]!.created_at });
      });
    },

    async messages(tenantId: number, userId: number, f: { isRead?: boolean | null; type?: number | null; limit: number; offset: number }): Promise<{ items: InboxMessage[]; total: number }> {
      const r = await deps.db.query<{ id: number; user_id: number; type: number; source: number; title: string; content: string | null; is_read: boolean; created_at: Date; total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM user_messages WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL
           AND ($3::boolean IS NULL OR is_read = $3) AND ($4::int IS NULL OR type = $4) ORDER BY id DESC LIMIT $5 OFFSET $6`,
        [tenantId, userId, f.isRead ?? null, f.type ?? null, f.limit, f.offset],
      );
      return {
        items: r.rows.map((m) => ({ id: m.id, userId: m.user_id, type: m.type, source: m.source, title: m.title, content: m.content, isRead: m.is_read, createdAt: m.created_at })),
        total: r.rows[0]?.total ?? 0,
      };
    },

    async readMessage(tenantId: number, userId: number, id: number): Promise<Result<void>> {
      const r = await deps.db.query('UPDATE user_messages SET is_read = true WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND deleted_at IS NULL', [tenantId, userId, id]);
      return r.rowCount ? ok(undefined) : fail(ErrorCode.not_found, 'message not found');
    },

    async deleteMessage(tenantId: number, userId: number, id: number): Promise<Result<void>> {
      const r = await deps.db.query('UPDATE user_messages SET deleted_at = now() WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND deleted_at IS NULL', [tenantId, userId, id]);
      return r.rowCount ? ok(undefined) : fail(ErrorCode.not_found, 'message not found');
    },

    // ------------------------------------------------------------ invoices
    async applyInvoice(
      tenantId: number,
      userId: number,
      input: { amount: Fen; orderId?: number | null; comName?: string | null; tfn?: string | null; consumption?: string | null; email?: string | null; remark?: string | null; ext?: Record<string, unknown> | null },
    ): Promise<Result<Invoice>> {
      if (!Number.isSafeInteger(input.amount) || input.amount < 0) return fail(ErrorCode.invalid_input, 'amount must be an amount ≥ 0');
      return deps.db.tx(async (q) => {
        if (input.orderId != null) {
          const o = await q.query<{ amount_real: number; status: number }>('SELECT amount_real, status FROM orders WHERE tenant_id = $1 AND id = $2 AND user_id = $3', [
            tenantId,
            input.orderId,
            userId,
          ]);
          if (!o.rows[0]) return fail(ErrorCode.not_found, 'order not found');
          if (o.rows[0].status < 1) return fail(ErrorCode.invalid_state, 'the order is not paid');
          if (input.amount > o.rows[0].amount_real) return fail(ErrorCode.invalid_input, 'amount is more than the order paid');
        }
        const r = await q.query<{ id: number; created_at: Date }>(
          `INSERT INTO invoices (tenant_id, user_id, order_id, amount, com_name, tfn, consumption, email, remark, ext) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, created_at`,
          [tenantId, userId, input.orderId ?? null, input.amount, input.comName ?? null, input.tfn ?? null, input.consumption ?? null, input.email ?? null, input.remark ?? null, input.ext ? JSON.stringify(input.ext) : null],
        );
        return ok({
          id: r.rows[0]!.id,
          userId,
          orderId: input.orderId ?? null,
          amount: input.amount,
          comName: input.comName ?? null,
          tfn: input.tfn ?? null,
          consumption: input.consumption ?? null,
          email: input.email ?? null,
          remark: input.remark ?? null,
          ext: input.ext ?? null,
          status: 0,
          file: null,
          createdAt: r.rows[0]!.created_at,
        });
      });
    },

    async invoices(tenantId: number, f: { userId?: number | null; limit: number; offset: number }): Promise<{ items: Invoice[]; total: number }> {
      const r = await deps.db.query<Record<string, unknown> & { total: number }>(
        'SELECT *, count(*) OVER ()::int AS total FROM invoices WHERE tenant_id = $1 AND ($2::bigint IS NULL OR user_id = $2) ORDER BY id DESC LIMIT $3 OFFSET $4',
        [tenantId, f.userId ?? null, f.limit, f.offset],
      );
      return { items: r.rows.map(toInvoice), total: r.rows[0]?.total ?? 0 };
    },

    async invoice(tenantId: number, userId: number, id: number): Promise<Invoice | null> {
      const r = await deps.db.query<Record<string, unknown>>('SELECT * FROM invoices WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [tenantId, userId, id]);
      return r.rows[0] ? toInvoice(r.rows[0]) : null;
    },

    async setInvoiceStatus(tenantId: number, id: number, status: number, file: string | null, by: Principal): Promise<Result<Invoice>> {
      if (![0, 1, 2].includes(status)) return fail(ErrorCode.invalid_input, 'status must be 0 (pending), 1 (issued) or 2 (refused)');
      return deps.db.tx(async (q) => {
        const r = await q.query<Record<string, unknown>>('UPDATE invoices SET status = $3, file = COALESCE($4, file) WHERE tenant_id = $1 AND id = $2 RETURNING *', [tenantId, id, status, file]);
        if (!r.rows[0]) return fail(ErrorCode.not_found, 'invoice not found');
        await audit(q, tenantId, by, { action: 'invoice.status', targetType: 'invoice', targetId: id, details: { status } });
        return ok(toInvoice(r.rows[0]));
      });
    },
  };
}

function toInvoice(r: Record<string, unknown>): Invoice {
  return {
    id: r.id as number,
    userId: r.user_id as number,
    orderId: (r.order_id as number | null) ?? null,
    amount: r.amount as number,
    comName: str(r.com_name),
    tfn: str(r.tfn),
    consumption: str(r.consumption),
    email: str(r.email),
    remark: str(r.remark),
    ext: (r.ext as Record<string, unknown> | null) ?? null,
    status: r.status as number,
    file: str(r.file),
    createdAt: r.created_at as Date,
  };
}

export type ContentService = ReturnType<typeof contentService>;
