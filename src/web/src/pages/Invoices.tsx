// Invoices issued against card recharges: the list (by phone and time), and
// recording a new one for a card, never more than it still may invoice.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Statistic, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, newKey, type Invoice, type MemberCard, type Page } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { cardNoText, CsvButton, MoneyInput, useConfirm, useList, useMyStores } from '../components.tsx';
import { zonedInstant } from '../format.ts';

interface ForCard {
  charged: string;
  invoiced: string;
  invoiceable: string;
  items: Invoice[];
}

export function InvoicesPage() {
  const { t } = useI18n();
  const { fmt, tz, cardMay } = useSession();
  const list = useList<Invoice>('/invoices');
  const [adding, setAdding] = useState(false);
  const at = (d: Dayjs, end: boolean) => zonedInstant(d.format('YYYY-MM-DD'), end ? '23:59:59' : '00:00:00', tz).toISOString();
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.invoices')}</h2>
        <Space>
          <CsvButton
            filename="invoices.csv"
            header={['id', 'time', 'cardId', 'phone', 'nickname', 'amount', 'summary', 'store']}
            rows={async () =>
              (await list.all()).map((i) => [i.id, fmt.dt(i.createdAt), i.cardId, i.phone, i.nickname, i.amount, i.summary, i.storeName])
            }
          />
          {cardMay('card.invoice') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="inv-new">
              {t('inv.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form
          layout="inline"
          className="filters"
          onFinish={(v: { phone?: string; range?: [Dayjs, Dayjs] }) =>
            list.search({
              phone: v.phone,
              from: v.range ? at(v.range[0], false) : undefined,
              to: v.range ? at(v.range[1], true) : undefined,
            })
          }
        >
          <Form.Item name="phone">
            <Input placeholder={t('mobile')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Table<Invoice>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          columns={[
            { title: t('id'), dataIndex: 'id', width: 70 },
            { title: t('time'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
            { title: t('mobile'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
            { title: t('u.nick'), dataIndex: 'nickname', render: (v: string | null) => v ?? '—' },
            { title: t('card.card'), dataIndex: 'cardId', render: (v: number) => `#${v}` },
            { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => fmt.money(v) },
            { title: t('inv.summary'), dataIndex: 'summary', render: (v: string | null) => v ?? '—' },
            { title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
          ]}
        />
      </Card>
      {adding && (
        <AddInvoice
          onClose={() => setAdding(false)}
          onDone={async () => {
            setAdding(false);
            await list.reload();
          }}
        />
      )}
    </div>
  );
}

function AddInvoice({ onClose, onDone }: { onClose: () => void; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const confirm = useConfirm();
  const { storeId } = useMyStores();
  const [phone, setPhone] = useState('');
  const [cards, setCards] = useState<MemberCard[]>([]);
  const [cardId, setCardId] = useState<number | undefined>();
  const [info, setInfo] = useState<ForCard | null>(null);
  const [form] = Form.useForm<{ amount: number; summary?: string }>();
  const card = cards.find((c) => c.id === cardId);

  useEffect(() => {
    setInfo(null);
    if (cardId) void api.get<ForCard>(`/cards/${cardId}/invoices`).then(setInfo);
  }, [cardId]);

  const find = async () => {
    const r = await api.get<Page<MemberCard>>('/cards', { phone: phone.trim(), limit: 50 });
    setCards(r.items);
    setCardId(r.items[0]?.id);
  };

  return (
    <Modal
      open
      title={t('inv.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('next')}
      cancelText={t('cancel')}
      okButtonProps={{ disabled: !info || Number(info.invoiceable) <= 0 }}
      width={600}
    >
      <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
        <Input placeholder={t('mobile')} value={phone} onChange={(e) => setPhone(e.target.value)} onPressEnter={() => void find()} />
        <Button onClick={() => void find()}>{t('search')}</Button>
      </Space.Compact>
      <Select
        style={{ width: '100%', marginBottom: 16 }}
        placeholder={t('card.card')}
        value={cardId}
        onChange={setCardId}
        options={cards.map((c) => ({ value: c.id, label: `${c.cardNo} · ${c.title} · ${c.phone ?? ''}` }))}
      />
      {info && card && (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={8}>
              <Statistic title={t('card.charged')} value={fmt.money(info.charged)} />
            </Col>
            <Col span={8}>
              <Statistic title={t('inv.invoiced')} value={fmt.money(info.invoiced)} />
            </Col>
            <Col span={8}>
              <Statistic title={t('inv.invoiceable')} value={fmt.money(info.invoiceable)} valueStyle={{ color: '#e8590c' }} />
            </Col>
          </Row>
          {Number(info.invoiceable) <= 0 && <Alert type="info" showIcon title={t('inv.nothing')} style={{ marginBottom: 16 }} />}
          <Form
            name="invoice"
            form={form}
            layout="vertical"
            onFinish={(v) => {
              const amount = v.amount.toFixed(2);
              confirm({
                title: t('inv.new'),
                content: t('inv.confirm', {
                  amount: fmt.money(amount),
                  no: cardNoText(card.cardNo),
                  left: fmt.money((Number(info.invoiceable) - v.amount).toFixed(2)),
                }),
                run: async () => {
                  await api.post(
                    `/cards/${card.id}/invoices`,
                    { amount, summary: v.summary || undefined, storeId },
                    { idempotencyKey: newKey() },
                  );
                  await onDone();
                },
              });
            }}
          >
            <Form.Item
              name="amount"
              label={t('amount')}
              rules={[
                { required: true, message: t('required') },
                { type: 'number', min: 0.01, message: t('v.amountPositive') },
                { type: 'number', max: Number(info.invoiceable), message: t('inv.tooMuch', { amount: fmt.money(info.invoiceable) }) },
              ]}
            >
              <MoneyInput />
            </Form.Item>
            <Form.Item name="summary" label={t('inv.summary')}>
              <Input maxLength={500} />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
