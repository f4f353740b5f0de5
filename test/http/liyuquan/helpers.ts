// Helpers for the 礼遇圈 dialect tests: a merchant with a store, a staff
// member (phone for SMS codes) logged in through manage/user/login, card
// products and events made through the native API, and a shape comparison
// of a reply against a seed example.
import crypto from 'node:crypto';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { uniqueName } from '../../helpers/runtime.ts';

export const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

export interface Merchant {
  t: TenantFixture;
  storeId: number;
  staffUsername: string;
  staffPassword: string;
  staffPhone: string;
  token: string;
  eventCardId: number;
  valueCardId: number;
  moneyEventId: number;
  couponEventId: number;
  templateId: number;
}

export async function lyq(app: FastifyInstance, path: string, params: Record<string, unknown> = {}, token?: string) {
  const res = await app.inject({ method: 'POST', url: `/web/${path}`, payload: { ...(token ? { token } : {}), ...params } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { errCode: number; data?: unknown; msg?: string } };
}

/** The same as a browser form post would send it. */
export async function lyqForm(app: FastifyInstance, path: string, params: Record<string, string>) {
  const res = await app.inject({
    method: 'POST',
    url: `/web/${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(params).toString(),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { errCode: number; data?: unknown; msg?: string } };
}

export async function makeMerchant(rt: TestRuntime): Promise<Merchant> {
  const { app } = rt;
  const t = await makeTenant(rt.services, app);
  const native = (method: 'POST' | 'GET', url: string, payload?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: t.auth, ...(payload ? { payload: payload as object } : {}) });
  const s = await native('POST', '/stores', {
    name: '外婆味道南屏店',
    address: '南屏街',
    area: '云南,昆明市,五华区',
    phone: '123456666666',
    linkman: '小明',
  });
  const storeId = s.json().id as number;
  const staffUsername = uniqueName('clerk');
  const staffPassword = 'clerk-pass-1';
  const staffPhone = `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const st = await native('POST', '/staff', {
    username: staffUsername,
    password: staffPassword,
    role: 'operator',
    storeIds: [storeId],
    phone: staffPhone,
    name: 'yy',
  });
  if (st.statusCode !== 201) throw new Error(st.body);
  const template = await makeTemplate(app, t, {
    name: '50 元优惠券',
    description: '使用说明，简介',
    minSpend: '0.00',
    discount: { type: 'amount', amount: '50.00' },
    validity: { type: 'fixed', from: '2020-01-01T00:00:00Z', to: '2099-04-30T00:00:00Z' },
    storeIds: [storeId],
  });
  const eventCard = await native('POST', '/card-products', {
    title: '外婆味道活动卡',
    type: 11,
    colour: '#E43B19',
    logo: '/item/191213/a.jpeg',
    storeIds: [storeId],
    summary: '<p>活动卡活动卡</p>',
  });
  if (eventCard.statusCode !== 201) throw new Error(eventCard.body);
  const valueCard = await native('POST', '/card-products', {
    title: '外婆味道储值卡',
    type: 10,
    colour: '#34988E',
    logo: '/item/191213/b.jpeg',
    storeIds: [storeId],
    summary: 'null3',
  });
  const moneyEvent = await native('POST', `/card-products/${eventCard.json().id}/events`, {
    title: '充200 送200 返200',
    summary: '充200 送200 返200',
    type: 1,
    rechargeMoney: '200.00',
    sendMoney: '200.00',
  });
  if (moneyEvent.statusCode !== 201) throw new Error(moneyEvent.body);
  const couponEvent = await native('POST', `/card-products/${eventCard.json().id}/events`, {
    title: '充100 送2 张50元优惠券',
    summary: '充100 送2 张50元优惠券',
    type: 2,
    rechargeMoney: '100.00',
    sendMoney: '0.00',
    couponTemplateId: template.id,
    quantity: 2,
  });
  if (couponEvent.statusCode !== 201) throw new Error(couponEvent.body);
  const login = await lyq(app, 'manage/user/login', { username: staffUsername, password: md5(staffPassword), client: 1 });
  if (login.body.errCode !== 0) throw new Error(JSON.stringify(login.body));
  return {
    t,
    storeId,
    staffUsername,
    staffPassword,
    staffPhone,
    token: login.body.data as string,
    eventCardId: eventCard.json().id,
    valueCardId: valueCard.json().id,
    moneyEventId: moneyEvent.json().id,
    couponEventId: couponEvent.json().id,
    templateId: template.id,
  };
}

/** Sends a refund code to the staff member and reads it from the dev outbox (the per-minute limit is lifted for tests). */
export async function refundCode(rt: TestRuntime, m: Merchant): Promise<string> {
  await rt.services.deps.cache.del(`vcode:min:${m.t.tenantId}:sms:${m.staffPhone}`);
  const r = await lyq(rt.app, 'manage/ask/code', {}, m.token);
  expect(r.body).toMatchObject({ errCode: 0, result: 0, msg: '成功' });
  const out = await rt.services.messages.outbox(m.t.tenantId, 1);
  expect(out[0]!.to).toBe(m.staffPhone);
  return out[0]!.code!;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Every field of the seed example is in the reply with the same JSON type
 * (recursively; arrays compared by their first element). A null in the
 * example allows any type; `nullable` names fields quan leaves null where
 * the example shows a value (data it does not keep).
 */
export function expectShape(actual: unknown, example: unknown, nullable: string[] = [], path = '$'): void {
  if (example === null) return;
  const a = kind(actual);
  const e = kind(example);
  const name = path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  if (a === 'null' && nullable.includes(name)) return;
  expect(a, `${path}: expected ${e}, got ${a} (${JSON.stringify(actual)})`).toBe(e);
  if (e === 'array') {
    const ex = example as unknown[];
    const ac = actual as unknown[];
    if (ex.length > 0) {
      expect(ac.length, `${path}: expected a non-empty array`).toBeGreaterThan(0);
      for (let i = 0; i < ac.length; i++) expectShape(ac[i], ex[0], nullable, `${path}[${i}]`);
    }
  } else if (e === 'object') {
    for (const [k, v] of Object.entries(example as Record<string, unknown>)) {
      expect(actual as object, `${path} lacks "${k}"`).toHaveProperty([k]);
      expectShape((actual as Record<string, unknown>)[k], v, nullable, `${path}.${k}`);
    }
  }
}
