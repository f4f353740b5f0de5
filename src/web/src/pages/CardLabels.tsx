// How the card pages label ledger kinds, bucket states and card types.
import { Tag } from 'antd';
import { type CardEntry } from '../api.ts';
import { useI18n, type T } from '../i18n.tsx';
import { label } from '../components.tsx';

export const BUCKET_COLORS: Record<number, string> = { 1: 'blue', 2: 'processing', 3: 'gold', 4: 'default', 5: 'green' };
export const KIND_COLORS: Record<string, string> = {
  recharge: 'green',
  expense: 'orange',
  refund: 'purple',
  recharge_refund: 'purple',
  cash_back: 'cyan',
  invoice: 'default',
};

/** "+¥100.00 / ¥20.00" of a ledger row's capital and bonus. */
export function deltaText(e: CardEntry, fmt: (v: string) => string) {
  const sign = (v: string) => (Number(v) > 0 ? `+${fmt(v)}` : fmt(v));
  return Number(e.bonusDelta) ? `${sign(e.capitalDelta)} / ${sign(e.bonusDelta)}` : sign(e.capitalDelta);
}

export function KindTag({ kind }: { kind: string }) {
  const { t } = useI18n();
  return <Tag color={KIND_COLORS[kind] ?? 'default'}>{label(t, 'ck', kind)}</Tag>;
}

export function cardTypeText(t: T, type: number) {
  return label(t, 'cpt', String(type));
}
