// The 礼遇圈 dialect, seed section 5 (upload): images as multipart forms.
import { Type } from '@sinclair/typebox';
import { readMultipart } from '../../multipart.ts';
import { LYQ, sendCode, sendFail, tokenOf } from '../kit.ts';
import { actor, ok, tenant, Token, type RouteCtx } from './shared.ts';

export function uploadRoutes({ r, services, checkStaff }: RouteCtx) {
  // The client posts every parameter, the token too, as a multipart form field
  // beside the file; the query string and the token header work as well.
  r.post(
    '/manage/upload/image',
    {
      schema: {
        tags: ['liyuquan'],
        summary:
          'Upload an image (multipart: field "file", "module" (int, 1 for now) and "token" as form fields or in the query); data is its absolute URL',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ module: Type.Optional(Type.Integer()), ...Token }),
      },
    },
    async (req, reply) => {
      // A token outside the form is checked before the file is read.
      const early = tokenOf(req);
      if (early) {
        const refused = await checkStaff(req, early);
        if (refused) return sendCode(reply, refused.errCode, refused.msg);
      }
      const form = await readMultipart(req);
      if (!early) {
        const refused = await checkStaff(req, form.ok ? (form.value.fields.token ?? null) : null);
        if (refused) return sendCode(reply, refused.errCode, refused.msg);
      }
      if (!form.ok) return sendFail(reply, form.error);
      const moduleText = form.value.fields.module ?? (req.query.module !== undefined ? String(req.query.module) : undefined);
      if (moduleText === undefined || moduleText === '') return sendCode(reply, LYQ.missingParam, '缺少参数: module');
      if (!/^-?\d{1,9}$/.test(moduleText.trim()))
        return sendCode(reply, LYQ.missingParam, `参数错误: module must be an integer, got "${moduleText.slice(0, 20)}"`);
      if (!form.value.file) return sendCode(reply, LYQ.failed, 'no file in the request (multipart field "file")');
      const out = await services.uploads.saveImage(tenant(req), form.value.file, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      // Absolute, like the seed's examples: PUBLIC_URL when configured (the service's URL), else this request's own origin.
      const url = /^https?:\/\//i.test(out.value.url) ? out.value.url : `${req.protocol}://${req.host}${out.value.url}`;
      return ok(reply, { msg: '成功', data: url });
    },
  );
}
