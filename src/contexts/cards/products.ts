// Card products and their recharge events: create, edit, read.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { Fen } from '../../kernel/money.ts';
import {
  CARD_KINDS,
  COLOUR_RE,
  EVENT_KINDS,
  eventGivesCoupons,
  validMoney,
  type CardEvent,
  type CardKind,
  type CardProduct,
  type EventKind,
} from './domain/card.ts';
import * as products from './repo/products.repo.ts';
import { staffIdOf } from './access.ts';

export interface NewProductInput {
  title: string;
  kind: CardKind;
  colour?: string | null;
  logo?: string | null;
  storeIds?: number[];
  summary?: string | null;
  detail?: string | null;
}

export interface ProductEdit {
  title?: string;
  colour?: string | null;
  logo?: string | null;
  storeIds?: number[];
  summary?: string | null;
  detail?: string | null;
  status?: number;
}

export interface NewEventInput {
  title: string;
  summary?: string | null;
  kind: EventKind;
  rechargeMoney: Fen;
  sendMoney: Fen;
  templateId?: number | null;
  quantity?: number | null;
}

/** What an event of a kind needs: coupons a template and a quantity, bonus money more than zero, coupons-only no money. */
function checkEvent(input: NewEventInput): string | null {
  if (!input.title?.trim()) return 'title is required';
  if (!EVENT_KINDS.includes(input.kind)) return 'type must be 1 (bonus money), 2 (coupons) or 5 (both)';
  const bad = validMoney(input.rechargeMoney, 'rechargeMoney') ?? validMoney(input.sendMoney, 'sendMoney', true);
  if (bad) return bad;
  if (eventGivesCoupons(input.kind) && (!input.templateId || !input.quantity || input.quantity < 1 || input.quantity > 100)) {
    return 'an event of type 2 or 5 needs couponTemplateId and quantity (1-100)';
  }
  if (input.kind === 'bonus' && input.sendMoney <= 0) return 'an event of type 1 gives bonus money: sendMoney must be more than zero';
  if (input.kind === 'coupons' && input.sendMoney !== 0) return 'an event of type 2 gives coupons only: sendMoney must be 0';
  return null;
}

export function productUseCases(deps: Deps) {
  const getProduct = (tenantId: number, id: number) => products.getProduct(deps.db, tenantId, id);
  const getEvent = (tenantId: number, id: number) => products.getEvent(deps.db, tenantId, id);

  async function createProduct(tenantId: number, input: NewProductInput, by: Principal): Promise<Result<CardProduct, 'invalid_input'>> {
    if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required');
    if (!CARD_KINDS.includes(input.kind))
      return fail(ErrorCode.invalid_input, 'type must be 1 (platform card), 10 (stored-value card) or 11 (event card)');
    if (input.colour && !COLOUR_RE.test(input.colour)) return fail(ErrorCode.invalid_input, 'colour must be like #E43B19');
    const storeIds = [...new Set(input.storeIds ?? [])];
    return deps.db.txResult(async (q) => {
      const stores = await products.loadStores(q, tenantId, storeIds);
      if (stores.length !== storeIds.length)
        return fail(ErrorCode.invalid_input, 'storeIds: every store must be one of this merchant', { field: 'storeIds' });
      const id = await products.insertProduct(q, tenantId, {
        title: input.title.trim(),
        kind: input.kind,
        colour: input.colour ?? null,
        logo: input.logo ?? null,
        storeIds,
        summary: input.summary ?? null,
        detail: input.detail ?? null,
        createdBy: staffIdOf(by),
      });
      await audit(q, tenantId, by, {
        action: 'card_product.create',
        targetType: 'card_product',
        targetId: id,
        details: { title: input.title, type: products.CARD_KIND_DB[input.kind] },
      });
      return ok((await products.getProduct(q, tenantId, id))!);
    });
  }

  /** Changes a product's face, stores or status (2 = disabled: no new cards); its kind never changes once cards may exist. */
  async function updateProduct(
    tenantId: number,
    id: number,
    input: ProductEdit,
    by: Principal,
  ): Promise<Result<CardProduct, 'invalid_input' | 'not_found'>> {
    if (input.title !== undefined && !input.title.trim())
      return fail(ErrorCode.invalid_input, 'title must not be empty', { field: 'title' });
    if (input.colour && !COLOUR_RE.test(input.colour))
      return fail(ErrorCode.invalid_input, 'colour must be like #E43B19', { field: 'colour' });
    if (input.status !== undefined && input.status !== 1 && input.status !== 2)
      return fail(ErrorCode.invalid_input, 'status must be 1 (in use) or 2 (disabled)', { field: 'status' });
    const storeIds = input.storeIds === undefined ? undefined : [...new Set(input.storeIds)];
    return deps.db.txResult(async (q) => {
      if (storeIds) {
        const stores = await products.loadStores(q, tenantId, storeIds);
        if (stores.length !== storeIds.length)
          return fail(ErrorCode.invalid_input, 'storeIds: every store must be one of this merchant', { field: 'storeIds' });
      }
      const given = <T>(v: T | undefined, f: (x: T) => unknown) => (v === undefined ? undefined : f(v));
      const found = await products.patchProduct(q, tenantId, id, {
        title: input.title?.trim(),
        colour: given(input.colour, (c) => c || null) as string | null | undefined,
        logo: given(input.logo, (l) => l || null) as string | null | undefined,
        storeIds,
        summary: input.summary,
        detail: input.detail,
        status: input.status,
      });
      if (!found) return fail(ErrorCode.not_found, 'card product not found');
      await audit(q, tenantId, by, { action: 'card_product.update', targetType: 'card_product', targetId: id, details: { ...input } });
      return ok((await products.getProduct(q, tenantId, id))!);
    });
  }

  /** Products with their stores and events; storeIds limits to products usable in one of those stores. */
  const listProducts = (tenantId: number, f: { kind?: CardKind; activeOnly?: boolean; storeIds?: number[] } = {}): Promise<CardProduct[]> =>
    products.listProducts(deps.db, tenantId, f);

  async function createEvent(
    tenantId: number,
    productId: number,
    input: NewEventInput,
    by: Principal,
  ): Promise<Result<CardEvent, 'invalid_input' | 'not_found'>> {
    const bad = checkEvent(input);
    if (bad) return fail(ErrorCode.invalid_input, bad);
    const withCoupons = eventGivesCoupons(input.kind);
    return deps.db.txResult(async (q) => {
      const p = await products.productBrief(q, tenantId, productId);
      if (!p) return fail(ErrorCode.not_found, 'card product not found');
      if (withCoupons && !(await products.templateExists(q, tenantId, input.templateId!)))
        return fail(ErrorCode.not_found, 'coupon template not found', { field: 'couponTemplateId' });
      const id = await products.insertEvent(q, tenantId, {
        productId,
        title: input.title.trim(),
        summary: input.summary ?? null,
        kind: input.kind,
        rechargeMoney: input.rechargeMoney,
        sendMoney: input.sendMoney,
        templateId: withCoupons ? input.templateId! : null,
        quantity: withCoupons ? input.quantity! : null,
        onEventCard: p.kind === 'event',
        createdBy: staffIdOf(by),
      });
      const { kind, ...rest } = input;
      await audit(q, tenantId, by, {
        action: 'card_event.create',
        targetType: 'card_event',
        targetId: id,
        details: { productId, ...rest, type: products.EVENT_KIND_DB[kind] },
      });
      return ok((await products.getEvent(q, tenantId, id))!);
    });
  }

  async function listEvents(tenantId: number, productId: number, activeOnly = false): Promise<Result<CardEvent[], 'not_found'>> {
    if (!(await products.productExists(deps.db, tenantId, productId))) return fail(ErrorCode.not_found, 'card product not found');
    return ok(await products.loadEvents(deps.db, tenantId, [productId], activeOnly));
  }

  return { createProduct, updateProduct, getProduct, listProducts, createEvent, getEvent, listEvents };
}
