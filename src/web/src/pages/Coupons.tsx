// Coupons: search by code, phone or template; a coupon's history; grant to a user.
import { useEffect, useState } from 'react';
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
  Timeline,
  Typography,
} from 'antd';
import { DownloadOutlined, GiftOutlined } from '@ant-design/icons';
import { api, newKey, type Coupon, type CouponDetail, type Template } from '../api.ts';
import { errorText, useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CouponCard, label, StateTag, useConfirm, useList, FilterButtons } from '../components.tsx';
import { exportCsv } from '../csv.ts';

export function CouponDrawer({ code, onClose }: { code: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const [detail, setDetail] = useState<CouponDetail | null>(null);
  useEffect(() => {
    setDetail(null);
    if (code)
      void api
        .get<CouponDetail>(`/coupons/${encodeURIComponent(code)}`)
        .then(setDetail)
        .catch((e) => message.error(errorText(t, e)));
  }, [code, message, t]);
  const c = detail?.coupon;
  return (
    <Drawer open={!!code} onClose={onClose} size={560} title={`${t('cp.detail')} · ${code ?? ''}`}>
      {detail && c && (
        <Space orientation="vertical" size={20} style={{ width: '100%' }}>
          <CouponCard tpl={detail.template} grey={c.status !== 'usable'} footer={<StateTag kind="cstatus" value={c.status} />} />
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label={t('code')}>
              <Typography.Text copyable className="mono">
                {c.code}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('template')}>
              #{detail.template.id} {detail.template.name}
            </Descriptions.Item>
            <Descriptions.Item label={t('cp.owner')}>{c.ownerId ? `#${c.ownerId}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cp.source')}>{label(t, 'source', c.source)}</Descriptions.Item>
            <Descriptions.Item label={t('tpl.validity')}>
              {fmt.dt(c.validFrom)} — {fmt.dt(c.validTo)}
            </Descriptions.Item>
            <Descriptions.Item label={t('cp.receivedAt')}>{fmt.dt(c.receivedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('cp.usedAt')}>{fmt.dt(c.usedAt)}</Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('cp.history')}</Typography.Title>
            <Timeline
              items={detail.history.map((h) => ({
                color: h.kind.includes('roll')
                  ? 'orange'
                  : h.kind.includes('void')
                    ? 'red'
                    : h.kind.includes('redeem') || h.kind.includes('write')
                      ? 'green'
                      : 'blue',
                content: (
                  <div>
                    <strong>{label(t, 'ev', h.kind)}</strong> <span style={{ color: '#8c8c8c' }}>{fmt.dt(h.createdAt)}</span>
                    <div style={{ fontSize: 12, color: '#595959' }}>
                      {[
                        h.fromUser && `${t('user')} #${h.fromUser} →`,
                        h.toUser && `${t('user')} #${h.toUser}`,
                        h.staffId && `${t('staff')} #${h.staffId}`,
                        h.storeId && `${t('store')} #${h.storeId}`,
                        h.redemptionId && `#${h.redemptionId}`,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </div>
                  </div>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}

export function CouponsPage() {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const confirm = useConfirm();
  const list = useList<Coupon>('/coupons');
  const [templates, setTemplates] = useState<Template[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [grantOpen, setGrantOpen] = useState(false);
  const [filterForm] = Form.useForm();
  const [grantForm] = Form.useForm<{ templateId: number; user: string; quantity: number }>();
  const names = new Map(templates.map((x) => [x.id, x.name]));

  useEffect(() => {
    void api.get<{ items: Template[] }>('/coupon-templates', { limit: 500 }).then((r) => setTemplates(r.items));
  }, []);

  const search = (v: { q?: string; templateId?: number; status?: string }) => {
    const q = v.q?.trim();
    const isMobile = !!q && /^\+?\d{7,15}$/.test(q);
    list.search({ code: isMobile ? undefined : q, mobile: isMobile ? q : undefined, templateId: v.templateId, status: v.status });
  };

  const grant = (v: { templateId: number; user: string; quantity: number }) => {
    const tpl = templates.find((x) => x.id === v.templateId);
    const u = v.user.trim();
    const byId = /^\d{1,9}$/.test(u) && u.length < 7;
    confirm({
      title: t('cp.grant'),
      content: t('cp.grantConfirm', { user: u, n: v.quantity, name: tpl?.name ?? '' }),
      run: async () => {
        const r = await api.post<{ items: Coupon[] }>(
          '/coupons/grant',
          { templateId: v.templateId, quantity: v.quantity, ...(byId ? { userId: Number(u) } : { mobile: u }) },
          { idempotencyKey: newKey() },
        );
        setGrantOpen(false);
        grantForm.resetFields();
        await list.reload();
        if (r.items[0]) setOpen(r.items[0].code);
      },
      success: t('cp.granted', { n: v.quantity }),
    });
  };

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.coupons')}</h2>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () => {
              const rows = await list.all();
              exportCsv(
                'coupons.csv',
                ['code', 'template', 'owner', 'status', 'source', 'validFrom', 'validTo', 'receivedAt', 'usedAt'],
                rows.map((c) => [
                  c.code,
                  names.get(c.templateId) ?? c.templateId,
                  c.ownerId ?? '',
                  label(t, 'cstatus', c.status),
                  label(t, 'source', c.source),
                  fmt.dt(c.validFrom),
                  fmt.dt(c.validTo),
                  fmt.dt(c.receivedAt),
                  fmt.dt(c.usedAt),
                ]),
              );
            }}
          >
            {t('exportCsv')}
          </Button>
          {can('owner', 'admin', 'operator') && (
            <Button type="primary" icon={<GiftOutlined />} onClick={() => setGrantOpen(true)} data-testid="cp-grant">
              {t('cp.grant')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form form={filterForm} layout="inline" className="filters" onFinish={search}>
          <Form.Item name="q">
            <Input.Search
              placeholder={t('cp.search')}
              allowClear
              onSearch={() => filterForm.submit()}
              style={{ width: 240 }}
              className="mono"
              data-testid="cp-search"
            />
          </Form.Item>
          <Form.Item name="templateId">
            <Select
              allowClear
              placeholder={t('template')}
              style={{ width: 220 }}
              showSearch={{ optionFilterProp: 'label' }}
              options={templates.map((x) => ({ value: x.id, label: `#${x.id} ${x.name}` }))}
              onChange={() => filterForm.submit()}
            />
          </Form.Item>
          <Form.Item name="status">
            <Select
              allowClear
              placeholder={t('state')}
              style={{ width: 140 }}
              options={['usable', 'not_yet_valid', 'expired', 'used', 'voided'].map((s) => ({
                value: s,
                label: t(`cstatus.${s}` as MessageKey),
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
        <Table<Coupon>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          onRow={(r) => ({ onClick: () => setOpen(r.code), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('code'), dataIndex: 'code', render: (v: string) => <span className="mono">{v}</span> },
            { title: t('template'), dataIndex: 'templateId', render: (v: number) => names.get(v) ?? `#${v}` },
            { title: t('cp.owner'), dataIndex: 'ownerId', width: 90, render: (v: number | null) => (v ? `#${v}` : '—') },
            { title: t('state'), dataIndex: 'status', width: 100, render: (s: string) => <StateTag kind="cstatus" value={s} /> },
            { title: t('cp.source'), dataIndex: 'source', width: 100, render: (s: string) => label(t, 'source', s) },
            { title: t('cp.validTo'), dataIndex: 'validTo', width: 150, render: (v: string | null) => fmt.dt(v) },
            { title: t('cp.receivedAt'), dataIndex: 'receivedAt', width: 150, render: (v: string | null) => fmt.dt(v) },
          ]}
        />
      </Card>
      <CouponDrawer code={open} onClose={() => setOpen(null)} />
      <Modal
        open={grantOpen}
        title={t('cp.grant')}
        onCancel={() => setGrantOpen(false)}
        onOk={() => grantForm.submit()}
        okText={t('confirm')}
        cancelText={t('cancel')}
      >
        <Form form={grantForm} name="grant" layout="vertical" initialValues={{ quantity: 1 }} onFinish={grant}>
          <Form.Item name="templateId" label={t('template')} rules={[{ required: true, message: t('required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={templates.filter((x) => x.state === 'active').map((x) => ({ value: x.id, label: `#${x.id} ${x.name}` }))}
            />
          </Form.Item>
          <Form.Item name="user" label={t('cp.grantUser')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="quantity" label={t('cp.quantity')} rules={[{ required: true, message: t('required') }]}>
            <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
