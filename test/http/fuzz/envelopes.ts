// What a refusal looks like in each dialect. `refusal` returns null when the
// reply is a proper error in the dialect's envelope, otherwise what is wrong.
import type { LightMyRequestResponse } from 'fastify';
import type { Dialect } from '../../../src/http/edge/registry.ts';

type Body = Record<string, unknown>;

const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown) => typeof v === 'string';

function jsonOf(res: LightMyRequestResponse): Body | null {
  try {
    const v = res.json() as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : null;
  } catch {
    return null;
  }
}

/** Per dialect: is this body a refusal in its envelope (null) or not (why)? */
const CHECKS: Record<Dialect, (res: LightMyRequestResponse, b: Body) => string | null> = {
  native(res, b) {
    if (res.statusCode < 400) return `HTTP ${res.statusCode}: accepted`;
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) return `content-type ${res.headers['content-type']}`;
    if (b.status !== res.statusCode) return `problem status ${String(b.status)} is not the HTTP status ${res.statusCode}`;
    if (![b.type, b.title, b.detail, b.code].every(isStr)) return 'problem without type/title/detail/code';
    return null;
  },
  apifm(res, b) {
    if (res.statusCode !== 200) return `HTTP ${res.statusCode} (apifm answers 200)`;
    if (!isNum(b.code) || !isStr(b.msg)) return 'not {code, msg}';
    if (b.code === -1) return 'code -1 (internal error)';
    if (b.code === 0 || b.code === 700) return `code ${String(b.code)}: accepted`;
    return null;
  },
  liyuquan(_res, b) {
    if (!isNum(b.errCode) || b.result !== b.errCode || !isNum(b.time)) return 'not {errCode, result, msg, time}';
    if (b.errCode === 0) return 'errCode 0: accepted';
    return null;
  },
  seller(_res, b) {
    if (!isNum(b.code) || !isStr(b.msg) || !('data' in b)) return 'not {code, msg, data}';
    if (b.code === 1000) return 'code 1000: accepted';
    return null;
  },
  portal(_res, b) {
    if (!isNum(b.code)) return 'not {code, …}';
    if ([200, 20001, 20003].includes(b.code as number)) return `code ${String(b.code)}: accepted`;
    if (!isStr(b.message)) return 'refusal without message';
    return null;
  },
};

export function refusal(dialect: Dialect, res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `HTTP ${res.statusCode}`;
  const b = jsonOf(res);
  if (!b) return `not a JSON object (${String(res.headers['content-type'])}): ${res.body.slice(0, 80)}`;
  return CHECKS[dialect](res, b);
}
