// The 礼遇圈 store-staff dialect (seed 001), mounted at /web/: every route is
// a POST taking form or JSON parameters, answering `{errCode, result, msg,
// data, time}` (+ `total, pages, pageNum, pageSize` on pages). Thin: parse,
// authorise, call a service, shape the reply; errors never leave as
// problem+json but in this envelope with the seed's codes.
import multipart from '@fastify/multipart';
import type { Services } from '../../compose.ts';
import { envelope, LYQ, sendCode, staffAuth, staffCheck } from './kit.ts';
import { edgeErrorHandler, JSON_TYPE, type EdgeError, type EdgeReply } from '../edge/kinds.ts';
import { typed, type App, type RouteCtx } from './routes/shared.ts';
import { userRoutes } from './routes/user.ts';
import { moneyRoutes, operationRoutes } from './routes/operations.ts';
import { memberRoutes, queryRoutes } from './routes/queries.ts';
import { uploadRoutes } from './routes/upload.ts';
import { scanRoutes } from './routes/scan.ts';
import { invoiceRoutes } from './routes/invoices.ts';

/**
 * An edge error in this dialect's envelope: a parameter error (missing, bad
 * format, bad body) is HTTP 200 errCode 4 like the seed's; other client errors
 * keep their HTTP status, also as errCode.
 */
export function renderLiyuquanEdge(e: EdgeError): EdgeReply {
  if (e.kind === 'missing')
    return { status: 200, contentType: JSON_TYPE, body: envelope(LYQ.missingParam, { msg: `缺少参数: ${e.field}` }) };
  if (e.kind === 'bad_input')
    return { status: 200, contentType: JSON_TYPE, body: envelope(LYQ.missingParam, { msg: `参数错误: ${e.message}` }) };
  const msg = e.kind === 'internal' ? `服务器内部错误 (request ${e.requestId})` : e.message;
  return { status: e.status, contentType: JSON_TYPE, body: envelope(e.status, { msg }) };
}

export async function liyuquanApi(app: App, opts: { services: Services }) {
  const { services } = opts;
  const r = typed(app);
  const auth = staffAuth(services);
  const checkStaff = staffCheck(services);
  await app.register(multipart, { limits: { fileSize: services.uploads.maxBytes, files: 1, fields: 10 } });
  app.decorateRequest('lyq', null);

  app.setErrorHandler(edgeErrorHandler(renderLiyuquanEdge));
  // Parameters in the query string count like form fields (the body wins), so a POST with no body works as the form.
  app.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown> | undefined;
    const b = req.body;
    if (!q || !Object.keys(q).length || !b || typeof b !== 'object' || Array.isArray(b) || Buffer.isBuffer(b)) return;
    req.body = { ...q, ...(b as Record<string, unknown>) };
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
