// A merchant with a store and a clerk (with a phone for refund codes) for the
// card and counter use-case tests, on the real services over PGlite.
import { expect } from 'vitest';
import type { Principal } from '../../../src/kernel/deps.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';

export interface CardWorld {
  rt: TestRuntime;
  t: TenantFixture;
  storeId: number;
  owner: Principal;
  clerk: Principal;
  clerkPhone: string;
}

export async function openCardWorld(): Promise<CardWorld> {
  const rt = await openTestRuntime();
  const t = await makeTenant(rt.services, rt.app);
  const post = (url: string, payload: object) => rt.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.auth, payload });
  const storeId = (await post('/stores', { name: 'Main St' })).json().id as number;
  const clerkPhone = '13812345678';
  const w = { rt, t, storeId, owner: (await rt.services.auth.authenticate(t.token))!, clerkPhone } as CardWorld;
  w.clerk = await makeClerk(w, clerkPhone, [storeId]);
  return w;
}

/** A clerk (operator) of the given stores with a phone for refund codes. */
export async function makeClerk(w: Pick<CardWorld, 'rt' | 't'>, phone: string, storeIds: number[]): Promise<Principal> {
  const username = uniqueName('clerk');
  const r = await w.rt.app.inject({
    method: 'POST',
    url: '/api/v1/staff',
    headers: w.t.auth,
    payload: { username, password: 'clerk-pass-1', role: 'operator', storeIds, phone },
  });
  expect(r.statusCode).toBe(201);
  const login = await w.rt.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'clerk-pass-1' } });
  return (await w.rt.services.auth.authenticate(login.json().token))!;
}

/** Card balances equal their ledger sums, buckets their line sums. */
export async function expectLedgersBalanced(w: CardWorld) {
  expect(await w.rt.services.cards.checkLedger(w.t.tenantId)).toEqual({ cardsOff: [], bucketsOff: [] });
}

export function value<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

let phoneN = 0;
export const freshPhone = () => `1570${process.pid % 1000}${String(++phoneN).padStart(4, '0')}`.slice(0, 11);

/** The newest refund code sent to the clerk. */
export async function refundCode(w: CardWorld, clerk: Principal = w.clerk): Promise<string> {
  value(await w.rt.services.cards.sendRefundCode(w.t.tenantId, clerk));
  return (await w.rt.services.messages.outbox(w.t.tenantId, 1))[0]!.code!;
}
