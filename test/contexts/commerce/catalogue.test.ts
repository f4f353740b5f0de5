// The catalogue below the dialects: the category tree, goods with SKUs and
// their creation refusals, and stock that takeStock/releaseStock move without
// ever going below zero.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { releaseStock, takeStock, type Goods } from '../../../src/contexts/commerce/index.ts';
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

const cat = () => rt.services.catalogue;
/** takeStock as orders use it: the whole transaction rolls back when any line is short. */
const take = async (lines: { goodsId: number; skuId: number | null; number: number }[]) =>
  (
    await rt.db.txResult(async (q) =>
      (await takeStock(q, t.tenantId, lines))
        ? { ok: true as const, value: true }
        : { ok: false as const, error: { code: 'sold_out' as const, message: 'short' } },
    )
  ).ok;
const audits = async (action: string) =>
  (await rt.db.query('SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = $2', [t.tenantId, action])).rowCount;
const stocks = async (g: Goods) => {
  const back = (await cat().get(t.tenantId, g.id))!;
  return { goods: back.stock, sold: back.sold, skus: back.skus.map((s) => s.stock) };
};

async function goodsWithSkus(): Promise<Goods> {
  const r = await cat().createGoods(
    t.tenantId,
    {
      name: 'T-shirt',
      price: '99.00',
      stock: 0,
      skus: [
        { propertyChildIds: '4:15,2:10,', propertyStr: 'size:M,colour:red', price: '30.00', stock: 2 },
        { propertyChildIds: '2:11,4:15', price: '25.50', stock: 3 },
      ],
    },
    by,
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('categories', () => {
  it('nest under an existing parent with their depth, and list as a tree in sort order', async () => {
    const top = await cat().createCategory(t.tenantId, { name: ' Clothes ', sort: 2 }, by);
    expect(top.ok && top.value).toMatchObject({ name: 'Clothes', level: 1, parentId: null });
    const mid = await cat().createCategory(t.tenantId, { name: 'Shirts', parentId: top.ok ? top.value.id : 0, sort: 1 }, by);
    expect(mid.ok && mid.value.level).toBe(2);
    const leaf = await cat().createCategory(t.tenantId, { name: 'Polo', parentId: mid.ok ? mid.value.id : 0 }, by);
    expect(leaf.ok && leaf.value.level).toBe(3);
    const all = await cat().listCategories(t.tenantId);
    expect(all.map((c) => [c.name, c.level])).toEqual([
      ['Polo', 3],
      ['Shirts', 2],
      ['Clothes', 1],
    ]);
    expect(await audits('category.create')).toBe(3);
  });

  it('refuses a missing name or an unknown parent, and writes nothing', async () => {
    const before = (await cat().listCategories(t.tenantId)).length;
    const noName = await cat().createCategory(t.tenantId, { name: '  ' }, by);
    expect(!noName.ok && noName.error).toMatchObject({ code: 'invalid_input', details: { field: 'name' } });
    const orphan = await cat().createCategory(t.tenantId, { name: 'Lost', parentId: 999_999 }, by);
    expect(!orphan.ok && orphan.error).toMatchObject({ code: 'not_found', details: { field: 'parentId' } });
    expect((await cat().listCategories(t.tenantId)).length).toBe(before);
  });
});

describe('goods with SKUs', () => {
  it('stores normalized SKU keys, lists at the cheapest SKU and counts the SKUs’ stock', async () => {
    const g = await goodsWithSkus();
    expect(g.skus.map((s) => s.propertyChildIds)).toEqual(['2:10,4:15', '2:11,4:15']);
    expect(g.price).toBe(2550);
    expect(g.stock).toBe(5);
    const p = await cat().price(t.tenantId, g.id, '4:15,2:10');
    expect(p.ok && p.value.price).toBe(3000);
    const none = await cat().price(t.tenantId, g.id, '');
    expect(!none.ok && none.error.details).toMatchObject({ reason: 'sku_needed' });
    const bad = await cat().price(t.tenantId, g.id, '2:99');
    expect(!bad.ok && bad.error.details).toMatchObject({ reason: 'bad_sku' });
  });

  it('refuses bad goods before writing anything', async () => {
    const count = async () => (await cat().list(t.tenantId, { limit: 100, offset: 0 })).total;
    const before = await count();
    const cases: [Parameters<ReturnType<typeof cat>['createGoods']>[1], string, string][] = [
      [{ name: '', price: '1.00', stock: 1 }, 'invalid_input', 'name'],
      [{ name: 'x', price: '1.2.3', stock: 1 }, 'invalid_input', 'price'],
      [{ name: 'x', price: '1.00', stock: -1 }, 'invalid_input', 'stock'],
      [
        { name: 'x', price: '1.00', stock: 1, skus: [{ propertyChildIds: 'red', price: '1.00', stock: 1 }] },
        'invalid_input',
        'skus[0].propertyChildIds',
      ],
      [
        {
          name: 'x',
          price: '1.00',
          stock: 1,
          skus: [
            { propertyChildIds: '1:2,3:4', price: '1.00', stock: 1 },
            { propertyChildIds: '3:4,1:2', price: '2.00', stock: 1 },
          ],
        },
        'invalid_input',
        'skus',
      ],
      [{ name: 'x', price: '1.00', stock: 1, categoryId: 999_999 }, 'not_found', 'categoryId'],
      [{ name: 'x', price: '1.00', stock: 1, storeId: 999_999 }, 'not_found', 'storeId'],
    ];
    for (const [input, code, field] of cases) {
      const r = await cat().createGoods(t.tenantId, input, by);
      expect(!r.ok && [r.error.code, r.error.details?.field]).toEqual([code, field]);
    }
    expect(await count()).toBe(before);
  });

  it('refuses an absolute stock on goods with SKUs and rolls the sale flag back with it', async () => {
    const g = await goodsWithSkus();
    const r = await cat().updateGoods(t.tenantId, g.id, { stock: 10, onSale: false }, by);
    expect(!r.ok && r.error.code).toBe('invalid_input');
    expect((await cat().get(t.tenantId, g.id))!.onSale).toBe(true);
    const off = await cat().updateGoods(t.tenantId, g.id, { onSale: false }, by);
    expect(off.ok && off.value.onSale).toBe(false);
    const gone = await cat().updateGoods(t.tenantId, 999_999, { onSale: true }, by);
    expect(!gone.ok && gone.error.code).toBe('not_found');
  });
});

describe('stock', () => {
  it('takeStock takes goods and SKU stock together and counts it sold', async () => {
    const g = await goodsWithSkus();
    const [m] = g.skus;
    expect(await rt.db.tx((q) => takeStock(q, t.tenantId, [{ goodsId: g.id, skuId: m!.id, number: 2 }]))).toBe(true);
    expect(await stocks(g)).toEqual({ goods: 3, sold: 2, skus: [0, 3] });
  });

  it('never goes below zero: a short line takes nothing, and the caller rolls the rest back', async () => {
    const g = await goodsWithSkus();
    const [m, l] = g.skus;
    expect(
      await take([
        { goodsId: g.id, skuId: l!.id, number: 1 },
        { goodsId: g.id, skuId: m!.id, number: 3 },
      ]),
    ).toBe(false);
    expect(await stocks(g)).toEqual({ goods: 5, sold: 0, skus: [2, 3] });
    // Goods without SKUs: the same rule on the goods row.
    const plain = await cat().createGoods(t.tenantId, { name: 'Mug', price: '5.00', stock: 1 }, by);
    if (!plain.ok) throw new Error(plain.error.message);
    expect(await rt.db.tx((q) => takeStock(q, t.tenantId, [{ goodsId: plain.value.id, skuId: null, number: 2 }]))).toBe(false);
    expect((await cat().get(t.tenantId, plain.value.id))!.stock).toBe(1);
  });

  it('releaseStock gives back what was taken, and concurrent takes never oversell', async () => {
    const g = await goodsWithSkus();
    const l = g.skus[1]!;
    const line = [{ goodsId: g.id, skuId: l.id, number: 1 }];
    const results = await Promise.all(Array.from({ length: 5 }, () => take(line)));
    expect(results.filter(Boolean).length).toBe(3);
    expect(await stocks(g)).toEqual({ goods: 2, sold: 3, skus: [2, 0] });
    await rt.db.tx((q) => releaseStock(q, t.tenantId, [{ goodsId: g.id, skuId: l.id, number: 3 }]));
    expect(await stocks(g)).toEqual({ goods: 5, sold: 0, skus: [2, 3] });
  });

  it('resolve refuses what cannot be ordered, with a reason orders map', async () => {
    const g = await goodsWithSkus();
    const resolve = (lines: { goodsId: number; number: number; propertyChildIds?: string | null }[]) => cat().resolve(t.tenantId, lines);
    const okr = await resolve([{ goodsId: g.id, number: 2, propertyChildIds: '2:11,4:15' }]);
    expect(okr.ok && okr.value[0]).toMatchObject({ unitPrice: 2550, number: 2, stock: 3, skuId: g.skus[1]!.id });
    const needs = await resolve([{ goodsId: g.id, number: 1 }]);
    expect(!needs.ok && needs.error.details).toEqual({ reason: 'sku_needed', line: 0 });
    const missing = await resolve([
      { goodsId: g.id, number: 1, propertyChildIds: '2:11,4:15' },
      { goodsId: 999_999, number: 1 },
    ]);
    expect(!missing.ok && [missing.error.code, missing.error.details]).toEqual(['not_found', { reason: 'bad_goods', line: 1 }]);
    await cat().updateGoods(t.tenantId, g.id, { onSale: false }, by);
    const off = await resolve([{ goodsId: g.id, number: 1, propertyChildIds: '2:11,4:15' }]);
    expect(!off.ok && [off.error.code, off.error.details?.reason]).toEqual(['invalid_state', 'off_sale']);
  });
});
