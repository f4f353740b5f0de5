// The catalogue: staff build it in the native API, consumers read it through
// apifm shop/goods/* (plain array for v1, paged for v2, 700 when empty).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm } from './helpers.ts';
import { makeGoods, nativeCall } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
}, 60_000);
afterAll(async () => rt?.close());

describe('native catalogue', () => {
  it('creates categories and goods with SKUs, refuses bad input, and lists them', async () => {
    const root = await nativeCall(rt.app, t, 'POST', '/categories', { name: 'Clothes' });
    expect(root).toMatchObject({ status: 201, body: { name: 'Clothes', parentId: null, level: 1 } });
    const child = await nativeCall(rt.app, t, 'POST', '/categories', { name: 'Shirts', parentId: root.body.id });
    expect(child.body).toMatchObject({ parentId: root.body.id, level: 2 });
    expect((await nativeCall(rt.app, t, 'POST', '/categories', { name: 'X', parentId: 999999 })).status).toBe(404);

    const g = await nativeCall(rt.app, t, 'POST', '/goods', {
      name: 'Shirt',
      categoryId: child.body.id,
      price: '1.00',
      stock: 0,
      skus: [
        { propertyChildIds: '2:5,1:1', propertyStr: '尺码:L,颜色:红', price: '99.00', stock: 2 },
        { propertyChildIds: '1:2,2:5', price: '89.50', stock: 3 },
      ],
    });
    expect(g.status).toBe(201);
    // With SKUs: stock is their sum, the price their lowest; keys are normalised.
    expect(g.body).toMatchObject({ price: '89.50', stock: 5, categoryId: child.body.id });
    expect(g.body.skus.map((s: { propertyChildIds: string }) => s.propertyChildIds)).toEqual(['1:1,2:5', '1:2,2:5']);

    const dup = await nativeCall(rt.app, t, 'POST', '/goods', {
      name: 'Dup',
      price: '1.00',
      stock: 1,
      skus: [
        { propertyChildIds: '1:1', price: '1', stock: 1 },
        { propertyChildIds: '1:1,', price: '1', stock: 1 },
      ],
    });
    expect(dup.status).toBe(400);
    expect((await nativeCall(rt.app, t, 'POST', '/goods', { name: 'Neg', price: '1.00', stock: -1 })).status).toBe(400);
    expect((await nativeCall(rt.app, t, 'POST', '/goods', { name: 'Bad', price: '1.001', stock: 1 })).status).toBe(400);
    expect((await nativeCall(rt.app, t, 'POST', '/goods', { name: 'NoCat', price: '1.00', stock: 1, categoryId: 999999 })).status).toBe(
      404,
    );

    const list = await nativeCall(rt.app, t, 'GET', '/goods?name=shi');
    expect(list.body).toMatchObject({ total: 1, items: [{ id: g.body.id }] });
    const cats = await nativeCall(rt.app, t, 'GET', '/categories');
    expect(cats.body.total).toBe(2);
    const off = await nativeCall(rt.app, t, 'PATCH', `/goods/${g.body.id}`, { onSale: false });
    expect(off.body.onSale).toBe(false);
    expect((await nativeCall(rt.app, t, 'PATCH', `/goods/${g.body.id}`, { stock: 9 })).status).toBe(400);
    await nativeCall(rt.app, t, 'PATCH', `/goods/${g.body.id}`, { onSale: true });
  });

  it('keeps tenants apart', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const g = await makeGoods(rt.app, t, { name: 'Mine only' });
    expect((await nativeCall(rt.app, other, 'GET', `/goods/${g.id}`)).status).toBe(404);
    expect((await apifm(rt.app, other.slug)('/shop/goods/detail', { id: g.id }, 'GET')).code).toBe(700);
  });
});

describe('apifm shop', () => {
  it('goods/category/all is a plain array with id, pid, level, name, icon', async () => {
    const fresh = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, fresh.slug);
    expect((await c('/shop/goods/category/all', {}, 'GET')).code).toBe(700);
    const parent = await nativeCall(rt.app, fresh, 'POST', '/categories', { name: '饮品', icon: 'https://x/i.png' });
    await nativeCall(rt.app, fresh, 'POST', '/categories', { name: '咖啡', parentId: parent.body.id });
    const r = await c('/shop/goods/category/all', {}, 'GET');
    expect(r.code).toBe(0);
    expect(r.data).toEqual([
      expect.objectContaining({ id: parent.body.id, pid: 0, level: 1, name: '饮品', icon: 'https://x/i.png' }),
      expect.objectContaining({ pid: parent.body.id, level: 2, name: '咖啡', icon: '' }),
    ]);
  });

  it('goods/list is a plain array, list/v2 is paged; both 700 when empty, filters and order work', async () => {
    const fresh = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, fresh.slug);
    expect((await c('/shop/goods/list', {})).code).toBe(700);
    expect((await c('/shop/goods/list/v2', {})).code).toBe(700);
    const cat = await nativeCall(rt.app, fresh, 'POST', '/categories', { name: 'A' });
    const cheap = await makeGoods(rt.app, fresh, { name: 'Cheap tea', price: '5.50', stock: 3, categoryId: cat.body.id, recommend: true });
    const dear = await makeGoods(rt.app, fresh, { name: 'Dear coffee', price: '38.00', originalPrice: '45.00', stock: 7 });
    await makeGoods(rt.app, fresh, { name: 'Hidden', price: '1.00', stock: 7, onSale: false });

    const v1 = await c('/shop/goods/list', {});
    expect(Array.isArray(v1.data)).toBe(true);
    expect(v1.data).toHaveLength(2);
    const d = v1.data.find((g: { id: number }) => g.id === dear.id);
    expect(d).toMatchObject({ name: 'Dear coffee', minPrice: 38, originalPrice: 45, stores: 7, status: 0, numberOrders: 0 });
    expect(typeof d.minPrice).toBe('number');
    expect(d.dateAdd).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    expect((await c('/shop/goods/list', { categoryId: cat.body.id })).data.map((g: { id: number }) => g.id)).toEqual([cheap.id]);
    expect((await c('/shop/goods/list', { recommendStatus: 1 })).data.map((g: { id: number }) => g.id)).toEqual([cheap.id]);
    expect((await c('/shop/goods/list', { nameLike: 'coffee' })).data.map((g: { id: number }) => g.id)).toEqual([dear.id]);
    expect((await c('/shop/goods/list', { orderBy: 'priceDown' })).data.map((g: { id: number }) => g.id)).toEqual([dear.id, cheap.id]);
    expect((await c('/shop/goods/list', { orderBy: 'priceUp' })).data.map((g: { id: number }) => g.id)).toEqual([cheap.id, dear.id]);

    const v2 = await c('/shop/goods/list/v2', { page: 1, pageSize: 1, orderBy: 'priceUp' });
    expect(v2.data).toMatchObject({ totalRow: 2, totalPage: 2, result: [{ id: cheap.id }] });
    expect((await c('/shop/goods/list/v2', { page: 2, pageSize: 1, orderBy: 'priceUp' })).data.result[0].id).toBe(dear.id);
    expect((await c('/shop/goods/list/v2', { page: 3, pageSize: 1 })).code).toBe(700);
  });

  it('goods/detail has basicInfo, properties and skuList; goods/price prices one choice', async () => {
    const g = await makeGoods(rt.app, t, {
      name: 'Hoodie',
      price: '1.00',
      stock: 0,
      skus: [
        { propertyChildIds: '1:1,2:5', propertyStr: '颜色:红,尺码:L', price: '199.00', stock: 2 },
        { propertyChildIds: '1:2,2:5', propertyStr: '颜色:蓝,尺码:L', price: '189.90', stock: 0 },
      ],
    });
    const d = await call('/shop/goods/detail', { id: g.id }, 'GET');
    expect(d.code).toBe(0);
    expect(d.data.basicInfo).toMatchObject({ id: g.id, name: 'Hoodie', minPrice: 189.9, stores: 2 });
    expect(d.data.properties).toEqual([
      {
        id: 1,
        name: '颜色',
        childsCurGoods: [
          { id: 1, propertyId: 1, name: '红' },
          { id: 2, propertyId: 1, name: '蓝' },
        ],
      },
      { id: 2, name: '尺码', childsCurGoods: [{ id: 5, propertyId: 2, name: 'L' }] },
    ]);
    expect(d.data.skuList).toEqual([
      expect.objectContaining({ propertyChildIds: '1:1,2:5,', price: 199, stores: 2 }),
      expect.objectContaining({ price: 189.9, stores: 0 }),
    ]);
    expect((await call('/shop/goods/detail', { id: 99999999 }, 'GET')).code).toBe(700);
    expect((await call('/shop/goods/detail', {}, 'GET')).code).toBe(600);

    const p = await call('/shop/goods/price', { goodsId: g.id, propertyChildIds: '2:5,1:2' });
    expect(p).toMatchObject({ code: 0, data: { price: 189.9, originalPrice: 189.9, stores: 0, score: 0 } });
    expect((await call('/shop/goods/price', { goodsId: g.id, propertyChildIds: '' })).code).toBe(20001);
    expect((await call('/shop/goods/price', { goodsId: g.id, propertyChildIds: '1:7' })).code).toBe(90000);
    expect((await call('/shop/goods/price', { goodsId: g.id, propertyChildIds: 'x' })).code).toBe(90000);
  });
});
