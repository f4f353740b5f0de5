import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import type { User } from '../../contexts/identity/index.ts';
import { formatMoney, parseMoney } from '../../kernel/money.ts';

export const UserOut = Type.Object({
  id: Id,
  mobile: Nullable(Type.String()),
  username: Nullable(Type.String()),
  email: Nullable(Type.String()),
  nick: Nullable(Type.String()),
  avatar: Nullable(Type.String()),
  referrerId: Nullable(Type.Integer()),
  sellerId: Nullable(Type.Integer()),
  source: Nullable(
    Type.String({ description: 'where the user came from (iOS, android, wechat, h5, …); promo codes and templates may be limited by it' }),
  ),
  points: Type.Integer(),
  walletBalance: Money,
  hasPurchased: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const userOut = ({ tenantId: _t, ...u }: User) => ({
  ...u,
  walletBalance: formatMoney(u.walletBalance),
  createdAt: u.createdAt.toISOString(),
});

export default async function userRoutes(app: NativeApp) {
  const { services, guard } = app;
  const opt = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

  app.post(
    '/users',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['users'],
        summary: 'Create a consumer of the tenant',
        security: [{ bearer: [] }],
        body: Type.Object({
          mobile: opt(20),
          username: opt(64),
          email: opt(200),
          nick: opt(100),
          avatar: opt(500),
          password: opt(200),
          source: Type.Optional(
            Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,32}$', description: 'the channel the user came from, e.g. iOS, android, wechat' }),
          ),
        }),
        response: { 201: UserOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.users.create(tenantOf(req), req.body, principalOf(req)), 201, userOut),
  );

  app.get(
    '/users',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }),
      schema: {
        tags: ['users'],
        summary: 'List consumers, filtered by mobile or username',
        security: [{ bearer: [] }],
        querystring: Type.Object({ mobile: opt(20), username: opt(64), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(UserOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const r = await services.users.list(tenantOf(req), { mobile: req.query.mobile, username: req.query.username, ...pageOf(req.query) });
      return { items: r.items.map(userOut), total: r.total };
    },
  );

  app.get(
    '/users/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }),
      schema: {
        tags: ['users'],
        summary: 'One consumer',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Id }),
        response: { 200: UserOut, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const u = await services.users.get(tenantOf(req), req.params.id);
      if (!u) return sendProblem(reply, 'not_found', 404, 'user not found');
      return userOut(u);
    },
  );
}

export async function userLedgerRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  const Entry = Type.Object({
    id: Id,
    delta: Type.String(),
    balanceAfter: Type.String(),
    reason: Type.String(),
    ref: Nullable(Type.String()),
    remark: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  });
  type E = { id: number; delta: number; balanceAfter: number; reason: string; ref: string | null; remark: string | null; createdAt: Date };
  const entryOut = (fmt: (n: number) => string) => (e: E) => ({
    ...e,
    delta: fmt(e.delta),
    balanceAfter: fmt(e.balanceAfter),
    createdAt: e.createdAt.toISOString(),
  });

  app.post(
    '/users/:id/wallet/credit',
    {
      preHandler: [guard({ roles: ['owner', 'admin'] }), idempotent],
      schema: {
        tags: ['users'],
        summary: "An operator's top-up (or, negative, deduction) of a user's wallet",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Id }),
        body: Type.Object({
          amount: Type.String({ pattern: '^-?\\d{1,13}(\\.\\d{1,2})?$' }),
          remark: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Entry, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) => {
      const neg = req.body.amount.startsWith('-');
      const fen = parseMoney(neg ? req.body.amount.slice(1) : req.body.amount);
      if (fen === null) return sendProblem(reply, 'invalid_input', 400, 'amount: not an amount like "100.00"');
      return sendResult(
        reply,
        await services.ledgers.creditWallet(tenantOf(req), req.params.id, neg ? -fen : fen, req.body.remark ?? null, principalOf(req)),
        201,
        entryOut(formatMoney),
      );
    },
  );

  app.post(
    '/users/:id/points/credit',
    {
      preHandler: [guard({ roles: ['owner', 'admin'] }), idempotent],
      schema: {
        tags: ['users'],
        summary: "An operator's credit (or, negative, debit) of a user's points",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Id }),
        body: Type.Object({ points: Type.Integer(), remark: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 201: Entry, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.ledgers.creditPoints(tenantOf(req), req.params.id, req.body.points, req.body.remark ?? null, principalOf(req)),
        201,
        entryOut(String),
      ),
  );
}
