// apifm's words for the shop (catalogue and shop content): the wire numbers
// and Chinese labels its clients expect, mapped from the core's names.
import type { InvoiceState } from '../../../contexts/commerce/index.ts';

/** An invoice request's state as apifm shows it: status number and statusStr. */
export const INVOICE_WIRE: Record<InvoiceState, { status: number; label: string }> = {
  pending: { status: 0, label: '待处理' },
  issued: { status: 1, label: '已开票' },
  refused: { status: 2, label: '已拒绝' },
};

/** A goods' sale state as apifm shows it (status 0 on sale, 1 off). */
export const goodsStatus = (onSale: boolean): { status: number; statusStr: string } =>
  onSale ? { status: 0, statusStr: '上架' } : { status: 1, statusStr: '下架' };

/** A banner shown to consumers (only enabled ones are). */
export const BANNER_SHOWN = { status: 0, statusStr: '显示' } as const;

/** Why /shop/goods/price cannot answer a choice of properties, in apifm's codes. */
export const PRICE_REFUSAL = {
  skuNeeded: { code: 20001, msg: '未选择商品的规格和尺寸' },
  badSku: { code: 90000, msg: '错误的规格和尺寸参数' },
} as const;

export const GOODS_NOT_FOUND = '商品不存在';

/** The property name shown when a SKU's label names none. */
export const propertyName = (pid: number): string => `规格${pid}`;
