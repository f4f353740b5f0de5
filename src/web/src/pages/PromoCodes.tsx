// Promo codes (shared, multi-use) with the approval queue.
import { useState } from 'react';
import { Badge, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Table, Tabs } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, type PromoCode, type Role } from '../api.ts';
import { errorText, useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { label, StateTag, useConfirm, useList, withReason } from '../components.tsx';
import { exportCsv } from '../csv.ts';
import { zonedInstant } from '../format.ts';

type Action = 'submit' | 'approve' | 'reject' | 'void';
const ROLES: Record<Action, Role[]> = {
  submit: ['owner', 'admin', 'operator'],
  approve: ['owner', 'admin', 'auditor'],
  reject: ['owner', 'admin', 'auditor'],
  void: ['owner', 'admin'],
};
const BY_STATE: Record<string, Action[]> = { draft: ['submit'], pending: ['approve', 'reject'], approved: ['void'], rejected: ['submit'] };

interface Values {
  code: string;
  name: string;
  ruleType: 'amount_off' | 'discount_market_price';
  amountAtLeast?: number;
  amountOff?: number;
  discount?: number;
  discountAtMost?: number;
  limitTimes?: number;
  userUseLimit?: number;
  valid: [Dayjs, Dayjs];
  description?: string;
}

export function PromoCodesPage() {
  const { t } = useI18n();
  const { can, fmt, tz } = useSession();
  const confirm = useConfirm();
  const [tab, setTab] = useState<string>('all');
  const list = useList<PromoCode>('/promo-codes');
  const queue = useList<PromoCode>('/promo-codes', { state: 'pending' }, 5);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<Values>();
  const ruleType = Form.useWatch('ruleType', form);

  const ruleText = (p: PromoCode) => {
    const c = p.rule.condition?.amountAtLeast ? `${t('tpl.over', { amount: fmt.money(p.rule.condition.amountAtLeast) })} · ` : '';
    if (p.rule.action.amountOff) return `${c}${t('pc.ruleAmountOff')} ${fmt.money(p.rule.action.amountOff)}`;
    const d = Number(p.rule.action.discount ?? 1);
    return `${c}${t('tpl.rateText', { r: +(d * 10).toFixed(2), p: +((1 - d) * 100).toFixed(2) })}${p.rule.action.discountAtMost ? ` · ${t('tpl.offCap', { amount: fmt.money(p.rule.action.discountAtMost) })}` : ''}`;
  };

  const act = (p: PromoCode, a: Action) => {
    const text = t(`pconfirm.${a}` as MessageKey, { code: p.code });
    const withWhy = a === 'reject' ? withReason(t, text) : null;
    confirm({
      title: `${t(`taction.${a}` as MessageKey)} · ${p.code}`,
      content: withWhy?.content ?? text,
      danger: a === 'void' || a === 'reject',
      okText: t(`taction.${a}` as MessageKey),
      run: async () => {
        await api.post(`/promo-codes/${p.id}/${a}`, withWhy?.reason.value.trim() ? { reason: withWhy.reason.value.trim() } : {});
        await Promise.all([list.reload(), queue.reload()]);
      },
    });
  };

  const save = async (v: Values) => {
    setError(null);
    const at = (d: Dayjs) => zonedInstant(d.format('YYYY-MM-DD'), d.format('HH:mm:ss'), tz).toISOString();
    try {
      await api.post('/promo-codes', {
        code: v.code.trim(),
        name: v.name.trim(),
        rule: {
          type: v.ruleType,
          condition: { amountAtLeast: v.amountAtLeast ? v.amountAtLeast.toFixed(2) : undefined },
          action:
            v.ruleType === 'amount_off'
              ? { amountOff: v.amountOff?.toFixed(2) }
              : { discount: String(v.discount), discountAtMost: v.discountAtMost ? v.discountAtMost.toFixed(2) : undefined },
        },
        limitTimes: v.limitTimes ?? undefined,
        userUseLimit: v.userUseLimit ?? undefined,
        validFrom: at(v.valid[0]),
        validTo: at(v.valid[1]),
        description: v.description || undefined,
      });
      setOpen(false);
      form.resetFields();
      await Promise.all([list.reload(), queue.reload()]);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const columns = [
    { title: t('pc.code'), dataIndex: 'code', render: (v: string) => <strong className="mono">{v}</strong> },
    { title: t('name'), dataIndex: 'name' },
    { title: t('pc.rule'), render: (_v: unknown, p: PromoCode) => ruleText(p) },
    { title: t('pc.used'), width: 110, render: (_v: unknown, p: PromoCode) => `${p.usedTimes} / ${p.limitTimes ?? '∞'}` },
    { title: t('pc.valid'), width: 220, render: (_v: unknown, p: PromoCode) => `${fmt.d(p.validFrom)} — ${fmt.d(p.validTo)}` },
    { title: t('state'), dataIndex: 'state', width: 100, render: (s: string) => <StateTag kind="pstate" value={s} /> },
    {
      title: t('actions'),
      width: 200,
      render: (_v: unknown, p: PromoCode) => (
        <Space size={0}>
          {(BY_STATE[p.state] ?? [])
            .filter((a) => can(...ROLES[a]))
            .map((a) => (
              <Button key={a} type="link" size="small" danger={a === 'void' || a === 'reject'} onClick={() => act(p, a)}>
                {t(`taction.${a}` as MessageKey)}
              </Button>
            ))}
        </Space>
      ),
    },
  ];

  return (
    <div>
      <div className="page-head">
        <h2>{t('pc.title')}</h2>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () => {
              const rows = await list.all();
              exportCsv(
                'promo-codes.csv',
                ['code', 'name', 'rule', 'used', 'limit', 'validFrom', 'validTo', 'state'],
                rows.map((p) => [
                  p.code,
                  p.name,
                  ruleText(p),
                  p.usedTimes,
                  p.limitTimes ?? '',
                  fmt.dt(p.validFrom),
                  fmt.dt(p.validTo),
                  label(t, 'pstate', p.state),
                ]),
              );
            }}
          >
            {t('exportCsv')}
          </Button>
          {can('owner', 'admin', 'operator') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
              {t('pc.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'all',
              label: t('all'),
              children: (
                <>
                  <Form layout="inline" className="filters" onFinish={(v: { code?: string; state?: string }) => list.search(v)}>
                    <Form.Item name="code">
                      <Input placeholder={t('pc.code')} allowClear style={{ width: 200 }} />
                    </Form.Item>
                    <Form.Item name="state">
                      <Select
                        allowClear
                        placeholder={t('state')}
                        style={{ width: 140 }}
                        options={['draft', 'pending', 'approved', 'rejected', 'voided'].map((s) => ({
                          value: s,
                          label: t(`pstate.${s}` as MessageKey),
                        }))}
                      />
                    </Form.Item>
                    <Button type="primary" htmlType="submit">
                      {t('search')}
                    </Button>
                  </Form>
                  <Table<PromoCode>
                    rowKey="id"
                    loading={list.loading}
                    dataSource={list.data.items}
                    pagination={list.pagination}
                    columns={columns}
                  />
                </>
              ),
            },
            {
              key: 'queue',
              label: (
                <Badge count={queue.data.total} size="small" offset={[10, 0]}>
                  {t('pc.queue')}
                </Badge>
              ),
              children: (
                <Table<PromoCode>
                  rowKey="id"
                  loading={queue.loading}
                  dataSource={queue.data.items}
                  pagination={queue.pagination}
                  columns={columns}
                />
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={open}
        title={t('pc.new')}
        width={640}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        {error && <div style={{ color: '#cf1322', marginBottom: 12 }}>{error}</div>}
        <Form
          form={form}
          layout="vertical"
          onFinish={save}
          initialValues={{ ruleType: 'amount_off', valid: [dayjs().startOf('day'), dayjs().add(30, 'day').endOf('day')] }}
        >
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="code"
                label={t('pc.code')}
                rules={[
                  { required: true, message: t('required') },
                  { min: 3, max: 32 },
                  { pattern: /^[A-Za-z0-9_-]+$/, message: 'A-Z 0-9 _ -' },
                ]}
              >
                <Input className="mono" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="name" label={t('name')} rules={[{ required: true, message: t('required') }, { max: 100 }]}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="ruleType" label={t('pc.rule')}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={[
                { value: 'amount_off', label: t('pc.ruleAmountOff') },
                { value: 'discount_market_price', label: t('pc.ruleDiscount') },
              ]}
            />
          </Form.Item>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="amountAtLeast" label={t('pc.amountAtLeast')}>
                <InputNumber min={0} precision={2} prefix="¥" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            {ruleType === 'discount_market_price' ? (
              <>
                <Col span={8}>
                  <Form.Item
                    name="discount"
                    label={t('pc.discount')}
                    rules={[
                      { required: true, message: t('required') },
                      { type: 'number', min: 0.01, max: 0.99, message: t('v.rateRange') },
                    ]}
                  >
                    <InputNumber min={0.01} max={0.99} step={0.05} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name="discountAtMost" label={t('pc.discountAtMost')}>
                    <InputNumber min={0} precision={2} prefix="¥" style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </>
            ) : (
              <Col span={8}>
                <Form.Item
                  name="amountOff"
                  label={t('pc.amountOff')}
                  dependencies={['amountAtLeast']}
                  rules={[
                    { required: true, message: t('required') },
                    ({ getFieldValue }) => ({
                      validator: (_r, x: number) => {
                        if (x !== undefined && x <= 0) return Promise.reject(new Error(t('v.amountPositive')));
                        const min = getFieldValue('amountAtLeast') as number | undefined;
                        return min && x && x >= min ? Promise.reject(new Error(t('v.thresholdVsAmount'))) : Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber min={0} precision={2} prefix="¥" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            )}
          </Row>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="limitTimes" label={t('pc.limitTimes')}>
                <InputNumber min={1} precision={0} style={{ width: '100%' }} placeholder={t('unlimited')} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="userUseLimit" label={t('pc.userUseLimit')}>
                <InputNumber min={1} precision={0} style={{ width: '100%' }} placeholder={t('unlimited')} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="valid"
            label={`${t('pc.valid')} (${tz})`}
            rules={[
              { required: true, message: t('required') },
              {
                validator: (_r, r?: [Dayjs, Dayjs]) =>
                  !r || r[1].isAfter(r[0]) ? Promise.resolve() : Promise.reject(new Error(t('v.toAfterFrom'))),
              },
            ]}
          >
            <DatePicker.RangePicker showTime style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
