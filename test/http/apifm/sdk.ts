// The real public SDK (apifm-wxapi) driven from Node: its request function is
// replaced (init3) by one that sends what wx.request would send (form fields
// or a query string) to the app through app.inject. Both of the SDK's bases
// (API_BASE_URL + '/' + subDomain, and the absolute COMMON_BASE_URL + subDomain)
// land on /{subDomain}/… here.
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WxApi = Record<string, (...args: any[]) => Promise<{ code: number; msg: string; data?: any }>>;

/** Every call recorded (method, path), to show which endpoints the SDK actually hit. */
export const sdkCalls: Array<{ method: string; path: string }> = [];

export function sdkFor(app: FastifyInstance, slug: string): WxApi {
  const wxapi = require('apifm-wxapi') as WxApi & { init3: (o: unknown) => void };
  const base = 'http://quan.test';
  wxapi.init3({
    apiBaseUrl: base,
    subDomain: slug,
    request: async (url: string, needSubDomain: boolean, method: string, data?: Record<string, unknown>) => {
      const full = url.startsWith('http') ? url : `${base}${needSubDomain ? `/${slug}` : ''}${url}`;
      const path = new URL(full).pathname;
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(data ?? {}))
        if (v !== undefined && v !== null) form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
      const m = method.toUpperCase() as 'GET' | 'POST';
      sdkCalls.push({ method: m, path });
      const res = await app.inject(
        m === 'GET'
          ? { method: m, url: `${path}?${form.toString()}` }
          : { method: m, url: path, payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      );
      if (res.statusCode !== 200) throw new Error(`${m} ${path}: HTTP ${res.statusCode} ${res.body}`);
      return res.json();
    },
  });
  return wxapi;
}
