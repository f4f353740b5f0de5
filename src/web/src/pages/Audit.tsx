// The audit log: every staff action that changed state.
import { Button, Card, DatePicker, Form, Input, Space, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { AuditEntry } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';
import { zonedInstant } from '../format.ts';

export function AuditPage() {
  const { t } = useI18n();
  const { fmt, tz } = useSession();
  const list = useList<AuditEntry>('/audit-log', {}, 20);
  const at = (d: Dayjs) => zonedInstant(d.format('YYYY-MM-DD'), '00:00:00', tz).toISOString();
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.audit')}</h2>
        <Button
          icon={<DownloadOutlined />}
          onClick={async () =>
            exportCsv(
              'audit-log.csv',
              ['id', 'time', 'staff', 'action', 'targetType', 'targetId', 'details'],
              (await list.all()).map((a) => [
                a.id,
                fmt.dt(a.createdAt),
                a.username,
                a.action,
                a.targetType,
                a.targetId,
                JSON.stringify(a.details ?? {}),
              ]),
            )
          }
        >
          {t('exportCsv')}
        </Button>
      </div>
      <Card>
        <Form
          layout="inline"
          className="filters"
          onFinish={(v: { action?: string; targetType?: string; targetId?: string; range?: [Dayjs, Dayjs] }) =>
            list.search({
              action: v.action,
              targetType: v.targetType,
              targetId: v.targetId,
              from: v.range ? at(v.range[0]) : undefined,
              to: v.range ? at(v.range[1].add(1, 'day')) : undefined,
            })
          }
        >
          <Form.Item name="action">
            <Input placeholder={t('audit.actionPrefix')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="targetType">
            <Input placeholder={t('audit.target')} allowClear style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="targetId">
            <Input placeholder="ID" allowClear style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('search')}
            </Button>
          </Space>
        </Form>
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          columns={[
            { title: t('time'), dataIndex: 'createdAt', width: 160, render: (v: string) => fmt.dt(v) },
            {
              title: t('staff'),
              dataIndex: 'username',
              width: 120,
              render: (v: string | null, r) =>
                v ?? (r.staffId ? `#${r.staffId}` : r.details?.apiKeyId ? `API key #${String(r.details.apiKeyId)}` : '—'),
            },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              width: 200,
              render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
            },
            { title: t('audit.target'), width: 160, render: (_v, r) => (r.targetType ? `${r.targetType} #${r.targetId ?? ''}` : '—') },
            {
              title: t('audit.details'),
              dataIndex: 'details',
              render: (raw: Record<string, unknown> | null) => {
                const d = Object.fromEntries(Object.entries(raw ?? {}).filter(([, x]) => x !== null && x !== undefined));
                const text = Object.entries(d)
                  .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
                  .join('  ·  ');
                return (
                  <Typography.Text type="secondary" ellipsis={{ tooltip: text }} style={{ maxWidth: 460, fontSize: 12 }} className="mono">
                    {text || '—'}
                  </Typography.Text>
                );
              },
            },
          ]}
        />
      </Card>
    </div>
  );
}
