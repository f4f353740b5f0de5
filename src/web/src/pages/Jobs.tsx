// Background jobs: counts by state, the list with state and kind filters,
// the last error of each job, and a retry for the failed (dead-lettered) ones.
// The platform admin sees every job; a tenant's owner or admin its own.
import { Alert, App as AntApp, Button, Card, Col, Form, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { ReloadOutlined, RedoOutlined } from '@ant-design/icons';
import { api, type Job, type JobList, type JobState } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { StateTag, useConfirm, useList } from '../components.tsx';

const STATES: JobState[] = ['queued', 'running', 'done', 'failed'];

export function JobsPage() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const list = useList<Job>('/jobs', {}, 20);
  const data = list.data as JobList;
  const counts = data.counts ?? { queued: 0, running: 0, done: 0, failed: 0 };

  const retry = (j: Job) =>
    confirm({
      title: t('job.retry'),
      content: t('job.retryConfirm', { id: j.id, kind: j.kind, n: j.attempts }),
      success: '',
      run: async () => {
        await api.post<Job>(`/jobs/${j.id}/retry`);
        message.success(t('job.retried', { id: j.id }));
        await list.reload();
      },
    });

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.jobs')}</h2>
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()} data-testid="jobs-refresh">
          {t('job.refresh')}
        </Button>
      </div>
      <Alert type="info" showIcon title={t('job.hint')} style={{ marginBottom: 16 }} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        {STATES.map((s) => (
          <Col xs={12} md={6} key={s}>
            <Card
              size="small"
              hoverable
              onClick={() => list.search({ ...list.filters, state: list.filters.state === s ? undefined : s })}
              style={list.filters.state === s ? { borderColor: '#e8590c' } : undefined}
            >
              <Statistic
                title={<StateTag kind="jstate" value={s} />}
                value={counts[s]}
                styles={s === 'failed' && counts.failed > 0 ? { content: { color: '#cf1322' } } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item>
            <Select
              allowClear
              placeholder={t('job.allStates')}
              style={{ width: 180 }}
              value={(list.filters.state as string | undefined) ?? undefined}
              options={STATES.map((s) => ({ value: s, label: t(`jstate.${s}`) }))}
              onChange={(v?: string) => list.search({ ...list.filters, state: v })}
            />
          </Form.Item>
          <Form.Item>
            <Select
              allowClear
              placeholder={t('job.allKinds')}
              style={{ width: 280 }}
              value={(list.filters.kind as string | undefined) ?? undefined}
              options={(data.kinds ?? []).map((k) => ({ value: k, label: k }))}
              onChange={(v?: string) => list.search({ ...list.filters, kind: v })}
            />
          </Form.Item>
        </Form>
        <Table<Job>
          rowKey="id"
          size="middle"
          tableLayout="fixed"
          loading={list.loading}
          dataSource={data.items}
          pagination={list.pagination}
          columns={[
            { title: '#', dataIndex: 'id', width: 70 },
            {
              title: t('job.kind'),
              dataIndex: 'kind',
              width: 230,
              render: (v: string, j) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text code>{v}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {j.tenantId === 0 ? t('job.platform') : `${t('tenant')} #${j.tenantId}`}
                    {Object.keys(j.payload).length ? ` · ${JSON.stringify(j.payload)}` : ''}
                  </Typography.Text>
                </Space>
              ),
            },
            { title: t('state'), dataIndex: 'state', width: 130, render: (s: string) => <StateTag kind="jstate" value={s} /> },
            { title: t('job.attempts'), width: 80, render: (_v, j) => `${j.attempts}/${j.maxAttempts}` },
            { title: t('job.runAt'), dataIndex: 'runAt', width: 150, render: (v: string) => fmt.dt(v) },
            { title: t('job.finishedAt'), dataIndex: 'finishedAt', width: 150, render: (v: string | null) => (v ? fmt.dt(v) : '—') },
            {
              title: t('job.lastError'),
              dataIndex: 'lastError',
              ellipsis: true,
              render: (v: string | null) =>
                v ? (
                  <Typography.Text type="danger" ellipsis={{ tooltip: v }} className="mono" style={{ fontSize: 12 }}>
                    {v}
                  </Typography.Text>
                ) : (
                  '—'
                ),
            },
            {
              title: t('job.lockedBy'),
              dataIndex: 'lockedBy',
              width: 150,
              ellipsis: true,
              render: (v: string | null) => <span className="mono">{v ?? '—'}</span>,
            },
            {
              title: t('actions'),
              width: 90,
              render: (_v, j) =>
                j.state === 'failed' ? (
                  <Button size="small" type="link" icon={<RedoOutlined />} onClick={() => retry(j)} data-testid={`job-retry-${j.id}`}>
                    {t('job.retry')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </div>
  );
}
