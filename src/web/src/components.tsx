// Pieces every page uses: a paged list hook, a confirmation that states what
// will happen, status tags, the coupon as the customer sees it.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { App as AntApp, Button, Form, Input, InputNumber, Space, Tag, type InputNumberProps } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { api, type Page, type Query, type Store, type Template } from './api.ts';
import { exportCsv } from './csv.ts';
import { errorText, useI18n, type MessageKey, type T } from './i18n.tsx';
import { useSession } from './session.tsx';

/** A server-paged list: filters, page, page size, reload. */
export function useList<R>(path: string, initial: Query = {}, pageSize = 10) {
  const { message } = AntApp.useApp();
  const { t } = useI18n();
  const [filters, setFilters] = useState<Query>(initial);
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(pageSize);
  const [data, setData] = useState<Page<R>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const r = await api.get<Page<R>>(path, { ...filters, limit: size, offset: (page - 1) * size });
      if (n === seq.current) setData(r);
    } catch (e) {
      if (n === seq.current) message.error(errorText(t, e));
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, [path, filters, page, size, message, t]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Every row matching the filters (for CSV export), 500 at a time. */
  const all = useCallback(async () => {
    const out: R[] = [];
    for (let offset = 0; offset < 100_000; offset += 500) {
      const r = await api.get<Page<R>>(path, { ...filters, limit: 500, offset });
      out.push(...r.items);
      if (r.items.length < 500 || out.length >= r.total) break;
    }
    return out;
  }, [path, filters]);

  return {
    data,
    loading,
    filters,
    reload: load,
    all,
    search: (f: Query) => {
      setPage(1);
      setFilters(f);
    },
    pagination: {
      current: page,
      pageSize: size,
      total: data.total,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (n: number) => t('total', { n }),
      onChange: (p: number, s: number) => {
        setPage(s !== size ? 1 : p);
        setSize(s);
      },
    },
  };
}

/** Ask before doing something destructive or that moves money; the text says what will happen. */
export function useConfirm() {
  const { modal, message } = AntApp.useApp();
  const { t } = useI18n();
  return (opts: { title: string; content: ReactNode; danger?: boolean; okText?: string; run: () => Promise<unknown>; success?: string }) =>
    modal.confirm({
      title: opts.title,
      content: opts.content,
      okText: opts.okText ?? t('confirm'),
      cancelText: t('cancel'),
      okButtonProps: { danger: opts.danger },
      onOk: async () => {
        try {
          await opts.run();
          if (opts.success !== '') message.success(opts.success ?? t('done'));
        } catch (e) {
          message.error(errorText(t, e));
        }
      },
    });
}

const TEMPLATE_COLORS: Record<string, string> = {
  draft: 'default',
  pending: 'gold',
  active: 'green',
  paused: 'orange',
  ended: 'default',
  voided: 'red',
};
const COUPON_COLORS: Record<string, string> = { usable: 'green', not_yet_valid: 'blue', expired: 'default', used: 'purple', voided: 'red' };
const PROMO_COLORS: Record<string, string> = { draft: 'default', pending: 'gold', approved: 'green', rejected: 'red', voided: 'default' };
const BATCH_COLORS: Record<string, string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error' };

export function StateTag({ kind, value }: { kind: 'tstate' | 'cstatus' | 'pstate' | 'bstate' | 'jstate'; value: string }) {
  const { t } = useI18n();
  // Jobs share the batches' four states (queued, running, done, failed) and their colours.
  const colors = kind === 'tstate' ? TEMPLATE_COLORS : kind === 'cstatus' ? COUPON_COLORS : kind === 'pstate' ? PROMO_COLORS : BATCH_COLORS;
  const key = `${kind}.${value}` as MessageKey;
  return <Tag color={colors[value] ?? 'default'}>{t(key) === key ? value : t(key)}</Tag>;
}

export function label(t: T, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const s = t(key);
  return s === key ? value : s;
}

/** "¥10 off over ¥100" / "8.8折" in the user's language. */
export function discountText(
  tpl: Pick<Template, 'discount' | 'minSpend'>,
  t: T,
  money: (v: string | number) => string,
): { value: string; cond: string } {
  const d = tpl.discount;
  let value: string;
  if (d.type === 'amount') value = money(d.amount ?? '0');
  else {
    const rate = Number(d.rate ?? 1);
    value = t('tpl.rateText', { r: +(rate * 10).toFixed(2), p: +((1 - rate) * 100).toFixed(2) });
  }
  const min = Number(tpl.minSpend || 0);
  let cond = min > 0 ? t('tpl.over', { amount: money(tpl.minSpend) }) : t('tpl.noThreshold');
  if (d.type === 'rate' && d.maxOff) cond += ' · ' + t('tpl.offCap', { amount: money(d.maxOff) });
  return { value, cond };
}

/** The coupon as a customer sees it in the app. */
export function CouponCard({
  tpl,
  grey,
  footer,
  hideStock,
}: {
  tpl: Partial<Template> & Pick<Template, 'discount' | 'minSpend' | 'name'>;
  grey?: boolean;
  footer?: ReactNode;
  hideStock?: boolean;
}) {
  const { t, lang } = useI18n();
  const { fmt } = useSession();
  const { value, cond } = discountText(tpl, t, fmt.money);
  const v = tpl.validity;
  const validity =
    v?.type === 'fixed' && v.from && v.to
      ? t('tpl.validTo', { from: fmt.d(v.from), to: fmt.d(v.to) })
      : v?.type === 'relative' && v.days
        ? v.startAfterDays
          ? t('tpl.validRelAfter', { days: v.days, after: v.startAfterDays })
          : t('tpl.validRel', { days: v.days })
        : '';
  const tags: string[] = [];
  if (tpl.storeIds?.length) tags.push(t('tpl.storesN', { n: tpl.storeIds.length }));
  if (tpl.claimCostPoints) tags.push(t('tpl.pointsCost', { n: tpl.claimCostPoints }));
  if (tpl.price && Number(tpl.price) > 0) tags.push(fmt.money(tpl.price));
  if (tpl.hasClaimPassword) tags.push(t('tpl.needPassword'));
  const isMoney = tpl.discount.type === 'amount';
  const sym = isMoney ? '¥' : '';
  return (
    <div className={`coupon${grey ? ' grey' : ''}`} data-testid="coupon-card">
      <div className="coupon-left">
        <div className="coupon-value">
          {isMoney ? (
            <>
              <small>{sym}</small>
              {Number(tpl.discount.amount ?? 0).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 2 })}
            </>
          ) : (
            value
          )}
        </div>
        <div className="coupon-cond">{cond}</div>
      </div>
      <div className="coupon-right">
        <div className="coupon-name">{tpl.name || '—'}</div>
        {tpl.description ? <div className="coupon-meta">{tpl.description}</div> : null}
        <div className="coupon-meta">{validity}</div>
        <div className="coupon-meta">{[tpl.storeIds?.length ? '' : t('tpl.allStores'), ...tags].filter(Boolean).join(' · ')}</div>
        <div className="coupon-foot">
          <span className="coupon-meta">
            {tpl.stock != null && !hideStock ? `${t('dash.left')} ${Math.max(0, (tpl.stock ?? 0) - (tpl.issued ?? 0))}` : ''}
          </span>
          {footer ?? <span className="coupon-btn">{t('tpl.claimNow')}</span>}
        </div>
      </div>
    </div>
  );
}

type Cell = string | number | boolean | null | undefined;

/** "Export CSV" for a list: the rows are fetched when clicked (usually every row matching the filters). */
export function CsvButton({
  filename,
  header,
  rows,
  testId,
}: {
  filename: string;
  header: string[];
  rows: () => Promise<Cell[][]> | Cell[][];
  testId?: string;
}) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      data-testid={testId}
      onClick={async () => {
        setBusy(true);
        try {
          exportCsv(filename, header, await rows());
        } catch (e) {
          message.error(errorText(t, e));
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('exportCsv')}
    </Button>
  );
}

/** The stores this staff member works in (all of the tenant's when none are assigned), and the one picked at this till (remembered). */
export function useMyStores() {
  const { me } = useSession();
  const [stores, setStores] = useState<Store[]>([]);
  const [storeId, setStoreId] = useState<number | undefined>(() => Number(localStorage.getItem('quan.store')) || undefined);
  useEffect(() => {
    void api.get<{ items: Store[] }>('/stores', { limit: 500 }).then((r) => {
      const mine = me?.staff.storeIds.length ? r.items.filter((s) => me.staff.storeIds.includes(s.id)) : r.items;
      setStores(mine);
      setStoreId((cur) => (cur && mine.some((s) => s.id === cur) ? cur : mine[0]?.id));
    });
  }, [me]);
  useEffect(() => {
    if (storeId) localStorage.setItem('quan.store', String(storeId));
  }, [storeId]);
  return { stores, storeId, setStoreId, store: stores.find((s) => s.id === storeId) };
}

/** An amount in yuan: two decimals, ¥ in front. */
export function MoneyInput(props: InputNumberProps<number>) {
  return <InputNumber<number> min={0} precision={2} prefix="¥" style={{ width: '100%' }} {...props} />;
}

/** "8800 0000 1234" → "8800…1234" for confirmations. */
export function cardNoText(no: string): string {
  return no.length > 10 ? `${no.slice(0, 4)}…${no.slice(-4)}` : no;
}

/** A confirmation's text with a box for the reason (a rejection tells the editor why); `reason.value` holds what was typed. */
export function withReason(t: T, text: string): { content: ReactNode; reason: { value: string } } {
  const reason = { value: '' };
  const content = (
    <div>
      <p>{text}</p>
      <Input.TextArea
        rows={3}
        maxLength={500}
        placeholder={t('rejectReason')}
        onChange={(e) => (reason.value = e.target.value)}
        data-testid="reject-reason"
      />
    </div>
  );
  return { content, reason };
}

/** The search and reset buttons at the end of a list's filter form. */
export function FilterButtons({ onReset }: { onReset: () => void }) {
  const { t } = useI18n();
  return (
    <Form.Item>
      <Space>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
        <Button onClick={onReset}>{t('reset')}</Button>
      </Space>
    </Form.Item>
  );
}
