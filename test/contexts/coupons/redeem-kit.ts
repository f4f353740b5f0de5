// Shared builders for the coupon use-case tests (quote, redeem, write-off,
// rollback, promo codes): staff principals, stores, issued coupons, promo codes.
import type { Principal, Role } from '../../../src/kernel/deps.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { makeTemplate, type TenantFixture } from '../../helpers/fixtures.ts';

let n = 0;

export async function staffOf(
  rt: TestRuntime,
  t: TenantFixture,
  role: Exclude<Role, 'platform_admin'>,
  storeIds: number[] = [],
): Promise<Principal & { kind: 'staff' }> {
  const username = `${role}${process.pid}x${++n}`;
  const s = await rt.services.staff.create(t.tenantId, { username, password: 'pass-word-123', role, storeIds }, await ownerOf(rt, t));
  if (!s.ok) throw new Error(s.error.message);
  return { kind: 'staff', staffId: s.value.id, tenantId: t.tenantId, role, username, storeIds };
}

export async function ownerOf(rt: TestRuntime, t: TenantFixture): Promise<Principal & { kind: 'staff' }> {
  const all = await rt.services.staff.list(t.tenantId, { limit: 50, offset: 0 });
  const o = all.items.find((s) => s.username === t.ownerUsername)!;
  return { kind: 'staff', staffId: o.id, tenantId: t.tenantId, role: 'owner', username: o.username, storeIds: [] };
}

export async function makeStore(rt: TestRuntime, t: TenantFixture, name = `Store ${++n}`): Promise<number> {
  const r = await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: t.auth, payload: { name } });
  if (r.statusCode !== 201) throw new Error(`store: ${r.body}`);
  return r.json().id as number;
}

/** `count` coupons of a fresh template (fields override) issued to the user; their codes. */
export async function couponsFor(
  rt: TestRuntime,
  t: TenantFixture,
  by: Principal,
  userId: number,
  fields: Record<string, unknown> = {},
  count = 1,
): Promise<string[]> {
  const tpl = await makeTemplate(rt.app, t, fields);
  const g = await rt.services.coupons.grant(t.tenantId, { templateId: tpl.id, userId, quantity: count }, by);
  if (!g.ok) throw new Error(g.error.message);
  return g.value.map((c) => c.code);
}

export async function promoCode(rt: TestRuntime, t: TenantFixture, by: Principal, fields: Record<string, unknown> = {}, approve = true) {
  const code = `PC${process.pid}X${++n}`;
  const p = await rt.services.promoCodes.create(
    t.tenantId,
    {
      code,
      name: `promo ${code}`,
      rule: { type: 'amount_off', condition: { amountAtLeast: '50.00' }, action: { amountOff: '5.00' } },
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      ...fields,
    },
    by,
  );
  if (!p.ok) throw new Error(p.error.message);
  if (approve) {
    const a = await rt.services.promoCodes.act(t.tenantId, p.value.id, 'approve', by);
    if (!a.ok) throw new Error(a.error.message);
  }
  return p.value;
}

export const statusOf = async (rt: TestRuntime, code: string) =>
  (await rt.db.query<{ status: string }>('SELECT status FROM coupons WHERE code = $1', [code])).rows[0]?.status;

export const count = async (rt: TestRuntime, sql: string, params: unknown[] = []) =>
  (await rt.db.query<{ n: number }>(sql, params)).rows[0]!.n;
