// Shop content below the dialects: banners, notices, config values, user
// levels with prices, in-app messages' read state, invoice requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { makeGoods, makeShopper, topUp } from '../../http/apifm/shop-fixtures.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let by: Principal;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  const s = await rt.db.query<{ id: number }>('SELECT id FROM staff WHERE username = $1', [t.ownerUsername]);
  by = { kind: 'staff', staffId: s.rows[0]!.id, tenantId: t.tenantId, role: 'owner', username: t.ownerUsername, storeIds: [] };
}, 60_000);
afterAll(async () => rt?.close());

const c = () => rt.services.shopContent;
const audits = async (action: string) =>
  (await rt.db.query('SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = $2', [t.tenantId, action])).rowCount;

describe('banners and notices', () => {
  it('consumers see enabled banners of a type in sort order; staff see all; removal is audited', async () => {
    const a = await c().addBanner(t.tenantId, { type: 'home', picUrl: ' https://x/a.png ', sort: 2 }, by);
    expect(a.ok && a.value).toMatchObject({ picUrl: 'https://x/a.png', title: '', linkType: 0, enabled: true });
    await c().addBanner(t.tenantId, { type: 'home', picUrl: 'https://x/b.png', sort: 1 }, by);
    await c().addBanner(t.tenantId, { type: 'home', picUrl: 'https://x/off.png', enabled: false }, by);
    await c().addBanner(t.tenantId, { type: 'other', picUrl: 'https://x/o.png' }, by);
    expect((await c().banners(t.tenantId, { type: 'home' })).map((b) => b.picUrl)).toEqual(['https://x/b.png', 'https://x/a.png']);
    expect((await c().banners(t.tenantId, { type: null, enabledOnly: false })).length).toBe(4);
    const none = await c().addBanner(t.tenantId, { picUrl: ' ' }, by);
    expect(!none.ok && none.error.code).toBe('invalid_input');
    const id = a.ok ? a.value.id : 0;
    expect((await c().removeBanner(t.tenantId, id, by)).ok).toBe(true);
    const again = await c().removeBanner(t.tenantId, id, by);
    expect(!again.ok && again.error.code).toBe('not_found');
    expect(await audits('banner.delete')).toBe(1);
  });

  it('notices: newest first, disabled ones hidden from consumers and from the detail', async () => {
    const old = await c().addNotice(t.tenantId, { title: 'Old', content: 'o' }, by);
    const off = await c().addNotice(t.tenantId, { title: 'Hidden', enabled: false }, by);
    await c().addNotice(t.tenantId, { title: ' New ' }, by);
    const shown = await c().notices(t.tenantId, { limit: 10, offset: 0 });
    expect([shown.items.map((n) => n.title), shown.total]).toEqual([['New', 'Old'], 2]);
    expect((await c().notices(t.tenantId, { enabledOnly: false, limit: 10, offset: 0 })).total).toBe(3);
    expect(await c().notice(t.tenantId, off.ok ? off.value.id : 0)).toBeNull();
    expect((await c().notice(t.tenantId, old.ok ? old.value.id : 0))!.content).toBe('o');
    const bad = await c().addNotice(t.tenantId, { title: '' }, by);
    expect(!bad.ok && bad.error.details).toEqual({ field: 'title' });
  });
});

describe('config values', () => {
  it('sets, replaces and reads values by key; refuses bad keys and long values', async () => {
    await c().setConfig(t.tenantId, 'shop.name', 'One', null, by);
    const r = await c().setConfig(t.tenantId, 'shop.name', 'Two', 'renamed', by);
    expect(r.ok && r.value).toMatchObject({ key: 'shop.name', value: 'Two', remark: 'renamed' });
    await c().setConfig(t.tenantId, 'a_key', 'x', null, by);
    expect((await c().configValues(t.tenantId, ['shop.name'])).map((v) => v.value)).toEqual(['Two']);
    expect((await c().configValues(t.tenantId, null)).map((v) => v.key)).toEqual(['a_key', 'shop.name']);
    const badKey = await c().setConfig(t.tenantId, 'has space', 'x', null, by);
    expect(!badKey.ok && badKey.error.details).toEqual({ field: 'key' });
    const long = await c().setConfig(t.tenantId, 'k', 'x'.repeat(10_001), null, by);
    expect(!long.ok && long.error.details).toEqual({ field: 'value' });
    expect(await audits('config.set')).toBe(3);
  });
});

describe('user levels', () => {
  it('a level and its prices are written together; a second level with the same number is a conflict and writes no price', async () => {
    const r = await c().addLevel(
      t.tenantId,
      {
        name: 'Gold',
        level: 2,
        rebate: 9500,
        prices: [
          { duration: 12, unit: 1, price: 9900 },
          { duration: 1, price: 1000 },
        ],
      },
      by,
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.prices.map((p) => [p.duration, p.unit, p.price])).toEqual([
      [12, 1, 9900],
      [1, 0, 1000],
    ]);
    const back = await c().level(t.tenantId, r.value.id);
    expect(back!.prices.map((p) => p.duration)).toEqual([1, 12]);
    expect(back).toMatchObject({ name: 'Gold', rebate: 9500, upgradeAmount: 0 });
    const dup = await c().addLevel(t.tenantId, { name: 'Also gold', level: 2, prices: [{ duration: 3, price: 1 }] }, by);
    expect(!dup.ok && dup.error.code).toBe('conflict');
    expect((await rt.db.query('SELECT 1 FROM user_level_prices WHERE tenant_id = $1', [t.tenantId])).rowCount).toBe(2);
    const bad = await c().addLevel(t.tenantId, { name: 'Free', level: 0, rebate: 0 }, by);
    expect(!bad.ok && bad.error.details).toEqual({ field: 'rebate' });
    await c().addLevel(t.tenantId, { name: 'Silver', level: 1 }, by);
    expect((await c().levels(t.tenantId, { limit: 10, offset: 0 })).items.map((l) => [l.name, l.rebate])).toEqual([
      ['Silver', 10000],
      ['Gold', 9500],
    ]);
  });
});

describe('inbox', () => {
  it('unread until read, filterable by read state, gone when deleted, and only the owner’s', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const other = await makeUser(rt.services, t.tenantId);
    const m1 = await c().sendMessage(t.tenantId, u.id, { title: 'Hello', content: 'hi' }, by);
    const m2 = await c().sendMessage(t.tenantId, u.id, { title: 'Sale', type: 2 }, null);
    if (!m1.ok || !m2.ok) throw new Error('send');
    expect(m1.value.isRead).toBe(false);
    expect(await audits('message.send')).toBe(1);
    const noUser = await c().sendMessage(t.tenantId, 999_999, { title: 'x' }, by);
    expect(!noUser.ok && noUser.error.code).toBe('not_found');
    const notMine = await c().readMessage(t.tenantId, other.id, m1.value.id);
    expect(!notMine.ok && notMine.error.code).toBe('not_found');
    expect((await c().readMessage(t.tenantId, u.id, m1.value.id)).ok).toBe(true);
    const page = { limit: 10, offset: 0 };
    expect((await c().messages(t.tenantId, u.id, { ...page, isRead: true })).items.map((m) => m.title)).toEqual(['Hello']);
    expect((await c().messages(t.tenantId, u.id, { ...page, isRead: false })).items.map((m) => m.title)).toEqual(['Sale']);
    expect((await c().messages(t.tenantId, u.id, { ...page, type: 2 })).total).toBe(1);
    expect((await c().deleteMessage(t.tenantId, u.id, m2.value.id)).ok).toBe(true);
    const gone = await c().readMessage(t.tenantId, u.id, m2.value.id);
    expect(!gone.ok && gone.error.code).toBe('not_found');
    expect((await c().messages(t.tenantId, u.id, page)).total).toBe(1);
  });
});

describe('invoice requests', () => {
  it('a request for an order must be for a paid order of the user, for at most what it paid; staff settle it', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const g = await makeGoods(rt.app, t, { price: '20.00', stock: 5 });
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    if (!o.ok) throw new Error(o.error.message);
    const unpaid = await c().applyInvoice(t.tenantId, u.uid, { amount: 100, orderId: o.value.id });
    expect(!unpaid.ok && unpaid.error.code).toBe('invalid_state');
    await topUp(rt.app, t, u.uid, '50.00');
    const paid = await rt.services.orders.pay(t.tenantId, u.uid, o.value.id);
    if (!paid.ok) throw new Error(paid.error.message);
    const tooMuch = await c().applyInvoice(t.tenantId, u.uid, { amount: 2001, orderId: o.value.id });
    expect(!tooMuch.ok && tooMuch.error.code).toBe('invalid_input');
    const someone = await makeUser(rt.services, t.tenantId);
    const notTheirs = await c().applyInvoice(t.tenantId, someone.id, { amount: 100, orderId: o.value.id });
    expect(!notTheirs.ok && notTheirs.error.code).toBe('not_found');
    const r = await c().applyInvoice(t.tenantId, u.uid, { amount: 2000, orderId: o.value.id, comName: 'ACME', ext: { b: 1, a: 2 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ state: 'pending', amount: 2000, file: null });
    expect(Object.keys(r.value.ext!)).toEqual(['b', 'a']);
    const issued = await c().setInvoiceStatus(t.tenantId, r.value.id, 'issued', 'https://x/inv.pdf', by);
    expect(issued.ok && issued.value).toMatchObject({ state: 'issued', file: 'https://x/inv.pdf' });
    // A later state change without a file keeps the file.
    const refused = await c().setInvoiceStatus(t.tenantId, r.value.id, 'refused', null, by);
    expect(refused.ok && [refused.value.state, refused.value.file]).toEqual(['refused', 'https://x/inv.pdf']);
    expect((await rt.db.query<{ status: number }>('SELECT status FROM invoices WHERE id = $1', [r.value.id])).rows[0]!.status).toBe(2);
    expect((await c().invoice(t.tenantId, u.uid, r.value.id))!.state).toBe('refused');
    expect(await c().invoice(t.tenantId, someone.id, r.value.id)).toBeNull();
    expect((await c().invoices(t.tenantId, { userId: u.uid, limit: 10, offset: 0 })).total).toBe(1);
    const missing = await c().setInvoiceStatus(t.tenantId, 999_999, 'issued', null, by);
    expect(!missing.ok && missing.error.code).toBe('not_found');
    const negative = await c().applyInvoice(t.tenantId, u.uid, { amount: -1 });
    expect(!negative.ok && negative.error.code).toBe('invalid_input');
  });
});
