// The 礼遇圈 dialect's envelope, error codes, formats and token handling
// (seed 001): `{errCode, result, msg, data, time}` plus `total, pages,
// pageNum, pageSize` on pages; errCode 0 ok, 1 failed, 4 missing parameter,
// 1002 login needed, 1003 permission denied, 1005 user not found, 1006 SMS
// code wrong, 1007 phone already registered.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fenToYuan } from '../../kernel/money.ts';
import { ErrorCode, type DomainError } from '../../kernel/result.ts';
import type { Principal } from '../../kernel/deps.ts';
import type { Services } from '../../compose.ts';
import { isSmsCodeFailure, missingThing } from '../../contexts/cards/index.ts';
import { roleMay } from '../../contexts/identity/index.ts';
import { PATH_NEEDS, pathOf } from './wire/permissions.ts';

export const LYQ = {
  ok: 0,
  failed: 1,
  missingParam: 4,
  signature: 5,
  loginNeeded: 1002,
  forbidden: 1003,
  userNotFound: 1005,
  smsCodeWrong: 1006,
  phoneRegistered: 1007,
} as const;

export function envelope(errCode: number, extra: { msg?: string; data?: unknown; page?: PageFields } = {}) {
  return {
    errCode,
    result: errCode,
    ...(extra.msg !== undefined ? { msg: extra.msg } : {}),
    ...(extra.data !== undefined ? { data: extra.data } : {}),
    time: Date.now(),
    ...(extra.page ?? {}),
  };
}

export interface PageFields {
  total: number;
  pages: number;
  pageNum: number;
  pageSize: number;
}

export function pageFields(total: number, pageNum: number, pageSize: number): PageFields {
  return { total, pages: Math.ceil(total / pageSize), pageNum, pageSize };
}

/** Paging parameters: pageNum from 1, pageSize 1-100 (default 14). */
export function paging(p: { pageNum?: number; pageSize?: number }) {
  const pageNum = Math.max(1, Math.floor(p.pageNum ?? 1));
  const pageSize = Math.min(100, Math.max(1, Math.floor(p.pageSize ?? 14)));
  return { pageNum, pageSize, limit: pageSize, offset: (pageNum - 1) * pageSize };
}

/** A domain error → this dialect's code. */
export function codeOf(e: DomainError): number {
  switch (e.code) {
    case ErrorCode.unauthenticated:
      return LYQ.loginNeeded;
    case ErrorCode.forbidden:
      return LYQ.forbidden;
    case ErrorCode.already_registered:
      return LYQ.phoneRegistered;
    case ErrorCode.not_found:
      return missingThing(e) === 'user' ? LYQ.userNotFound : LYQ.failed;
    case ErrorCode.wrong_password:
    case ErrorCode.invalid_input:
      return isSmsCodeFailure(e) ? LYQ.smsCodeWrong : LYQ.failed;
    default:
      return LYQ.failed;
  }
}

export const sendFail = (reply: FastifyReply, e: DomainError) => reply.code(200).send(envelope(codeOf(e), { msg: e.message }));
export const sendCode = (reply: FastifyReply, errCode: number, msg: string, status = 200) =>
  reply.code(status).send(envelope(errCode, { msg }));

/** Money as the client's BigDecimal number (200.00 → 200). */
export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? null : fenToYuan(fen));

/** Jackson's default date form in UTC: "2019-12-13T06:34:46.000+0000". */
export const javaTime = (d: Date | null | undefined) => (d ? d.toISOString().replace('Z', '+0000') : null);

/** "YYYY-MM-DD HH:mm:ss" in the tenant's zone. */
export function localTime(d: Date | null | undefined, timeZone: string): string | null {
  if (!d) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** 13-digit epoch milliseconds → Date (undefined when absent or 0). */
export const msTime = (v: number | undefined | null) => (v ? new Date(v) : undefined);

/** The staff token: `token` in the body or query, a `token` header, or a bearer token. */
export function tokenOf(req: FastifyRequest): string | null {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const query = (req.query ?? {}) as Record<string, unknown>;
  const h = req.headers.token;
  const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const t = body.token ?? query.token ?? (typeof h === 'string' ? h : undefined) ?? auth?.[1];
  return typeof t === 'string' && t.length > 0 ? t : null;
}

declare module 'fastify' {
  interface FastifyRequest {
    lyq: { principal: Principal & { kind: 'staff' }; tenantId: number; timeZone: string; tenantName: string } | null;
  }
}

/**
 * Checks a staff token and, when it is good, sets `req.lyq`; otherwise the
 * refusal to answer (1002 login needed, 1003 permission denied: not a
 * merchant's staff member, or the call needs a permission the role lacks,
 * wire/permissions.ts; a call it does not list is refused to everyone).
 */
export function staffCheck(services: Services) {
  return async (req: FastifyRequest, token: string | null): Promise<{ errCode: number; msg: string } | null> => {
    if (!token) return { errCode: LYQ.loginNeeded, msg: '需要登录' };
    const p = await services.auth.authenticate(token);
    if (!p || p.kind !== 'staff') return { errCode: LYQ.loginNeeded, msg: '需要登录' };
    if (p.tenantId === null) return { errCode: LYQ.forbidden, msg: '权限拒绝: not a staff member of a merchant' };
    const need = PATH_NEEDS[pathOf(req.routeOptions.url)];
    if (!need || (need !== 'read' && !roleMay(p.role, need)))
      return {
        errCode: LYQ.forbidden,
        msg: `权限拒绝: permission denied: a ${p.role} may not make this call${need ? ` (needs ${need})` : ''}`,
      };
    const t = await services.tenants.get(p.tenantId);
    if (!t) return { errCode: LYQ.forbidden, msg: '权限拒绝' };
    req.lyq = { principal: p, tenantId: p.tenantId, timeZone: t.timezone, tenantName: t.name };
    return null;
  };
}

/** preHandler: a staff member of a merchant, logged in through manage/user/login (or the console). */
export function staffAuth(services: Services) {
  const check = staffCheck(services);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const refused = await check(req, tokenOf(req));
    if (refused) return sendCode(reply, refused.errCode, refused.msg);
  };
}

export function lyqOf(req: FastifyRequest) {
  if (!req.lyq) throw new Error('lyqOf() on a route without staffAuth');
  return req.lyq;
}
