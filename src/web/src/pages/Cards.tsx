// Membership cards at the till: find a member's cards by phone, open a card,
// recharge (with or without an event), spend with the card password, refund an
// expense or a recharge behind the SMS code sent to the staff member, cash back
// an event-card recharge that is due; the card's ledger and buckets; all card
// movements of the merchant with totals.
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, newKey, type CardEntry, type CardProduct, type MemberCard, type Page } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CsvButton, label, useList, useMyStores } from '../components.tsx';
import { zonedInstant } from '../format.ts';
import { CardDrawer } from './CardDrawer.tsx';
import { cardTypeText, deltaText, KindTag } from './CardLabels.tsx';

export function CardsPage() {
  const { t } = useI18n();
  const { fmt, can, cardMay } = useSession();
  const { stores, storeId, setStoreId } = useMyStores();
  const [products, setProducts] = useState<CardProduct[]>([]);
  const list = useList<MemberCard>('/cards');
  const [sel, setSel] = useState<number | null>(null);
  const [opening, setOpening] = useState(false);
  const [tab, setTab] = useState('cards');

  useEffect(() => {
    void api.get<{ items: CardProduct[] }>('/card-products').then((r) => setProducts(r.items));
  }, []);

  const csvRows = async () =>
    (await list.all()).map((c) => [
      c.cardNo,
      c.title,
      c.phone,
      c.nickname,
      c.balance,
      c.capital,
      c.bonus,
      c.charged,
      c.invoiced,
      c.storeName,
      fmt.dt(c.createdAt),
    ]);

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.cards')}</h2>
        <Space wrap>
          <span>{t('wo.store')}</span>
          <Select
            style={{ width: 200 }}
            value={storeId}
            onChange={setStoreId}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            placeholder={t('wo.store')}
            data-testid="card-store"
          />
          {tab === 'cards' && (
            <CsvButton
              filename="cards.csv"
              header={[
                'cardNo',
                'product',
                'phone',
                'nickname',
                'balance',
                'capital',
                'bonus',
                'charged',
                'invoiced',
                'store',
                'createdAt',
              ]}
              rows={csvRows}
            />
          )}
          {can('owner', 'admin', 'operator', 'seller') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpening(true)} data-testid="card-open">
              {t('card.open')}
            </Button>
          )}
        </Space>
      </div>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'cards',
            label: t('card.list'),
            children: (
              <Card>
                <Form layout="inline" className="filters" onFinish={(v: { phone?: string; productId?: number }) => list.search(v)}>
                  <Form.Item name="phone">
                    <Input placeholder={t('mobile')} allowClear style={{ width: 180 }} data-testid="card-search-phone" />
                  </Form.Item>
                  <Form.Item name="productId">
                    <Select
                      allowClear
                      placeholder={t('card.product')}
                      style={{ width: 200 }}
                      options={products.map((p) => ({ value: p.id, label: p.title }))}
                    />
                  </Form.Item>
                  <Button type="primary" htmlType="submit" data-testid="card-search">
                    {t('search')}
                  </Button>
                </Form>
                <Table<MemberCard>
                  rowKey="id"
                  loading={list.loading}
                  dataSource={list.data.items}
                  pagination={list.pagination}
                  onRow={(r) => ({ onClick: () => setSel(r.id), style: { cursor: 'pointer' } })}
                  data-testid="card-table"
                  columns={[
                    { title: t('card.no'), dataIndex: 'cardNo', render: (v: string) => <span className="mono">{v}</span> },
                    { title: t('card.product'), dataIndex: 'title', render: (v: string, r) => `${v} · ${cardTypeText(t, r.type)}` },
                    { title: t('mobile'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
                    { title: t('u.nick'), dataIndex: 'nickname', render: (v: string | null) => v ?? '—' },
                    { title: t('card.balance'), dataIndex: 'balance', align: 'right', render: (v: string) => <b>{fmt.money(v)}</b> },
                    { title: t('card.capital'), dataIndex: 'capital', align: 'right', render: (v: string) => fmt.money(v) },
                    { title: t('card.bonus'), dataIndex: 'bonus', align: 'right', render: (v: string) => fmt.money(v) },
                    { title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
                    { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
                  ]}
                />
              </Card>
            ),
          },
          // Record lists need the card.records permission (cashiers open, recharge and spend only).
          ...(cardMay('card.records') ? [{ key: 'records', label: t('card.records'), children: <CardRecords /> }] : []),
        ]}
      />
      <CardDrawer cardId={sel} storeId={storeId} onClose={() => setSel(null)} onChanged={() => void list.reload()} />
      <OpenCardModal
        open={opening}
        products={products}
        storeId={storeId}
        onClose={() => setOpening(false)}
        onOpened={async (c) => {
          setOpening(false);
          list.search({ phone: c.phone ?? undefined });
          setSel(c.id);
        }}
      />
    </div>
  );
}

function OpenCardModal({
  open,
  products,
  storeId,
  onClose,
  onOpened,
}: {
  open: boolean;
  products: CardProduct[];
  storeId?: number;
  onClose: () => void;
  onOpened: (c: MemberCard) => void;
}) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ productId: number; phone: string; password?: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={t('card.open')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('card.open')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        name="openCard"
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={async (v) => {
          setBusy(true);
          try {
            const c = await api.post<MemberCard>(
              '/cards',
              { productId: v.productId, phone: v.phone.trim(), password: v.password || undefined, storeId },
              { idempotencyKey: newKey() },
            );
            message.success(t('card.opened', { no: c.cardNo }));
            onOpened(c);
          } catch (e) {
            message.error(errorText(t, e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="productId" label={t('card.product')} rules={[{ required: true, message: t('required') }]}>
          <Select
            options={products.filter((p) => p.status === 1).map((p) => ({ value: p.id, label: `${p.title} · ${cardTypeText(t, p.type)}` }))}
            data-testid="open-product"
          />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('mobile')}
          rules={[
            { required: true, message: t('required') },
            { pattern: /^\d{6,15}$/, message: t('v.phone') },
          ]}
        >
          <Input data-testid="open-phone" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('card.password')}
          extra={t('card.passwordDefault')}
          rules={[{ pattern: /^\d{6}$/, message: t('v.pin6') }]}
        >
          <Input.Password autoComplete="new-password" maxLength={6} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CardRecords() {
  const { t } = useI18n();
  const { fmt, tz } = useSession();
  const list = useList<CardEntry>('/card-records');
  // The page of records carries the totals of everything matching the filters.
  const totals = list.data as Page<CardEntry> & Partial<{ totalAmount: string; totalCapital: string; totalBonus: string }>;
  const at = (d: Dayjs, end: boolean) => zonedInstant(d.format('YYYY-MM-DD'), end ? '23:59:59' : '00:00:00', tz).toISOString();
  return (
    <Card>
      <div className="page-head">
        <Form
          layout="inline"
          onFinish={(v: { kind?: string; phone?: string; keywords?: string; range?: [Dayjs, Dayjs] }) =>
            list.search({
              kind: v.kind,
              phone: v.phone,
              keywords: v.keywords,
              from: v.range ? at(v.range[0], false) : undefined,
              to: v.range ? at(v.range[1], true) : undefined,
            })
          }
        >
          <Form.Item name="kind">
            <Select
              allowClear
              placeholder={t('card.kind')}
              style={{ width: 140 }}
              options={['recharge', 'expense', 'refund', 'cash_back', 'invoice'].map((k) => ({ value: k, label: label(t, 'ck', k) }))}
            />
          </Form.Item>
          <Form.Item name="phone">
            <Input placeholder={t('mobile')} allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="keywords">
            <Input placeholder={t('card.keywords')} allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <CsvButton
          filename="card-records.csv"
          header={[
            'time',
            'orderNo',
            'kind',
            'cardNo',
            'product',
            'phone',
            'amount',
            'capitalDelta',
            'bonusDelta',
            'capitalAfter',
            'bonusAfter',
            'event',
            'store',
            'refunded',
            'explain',
          ]}
          rows={async () =>
            (await list.all()).map((e) => [
              fmt.dt(e.createdAt),
              e.orderNo,
              label(t, 'ck', e.kind),
              e.cardNo,
              e.title,
              e.phone,
              e.amount,
              e.capitalDelta,
              e.bonusDelta,
              e.capitalAfter,
              e.bonusAfter,
              e.eventName,
              e.storeName,
              e.refunded,
              e.explain,
            ])
          }
        />
      </div>
      {totals.totalAmount !== undefined && (
        <Space size="large" style={{ marginBottom: 12 }}>
          <Typography.Text>{t('card.totalAmount', { amount: fmt.money(totals.totalAmount) })}</Typography.Text>
          <Typography.Text type="secondary">
            {t('card.totalSplit', { capital: fmt.money(totals.totalCapital ?? '0'), bonus: fmt.money(totals.totalBonus ?? '0') })}
          </Typography.Text>
        </Space>
      )}
      <Table<CardEntry>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data.items}
        pagination={list.pagination}
        columns={[
          { title: t('time'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
          { title: t('card.orderNo'), dataIndex: 'orderNo', render: (v: string) => <span className="mono">{v}</span> },
          { title: t('card.kind'), dataIndex: 'kind', render: (k: string) => <KindTag kind={k} /> },
          {
            title: t('card.no'),
            dataIndex: 'cardNo',
            render: (v: string, e) => (
              <span className="mono" title={e.title}>
                {v}
              </span>
            ),
          },
          { title: t('mobile'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => fmt.money(v) },
          { title: t('card.delta'), render: (_v, e) => deltaText(e, fmt.money) },
          { title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
          { title: t('card.refunded'), dataIndex: 'refunded', render: (v: boolean) => (v ? <Tag>{t('yes')}</Tag> : null) },
        ]}
      />
    </Card>
  );
}
