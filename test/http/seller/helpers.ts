// Builders for the seller dialect tests: sellers with profiles, customers,
// coupons, and calls in the dialect's form.
import type { FastifyInstance } from 'fastify';
import type { TenantFixture } from '../../helpers/fixtures.ts';
import type { Services } from '../../../src/compose.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

export const SELLER_PASSWORD = 'seller-pass-123';

export async function api(app: FastifyInstance, t: TenantFixture, method: string, url: string, payload?: unknown) {
  const r = await app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: t.auth, payload: payload as object });
  if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
  return r.statusCode === 204 ? null : r.json();
}

export async function makeStore(app: FastifyInstance, t: TenantFixture, name: string): Promise<number> {
  return (await api(app, t, 'POST', '/stores', { name })).id;
}

export interface SellerFixture {
  id: number;
  account: string;
  token: string;
}

/** A seller (staff role seller) with a profile, logged in through the dialect's own login. */
export async function makeSeller(
  app: FastifyInstance,
  t: TenantFixture,
  f: {
    account: string;
    name: string;
    phone: string;
    storeIds?: number[];
    wechat?: string | null;
    pic?: string | null;
    intro?: string | null;
    isDefault?: boolean;
    referralCode?: string;
  },
): Promise<SellerFixture> {
  const s = await api(app, t, 'POST', '/staff', {
    username: f.account,
    password: SELLER_PASSWORD,
    role: 'seller',
    name: f.name,
    phone: f.phone,
    storeIds: f.storeIds ?? [],
  });
  await api(app, t, 'PUT', `/sellers/${s.id}`, {
    wechat: f.wechat ?? null,
    pic: f.pic ?? null,
    intro: f.intro ?? null,
    isDefault: f.isDefault ?? false,
    ...(f.referralCode ? { referralCode: f.referralCode } : {}),
  });
  const login = await app.inject({ method: 'POST', url: '/api/sell/login', payload: { account: f.account, password: SELLER_PASSWORD } });
  const body = login.json();
  if (body.code !== 1000) throw new Error(`seller login: ${login.body}`);
  return { id: s.id, account: f.account, token: body.data.token };
}

export function sellerCall(app: FastifyInstance, path: string, params: Record<string, string | number>, form = true) {
  return form
    ? app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString(),
      })
    : app.inject({ method: 'POST', url: path, payload: params });
}

export const ownerPrincipal = (staffId: number, tenantId: number): Principal => ({
  kind: 'staff',
  staffId,
  tenantId,
  role: 'owner',
  username: 'owner',
  storeIds: [],
});

/** Grants n coupons of a template to a user; returns their codes. */
export async function grant(services: Services, t: TenantFixture, templateId: number, userId: number, n = 1): Promise<string[]> {
  const owner = await services.deps.db.query<{ id: number }>("SELECT id FROM staff WHERE tenant_id = $1 AND role = 'owner' LIMIT 1", [
    t.tenantId,
  ]);
  const r = await services.coupons.grant(t.tenantId, { templateId, userId, quantity: n }, ownerPrincipal(owner.rows[0]!.id, t.tenantId));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((c) => c.code);
}
