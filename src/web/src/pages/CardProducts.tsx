// Membership card products (platform, stored-value, event cards) and their
// recharge events (bonus money and / or coupons for a fixed recharge).
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, type CardEvent, type CardProduct, type Store, type Template } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CsvButton, label, MoneyInput } from '../components.tsx';
import { cardTypeText } from './CardLabels.tsx';

const TYPES = [10, 11, 1];

export function CardProductsPage() {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const { message, modal } = AntApp.useApp();
  const [items, setItems] = useState<CardProduct[]>([]);
  const [loading, setLoading] = useState(false);
  const [filters, setFilters] = useState<{ type?: number; title?: string }>({});
  const [stores, setStores] = useState<Store[]>([]);
  // null: closed; 'new': creating; a product: editing it.
  const [editing, setEditing] = useState<CardProduct | 'new' | null>(null);
  const [sel, setSel] = useState<number | null>(null);
  const [form] = Form.useForm();
  const manage = can('owner', 'admin');

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await api.get<{ items: CardProduct[] }>('/card-products', { type: filters.type })).items);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setLoading(false);
    }
  }, [filters.type, message, t]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    void api.get<{ items: Store[] }>('/stores', { limit: 500 }).then((r) => setStores(r.items));
  }, []);

  // The API returns every product at once: the title filter and paging happen here.
  const shown = useMemo(
    () => items.filter((p) => !filters.title || p.title.toLowerCase().includes(filters.title.toLowerCase())),
    [items, filters.title],
  );
  const product = items.find((p) => p.id === sel) ?? null;

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.cardProducts')}</h2>
        <Space>
          <CsvButton
            filename="card-products.csv"
            header={['id', 'title', 'type', 'stores', 'events', 'status', 'createdAt']}
            rows={() =>
              shown.map((p) => [
                p.id,
                p.title,
                cardTypeText(t, p.type),
                p.stores.map((s) => s.name).join(' ') || t('tpl.allStores'),
                p.events.map((e) => e.title).join(' | '),
                label(t, 'cps', String(p.status)),
                fmt.dt(p.createdAt),
              ])
            }
          />
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="cp-new">
              {t('cpd.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form layout="inline" className="filters" onFinish={(v: { type?: number; title?: string }) => setFilters(v)}>
          <Form.Item name="title">
            <Input placeholder={t('name')} allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="type">
            <Select
              allowClear
              placeholder={t('cpd.type')}
              style={{ width: 160 }}
              options={TYPES.map((x) => ({ value: x, label: cardTypeText(t, x) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Table<CardProduct>
          rowKey="id"
          loading={loading}
          dataSource={shown}
          pagination={{ pageSize: 10, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], showTotal: (n) => t('total', { n }) }}
          onRow={(r) => ({ onClick: () => setSel(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('id'), dataIndex: 'id', width: 70 },
            {
              title: t('name'),
              dataIndex: 'title',
              render: (v: string, r) => (
                <Space>
                  <span className="swatch" style={{ background: r.colour ?? '#e8590c' }} />
                  {v}
                </Space>
              ),
            },
            { title: t('cpd.type'), dataIndex: 'type', render: (x: number) => <Tag color="orange">{cardTypeText(t, x)}</Tag> },
            {
              title: t('st.stores'),
              dataIndex: 'stores',
              render: (s: CardProduct['stores']) => (s.length ? s.map((x) => <Tag key={x.id}>{x.name}</Tag>) : t('tpl.allStores')),
            },
            { title: t('cpd.events'), dataIndex: 'events', align: 'right', render: (e: CardEvent[]) => e.length },
            {
              title: t('state'),
              dataIndex: 'status',
              render: (s: number) => <Tag color={s === 1 ? 'green' : 'default'}>{label(t, 'cps', String(s))}</Tag>,
            },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
            ...(manage
              ? [
                  {
                    title: '',
                    key: 'edit',
                    render: (_: unknown, r: CardProduct) => (
                      <Button
                        size="small"
                        type="link"
                        data-testid={`cp-edit-${r.id}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          setEditing(r);
                        }}
                      >
                        {t('edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <ProductDrawer product={product} manage={manage} onClose={() => setSel(null)} onChanged={load} />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('cpd.new') : t('edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form
          name="cardProduct"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={
            editing && editing !== 'new'
              ? {
                  title: editing.title,
                  type: editing.type,
                  colour: editing.colour ?? '',
                  storeIds: editing.storeIds,
                  summary: editing.summary ?? '',
                  status: editing.status,
                }
              : { type: 10, colour: '#E8590C', storeIds: [] }
          }
          onFinish={async (v: { title: string; type: number; colour?: string; storeIds: number[]; summary?: string; status?: number }) => {
            const save = async () => {
              try {
                const p =
                  editing === 'new' || editing === null
                    ? await api.post<CardProduct>('/card-products', {
                        title: v.title.trim(),
                        type: v.type,
                        colour: v.colour || undefined,
                        storeIds: v.storeIds,
                        summary: v.summary || undefined,
                      })
                    : await api.patch<CardProduct>(`/card-products/${editing.id}`, {
                        title: v.title.trim(),
                        colour: v.colour || null,
                        storeIds: v.storeIds,
                        summary: v.summary || null,
                        status: v.status,
                      });
                message.success(editing === 'new' ? t('created') : t('saved'));
                setEditing(null);
                await load();
                setSel(p.id);
              } catch (e) {
                message.error(errorText(t, e));
              }
            };
            // Disabling stops new cards of this product: say so before doing it.
            if (editing && editing !== 'new' && editing.status === 1 && v.status === 2) {
              modal.confirm({
                title: t('cpd.disableTitle'),
                content: t('cpd.disableText', { title: editing.title }),
                okButtonProps: { danger: true },
                okText: t('confirm'),
                cancelText: t('cancel'),
                onOk: save,
              });
            } else await save();
          }}
        >
          <Form.Item name="title" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
            <Input data-testid="cp-title" />
          </Form.Item>
          <Form.Item name="type" label={t('cpd.type')} extra={editing !== 'new' ? t('cpd.typeFixed') : t('cpd.typeHint')}>
            <Select disabled={editing !== 'new'} options={TYPES.map((x) => ({ value: x, label: cardTypeText(t, x) }))} />
          </Form.Item>
          <Form.Item name="colour" label={t('cpd.colour')} rules={[{ pattern: /^#[0-9a-fA-F]{3,8}$/, message: '#E8590C' }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="storeIds" label={t('tpl.stores')}>
            <Select mode="multiple" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
          <Form.Item name="summary" label={t('description')}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="status" label={t('state')}>
              <Select data-testid="cp-status" options={[1, 2].map((x) => ({ value: x, label: label(t, 'cps', String(x)) }))} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}

function ProductDrawer({
  product,
  manage,
  onClose,
  onChanged,
}: {
  product: CardProduct | null;
  manage: boolean;
  onClose: () => void;
  onChanged: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const [adding, setAdding] = useState(false);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [form] = Form.useForm();
  const type = Form.useWatch('type', form) as number | undefined;
  useEffect(() => {
    if (adding)
      void api.get<{ items: Template[] }>('/coupon-templates', { state: 'active', limit: 200 }).then((r) => setTemplates(r.items));
  }, [adding]);
  return (
    <Drawer open={!!product} onClose={onClose} size={720} title={product ? `${product.title} · ${cardTypeText(t, product.type)}` : ''}>
      {product && (
        <Space orientation="vertical" size={20} style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={t('cpd.type')}>{cardTypeText(t, product.type)}</Descriptions.Item>
            <Descriptions.Item label={t('state')}>{label(t, 'cps', String(product.status))}</Descriptions.Item>
            <Descriptions.Item label={t('st.stores')} span={2}>
              {product.stores.length ? product.stores.map((s) => s.name).join('、') : t('tpl.allStores')}
            </Descriptions.Item>
            <Descriptions.Item label={t('description')} span={2}>
              {product.summary ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <div className="page-head">
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('cpd.events')}
              </Typography.Title>
              {manage && (
                <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="cp-event-new">
                  {t('cpd.newEvent')}
                </Button>
              )}
            </div>
            <Table<CardEvent>
              rowKey="id"
              size="small"
              dataSource={product.events}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('name'), dataIndex: 'title' },
                { title: t('cpd.eventType'), dataIndex: 'type', render: (x: number) => label(t, 'cet', String(x)) },
                { title: t('card.rechargeAmount'), dataIndex: 'rechargeMoney', align: 'right', render: (v: string) => fmt.money(v) },
                { title: t('card.bonusAmount'), dataIndex: 'sendMoney', align: 'right', render: (v: string) => fmt.money(v) },
                {
                  title: t('cpd.coupons'),
                  render: (_v, e) => (e.couponTemplateName ? `${e.couponTemplateName} × ${e.quantity ?? 0}` : '—'),
                },
                {
                  title: t('state'),
                  dataIndex: 'status',
                  render: (s: number) => <Tag color={s === 2 ? 'default' : 'green'}>{label(t, 'ces', String(s))}</Tag>,
                },
                { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
              ]}
            />
          </div>
        </Space>
      )}
      <Modal
        open={adding}
        title={t('cpd.newEvent')}
        onCancel={() => setAdding(false)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form
          name="cardEvent"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ type: 1, sendMoney: 0 }}
          onFinish={async (v: {
            title: string;
            type: number;
            rechargeMoney: number;
            sendMoney?: number;
            couponTemplateId?: number;
            quantity?: number;
            summary?: string;
          }) => {
            if (!product) return;
            try {
              await api.post(`/card-products/${product.id}/events`, {
                title: v.title.trim(),
                type: v.type,
                rechargeMoney: v.rechargeMoney.toFixed(2),
                sendMoney: v.type === 2 ? '0.00' : (v.sendMoney ?? 0).toFixed(2),
                couponTemplateId: v.type === 1 ? undefined : v.couponTemplateId,
                quantity: v.type === 1 ? undefined : v.quantity,
                summary: v.summary || undefined,
              });
              setAdding(false);
              message.success(t('created'));
              await onChanged();
            } catch (e) {
              message.error(errorText(t, e));
            }
          }}
        >
          <Form.Item name="title" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="type" label={t('cpd.eventType')}>
            <Select options={[1, 2, 5].map((x) => ({ value: x, label: label(t, 'cet', String(x)) }))} />
          </Form.Item>
          <Form.Item
            name="rechargeMoney"
            label={t('card.rechargeAmount')}
            rules={[
              { required: true, message: t('required') },
              { type: 'number', min: 0.01, message: t('v.amountPositive') },
            ]}
          >
            <MoneyInput />
          </Form.Item>
          {type !== 2 && (
            <Form.Item
              name="sendMoney"
              label={t('card.bonusAmount')}
              rules={[{ type: 'number', min: type === 1 ? 0.01 : 0, message: t('v.amountPositive') }]}
            >
              <MoneyInput />
            </Form.Item>
          )}
          {type !== 1 && (
            <Space>
              <Form.Item name="couponTemplateId" label={t('template')} rules={[{ required: true, message: t('required') }]}>
                <Select style={{ width: 300 }} options={templates.map((x) => ({ value: x.id, label: x.name }))} />
              </Form.Item>
              <Form.Item name="quantity" label={t('cp.quantity')} rules={[{ required: true, message: t('required') }]}>
                <InputNumber min={1} max={100} precision={0} />
              </Form.Item>
            </Space>
          )}
          <Form.Item name="summary" label={t('description')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
