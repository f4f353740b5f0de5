// Staff manage the catalogue: categories and goods with SKUs and stock.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import type { Category, Goods } from '../../contexts/commerce/index.ts';

const CategoryOut = Type.Object({
  id: Id,
  parentId: Nullable(Type.Integer()),
  level: Type.Integer(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  sort: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
const categoryOut = (c: Category) => ({ ...c, createdAt: c.createdAt.toISOString() });

const SkuOut = Type.Object({
  id: Id,
  propertyChildIds: Type.String(),
  propertyStr: Nullable(Type.String()),
  price: Money,
  originalPrice: Nullable(Money),
  stock: Type.Integer(),
});

export const GoodsOut = Type.Object({
  id: Id,
  name: Type.String(),
  categoryId: Nullable(Type.Integer()),
  storeId: Nullable(Type.Integer()),
  pic: Nullable(Type.String()),
  characteristic: Nullable(Type.String()),
  content: Nullable(Type.String()),
  price: Money,
  originalPrice: Nullable(Money),
  stock: Type.Integer(),
  sold: Type.Integer(),
  recommend: Type.Boolean(),
  onSale: Type.Boolean(),
  sort: Type.Integer(),
  skus: Type.Array(SkuOut),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const goodsOut = (g: Goods) => ({
  id: g.id,
  name: g.name,
  categoryId: g.categoryId,
  storeId: g.storeId,
  pic: g.pic,
  characteristic: g.characteristic,
  content: g.content,
  price: formatMoney(g.price),
  originalPrice: g.originalPrice === null ? null : formatMoney(g.originalPrice),
  stock: g.stock,
  sold: g.sold,
  recommend: g.recommend,
  onSale: g.onSale,
  sort: g.sort,
  skus: g.skus.map((s) => ({
    id: s.id,
    propertyChildIds: s.propertyChildIds,
    propertyStr: s.propertyStr,
    price: formatMoney(s.price),
    originalPrice: s.originalPrice === null ? null : formatMoney(s.originalPrice),
    stock: s.stock,
  })),
  createdAt: g.createdAt.toISOString(),
  updatedAt: g.updatedAt.toISOString(),
});

export default async function catalogueRoutes(app: NativeApp) {
  categoryAndNewGoodsRoutes(app);
  goodsRoutes(app);
}

function categoryAndNewGoodsRoutes(app: NativeApp) {
  const { services, guard } = app;
  const manage = guard({ roles: ['owner', 'admin', 'operator'] });
  const text = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

  app.post(
    '/categories',
    {
      preHandler: manage,
      schema: {
        tags: ['catalogue'],
        summary: 'Create a goods category',
        security: [{ bearer: [] }],
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          parentId: Type.Optional(Nullable(Id)),
          icon: text(500),
          sort: Type.Optional(Type.Integer()),
        }),
        response: { 201: CategoryOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.catalogue.createCategory(tenantOf(req), req.body, principalOf(req)), 201, categoryOut),
  );

  app.get(
    '/categories',
    {
      preHandler: guard(),
      schema: {
        tags: ['catalogue'],
        summary: 'All goods categories',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(CategoryOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const items = await services.catalogue.listCategories(tenantOf(req));
      return { items: items.map(categoryOut), total: items.length };
    },
  );

  const SkuIn = Type.Object({
    propertyChildIds: Type.String({ minLength: 1, maxLength: 200, description: 'property:value pairs, e.g. "1:2,3:4"' }),
    propertyStr: text(200),
    price: Money,
    originalPrice: Type.Optional(Nullable(Money)),
    stock: Type.Integer({ minimum: 0 }),
  });

  app.post(
    '/goods',
    {
      preHandler: manage,
      schema: {
        tags: ['catalogue'],
        summary: 'Create goods (optionally with SKUs; then its stock is the sum of theirs and its price their lowest)',
        security: [{ bearer: [] }],
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          categoryId: Type.Optional(Nullable(Id)),
          storeId: Type.Optional(Nullable(Id)),
          price: Money,
          originalPrice: Type.Optional(Nullable(Money)),
          stock: Type.Integer({ minimum: 0 }),
          pic: text(1000),
          characteristic: text(500),
          content: text(100_000),
          recommend: Type.Optional(Type.Boolean()),
          onSale: Type.Optional(Type.Boolean()),
          sort: Type.Optional(Type.Integer()),
          skus: Type.Optional(Type.Array(SkuIn, { maxItems: 500 })),
        }),
        response: { 201: GoodsOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.catalogue.createGoods(tenantOf(req), req.body, principalOf(req)), 201, goodsOut),
  );
}

function goodsRoutes(app: NativeApp) {
  const { services, guard } = app;
  const manage = guard({ roles: ['owner', 'admin', 'operator'] });

  app.get(
    '/goods',
    {
      preHandler: guard(),
      schema: {
        tags: ['catalogue'],
        summary: 'List goods, filtered by category, store, name',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          categoryId: Type.Optional(Id),
          storeId: Type.Optional(Type.Integer({ minimum: 0 })),
          name: Type.Optional(Type.String({ maxLength: 100 })),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(GoodsOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const r = await services.catalogue.list(tenantOf(req), {
        categoryId: req.query.categoryId,
        storeId: req.query.storeId,
        nameLike: req.query.name,
        ...pageOf(req.query),
      });
      return { items: r.items.map(goodsOut), total: r.total };
    },
  );

  app.get(
    '/goods/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['catalogue'],
        summary: 'One goods with its SKUs',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: GoodsOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const g = await services.catalogue.get(tenantOf(req), req.params.id);
      if (!g) return sendProblem(reply, 'not_found', 404, 'goods not found');
      return goodsOut(g);
    },
  );

  app.patch(
    '/goods/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['catalogue'],
        summary: 'Put goods on or off sale, set its stock (goods without SKUs) or its recommended flag',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({
          onSale: Type.Optional(Type.Boolean()),
          stock: Type.Optional(Type.Integer({ minimum: 0 })),
          recommend: Type.Optional(Type.Boolean()),
        }),
        response: { 200: GoodsOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.catalogue.updateGoods(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, goodsOut),
  );
}
