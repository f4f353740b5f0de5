// Shared bits of the coupon use-case tests: the tenant owner as a principal, balances.
import type { Principal } from '../../../src/kernel/deps.ts';
import type { TenantFixture } from '../../helpers/fixtures.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';

export async function ownerOf(rt: TestRuntime, t: TenantFixture): Promise<Principal> {
  const r = await rt.db.query<{ id: number }>('SELECT id FROM staff WHERE username = $1', [t.ownerUsername]);
  return { kind: 'staff', staffId: r.rows[0]!.id, tenantId: t.tenantId, role: 'owner', username: t.ownerUsername, storeIds: [] };
}

export const withRole = (p: Principal, role: 'owner' | 'admin' | 'operator' | 'auditor' | 'seller'): Principal =>
  p.kind === 'staff' ? { ...p, role } : p;

export async function pointsOf(rt: TestRuntime, userId: number): Promise<number> {
  return (await rt.db.query<{ points: number }>('SELECT points FROM users WHERE id = $1', [userId])).rows[0]!.points;
}

export async function historyKinds(rt: TestRuntime, couponId: number): Promise<string[]> {
  return (await rt.db.query<{ kind: string }>('SELECT kind FROM coupon_events WHERE coupon_id = $1 ORDER BY id', [couponId])).rows.map(
    (r) => r.kind,
  );
}

export function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
