// Merchant webhooks: endpoints (the signing secret shown once, on creation and
// on rotation), enable / disable / delete, a test send; and the delivery log
// with response codes, every attempt, and redelivery.
import { useEffect, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ApiOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { api } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useList } from '../components.tsx';

interface Endpoint {
  id: number;
  url: string;
  description: string;
  eventTypes: string[];
  secretPrefix: string;
  enabled: boolean;
  disabledReason: string | null;
  failureStreak: number;
  createdAt: string;
}

interface Delivery {
  id: number;
  endpointId: number;
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

interface Attempt {
  attempt: number;
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  attemptedAt: string;
}

const STATE_COLORS: Record<Delivery['state'], string> = { pending: 'gold', delivered: 'green', failed: 'red' };

const statusTag = (s: number | null) => (s === null ? <Tag>—</Tag> : <Tag color={s >= 200 && s < 300 ? 'green' : 'red'}>{s}</Tag>);

/** The secret, once: after this dialog it cannot be read again. */
function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={!!secret}
      destroyOnHidden
      title={t('wh.secretTitle')}
      onOk={onClose}
      onCancel={onClose}
      okText={t('wh.secretSaved')}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon message={t('wh.secretOnce')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable code className="wh-secret" data-testid="wh-secret">
        {secret}
      </Typography.Paragraph>
      <Typography.Text type="secondary">{t('wh.signingHelp')}</Typography.Text>
    </Modal>
  );
}

function EndpointsTab({ types, onShowDeliveries }: { types: string[]; onShowDeliveries: (id: number) => void }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message, modal } = AntApp.useApp();
  const [items, setItems] = useState<Endpoint[]>([]);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();

  const load = async () => {
    setLoading(true);
    try {
      setItems((await api.get<{ items: Endpoint[] }>('/webhooks/endpoints')).items);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (fn: () => Promise<unknown>, done?: string) => {
    try {
      await fn();
      if (done) message.success(done);
      await load();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };
  const sendTest = (e: Endpoint) =>
    act(async () => {
      const d = await api.post<Delivery>(`/webhooks/endpoints/${e.id}/test`);
      if (d.state === 'delivered') message.success(t('wh.testOk', { status: d.lastStatus ?? '' }));
      else message.warning(t('wh.testFailed', { error: d.lastError ?? '' }));
    });
  const rotate = (e: Endpoint) =>
    modal.confirm({
      title: t('wh.rotate'),
      content: t('wh.rotateConfirm', { url: e.url }),
      okText: t('wh.rotate'),
      cancelText: t('cancel'),
      onOk: () => act(async () => setSecret((await api.post<{ secret: string }>(`/webhooks/endpoints/${e.id}/rotate-secret`)).secret)),
    });
  const remove = (e: Endpoint) =>
    modal.confirm({
      title: t('wh.delete'),
      content: t('wh.deleteConfirm', { url: e.url }),
      okText: t('wh.delete'),
      okButtonProps: { danger: true },
      cancelText: t('cancel'),
      onOk: () => act(() => api.del(`/webhooks/endpoints/${e.id}`), t('wh.deleted')),
    });

  return (
    <>
      <div className="page-head">
        <Typography.Text type="secondary">{t('wh.intro')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} data-testid="wh-new" onClick={() => (form.resetFields(), setCreating(true))}>
          {t('wh.new')}
        </Button>
      </div>
      <Table<Endpoint>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        columns={[
          { title: t('id'), dataIndex: 'id', width: 60 },
          {
            title: t('wh.url'),
            dataIndex: 'url',
            render: (u: string, e) => (
              <Space direction="vertical" size={0}>
                <Typography.Text copyable>{u}</Typography.Text>
                {e.description && <Typography.Text type="secondary">{e.description}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('wh.eventTypes'),
            dataIndex: 'eventTypes',
            render: (ts: string[]) => (ts.length ? ts.map((x) => <Tag key={x}>{x}</Tag>) : <Tag color="blue">{t('wh.allTypes')}</Tag>),
          },
          { title: t('wh.secret'), dataIndex: 'secretPrefix', render: (p: string) => <code>{p}…</code> },
          {
            title: t('state'),
            dataIndex: 'enabled',
            render: (on: boolean, e) =>
              on ? (
                <Tag color="green">{t('wh.enabled')}</Tag>
              ) : (
                <Tag color="red" title={e.disabledReason ?? ''}>
                  {t('wh.disabled')}
                </Tag>
              ),
          },
          { title: t('wh.failureStreak'), dataIndex: 'failureStreak', width: 90 },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
          {
            title: t('actions'),
            render: (_v, e) => (
              <Space size={0} wrap>
                <Button type="link" size="small" icon={<SendOutlined />} onClick={() => void sendTest(e)}>
                  {t('wh.test')}
                </Button>
                <Button type="link" size="small" onClick={() => onShowDeliveries(e.id)}>
                  {t('wh.deliveries')}
                </Button>
                <Button
                  type="link"
                  size="small"
                  onClick={() => void act(() => api.patch(`/webhooks/endpoints/${e.id}`, { enabled: !e.enabled }))}
                >
                  {e.enabled ? t('wh.disable') : t('wh.enable')}
                </Button>
                <Button type="link" size="small" onClick={() => rotate(e)}>
                  {t('wh.rotate')}
                </Button>
                <Button type="link" size="small" danger onClick={() => remove(e)}>
                  {t('wh.delete')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('wh.new')}
        onCancel={() => setCreating(false)}
        forceRender
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form
          name="webhook"
          form={form}
          layout="vertical"
          onFinish={(v: { url: string; description?: string; eventTypes?: string[] }) =>
            act(async () => {
              const r = await api.post<{ secret: string }>('/webhooks/endpoints', { ...v, url: v.url.trim() });
              setCreating(false);
              setSecret(r.secret);
            })
          }
        >
          <Form.Item
            name="url"
            label={t('wh.url')}
            rules={[
              { required: true, whitespace: true, message: t('required') },
              { type: 'url', message: t('wh.urlBad') },
            ]}
          >
            <Input placeholder="https://erp.example.com/quan/webhooks" />
          </Form.Item>
          <Form.Item name="description" label={t('wh.description')}>
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="eventTypes" label={t('wh.eventTypes')} extra={t('wh.allTypesHelp')}>
            <Select mode="multiple" allowClear options={types.map((x) => ({ value: x, label: x }))} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function AttemptLog({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const [log, setLog] = useState<Attempt[] | null>(null);
  useEffect(() => {
    void api.get<{ attemptLog: Attempt[] }>(`/webhooks/deliveries/${id}`).then((d) => setLog(d.attemptLog));
  }, [id]);
  return (
    <Table<Attempt>
      rowKey="attempt"
      size="small"
      loading={!log}
      dataSource={log ?? []}
      pagination={false}
      columns={[
        { title: '#', dataIndex: 'attempt', width: 50 },
        { title: t('wh.attemptedAt'), dataIndex: 'attemptedAt', render: (v: string) => fmt.dt(v) },
        { title: t('wh.status'), dataIndex: 'status', render: statusTag },
        { title: t('wh.duration'), dataIndex: 'durationMs', render: (ms: number) => `${ms} ms` },
        { title: t('wh.error'), dataIndex: 'error', render: (v: string | null) => v ?? '—' },
        {
          title: t('wh.response'),
          dataIndex: 'responseExcerpt',
          render: (v: string | null) => (v ? <code className="wh-excerpt">{v}</code> : '—'),
        },
      ]}
    />
  );
}

function DeliveriesTab({ types, endpointId }: { types: string[]; endpointId: number | null }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const list = useList<Delivery>('/webhooks/deliveries', endpointId ? { endpointId } : {}, 20);
  const [form] = Form.useForm();
  useEffect(() => {
    form.setFieldsValue({ endpointId: endpointId ?? undefined });
    list.search(endpointId ? { endpointId } : {});
  }, [endpointId]);
  const redeliver = async (d: Delivery) => {
    try {
      const r = await api.post<Delivery>(`/webhooks/deliveries/${d.id}/redeliver`);
      if (r.state === 'delivered') message.success(t('wh.redelivered', { status: r.lastStatus ?? '' }));
      else message.warning(t('wh.testFailed', { error: r.lastError ?? '' }));
      await list.reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };
  return (
    <>
      <Form
        form={form}
        layout="inline"
        className="filters"
        onFinish={(v: Record<string, unknown>) =>
          list.search(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '')) as never)
        }
      >
        <Form.Item name="endpointId">
          <Input placeholder={t('wh.endpointId')} allowClear style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="state">
          <Select
            placeholder={t('state')}
            allowClear
            style={{ width: 130 }}
            options={(['pending', 'delivered', 'failed'] as const).map((s) => ({ value: s, label: t(`wh.st.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="eventType">
          <Select placeholder={t('wh.eventType')} allowClear style={{ width: 200 }} options={types.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
        <Form.Item name="eventId">
          <Input placeholder={t('wh.eventId')} allowClear style={{ width: 260 }} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()} />
        </Space>
      </Form>
      <Table<Delivery>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data.items}
        pagination={list.pagination}
        expandable={{ expandedRowRender: (d) => <AttemptLog id={d.id} /> }}
        columns={[
          { title: t('id'), dataIndex: 'id', width: 70 },
          { title: t('wh.endpointId'), dataIndex: 'endpointId', width: 90 },
          { title: t('wh.eventType'), dataIndex: 'eventType', render: (x: string) => <Tag>{x}</Tag> },
          {
            title: t('wh.eventId'),
            dataIndex: 'eventId',
            render: (x: string) => <Typography.Text copyable={{ text: x }}>{x.slice(0, 14)}…</Typography.Text>,
          },
          { title: t('state'), dataIndex: 'state', render: (s: Delivery['state']) => <Tag color={STATE_COLORS[s]}>{t(`wh.st.${s}`)}</Tag> },
          { title: t('wh.attempts'), dataIndex: 'attempts', width: 80 },
          { title: t('wh.status'), dataIndex: 'lastStatus', render: statusTag },
          { title: t('wh.error'), dataIndex: 'lastError', render: (v: string | null) => v ?? '—' },
          { title: t('wh.nextAttempt'), dataIndex: 'nextAttemptAt', render: (v: string | null) => (v ? fmt.dt(v) : '—') },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
          {
            title: t('actions'),
            render: (_v, d) => (
              <Button type="link" size="small" icon={<ReloadOutlined />} onClick={() => void redeliver(d)}>
                {t('wh.redeliver')}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}

export function WebhooksPage() {
  const { t } = useI18n();
  const [types, setTypes] = useState<string[]>([]);
  const [tab, setTab] = useState('endpoints');
  const [endpointId, setEndpointId] = useState<number | null>(null);
  useEffect(() => {
    void api.get<{ items: string[] }>('/webhooks/event-types').then((r) => setTypes(r.items));
  }, []);
  return (
    <div>
      <div className="page-head">
        <h2>
          <ApiOutlined /> {t('menu.webhooks')}
        </h2>
      </div>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'endpoints',
              label: t('wh.endpoints'),
              children: (
                <EndpointsTab
                  types={types}
                  onShowDeliveries={(id) => {
                    setEndpointId(id);
                    setTab('deliveries');
                  }}
                />
              ),
            },
            { key: 'deliveries', label: t('wh.deliveries'), children: <DeliveriesTab types={types} endpointId={endpointId} /> },
          ]}
        />
      </Card>
    </div>
  );
}
