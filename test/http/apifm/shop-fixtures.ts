// Builders for the shop tests: catalogue through the native API, consumers
// with a session, coupons claimed, wallets topped up.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../src/compose.ts';
import type { TenantFixture } from '../../helpers/fixtures.ts';
import { makeTemplate, makeUser } from '../../helpers/fixtures.ts';

export async function nativeCall(
  app: FastifyInstance,
  t: TenantFixture,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: unknown,
) {
  const res = await app.inject({
    method,
    url: `/api/v1${url}`,
    headers: t.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

export async function makeGoods(app: FastifyInstance, t: TenantFixture, fields: Record<string, unknown> = {}) {
  const r = await nativeCall(app, t, 'POST', '/goods', { name: 'Tea', price: '60.00', stock: 10, ...fields });
  if (r.status !== 201) throw new Error(`goods: ${JSON.stringify(r.body)}`);
  return r.body as { id: number; stock: number; skus: { id: number; propertyChildIds: string; stock: number }[] };
}

/** A consumer with a live apifm token. */
export async function makeShopper(services: Services, tenantId: number, fields: { points?: number } = {}) {
  const u = await makeUser(services, tenantId, fields);
  const s = await services.consumerAuth.openSession(tenantId, u.id);
  return { uid: u.id, token: s.token, mobile: u.mobile! };
}

export async function topUp(app: FastifyInstance, t: TenantFixture, userId: number, amount: string) {
  const r = await nativeCall(app, t, 'POST', `/users/${userId}/wallet/credit`, { amount, remark: 'test top-up' });
  if (r.status !== 201) throw new Error(`top-up: ${JSON.stringify(r.body)}`);
}

/** A template and one coupon of it claimed by the user; returns the user coupon id. */
export async function giveCoupon(
  app: FastifyInstance,
  services: Services,
  t: TenantFixture,
  userId: number,
  templateFields: Record<string, unknown> = {},
  templateId?: number,
) {
  const tpl = templateId ?? (await makeTemplate(app, t, templateFields)).id;
  const c = await services.coupons.claim(t.tenantId, tpl, userId);
  if (!c.ok || c.value.detect) throw new Error(`claim: ${JSON.stringify(c)}`);
  return { couponId: c.value.coupon.id, code: c.value.coupon.code, templateId: tpl };
}

export const couponState = async (services: Services, tenantId: number, couponId: number) =>
  (await services.deps.db.query<{ status: string }>('SELECT status FROM coupons WHERE tenant_id = $1 AND id = $2', [tenantId, couponId]))
    .rows[0]?.status;

export const stockOf = async (services: Services, goodsId: number) =>
  (await services.deps.db.query<{ stock: number }>('SELECT stock FROM goods WHERE id = $1', [goodsId])).rows[0]?.stock;
