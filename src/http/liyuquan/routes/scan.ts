// The 礼遇圈 dialect, seed section 6 (scan and coupons): QR scans, coupon
// write-off by number, giving coupons, templates to hand out (the counter context).
import { Type } from '@sinclair/typebox';
import type { CounterCoupon } from '../../../contexts/counter/index.ts';
import { localTime, LYQ, sendCode, sendFail, yuan } from '../kit.ts';
import { isEventCard } from '../wire/cards.ts';
import { actor, Body, cardView, Int, ok, schema, storeIdsText, tenant, tz, type RouteCtx } from './shared.ts';

/** A coupon as the scan reply shows it. */
const couponView = ({ coupon, template, stores, usable }: CounterCoupon, tzone: string) => ({
  num: coupon.id,
  couponId: template.id,
  userId: coupon.ownerId,
  quantity: usable,
  code: coupon.code,
  created: localTime(coupon.receivedAt ?? coupon.createdAt, tzone),
  title: template.name,
  summary: template.description,
  logo: null,
  storeIds: storeIdsText(template.storeIds),
  date: localTime(coupon.validTo, tzone),
  storeName: stores.map((s) => `${s.name}/`).join(''),
  status: coupon.status,
});

export function scanRoutes({ r, services, auth }: RouteCtx) {
  r.post(
    '/manage/tool/scan',
    {
      preHandler: auth,
      schema: schema(
        "Scan a member card's or a coupon's QR code (signed by quan, short-lived)",
        Body({ qrcode: Type.String({ minLength: 1, maxLength: 500 }) }),
      ),
    },
    async (req, reply) => {
      const v = await services.qr.verify(req.body.qrcode);
      if (!v.ok) return sendFail(reply, v.error);
      // Another merchant's QR code reads like one of a card or coupon nobody has: no existence oracle.
      const ours = v.value.tenantId === tenant(req);
      if (v.value.kind === 'card') {
        const c = ours ? await services.cards.getCard(tenant(req), { cardId: v.value.cardId }) : null;
        if (!c) return sendCode(reply, LYQ.failed, 'card not found');
        return ok(reply, {
          data: {
            ...cardView(c, tz(req)),
            qrcodeType: 1,
            capital: isEventCard(c.kind) ? yuan(c.capital) : 0,
            send: isEventCard(c.kind) ? yuan(c.bonus) : 0,
          },
        });
      }
      const cv = ours ? await services.counter.counterCoupon(tenant(req), v.value.code) : null;
      if (!cv) return sendCode(reply, LYQ.failed, 'coupon not found');
      return ok(reply, { data: { ...couponView(cv, tz(req)), qrcodeType: 2 } });
    },
  );

  r.post(
    '/manage/v3/coupon/use',
    {
      preHandler: auth,
      schema: schema(
        "Write off a coupon by its number in the staff member's store",
        Body({ num: Type.String({ minLength: 1, maxLength: 64 }) }),
      ),
    },
    async (req, reply) => {
      const out = await services.counter.writeOffByNumber(tenant(req), req.body.num, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      const { coupon, template, storeId, usableBefore } = out.value;
      const storeIds = storeIdsText(template.storeIds);
      const detail = {
        code: coupon.code,
        couponId: template.id,
        created: (coupon.receivedAt ?? coupon.createdAt).getTime(),
        date: coupon.validTo?.getTime() ?? null,
        logo: null,
        num: coupon.id,
        quantity: usableBefore,
        storeIds,
        summary: template.description,
        title: template.name,
        userId: coupon.ownerId,
      };
      return ok(reply, {
        data: {
          id: out.value.redemptionId,
          num: coupon.id,
          couponId: template.id,
          userId: coupon.ownerId,
          storeId,
          detail: JSON.stringify(detail),
          adminId: actor(req).staffId,
          quantity: 1,
          created: localTime(out.value.writtenOffAt, tz(req)),
          nickname: null,
          phone: null,
          storeName: null,
          title: template.name,
        },
      });
    },
  );

  r.post(
    '/manage/v3/coupon/forUser',
    {
      preHandler: auth,
      schema: schema(
        'Give N coupons of a template to a phone number',
        Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), couponId: Int, quantity: Type.Integer({ minimum: 1, maximum: 100 }) }),
      ),
    },
    async (req, reply) => {
      const out = await services.counter.giveCoupons(
        tenant(req),
        { templateId: req.body.couponId, phone: req.body.phone, quantity: req.body.quantity },
        actor(req),
      );
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '赠送成功' });
    },
  );

  r.post(
    '/manage/v3/coupon/xcx_list',
    { preHandler: auth, schema: schema('Coupon templates the staff member may hand out, with their stores', Body({})) },
    async (req, reply) => {
      const usable = await services.counter.staffTemplates(tenant(req), actor(req));
      return ok(reply, {
        data: usable.map(({ template: t, stores }) => ({
          id: t.id,
          title: t.name,
          summary: t.description,
          logo: null,
          storeIds: storeIdsText(t.storeIds),
          adminId: null,
          type: t.discount.type === 'amount' ? 1 : 2,
          status: 1,
          date: t.validity.type === 'fixed' ? localTime(t.validity.to, tz(req)) : null,
          updated: localTime(t.updatedAt, tz(req)),
          created: localTime(t.createdAt, tz(req)),
          storeVos: stores.map((s) => ({ id: s.id, name: s.name, address: s.address, area: s.area, phone: s.phone, linkman: s.linkman })),
        })),
      });
    },
  );
}
