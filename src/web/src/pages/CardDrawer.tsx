// One member card: its details, ledger and buckets, and the movements staff start from it.
import { BUCKET_COLORS, cardTypeText, deltaText, KindTag } from './CardLabels.tsx';
import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Col, Descriptions, Drawer, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { RollbackOutlined, ShoppingOutlined, WalletOutlined } from '@ant-design/icons';
import { api, newKey, type CardBucket, type CardEntry, type CardProduct, type MemberCard, type Page } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { cardNoText, label, useConfirm } from '../components.tsx';
import { RechargeModal, RefundModal, SpendModal } from './CardModals.tsx';

/** One card: balances, actions, event-card buckets, ledger. Used by the cards page and the member drawer. */
type Action = { kind: 'recharge' } | { kind: 'spend' } | { kind: 'refund'; entry: CardEntry };

export function CardDrawer({
  cardId,
  storeId,
  onClose,
  onChanged,
}: {
  cardId: number | null;
  storeId?: number;
  onClose: () => void;
  onChanged?: () => void;
}) {
  const { t } = useI18n();
  const { fmt, can, cardMay } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const [card, setCard] = useState<MemberCard | null>(null);
  const [product, setProduct] = useState<CardProduct | null>(null);
  const [ledger, setLedger] = useState<Page<CardEntry>>({ items: [], total: 0 });
  const [page, setPage] = useState(1);
  const [action, setAction] = useState<Action | null>(null);
  const staffRole = can('owner', 'admin', 'operator', 'seller');
  const seesLedger = cardMay('card.records');
  const mayRefund = staffRole && cardMay('card.refund');
  const mayCashBack = staffRole && cardMay('card.cash_back');

  const load = useCallback(async () => {
    if (!cardId) return;
    try {
      const c = await api.get<MemberCard>(`/cards/${cardId}`);
      setCard(c);
      if (seesLedger) setLedger(await api.get<Page<CardEntry>>(`/cards/${cardId}/ledger`, { limit: 10, offset: (page - 1) * 10 }));
      setProduct(await api.get<CardProduct>(`/card-products/${c.cardProductId}`));
    } catch (e) {
      message.error(errorText(t, e));
    }
  }, [cardId, page, message, t, seesLedger]);

  useEffect(() => {
    if (!cardId) {
      setCard(null);
      setPage(1);
    }
    void load();
  }, [cardId, load]);

  const changed = async () => {
    await load();
    onChanged?.();
  };

  const cashBack = (b: CardBucket) =>
    confirm({
      title: t('card.cashBack'),
      content: t('card.cashBackConfirm', {
        amount: fmt.money(b.capital),
        event: b.eventTitle ?? `#${b.eventId}`,
        no: card ? cardNoText(card.cardNo) : '',
      }),
      okText: t('card.cashBack'),
      run: async () => {
        await api.post(`/card-buckets/${b.id}/cash-back`, {}, { idempotencyKey: newKey() });
        await changed();
      },
    });

  const refundable = (e: CardEntry) => (e.kind === 'expense' || e.kind === 'recharge') && !e.refunded;

  return (
    <Drawer
      open={!!cardId}
      onClose={onClose}
      size={760}
      title={card ? `${t('card.card')} ${card.cardNo} · ${card.title}` : t('card.card')}
      data-testid="card-drawer"
    >
      {card && (
        <Space orientation="vertical" size={20} style={{ width: '100%' }}>
          <Row gutter={16} data-testid="card-balances">
            <Col span={6}>
              <Statistic title={t('card.balance')} value={fmt.money(card.balance)} />
            </Col>
            <Col span={6}>
              <Statistic title={t('card.capital')} value={fmt.money(card.capital)} />
            </Col>
            <Col span={6}>
              <Statistic title={t('card.bonus')} value={fmt.money(card.bonus)} />
            </Col>
            <Col span={6}>
              <Statistic title={t('inv.invoiceable')} value={fmt.money(card.invoiceable)} />
            </Col>
          </Row>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={t('card.no')}>
              <span className="mono">{card.cardNo}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('card.product')}>{`${card.title} · ${cardTypeText(t, card.type)}`}</Descriptions.Item>
            <Descriptions.Item label={t('mobile')}>{card.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('u.nick')}>{card.nickname ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('card.charged')}>{fmt.money(card.charged)}</Descriptions.Item>
            <Descriptions.Item label={t('inv.invoiced')}>{fmt.money(card.invoiced)}</Descriptions.Item>
            <Descriptions.Item label={t('store')}>{card.storeName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('createdAt')}>{fmt.dt(card.createdAt)}</Descriptions.Item>
          </Descriptions>
          {staffRole && (
            <Space>
              <Button type="primary" icon={<WalletOutlined />} onClick={() => setAction({ kind: 'recharge' })} data-testid="card-recharge">
                {t('card.recharge')}
              </Button>
              <Button icon={<ShoppingOutlined />} onClick={() => setAction({ kind: 'spend' })} data-testid="card-spend">
                {t('card.spend')}
              </Button>
            </Space>
          )}
          {!!card.buckets?.length && (
            <div>
              <Typography.Title level={5}>{t('card.buckets')}</Typography.Title>
              <Table<CardBucket>
                rowKey="id"
                size="small"
                dataSource={card.buckets}
                pagination={{ pageSize: 5, hideOnSinglePage: true }}
                columns={[
                  { title: t('card.event'), dataIndex: 'eventTitle', render: (v: string | null, r) => v ?? `#${r.eventId}` },
                  {
                    title: t('card.capital'),
                    dataIndex: 'capital',
                    align: 'right',
                    render: (v: string, r) => `${fmt.money(v)} / ${fmt.money(r.capitalInitial)}`,
                  },
                  {
                    title: t('card.bonus'),
                    dataIndex: 'bonus',
                    align: 'right',
                    render: (v: string, r) => `${fmt.money(v)} / ${fmt.money(r.bonusInitial)}`,
                  },
                  {
                    title: t('state'),
                    dataIndex: 'status',
                    render: (s: number) => <Tag color={BUCKET_COLORS[s] ?? 'default'}>{label(t, 'bucket', String(s))}</Tag>,
                  },
                  { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
                  {
                    title: t('actions'),
                    render: (_v, b) =>
                      b.status === 3 && mayCashBack ? (
                        <Button size="small" type="link" onClick={() => cashBack(b)}>
                          {t('card.cashBack')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </div>
          )}
          {seesLedger && (
            <div>
              <Typography.Title level={5}>{t('card.ledger')}</Typography.Title>
              <Table<CardEntry>
                rowKey="id"
                size="small"
                dataSource={ledger.items}
                data-testid="card-ledger"
                pagination={{ current: page, pageSize: 10, total: ledger.total, hideOnSinglePage: true, onChange: setPage }}
                columns={[
                  { title: t('time'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
                  { title: t('card.kind'), dataIndex: 'kind', render: (k: string) => <KindTag kind={k} /> },
                  { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => fmt.money(v) },
                  { title: t('card.delta'), render: (_v, e) => deltaText(e, fmt.money) },
                  { title: t('card.after'), render: (_v, e) => fmt.money((Number(e.capitalAfter) + Number(e.bonusAfter)).toFixed(2)) },
                  { title: t('card.event'), dataIndex: 'eventName', render: (v: string | null) => v ?? '' },
                  { title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
                  {
                    title: t('actions'),
                    render: (_v, e) =>
                      e.refunded ? (
                        <Tag>{t('card.refunded')}</Tag>
                      ) : refundable(e) && mayRefund ? (
                        <Button
                          size="small"
                          type="link"
                          danger
                          icon={<RollbackOutlined />}
                          onClick={() => setAction({ kind: 'refund', entry: e })}
                          data-testid={`refund-${e.orderNo}`}
                        >
                          {t('card.refund')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </div>
          )}
        </Space>
      )}
      {card && action?.kind === 'recharge' && (
        <RechargeModal card={card} events={product?.events ?? []} storeId={storeId} onClose={() => setAction(null)} onDone={changed} />
      )}
      {card && action?.kind === 'spend' && <SpendModal card={card} storeId={storeId} onClose={() => setAction(null)} onDone={changed} />}
      {card && action?.kind === 'refund' && (
        <RefundModal card={card} entry={action.entry} storeId={storeId} onClose={() => setAction(null)} onDone={changed} />
      )}
    </Drawer>
  );
}
