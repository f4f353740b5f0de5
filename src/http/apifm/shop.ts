// apifm shop: goods categories, goods lists (v1 plain array, v2 paged),
// goods detail with SKUs, and the price of one choice of properties.
import type { Goods } from '../../contexts/commerce/index.ts';
import { ApifmError, apifmDate, CODE, err, idList, list, ok, pageOf, paged, route, toFen, yuan, type ApifmApp } from './kit.ts';
import { GOODS_NOT_FOUND, goodsStatus, PRICE_REFUSAL, propertyName } from './wire/shop.ts';

const LIST_PARAMS = {
  categoryId: 'int',
  shopId: 'int',
  nameLike: 'string',
  k: 'string',
  recommendStatus: 'int',
  orderBy: 'string',
  priceMin: 'string',
  priceMax: 'string',
  gids: 'string',
  page: 'int',
  pageSize: 'int',
} as const;

/** One goods as apifm's list and detail `basicInfo` show it. */
export function goodsItem(g: Goods, tz: string) {
  return {
    id: g.id,
    name: g.name,
    pic: g.pic ?? '',
    categoryId: g.categoryId ?? 0,
    shopId: g.storeId ?? 0,
    characteristic: g.characteristic ?? '',
    minPrice: yuan(g.price),
    originalPrice: yuan(g.originalPrice ?? g.price),
    minScore: 0,
    stores: g.stock,
    numberOrders: g.sold,
    numberSells: g.sold,
    recommendStatus: g.recommend ? 1 : 0,
    ...goodsStatus(g.onSale),
    paixu: g.sort,
    pingtuan: false,
    kanjia: false,
    miaosha: false,
    videoId: '',
    yyId: 0,
    supplyType: 'self',
    dateAdd: apifmDate(g.createdAt, tz),
    dateUpdate: apifmDate(g.updatedAt, tz),
  };
}

/** The property tree apifm clients draw the SKU picker from, rebuilt from the SKUs' "p:v" pairs and their "name:value" labels. */
function propertiesOf(g: Goods) {
  const props = new Map<number, { id: number; name: string; childsCurGoods: { id: number; propertyId: number; name: string }[] }>();
  for (const s of g.skus) {
    const pairs = s.propertyChildIds.split(',').filter(Boolean);
    const labels = (s.propertyStr ?? '').split(/[,，]/);
    pairs.forEach((pair, i) => {
      const [pid, cid] = pair.split(':').map(Number) as [number, number];
      const [pname, cname] = (labels[i] ?? '').split(/[:：]/);
      const p = props.get(pid) ?? { id: pid, name: pname || propertyName(pid), childsCurGoods: [] };
      if (!p.childsCurGoods.some((c) => c.id === cid)) p.childsCurGoods.push({ id: cid, propertyId: pid, name: cname || String(cid) });
      props.set(pid, p);
    });
  }
  return [...props.values()];
}

export default async function shopRoutes(app: ApifmApp) {
  route(
    app,
    { method: 'GET', url: '/shop/goods/category/all', summary: '商品类别 (all goods categories)', params: { shopId: 'int' } },
    async ({ tenant, services }) => {
      const cats = await services.catalogue.listCategories(tenant.id);
      return list(
        cats.map((c) => ({
          id: c.id,
          pid: c.parentId ?? 0,
          level: c.level,
          name: c.name,
          icon: c.icon ?? '',
          paixu: c.sort,
          isUse: true,
          dateAdd: apifmDate(c.createdAt, tenant.timezone),
        })),
      );
    },
  );

  const listGoods = async (p: { [k in keyof typeof LIST_PARAMS]?: string | number }, tenantId: number) => {
    const pg = pageOf({ page: p.page as number | undefined, pageSize: p.pageSize as number | undefined });
    const money = (v: unknown, name: string) => {
      if (v === undefined) return null;
      const f = toFen(String(v));
      if (f === null) throw new ApifmError(CODE.badFormat, `参数格式错误: ${name}`);
      return f;
    };
    const ids = idList(p.gids as string | undefined);
    const r = await app.services.catalogue.list(tenantId, {
      categoryId: (p.categoryId as number | undefined) ?? null,
      storeId: (p.shopId as number | undefined) ?? null,
      nameLike: ((p.nameLike ?? p.k) as string | undefined) ?? null,
      recommend: p.recommendStatus === undefined ? null : p.recommendStatus === 1,
      onSale: true,
      ids: ids.length ? ids : null,
      priceMin: money(p.priceMin, 'priceMin'),
      priceMax: money(p.priceMax, 'priceMax'),
      orderBy: (p.orderBy as string | undefined) ?? null,
      limit: pg.limit,
      offset: pg.offset,
    });
    return { r, pg };
  };

  route(
    app,
    { method: 'POST', url: '/shop/goods/list', summary: '商品列表 (goods, a plain array)', params: LIST_PARAMS },
    async ({ p, tenant }) => {
      const { r } = await listGoods(p, tenant.id);
      return list(r.items.map((g) => goodsItem(g, tenant.timezone)));
    },
  );

  route(
    app,
    { method: 'POST', url: '/shop/goods/list/v2', summary: '商品列表 v2 (goods, paged)', params: LIST_PARAMS },
    async ({ p, tenant }) => {
      const { r, pg } = await listGoods(p, tenant.id);
      return paged(
        r.items.map((g) => goodsItem(g, tenant.timezone)),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'GET', url: '/shop/goods/detail', summary: '商品详情 (goods detail with SKUs)', params: { id: 'int!' } },
    async ({ p, tenant, services }) => {
      const g = await services.catalogue.get(tenant.id, p.id);
      if (!g) return err(CODE.noData, GOODS_NOT_FOUND);
      const cats = g.categoryId ? (await services.catalogue.listCategories(tenant.id)).find((c) => c.id === g.categoryId) : undefined;
      return ok({
        basicInfo: goodsItem(g, tenant.timezone),
        content: g.content ?? '',
        pics: g.pic ? [{ id: g.id, goodsId: g.id, pic: g.pic }] : [],
        pics2: g.pic ? [g.pic] : [],
        category: cats ? { id: cats.id, name: cats.name, pid: cats.parentId ?? 0, level: cats.level, icon: cats.icon ?? '' } : null,
        properties: propertiesOf(g),
        skuList: g.skus.map((s) => ({
          id: s.id,
          goodsId: g.id,
          propertyChildIds: `${s.propertyChildIds},`,
          propertyChildNames: s.propertyStr ?? '',
          price: yuan(s.price),
          originalPrice: yuan(s.originalPrice ?? s.price),
          stores: s.stock,
          score: 0,
        })),
        logistics: null,
        extJson: {},
      });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/shop/goods/price',
      summary: '获取商品价格 (price of one property choice)',
      params: { goodsId: 'int!', propertyChildIds: 'string' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.catalogue.price(tenant.id, p.goodsId, p.propertyChildIds ?? '');
      if (!r.ok) {
        if (r.error.details?.reason === 'sku_needed') return err(PRICE_REFUSAL.skuNeeded.code, PRICE_REFUSAL.skuNeeded.msg);
        if (r.error.code === 'invalid_input' || r.error.details?.reason === 'bad_sku')
          return err(PRICE_REFUSAL.badSku.code, PRICE_REFUSAL.badSku.msg);
        return err(CODE.noData, r.error.message);
      }
      const v = r.value;
      return ok({
        goodsId: v.goods.id,
        propertyChildIds: v.sku?.propertyChildIds ?? '',
        price: yuan(v.price),
        originalPrice: yuan(v.originalPrice ?? v.price),
        score: 0,
        stores: v.stock,
        pingtuanPrice: 0,
        kanjiaPrice: 0,
        miaoshaPrice: 0,
      });
    },
  );
}
