// Code batches: generate unique codes with pattern options, watch the
// progress (polling GET /code-batches/{id}), download the CSV.
import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { DownloadOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { api, newKey, type Batch, type Template } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { StateTag, useConfirm, useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';

interface Values {
  templateId: number;
  count: number;
  mode: 'length' | 'pattern';
  pattern?: string;
  length?: number;
  charset?: string;
  prefix?: string;
  postfix?: string;
  withPassword: boolean;
}

const DEFAULT_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function sample(v: Partial<Values>): string {
  const cs = v.charset || DEFAULT_CHARSET;
  const pick = () => cs[Math.floor(Math.random() * cs.length)] ?? 'X';
  const body = v.mode === 'pattern' ? (v.pattern ?? '').replace(/#/g, () => pick()) : Array.from({ length: v.length ?? 10 }, pick).join('');
  return `${v.prefix ?? ''}${body}${v.postfix ?? ''}`;
}

export function BatchesPage() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message, modal } = AntApp.useApp();
  const confirm = useConfirm();
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Partial<Values> | undefined;
  const [templates, setTemplates] = useState<Template[]>([]);
  const [running, setRunning] = useState<Batch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useList<Batch>('/code-batches');
  const timer = useRef<number | undefined>(undefined);
  const names = new Map(templates.map((x) => [x.id, x.name]));

  useEffect(() => {
    void api.get<{ items: Template[] }>('/coupon-templates', { limit: 500 }).then((r) => setTemplates(r.items));
    return () => window.clearTimeout(timer.current);
  }, []);

  const poll = (id: number) => {
    window.clearTimeout(timer.current);
    const tick = async () => {
      try {
        const b = await api.get<Batch>(`/code-batches/${id}`);
        setRunning(b);
        if (b.state === 'done' || b.state === 'failed') {
          if (b.state === 'done') message.success(t('batch.finished', { id: b.id, n: b.generated }));
          void list.reload();
          return;
        }
      } catch (e) {
        setError(errorText(t, e));
      }
      timer.current = window.setTimeout(() => void tick(), 400);
    };
    void tick();
  };

  const generate = (v: Values) => {
    const tpl = templates.find((x) => x.id === v.templateId);
    confirm({
      title: t('batch.new'),
      content: t('batch.confirm', { n: v.count, name: tpl?.name ?? `#${v.templateId}` }),
      success: '',
      run: async () => {
        setError(null);
        const body: Record<string, unknown> = { count: v.count, withPassword: v.withPassword };
        if (v.mode === 'pattern') body.pattern = v.pattern;
        else body.length = v.length;
        if (v.charset) body.charset = v.charset;
        if (v.prefix) body.prefix = v.prefix;
        if (v.postfix) body.postfix = v.postfix;
        try {
          const b = await api.post<Batch>(`/coupon-templates/${v.templateId}/code-batches`, body, { idempotencyKey: newKey() });
          setRunning(b);
          message.info(t('batch.started', { id: b.id }));
          poll(b.id);
          void list.reload();
        } catch (e) {
          setError(errorText(t, e));
        }
      },
    });
  };

  const download = (b: Batch) => {
    const go = () =>
      api
        .download(`/code-batches/${b.id}/codes.csv`, `batch-${b.id}.csv`)
        .then(() => list.reload())
        .catch((e) => message.error(errorText(t, e)));
    if (b.withPassword && !b.passwordsExported)
      modal.confirm({
        title: t('batch.download'),
        content: t('batch.downloadPwConfirm'),
        okText: t('batch.download'),
        cancelText: t('cancel'),
        onOk: go,
      });
    else void go();
  };

  const active = templates.filter((x) => x.state === 'active');
  const pct = running ? Math.floor((running.generated / Math.max(1, running.count)) * 100) : 0;

  return (
    <div>
      <div className="page-head">
        <h2>{t('batch.title')}</h2>
      </div>
      <Row gutter={16}>
        <Col xs={24} xl={9}>
          <Card title={t('batch.new')}>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            {active.length === 0 && <Alert type="info" showIcon title={t('batch.onlyActive')} style={{ marginBottom: 16 }} />}
            <Form
              form={form}
              name="batch"
              layout="vertical"
              initialValues={{ count: 100, mode: 'length', length: 10, withPassword: false }}
              onFinish={generate}
            >
              <Form.Item name="templateId" label={t('template')} rules={[{ required: true, message: t('required') }]}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={active.map((x) => ({
                    value: x.id,
                    label: `#${x.id} ${x.name} (${t('dash.left')} ${x.left ?? t('unlimited')})`,
                  }))}
                  data-testid="batch-template"
                />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item
                    name="count"
                    label={t('batch.count')}
                    rules={[
                      { required: true, message: t('required') },
                      { type: 'integer', min: 1, max: 5_000_000, message: t('v.int') },
                    ]}
                  >
                    <InputNumber style={{ width: '100%' }} min={1} max={5_000_000} precision={0} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="mode" label={t('batch.mode')}>
                    <Radio.Group
                      options={[
                        { value: 'length', label: t('batch.modeLength') },
                        { value: 'pattern', label: t('batch.modePattern') },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
              {values?.mode === 'pattern' ? (
                <Form.Item
                  name="pattern"
                  label={t('batch.pattern')}
                  rules={[
                    { required: true, message: t('required') },
                    { pattern: /#{4,}/, message: '####' },
                  ]}
                >
                  <Input placeholder="VIP-####-####" className="mono" />
                </Form.Item>
              ) : (
                <Form.Item name="length" label={t('batch.length')} rules={[{ required: true, message: t('required') }]}>
                  <InputNumber style={{ width: '100%' }} min={4} max={64} precision={0} />
                </Form.Item>
              )}
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="prefix" label={t('batch.prefix')} rules={[{ max: 20 }]}>
                    <Input className="mono" />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="postfix" label={t('batch.postfix')} rules={[{ max: 20 }]}>
                    <Input className="mono" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="charset" label={t('batch.charset')} rules={[{ max: 100 }]}>
                <Input className="mono" placeholder={DEFAULT_CHARSET} />
              </Form.Item>
              <Form.Item name="withPassword" valuePropName="checked">
                <Checkbox>{t('batch.withPassword')}</Checkbox>
              </Form.Item>
              <Typography.Paragraph type="secondary" className="mono">
                {t('batch.sample', { code: sample(values ?? {}) })}
              </Typography.Paragraph>
              <Button
                type="primary"
                htmlType="submit"
                icon={<ThunderboltOutlined />}
                disabled={running?.state === 'running' || running?.state === 'queued'}
                data-testid="batch-generate"
              >
                {t('batch.new')}
              </Button>
            </Form>
            {running && (
              <div style={{ marginTop: 24 }} data-testid="batch-progress">
                <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                  <span>
                    #{running.id} · <StateTag kind="bstate" value={running.state} />
                  </span>
                  <span data-testid="batch-progress-text">
                    {running.generated} / {running.count}
                  </span>
                </Space>
                <Progress
                  percent={pct}
                  status={running.state === 'failed' ? 'exception' : running.state === 'done' ? 'success' : 'active'}
                />
                {running.state === 'done' && (
                  <Button icon={<DownloadOutlined />} onClick={() => download(running)}>
                    {t('batch.download')}
                  </Button>
                )}
                {running.error && <Alert type="error" title={running.error} />}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          <Card
            title={t('batch.title')}
            extra={
              <Button
                icon={<DownloadOutlined />}
                onClick={async () => {
                  const rows = await list.all();
                  exportCsv(
                    'code-batches.csv',
                    ['id', 'template', 'state', 'generated', 'count', 'withPassword', 'createdAt', 'finishedAt'],
                    rows.map((b) => [
                      b.id,
                      names.get(b.templateId) ?? b.templateId,
                      b.state,
                      b.generated,
                      b.count,
                      b.withPassword,
                      fmt.dt(b.createdAt),
                      fmt.dt(b.finishedAt),
                    ]),
                  );
                }}
              >
                {t('exportCsv')}
              </Button>
            }
          >
            <Form layout="inline" className="filters">
              <Form.Item>
                <Select
                  allowClear
                  placeholder={t('template')}
                  style={{ width: 260 }}
                  options={templates.map((x) => ({ value: x.id, label: `#${x.id} ${x.name}` }))}
                  onChange={(v?: number) => list.search({ templateId: v })}
                />
              </Form.Item>
            </Form>
            <Table<Batch>
              rowKey="id"
              size="middle"
              tableLayout="fixed"
              loading={list.loading}
              dataSource={list.data.items}
              pagination={list.pagination}
              columns={[
                { title: '#', dataIndex: 'id', width: 48 },
                { title: t('template'), dataIndex: 'templateId', ellipsis: true, render: (v: number) => names.get(v) ?? `#${v}` },
                { title: t('state'), dataIndex: 'state', width: 90, render: (s: string) => <StateTag kind="bstate" value={s} /> },
                {
                  title: t('batch.progress'),
                  width: 170,
                  render: (_v, b) => (
                    <Progress
                      size="small"
                      percent={Math.floor((b.generated / Math.max(1, b.count)) * 100)}
                      format={() => `${b.generated}/${b.count}`}
                    />
                  ),
                },
                { title: t('createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmt.dt(v) },
                {
                  title: t('actions'),
                  width: 80,
                  render: (_v, b) =>
                    b.state === 'done' ? (
                      <Button size="small" type="link" icon={<DownloadOutlined />} onClick={() => download(b)}>
                        CSV
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
