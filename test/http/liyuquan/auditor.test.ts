// Auditors at the counter (README: "an auditor only reads records"): through
// /web they may make every call that reads (stores, cards, members, record
// and invoice lists, details, scans) and are refused every write with errCode
// 1003, and nothing of value changes. Generated from the route table (the
// OpenAPI document's /web paths): every route must be classified in
// wire/permissions.ts and have a sample call here, so a new route is covered
// the day it is added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleMay } from '../../../src/contexts/identity/index.ts';
import { PATH_NEEDS } from '../../../src/http/liyuquan/wire/permissions.ts';
import { grant } from '../seller/helpers.ts';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { valueSnapshot, VALUE_TABLES } from '../apifm/state-snapshot.ts';
import { lyq, makeMerchant, md5, type Merchant } from './helpers.ts';

let rt: TestRuntime;
let m: Merchant;
let auditor = '';
const phone = '13712340001';
let userId = 0;
let couponCode = '';
let cardQr = '';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
function multipart(fields: Record<string, string>) {
  const b = '----quanboundary';
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  parts.push(
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    PNG,
    Buffer.from(`\r\n--${b}--\r\n`),
  );
  return { headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: Buffer.concat(parts) };
}

/** A valid call of each route (path after /web/), as the 礼遇圈 client sends it. */
const SAMPLES: Record<string, () => Record<string, unknown>> = {
  'manage/user/info': () => ({}),
  'manage/v3/store/list': () => ({}),
  'manage/v3/card/store_card': () => ({}),
  'manage/v3/userCard/add': () => ({ phone: '13712340099', membershipCardId: m.valueCardId }),
  'manage/v3/cardEvent/all_event': () => ({ cardId: m.eventCardId }),
  'manage/v3/cardEvent/detail': () => ({ eventId: m.moneyEventId }),
  'manage/v3/userCard/charge': () => ({ phone, cardId: m.valueCardId, recharge: '10.00', send: '0.00', image: '' }),
  'manage/v3/userCard/expense': () => ({ phone, cardId: m.valueCardId, expense: '1.00', password: md5('340001') }),
  'manage/v3/turnover/refund': () => ({ orderNo: 1, code: '123456' }),
  'manage/ask/code': () => ({}),
  'manage/v3/turnover/refund_charge': () => ({ orderNo: 1, code: '123456' }),
  'manage/v3/turnover/record_list': () => ({}),
  'manage/v3/turnover/expense_list': () => ({}),
  'manage/v3/turnover/refund_list': () => ({}),
  'manage/v3/userCard/user_card': () => ({}),
  'manage/v3/userCard/user_card_detail': () => ({ userId }),
  'manage/v3/userCard/card_status': () => ({ storeMemberEventId: 1 }),
  'manage/upload/image': () => ({}),
  'manage/tool/scan': () => ({ qrcode: cardQr }),
  'manage/v3/coupon/use': () => ({ num: couponCode }),
  'manage/v3/coupon/forUser': () => ({ phone, couponId: m.templateId, quantity: 1 }),
  'manage/v3/coupon/xcx_list': () => ({}),
  'manage/v3/invoice/list': () => ({ userId, cardId: m.valueCardId }),
  'manage/v3/invoice/add': () => ({ userId, cardId: m.valueCardId, amount: '1.00', image: '' }),
  'manage/v3/card/card_detail': () => ({ userId, cardId: m.valueCardId }),
  'manage/v3/invoice/all_list': () => ({}),
};

async function callAs(token: string, path: string) {
  if (path === 'manage/upload/image') {
    const r = await rt.app.inject({ method: 'POST', url: `/web/${path}`, ...multipart({ token, module: '1' }) });
    return r.json() as { errCode: number; msg?: string; data?: unknown };
  }
  return (await lyq(rt.app, path, SAMPLES[path]!(), token)).body;
}

let routes: string[] = [];

beforeAll(async () => {
  rt = await openTestRuntime();
  m = await makeMerchant(rt);
  const username = uniqueName('auditor');
  const st = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/staff',
    headers: m.t.auth,
    payload: { username, password: 'audit-pass-1', role: 'auditor', name: 'Audrey' },
  });
  expect(st.statusCode, st.body).toBe(201);
  auditor = (await lyq(rt.app, 'manage/user/login', { username, password: md5('audit-pass-1'), client: 1 })).body.data as string;
  // Something to read: a member with a card, a recharge and an expense, a coupon.
  expect((await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: m.valueCardId }, m.token)).body.errCode).toBe(0);
  expect((await callAs(m.token, 'manage/v3/userCard/charge')).errCode).toBe(0);
  expect((await callAs(m.token, 'manage/v3/userCard/expense')).errCode).toBe(0);
  const holder = await rt.db.query<{ id: number }>('SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2', [m.t.tenantId, phone]);
  userId = holder.rows[0]!.id;
  [couponCode] = (await grant(rt.services, m.t, m.templateId, userId)) as [string];
  const card = await rt.db.query<{ id: number }>('SELECT id FROM user_cards WHERE tenant_id = $1 AND user_id = $2', [m.t.tenantId, userId]);
  cardQr = (await rt.services.qr.issue({ kind: 'card', tenantId: m.t.tenantId, cardId: card.rows[0]!.id })).payload;
  const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  routes = Object.keys(doc.paths)
    .filter((p) => p.startsWith('/web/') && p !== '/web/manage/user/login')
    .map((p) => p.slice('/web/'.length));
}, 120_000);
afterAll(async () => rt?.close());

describe('every 礼遇圈 route is classified read or write, and sampled', () => {
  it('the route table, wire/permissions.ts and the samples name the same calls', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    expect([...routes].sort()).toEqual(Object.keys(PATH_NEEDS).sort());
    expect([...routes].sort()).toEqual(Object.keys(SAMPLES).sort());
  });
});

describe('an auditor reads and never writes', () => {
  it('each read answers 0 with data, each write 1003; nothing of value changes', async () => {
    const tables = [...VALUE_TABLES, 'outbox_messages', 'verification_codes', 'invoices'];
    const before = await valueSnapshot(rt.db, m.t.tenantId, tables);
    const outcome: Record<string, number> = {};
    for (const path of routes) {
      const need = PATH_NEEDS[path]!;
      const reads = need === 'read' || roleMay('auditor', need);
      const r = await callAs(auditor, path);
      outcome[path] = r.errCode;
      if (reads) expect(r.errCode, `${path}: ${JSON.stringify(r)}`).toBe(0);
      else expect(r, path).toMatchObject({ errCode: 1003, msg: expect.stringContaining('auditor') });
    }
    expect(await valueSnapshot(rt.db, m.t.tenantId, tables)).toStrictEqual(before);
    const reads = Object.values(outcome).filter((c) => c === 0).length;
    const refused = Object.values(outcome).filter((c) => c === 1003).length;
    expect(reads + refused).toBe(routes.length);
    expect(reads).toBeGreaterThanOrEqual(15);
    expect(refused).toBeGreaterThanOrEqual(10);
  });

  it('the record lists show the records; user/info offers reads and record lists, no till menus', async () => {
    const rec = await lyq(rt.app, 'manage/v3/turnover/record_list', {}, auditor);
    expect(rec.body).toMatchObject({ errCode: 0, total: 1 });
    const exp = await lyq(rt.app, 'manage/v3/turnover/expense_list', {}, auditor);
    expect(exp.body).toMatchObject({ errCode: 0, total: 1 });
    const info = (await lyq(rt.app, 'manage/user/info', {}, auditor)).body.data as {
      menus: string[];
      permissions: string[];
      roleId: number;
    };
    expect(info.roleId).toBe(5);
    expect(info.permissions).toContain('manage/v3/turnover/record_list');
    expect(info.permissions).toContain('manage/v3/userCard/user_card_detail');
    expect(info.permissions).not.toContain('manage/v3/userCard/charge');
    expect(info.permissions).not.toContain('manage/v3/coupon/use');
    expect(info.permissions).not.toContain('manage/upload/image');
    expect(info.menus).toEqual(expect.arrayContaining(['store', 'turnover', 'member', 'invoice']));
    expect(info.menus).not.toContain('recharge');
    expect(info.menus).not.toContain('expense');
  });

  it('the same write calls from an operator are not refused (the samples are real writes)', async () => {
    for (const path of ['manage/v3/userCard/charge', 'manage/v3/userCard/expense', 'manage/v3/coupon/forUser', 'manage/v3/coupon/use']) {
      const before = await valueSnapshot(rt.db, m.t.tenantId);
      expect((await callAs(m.token, path)).errCode, path).toBe(0);
      expect(await valueSnapshot(rt.db, m.t.tenantId), path).not.toStrictEqual(before);
    }
  });

  it('the counter use-cases refuse an auditor too, whatever the dialect', async () => {
    const staff = await rt.db.query<{ id: number }>("SELECT id FROM staff WHERE tenant_id = $1 AND role = 'auditor'", [m.t.tenantId]);
    const p = {
      kind: 'staff' as const,
      staffId: staff.rows[0]!.id,
      tenantId: m.t.tenantId,
      role: 'auditor' as const,
      username: 'a',
      storeIds: [],
    };
    const [code] = (await grant(rt.services, m.t, m.templateId, userId)) as [string];
    const w = await rt.services.counter.writeOffByNumber(m.t.tenantId, code, p);
    expect(w.ok ? 'ok' : w.error.code).toBe('forbidden');
    const g = await rt.services.counter.giveCoupons(m.t.tenantId, { templateId: m.templateId, phone, quantity: 1 }, p);
    expect(g.ok ? 'ok' : g.error.code).toBe('forbidden');
  });
});
