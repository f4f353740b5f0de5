// Shop orders: filters, detail with lines and amounts; ship a paid order,
// close an unpaid one (stock, points and coupons go back).
import { useState } from 'react';
import { App as AntApp, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { api, type Order, type OrderLine } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CsvButton, label, useConfirm, useList } from '../components.tsx';

const STATUS_COLORS: Record<number, string> = { [-1]: 'default', 0: 'gold', 1: 'blue', 2: 'cyan', 3: 'green', 4: 'green' };

export function OrderStatus({ s }: { s: number }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLORS[s] ?? 'default'}>{label(t, 'os', String(s))}</Tag>;
}

export function OrdersPage() {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const list = useList<Order>('/orders');
  const [sel, setSel] = useState<Order | null>(null);

  const open = async (o: Order) => {
    try {
      setSel(await api.get<Order>(`/orders/${o.id}`));
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  const act = (o: Order, a: 'ship' | 'close') =>
    confirm({
      title: `${t(a === 'ship' ? 'o.ship' : 'o.close')} · ${o.orderNumber}`,
      content: t(a === 'ship' ? 'o.shipConfirm' : 'o.closeConfirm', {
        no: o.orderNumber,
        amount: fmt.money(o.amountReal),
        n: o.goodsNumber,
      }),
      danger: a === 'close',
      okText: t(a === 'ship' ? 'o.ship' : 'o.close'),
      run: async () => {
        const r = await api.post<Order>(`/orders/${o.id}/${a}`, {});
        await list.reload();
        if (sel?.id === o.id) setSel(await api.get<Order>(`/orders/${r.id}`));
      },
    });

  const actions = (o: Order) => (
    <Space size={0}>
      {o.status === 1 && can('owner', 'admin', 'operator', 'seller') && (
        <Button type="link" size="small" onClick={() => act(o, 'ship')}>
          {t('o.ship')}
        </Button>
      )}
      {o.status === 0 && can('owner', 'admin', 'operator') && (
        <Button type="link" size="small" danger onClick={() => act(o, 'close')}>
          {t('o.close')}
        </Button>
      )}
    </Space>
  );

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.orders')}</h2>
        <CsvButton
          filename="orders.csv"
          header={[
            'id',
            'orderNumber',
            'userId',
            'status',
            'goodsNumber',
            'amountGoods',
            'amountCoupon',
            'amountDeduction',
            'amountReal',
            'paidAt',
            'createdAt',
            'remark',
          ]}
          rows={async () =>
            (await list.all()).map((o) => [
              o.id,
              o.orderNumber,
              o.userId,
              label(t, 'os', String(o.status)),
              o.goodsNumber,
              o.amountGoods,
              o.amountCoupon,
              o.amountDeduction,
              o.amountReal,
              fmt.dt(o.paidAt),
              fmt.dt(o.createdAt),
              o.remark,
            ])
          }
        />
      </div>
      <Card>
        <Form
          layout="inline"
          className="filters"
          onFinish={(v: { orderNumber?: string; status?: number; userId?: number }) => list.search(v)}
        >
          <Form.Item name="orderNumber">
            <Input placeholder={t('o.number')} allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="status">
            <Select
              allowClear
              placeholder={t('state')}
              style={{ width: 140 }}
              options={[0, 1, 2, 3, 4, -1].map((s) => ({ value: s, label: label(t, 'os', String(s)) }))}
            />
          </Form.Item>
          <Form.Item name="userId">
            <InputNumber placeholder={t('o.userId')} min={1} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Table<Order>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          columns={[
            {
              title: t('o.number'),
              dataIndex: 'orderNumber',
              render: (v: string, o) => (
                <a className="mono" onClick={() => void open(o)}>
                  {v}
                </a>
              ),
            },
            { title: t('user'), dataIndex: 'userId', render: (v: number) => `#${v}` },
            { title: t('state'), dataIndex: 'status', render: (s: number) => <OrderStatus s={s} /> },
            { title: t('o.items'), dataIndex: 'goodsNumber', align: 'right' },
            { title: t('o.amountGoods'), dataIndex: 'amountGoods', align: 'right', render: (v: string) => fmt.money(v) },
            { title: t('o.amountReal'), dataIndex: 'amountReal', align: 'right', render: (v: string) => <b>{fmt.money(v)}</b> },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
            { title: t('actions'), render: (_v, o) => actions(o) },
          ]}
        />
      </Card>
      <Drawer
        open={!!sel}
        onClose={() => setSel(null)}
        size={720}
        title={sel ? `${t('o.order')} ${sel.orderNumber}` : ''}
        extra={sel ? actions(sel) : null}
      >
        {sel && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Descriptions size="small" bordered column={2}>
              <Descriptions.Item label={t('state')}>
                <OrderStatus s={sel.status} />
              </Descriptions.Item>
              <Descriptions.Item label={t('user')}>#{sel.userId}</Descriptions.Item>
              <Descriptions.Item label={t('o.amountGoods')}>{fmt.money(sel.amountGoods)}</Descriptions.Item>
              <Descriptions.Item label={t('o.amountCoupon')}>{fmt.money(sel.amountCoupon)}</Descriptions.Item>
              <Descriptions.Item
                label={t('o.amountDeduction')}
              >{`${fmt.money(sel.amountDeduction)} (${sel.deductionScore} ${t('u.points')})`}</Descriptions.Item>
              <Descriptions.Item label={t('o.amountReal')}>
                <b>{fmt.money(sel.amountReal)}</b>
              </Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>{fmt.dt(sel.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('o.paidAt')}>{fmt.dt(sel.paidAt)}</Descriptions.Item>
              <Descriptions.Item label={t('o.hxAt')}>{fmt.dt(sel.hxAt)}</Descriptions.Item>
              <Descriptions.Item label={t('o.closedAt')}>{fmt.dt(sel.closedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('remark')} span={2}>
                {sel.remark ?? '—'}
              </Descriptions.Item>
            </Descriptions>
            <Table<OrderLine>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={sel.lines ?? []}
              columns={[
                { title: t('name'), dataIndex: 'goodsName' },
                { title: t('g.skuProps'), dataIndex: 'propertyChildIds', render: (v: string) => v || '—' },
                { title: t('g.price'), dataIndex: 'unitPrice', align: 'right', render: (v: string) => fmt.money(v) },
                { title: t('o.qty'), dataIndex: 'number', align: 'right' },
                { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => fmt.money(v) },
                { title: t('o.amountCoupon'), dataIndex: 'amountCoupon', align: 'right', render: (v: string) => fmt.money(v) },
              ]}
            />
          </Space>
        )}
      </Drawer>
    </div>
  );
}
