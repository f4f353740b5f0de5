// Small builders for tests: a tenant with an owner logged in, consumers, stores.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../src/compose.ts';
import { uniqueName } from './runtime.ts';
import { moveBalance } from '../../src/contexts/loyalty/ledgers.ts';

export interface TenantFixture {
  tenantId: number;
  slug: string;
  token: string;
  auth: { authorization: string };
  ownerUsername: string;
  password: string;
}

let n = 0;

export async function makeTenant(
  services: Services,
  app: FastifyInstance,
  opts: { approvalRequired?: boolean; timezone?: string } = {},
): Promise<TenantFixture> {
  const slug = `t${process.pid}-${++n}-${Math.random().toString(36).slice(2, 6)}`;
  const ownerUsername = uniqueName('owner');
  const password = 'correct-horse-1';
  const t = await services.tenants.create(
    {
      slug,
      name: `Tenant ${slug}`,
      approvalRequired: opts.approvalRequired ?? false,
      timezone: opts.timezone,
      owner: { username: ownerUsername, password },
    },
    null,
  );
  if (!t.ok) throw new Error(t.error.message);
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: ownerUsername, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const token = res.json().token as string;
  return { tenantId: t.value.id, slug, token, auth: { authorization: `Bearer ${token}` }, ownerUsername, password };
}

export async function makeUser(services: Services, tenantId: number, fields: { mobile?: string; points?: number } = {}) {
  const mobile = fields.mobile ?? `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const u = await services.users.create(tenantId, { mobile }, null);
  if (!u.ok) throw new Error(u.error.message);
  if (fields.points) {
    const r = await services.deps.db.tx((q) => moveBalance(q, 'points', tenantId, u.value.id, fields.points!, 'test'));
    if (!r.ok) throw new Error(r.error.message);
  }
  return u.value;
}

/** An active template with sensible defaults; fields override. */
export async function makeTemplate(app: FastifyInstance, t: TenantFixture, fields: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/coupon-templates',
    headers: t.auth,
    payload: {
      name: '10 off 100',
      discount: { type: 'amount', amount: '10.00' },
      minSpend: '100.00',
      validity: { type: 'relative', days: 30 },
      activate: true,
      ...fields,
    },
  });
  if (res.statusCode !== 201) throw new Error(`template: ${res.body}`);
  return res.json() as { id: number; state: string; stock: number | null };
}
