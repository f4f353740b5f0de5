// The 礼遇圈 store-staff dialect (seed 001), mounted at /web/: every route is
// a POST taking form or JSON parameters, answering `{errCode, result, msg,
// data, time}` (+ `total, pages, pageNum, pageSize` on pages). Thin: parse,
// authorise, call a service, shape the reply; errors never leave as
// problem+json but in this envelope with the seed's codes.
import multipart from '@fastify/multipart';
import type { FastifyError } from 'fastify';
import type { Services } from '../../compose.ts';
import { LYQ, sendCode, staffAuth, staffCheck } from './kit.ts';
import { typed, type App, type RouteCtx } from './routes/shared.ts';
import { userRoutes } from './routes/user.ts';
import { moneyRoutes, operationRoutes } from './routes/operations.ts';
import { memberRoutes, queryRoutes } from './routes/queries.ts';
import { uploadRoutes } from './routes/upload.ts';
import { scanRoutes } from './routes/scan.ts';
import { invoiceRoutes } from './routes/invoices.ts';

export async function liyuquanApi(app: App, opts: { services: Services }) {
  const { services } = opts;
  const r = typed(app);
  const auth = staffAuth(services);
  const checkStaff = staffCheck(services);
  await app.register(multipart, { limits: { fileSize: services.uploads.maxBytes, files: 1, fields: 10 } });
  app.decorateRequest('lyq', null);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const v = err.validation[0];
      const missing = v?.keyword === 'required' ? String(v.params?.missingProperty ?? '') : null;
      if (missing) return sendCode(reply, LYQ.missingParam, `缺少参数: ${missing}`);
      return sendCode(reply, LYQ.missingParam, `参数错误: ${(v?.instancePath || '').replace(/^\//, '')} ${v?.message ?? ''}`.trim());
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendCode(reply, status, err.message, status);
    req.log.error({ err }, 'unhandled error');
    return sendCode(reply, 500, `服务器内部错误 (request ${req.id})`, 500);
  });
  app.setNotFoundHandler((req, reply) => sendCode(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`, 404));

  const ctx: RouteCtx = { r, services, auth, checkStaff };
  // The seed's own sections, in its order.
  userRoutes(ctx);
  operationRoutes(ctx);
  moneyRoutes(ctx);
  queryRoutes(ctx);
  memberRoutes(ctx);
  uploadRoutes(ctx);
  scanRoutes(ctx);
  invoiceRoutes(ctx);
}
