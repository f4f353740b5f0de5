// Calling the apifm dialect from tests: form-encoded like the mini-program SDKs.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../src/compose.ts';

export interface Env {
  code: number;
  msg: string;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function apifm(app: FastifyInstance, slug: string) {
  return async function call(
    path: string,
    params: Record<string, string | number | boolean | undefined> = {},
    method: 'GET' | 'POST' = 'POST',
  ): Promise<Env> {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = String(v);
    const qs = new URLSearchParams(clean).toString();
    const res = await app.inject(
      method === 'GET'
        ? { method, url: `/${slug}${path}${qs ? `?${qs}` : ''}` }
        : { method, url: `/${slug}${path}`, payload: qs, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode} ${res.body}`);
    return res.json() as Env;
  };
}

/** The newest code sent to a recipient (dev outbox). */
export async function lastCode(services: Services, tenantId: number, to: string): Promise<string> {
  const box = await services.messages.outbox(tenantId, 50);
  const m = box.find((x) => x.to === to && x.code);
  if (!m?.code) throw new Error(`no code sent to ${to}`);
  return m.code;
}

let seq = 0;
export const newMobile = () => `138${String(process.pid % 10000).padStart(4, '0')}${String(++seq).padStart(4, '0')}`;

/** Registers by mobile through the API (sms/get → m/register autoLogin) and returns {token, uid, mobile}. */
export async function registerUser(call: ReturnType<typeof apifm>, services: Services, tenantId: number, pwd = 'secret-123') {
  const mobile = newMobile();
  const sent = await call('/verification/sms/get', { mobile }, 'GET');
  if (sent.code !== 0) throw new Error(`sms/get: ${JSON.stringify(sent)}`);
  const code = await lastCode(services, tenantId, mobile);
  const r = await call('/user/m/register', { mobile, code, pwd, autoLogin: true });
  if (r.code !== 0) throw new Error(`register: ${JSON.stringify(r)}`);
  return { token: r.data.token as string, uid: r.data.uid as number, mobile, pwd };
}

/** A 卡密 batch with passwords for a template; returns [code, password] pairs. */
export async function makeExchangeCodes(
  app: FastifyInstance,
  services: Services,
  auth: { authorization: string },
  templateId: number,
  count = 3,
): Promise<Array<[string, string]>> {
  const b = await app.inject({
    method: 'POST',
    url: `/api/v1/coupon-templates/${templateId}/code-batches`,
    headers: auth,
    payload: { count, pattern: 'EX-####-####', withPassword: true },
  });
  if (b.statusCode !== 202) throw new Error(`batch: ${b.body}`);
  await services.codeBatches.wait(b.json().id);
  const csv = await app.inject({ method: 'GET', url: `/api/v1/code-batches/${b.json().id}/codes.csv`, headers: auth });
  return csv.body
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',') as [string, string]);
}
