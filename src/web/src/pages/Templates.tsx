// Coupon templates: list with filters and paging, create/edit, approval
// actions for those allowed, stats per template.
import { useState } from 'react';
import {
  Button,
  Card,
  Descriptions,
  Dropdown,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Row,
  Col,
  App as AntApp,
} from 'antd';
import { BarChartOutlined, DownloadOutlined, DownOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Role, type Template, type TemplateStats } from '../api.ts';
import { errorText, useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { discountText, StateTag, useConfirm, useList, label, withReason, FilterButtons } from '../components.tsx';
import { exportCsv } from '../csv.ts';
import { TemplateForm } from './TemplateForm.tsx';

type Action = 'submit' | 'approve' | 'reject' | 'activate' | 'pause' | 'resume' | 'end' | 'void';
const EDITORS: Role[] = ['owner', 'admin', 'operator'];
const APPROVERS: Role[] = ['owner', 'admin', 'auditor'];
const ACTION_ROLES: Record<Action, Role[]> = {
  submit: EDITORS,
  activate: ['owner', 'admin'],
  approve: APPROVERS,
  reject: APPROVERS,
  pause: EDITORS,
  resume: EDITORS,
  end: ['owner', 'admin'],
  void: ['owner', 'admin'],
};
const BY_STATE: Record<string, Action[]> = {
  draft: ['submit', 'activate', 'void'],
  pending: ['approve', 'reject', 'void'],
  active: ['pause', 'end', 'void'],
  paused: ['resume', 'end', 'void'],
};
const DANGER: Action[] = ['void', 'end', 'reject'];

export function TemplatesPage() {
  const { t } = useI18n();
  const { can, tenant, fmt } = useSession();
  const confirm = useConfirm();
  const list = useList<Template>('/coupon-templates');
  const [editing, setEditing] = useState<Template | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [stats, setStats] = useState<{ tpl: Template; s: TemplateStats | null } | null>(null);
  const { message } = AntApp.useApp();
  const [filterForm] = Form.useForm();

  const actionsFor = (r: Template) =>
    (BY_STATE[r.state] ?? []).filter((a) => can(...ACTION_ROLES[a])).filter((a) => !(a === 'activate' && tenant?.approvalRequired));

  const act = (r: Template, a: Action) => {
    const text = t((a === 'submit' && !tenant?.approvalRequired ? 'tconfirm.submitNoApproval' : `tconfirm.${a}`) as MessageKey, {
      name: r.name,
    });
    const withWhy = a === 'reject' ? withReason(t, text) : null;
    confirm({
      title: `${t(`taction.${a}` as MessageKey)} · ${r.name}`,
      content: withWhy?.content ?? text,
      danger: DANGER.includes(a),
      okText: t(`taction.${a}` as MessageKey),
      run: async () => {
        await api.post(`/coupon-templates/${r.id}/${a}`, withWhy?.reason.value.trim() ? { reason: withWhy.reason.value.trim() } : {});
        await list.reload();
      },
    });
  };

  const showStats = async (tpl: Template) => {
    setStats({ tpl, s: null });
    try {
      setStats({ tpl, s: await api.get<TemplateStats>(`/coupon-templates/${tpl.id}/stats`) });
    } catch (e) {
      message.error(errorText(t, e));
      setStats(null);
    }
  };

  const exportAll = async () => {
    const rows = await list.all();
    exportCsv(
      'coupon-templates.csv',
      ['id', 'name', 'state', 'discount', 'condition', 'stock', 'issued', 'left', 'perUserLimit', 'validity', 'createdAt'],
      rows.map((r) => {
        const d = discountText(r, t, fmt.money);
        return [
          r.id,
          r.name,
          label(t, 'tstate', r.state),
          d.value,
          d.cond,
          r.stock ?? '',
          r.issued,
          r.left ?? '',
          r.perUserLimit ?? '',
          validityText(r),
          fmt.dt(r.createdAt),
        ];
      }),
    );
  };

  const validityText = (r: Template) =>
    r.validity.type === 'fixed'
      ? t('tpl.validTo', { from: fmt.d(r.validity.from), to: fmt.d(r.validity.to) })
      : t('tpl.validRel', { days: r.validity.days ?? 0 });

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.templates')}</h2>
        <Space>
          <Button icon={<DownloadOutlined />} onClick={() => void exportAll()}>
            {t('exportCsv')}
          </Button>
          {can(...EDITORS) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
              data-testid="tpl-new"
            >
              {t('tpl.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form form={filterForm} layout="inline" className="filters" onFinish={(v: { name?: string; state?: string }) => list.search(v)}>
          <Form.Item name="name">
            <Input.Search placeholder={t('tpl.filterName')} allowClear onSearch={() => filterForm.submit()} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="state">
            <Select
              allowClear
              placeholder={t('state')}
              style={{ width: 160 }}
              options={['draft', 'pending', 'active', 'paused', 'ended', 'voided'].map((s) => ({
                value: s,
                label: t(`tstate.${s}` as MessageKey),
              }))}
              onChange={() => filterForm.submit()}
            />
          </Form.Item>
          <FilterButtons
            onReset={() => {
              filterForm.resetFields();
              list.search({});
            }}
          />
        </Form>
        <Table<Template>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          data-testid="tpl-table"
          columns={[
            { title: t('id'), dataIndex: 'id', width: 64 },
            {
              title: t('name'),
              dataIndex: 'name',
              width: 240,
              render: (_v, r) => (
                <Space orientation="vertical" size={0}>
                  <a onClick={() => void showStats(r)}>{r.name}</a>
                  {r.description && <span style={{ color: '#8c8c8c', fontSize: 12 }}>{r.description}</span>}
                </Space>
              ),
            },
            {
              title: t('tpl.discount'),
              render: (_v, r) => {
                const d = discountText(r, t, fmt.money);
                return (
                  <Space orientation="vertical" size={0}>
                    <strong style={{ color: '#e8590c' }}>{d.value}</strong>
                    <span style={{ color: '#8c8c8c', fontSize: 12 }}>{d.cond}</span>
                  </Space>
                );
              },
            },
            { title: t('state'), dataIndex: 'state', width: 110, render: (s: string) => <StateTag kind="tstate" value={s} /> },
            { title: t('tpl.issuedLeft'), width: 130, render: (_v, r) => `${r.issued} / ${r.left ?? t('unlimited')}` },
            { title: t('tpl.validity'), render: (_v, r) => <span style={{ fontSize: 13 }}>{validityText(r)}</span> },
            { title: t('createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmt.dt(v) },
            {
              title: t('actions'),
              width: 260,
              render: (_v, r) => {
                const acts = actionsFor(r);
                const primary = acts.find((a) => !DANGER.includes(a));
                const rest = acts.filter((a) => a !== primary);
                return (
                  <Space size={4} wrap>
                    {primary && (
                      <Button size="small" type="link" onClick={() => act(r, primary)} data-testid={`tpl-${primary}-${r.id}`}>
                        {t(`taction.${primary}` as MessageKey)}
                      </Button>
                    )}
                    {(r.state === 'draft' || r.state === 'pending') && can(...EDITORS) && (
                      <Button
                        size="small"
                        type="link"
                        icon={<EditOutlined />}
                        onClick={() => {
                          setEditing(r);
                          setFormOpen(true);
                        }}
                      >
                        {t('edit')}
                      </Button>
                    )}
                    <Button size="small" type="link" icon={<BarChartOutlined />} onClick={() => void showStats(r)}>
                      {t('tpl.stats')}
                    </Button>
                    {rest.length > 0 && (
                      <Dropdown
                        menu={{
                          items: rest.map((a) => ({
                            key: a,
                            label: t(`taction.${a}` as MessageKey),
                            danger: DANGER.includes(a),
                            onClick: () => act(r, a),
                          })),
                        }}
                      >
                        <Button size="small" type="link">
                          {t('more')} <DownOutlined />
                        </Button>
                      </Dropdown>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      </Card>
      <TemplateForm
        open={formOpen}
        editing={editing}
        onClose={() => setFormOpen(false)}
        onSaved={() => {
          setFormOpen(false);
          void list.reload();
        }}
      />
      <Modal
        open={!!stats}
        onCancel={() => setStats(null)}
        footer={null}
        title={`${t('tpl.stats')} · ${stats?.tpl.name ?? ''}`}
        width={640}
      >
        {!stats?.s ? (
          <Spin />
        ) : (
          <>
            <Row gutter={16} style={{ marginBottom: 16 }}>
              <Col span={6}>
                <Statistic title={t('dash.issued')} value={stats.s.issued} />
              </Col>
              <Col span={6}>
                <Statistic title={t('dash.left')} value={stats.s.left ?? t('unlimited')} />
              </Col>
              <Col span={6}>
                <Statistic title={t('tpl.redeemed')} value={stats.s.redeemed} />
              </Col>
              <Col span={6}>
                <Statistic title={t('tpl.discountGiven')} value={fmt.money(stats.s.discountGiven)} />
              </Col>
            </Row>
            <Descriptions bordered size="small" column={1}>
              <Descriptions.Item label={t('tpl.claimedByChannel')}>
                {Object.keys(stats.s.claimedByChannel).length
                  ? Object.entries(stats.s.claimedByChannel).map(([k, n]) => (
                      <Tag key={k}>
                        {label(t, 'source', k)}: {n}
                      </Tag>
                    ))
                  : t('none')}
              </Descriptions.Item>
              <Descriptions.Item label={t('tpl.rolledBack')}>{stats.s.rolledBack}</Descriptions.Item>
              <Descriptions.Item label={t('dash.stockTotal')}>{stats.s.stock ?? t('unlimited')}</Descriptions.Item>
              <Descriptions.Item label={t('state')}>
                <StateTag kind="tstate" value={stats.tpl.state} />
              </Descriptions.Item>
            </Descriptions>
          </>
        )}
      </Modal>
    </div>
  );
}
