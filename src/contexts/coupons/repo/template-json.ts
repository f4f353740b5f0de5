// A template read with its coupon as `to_jsonb(t.*)`: JSON turns timestamptz
// into strings (and a driver may hand bigints over as strings), so every date
// and number column is put back before the template's mapper reads it. The
// one fix-up for this shape (coupon-extras.ts still has its own copy: the
// issuing half owns it).
import { toTemplate, type Template, type TemplateRow } from '../templates.ts';

const date = (v: unknown) => (v == null ? null : new Date(v as string));
const num = (v: unknown) => (v == null ? null : Number(v));

export function templateFromJson(t: TemplateRow): Template {
  return toTemplate({
    ...t,
    valid_from: date(t.valid_from),
    valid_to: date(t.valid_to),
    claim_from: date(t.claim_from),
    claim_to: date(t.claim_to),
    created_at: date(t.created_at)!,
    updated_at: date(t.updated_at)!,
    amount_off: num(t.amount_off),
    max_off: num(t.max_off),
    min_spend: Number(t.min_spend),
    price: Number(t.price),
    id: Number(t.id),
    tenant_id: Number(t.tenant_id),
  });
}
