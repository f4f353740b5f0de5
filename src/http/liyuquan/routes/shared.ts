// What every section of the 礼遇圈 dialect shares: the route context, the
// body schemas and the small reply helpers.
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseMoney } from '../../../kernel/money.ts';
import type { Services } from '../../../compose.ts';
import type { UserCard } from '../../../contexts/cards/index.ts';
import { CARD_TYPE } from '../wire/cards.ts';
import { MAX_ID, MAX_TIME_MS } from '../../edge/schema.ts';
import { envelope, localTime, LYQ, lyqOf, msTime, sendCode, yuan, type staffAuth, type staffCheck } from '../kit.ts';

export type App = FastifyInstance & { withTypeProvider: FastifyInstance['withTypeProvider'] };

export const typed = (app: App) => app.withTypeProvider<TypeBoxTypeProvider>();
export type Router = ReturnType<typeof typed>;

/** What a section's routes are registered with. */
export interface RouteCtx {
  r: Router;
  services: Services;
  auth: ReturnType<typeof staffAuth>;
  checkStaff: ReturnType<typeof staffCheck>;
}

export const Token = { token: Type.Optional(Type.String({ maxLength: 200 })) };
export const Body = <P extends TProperties>(props: P) => Type.Object({ ...Token, ...props });
/** An id (edge/schema.ts gives every other integer its bounds by name). */
export const Int = Type.Integer({ minimum: 1, maximum: MAX_ID });
export const Amount = Type.String({ maxLength: 20, description: 'BigDecimal, e.g. 200.00' });
export const OptStr = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
export const Paged = {
  pageNum: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 14 })),
};
/** Epoch milliseconds, 1970 … 9999. */
const EpochMs = Type.Integer({ minimum: 0, maximum: MAX_TIME_MS });
export const TimeRange = { startTime: Type.Optional(EpochMs), endTime: Type.Optional(EpochMs) };
export const schema = <T extends TSchema>(summary: string, body: T) => ({ tags: ['liyuquan'], summary, body });

export const storeIdsText = (ids: number[]) => (ids.length ? ids.join(',') : '');

export const ok = (reply: FastifyReply, extra: Parameters<typeof envelope>[1] = {}) => reply.send(envelope(LYQ.ok, extra));

/** Fen of an amount field, or null after answering that it is not one. */
export const money = (reply: FastifyReply, field: string, v: string) => {
  const fen = parseMoney(v);
  if (fen === null) {
    sendCode(reply, LYQ.failed, `${field}: "${v}" is not an amount like 200.00`);
    return null;
  }
  return fen;
};

export const actor = (req: FastifyRequest) => lyqOf(req).principal;
export const tenant = (req: FastifyRequest) => lyqOf(req).tenantId;
export const tz = (req: FastifyRequest) => lyqOf(req).timeZone;

/** startTime / endTime (epoch ms) as a record filter's from / to. */
export const timeRange = (b: { startTime?: number; endTime?: number }) => ({ from: msTime(b.startTime), to: msTime(b.endTime) });

/** A member card as the scan and card_detail replies show it. */
export const cardView = (c: UserCard, tzone: string) => ({
  id: c.id,
  membershipCardId: c.cardProductId,
  userId: c.userId,
  phone: c.phone,
  balance: yuan(c.balance),
  created: localTime(c.createdAt, tzone),
  cardNo: c.cardNo,
  title: c.title,
  summary: c.summary,
  colour: c.colour,
  logo: c.logo,
  type: CARD_TYPE[c.kind],
  storeIds: storeIdsText(c.storeIds),
  grade: null,
  summaryGrade: null,
  code: null,
  avatar: c.avatar,
  nickname: c.nickname,
});
