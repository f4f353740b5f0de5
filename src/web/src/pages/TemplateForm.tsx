// Create or edit a coupon template, with a live preview of the coupon as the
// customer sees it and a check of every field before it is sent.
import { useEffect, useState } from 'react';
import {
  App as AntApp,
  Alert,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import { api, type Store, type Template } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { wallClock, zonedInstant } from '../format.ts';
import { CouponCard } from '../components.tsx';
import { fixed2, type Values } from './template-form-values.ts';

export function TemplateForm({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing: Template | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { tz, tenant } = useSession();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [stores, setStores] = useState<Store[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const values = Form.useWatch([], form) as Values | undefined;

  // The tenant's wall clock <-> the picker's value.
  const toPicker = (iso: string | null | undefined) => (iso ? dayjs(wallClock(iso, tz)) : null);
  const fromPicker = (d: Dayjs) => zonedInstant(d.format('YYYY-MM-DD'), d.format('HH:mm:ss'), tz).toISOString();

  useEffect(() => {
    if (!open) return;
    setError(null);
    void api
      .get<{ items: Store[] }>('/stores', { limit: 500 })
      .then((r) => setStores(r.items))
      .catch(() => setStores([]));
    form.resetFields();
    if (editing) {
      const e = editing;
      form.setFieldsValue({
        name: e.name,
        description: e.description ?? undefined,
        discountType: e.discount.type,
        amount: e.discount.amount ? Number(e.discount.amount) : undefined,
        ratePct: e.discount.rate ? Math.round(Number(e.discount.rate) * 10000) / 100 : undefined,
        maxOff: e.discount.maxOff ? Number(e.discount.maxOff) : null,
        minSpend: Number(e.minSpend),
        minQuantity: e.minQuantity,
        validityType: e.validity.type,
        validRange: e.validity.type === 'fixed' ? [toPicker(e.validity.from)!, toPicker(e.validity.to)!] : undefined,
        days: e.validity.days,
        startAfterDays: e.validity.startAfterDays ?? 0,
        claimRange: e.claimFrom || e.claimTo ? [toPicker(e.claimFrom), toPicker(e.claimTo)] : null,
        unlimited: e.stock === null,
        stock: e.stock,
        perUserLimit: e.perUserLimit,
        claimCostPoints: e.claimCostPoints,
        price: Number(e.price),
        requiredSignInDays: e.requiredSignInDays,
        userType: e.audience.userType as Values['userType'],
        stackable: e.stackable,
        storeIds: e.storeIds,
        scopeType: e.scope.type,
        scopeIds: (e.scope.ids ?? []).map(String),
      });
    }
  }, [open, editing]);

  const initial: Partial<Values> = {
    discountType: 'amount',
    minSpend: 0,
    validityType: 'fixed',
    validRange: [dayjs().startOf('day'), dayjs().add(30, 'day').endOf('day')],
    days: 30,
    startAfterDays: 0,
    unlimited: false,
    stock: 1000,
    perUserLimit: 1,
    claimCostPoints: 0,
    price: 0,
    requiredSignInDays: 0,
    userType: 'any',
    stackable: false,
    storeIds: [],
    scopeType: 'all',
    activate: false,
  };

  const positive = (key: 'v.amountPositive' | 'v.maxOffPositive'): Rule => ({
    validator: (_r, v: number | null | undefined) =>
      v === null || v === undefined || v > 0 ? Promise.resolve() : Promise.reject(new Error(t(key))),
  });

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      description: v.description?.trim() || null,
      discount:
        v.discountType === 'amount'
          ? { type: 'amount', amount: fixed2(v.amount) }
          : { type: 'rate', rate: ((v.ratePct ?? 0) / 100).toFixed(4).replace(/0+$/, ''), maxOff: fixed2(v.maxOff) ?? null },
      minSpend: fixed2(v.minSpend ?? 0),
      minQuantity: v.minQuantity ?? null,
      scope:
        v.scopeType === 'all'
          ? { type: 'all' }
          : { type: v.scopeType, ids: (v.scopeIds ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0) },
      storeIds: v.storeIds ?? [],
      validity:
        v.validityType === 'fixed' && v.validRange
          ? { type: 'fixed', from: fromPicker(v.validRange[0]), to: fromPicker(v.validRange[1]) }
          : { type: 'relative', days: v.days, startAfterDays: v.startAfterDays ?? 0 },
      claimFrom: v.claimRange?.[0] ? fromPicker(v.claimRange[0]) : null,
      claimTo: v.claimRange?.[1] ? fromPicker(v.claimRange[1]) : null,
      stock: v.unlimited ? null : v.stock,
      perUserLimit: v.perUserLimit ?? null,
      claimCostPoints: v.claimCostPoints ?? 0,
      price: fixed2(v.price ?? 0),
      requiredSignInDays: v.requiredSignInDays ?? 0,
      audience: { userType: v.userType, sources: [] },
      stackable: v.stackable,
    };
    if (v.claimPassword) body.claimPassword = v.claimPassword;
    // The server's validator turns a JSON null into 0 or "" (coerceTypes), so
    // "not set" is sent as an absent field, never as null.
    const dropNulls = (o: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(o)
          .filter(([, x]) => x !== null && x !== undefined)
          .map(([k, x]) => [k, x && typeof x === 'object' && !Array.isArray(x) ? dropNulls(x as Record<string, unknown>) : x]),
      );
    const payload = dropNulls(body);
    try {
      if (editing) await api.patch(`/coupon-templates/${editing.id}`, payload);
      else await api.post('/coupon-templates', { ...payload, activate: !tenant?.approvalRequired && !!v.activate });
      message.success(editing ? t('saved') : t('created'));
      onSaved();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const v = values ?? (initial as Values);
  const preview = {
    name: v.name || t('tpl.new'),
    description: v.description ?? null,
    discount:
      v.discountType === 'rate'
        ? { type: 'rate' as const, rate: String((v.ratePct ?? 90) / 100), maxOff: v.maxOff ? String(v.maxOff) : null }
        : { type: 'amount' as const, amount: String(v.amount ?? 0) },
    minSpend: String(v.minSpend ?? 0),
    validity:
      v.validityType === 'fixed'
        ? {
            type: 'fixed' as const,
            from: v.validRange?.[0] ? fromPicker(v.validRange[0]) : undefined,
            to: v.validRange?.[1] ? fromPicker(v.validRange[1]) : undefined,
          }
        : { type: 'relative' as const, days: v.days, startAfterDays: v.startAfterDays },
    storeIds: v.storeIds ?? [],
    claimCostPoints: v.claimCostPoints ?? 0,
    price: String(v.price ?? 0),
    hasClaimPassword: !!v.claimPassword || !!editing?.hasClaimPassword,
    stock: v.unlimited ? null : (v.stock ?? null),
    issued: editing?.issued ?? 0,
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={1040}
      title={editing ? `${t('tpl.edit')} · ${editing.name}` : t('tpl.new')}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="tpl-save">
            {t('save')}
          </Button>
        </Space>
      }
    >
      <Row gutter={32}>
        <Col span={14}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="tpl-error" />}
          <Form form={form} name="tpl" layout="vertical" initialValues={initial} onFinish={submit} scrollToFirstError>
            <Typography.Title level={5}>{t('tpl.sectionBasic')}</Typography.Title>
            <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
              <Input maxLength={100} showCount />
            </Form.Item>
            <Form.Item name="description" label={t('description')} rules={[{ max: 2000 }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>

            <Divider />
            <Typography.Title level={5}>{t('tpl.sectionRule')}</Typography.Title>
            <Form.Item name="discountType" label={t('tpl.discountType')}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  { value: 'amount', label: t('tpl.typeAmount') },
                  { value: 'rate', label: t('tpl.typeRate') },
                ]}
              />
            </Form.Item>
            <Row gutter={16}>
              {v.discountType === 'rate' ? (
                <>
                  <Col span={8}>
                    <Form.Item
                      name="ratePct"
                      label={t('tpl.rate')}
                      rules={[
                        { required: true, message: t('required') },
                        {
                          validator: (_r, x: number) =>
                            x === undefined || x === null || (x >= 1 && x <= 99)
                              ? Promise.resolve()
                              : Promise.reject(new Error(t('v.rateRange'))),
                        },
                      ]}
                    >
                      <InputNumber style={{ width: '100%' }} min={1} max={99} step={1} suffix="%" />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="maxOff" label={t('tpl.maxOff')} rules={[positive('v.maxOffPositive')]}>
                      <InputNumber style={{ width: '100%' }} min={0} precision={2} prefix="¥" />
                    </Form.Item>
                  </Col>
                </>
              ) : (
                <Col span={8}>
                  <Form.Item
                    name="amount"
                    label={t('tpl.amountOff')}
                    rules={[{ required: true, message: t('required') }, positive('v.amountPositive')]}
                  >
                    <InputNumber style={{ width: '100%' }} min={0} precision={2} prefix="¥" />
                  </Form.Item>
                </Col>
              )}
              <Col span={8}>
                <Form.Item
                  name="minSpend"
                  label={t('tpl.minSpend')}
                  tooltip={t('tpl.minSpendHint')}
                  dependencies={['amount', 'discountType']}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_r, x: number | null) => {
                        const amount = getFieldValue('amount') as number | undefined;
                        if (getFieldValue('discountType') === 'amount' && x && amount && x <= amount)
                          return Promise.reject(new Error(t('v.thresholdVsAmount')));
                        return Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber style={{ width: '100%' }} min={0} precision={2} prefix="¥" />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col span={8}>
                <Form.Item name="minQuantity" label={t('tpl.minQuantity')}>
                  <InputNumber style={{ width: '100%' }} min={1} precision={0} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="scopeType" label={t('tpl.scope')}>
                  <Select options={(['all', 'categories', 'goods'] as const).map((s) => ({ value: s, label: t(`scope.${s}`) }))} />
                </Form.Item>
              </Col>
              {v.scopeType && v.scopeType !== 'all' && (
                <Col span={8}>
                  <Form.Item
                    name="scopeIds"
                    label={t('tpl.scopeIds')}
                    rules={[
                      { required: true, message: t('required') },
                      {
                        validator: (_r, ids: string[] = []) =>
                          ids.every((x) => /^[1-9]\d*$/.test(x)) ? Promise.resolve() : Promise.reject(new Error(t('v.int'))),
                      },
                    ]}
                  >
                    <Select mode="tags" tokenSeparators={[',', ' ']} open={false} />
                  </Form.Item>
                </Col>
              )}
            </Row>
            <Form.Item name="storeIds" label={t('tpl.stores')}>
              <Select mode="multiple" allowClear options={stores.map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
            <Form.Item name="stackable" label={t('tpl.stackable')} valuePropName="checked">
              <Switch />
            </Form.Item>

            <Divider />
            <Typography.Title level={5}>{t('tpl.sectionTime')}</Typography.Title>
            <Form.Item name="validityType" label={t('tpl.validity')}>
              <Radio.Group
                options={[
                  { value: 'fixed', label: t('tpl.validityFixed') },
                  { value: 'relative', label: t('tpl.validityRelative') },
                ]}
              />
            </Form.Item>
            {v.validityType === 'relative' ? (
              <Row gutter={16}>
                <Col span={8}>
                  <Form.Item
                    name="days"
                    label={t('tpl.validDays')}
                    rules={[
                      { required: true, message: t('required') },
                      { type: 'integer', min: 1, max: 3650, message: t('v.int') },
                    ]}
                  >
                    <InputNumber style={{ width: '100%' }} min={1} max={3650} precision={0} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name="startAfterDays" label={t('tpl.startAfterDays')}>
                    <InputNumber style={{ width: '100%' }} min={0} max={365} precision={0} />
                  </Form.Item>
                </Col>
              </Row>
            ) : (
              <Form.Item
                name="validRange"
                label={`${t('tpl.validity')} (${tz})`}
                rules={[
                  { required: true, message: t('required') },
                  {
                    validator: (_r, r?: [Dayjs, Dayjs]) => {
                      if (!r?.[0] || !r[1]) return Promise.resolve();
                      if (!r[1].isAfter(r[0])) return Promise.reject(new Error(t('v.toAfterFrom')));
                      if (new Date(fromPicker(r[1])) <= new Date() && !editing) return Promise.reject(new Error(t('v.toInFuture')));
                      return Promise.resolve();
                    },
                  },
                ]}
              >
                <DatePicker.RangePicker showTime style={{ width: '100%' }} />
              </Form.Item>
            )}
            <Form.Item
              name="claimRange"
              label={t('tpl.claimWindow')}
              dependencies={['validRange', 'validityType']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_r, r?: [Dayjs | null, Dayjs | null] | null) => {
                    if (r?.[0] && r[1] && !r[1].isAfter(r[0])) return Promise.reject(new Error(t('v.toAfterFrom')));
                    const vr = getFieldValue('validRange') as [Dayjs, Dayjs] | undefined;
                    if (getFieldValue('validityType') === 'fixed' && r?.[1] && vr?.[1] && r[1].isAfter(vr[1]))
                      return Promise.reject(new Error(t('v.claimBeforeValidEnd')));
                    return Promise.resolve();
                  },
                }),
              ]}
            >
              <DatePicker.RangePicker showTime allowEmpty={[true, true]} style={{ width: '100%' }} />
            </Form.Item>

            <Divider />
            <Typography.Title level={5}>{t('tpl.sectionClaim')}</Typography.Title>
            <Row gutter={16} align="bottom">
              <Col span={8}>
                <Form.Item
                  name="stock"
                  label={t('tpl.stock')}
                  dependencies={['unlimited']}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_r, x: number | null) => {
                        if (getFieldValue('unlimited')) return Promise.resolve();
                        if (x === null || x === undefined || x < 1) return Promise.reject(new Error(t('v.stockPositive')));
                        if (editing && x < editing.issued) return Promise.reject(new Error(t('v.stockMin', { n: editing.issued })));
                        return Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber style={{ width: '100%' }} min={0} precision={0} disabled={v.unlimited} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="unlimited" valuePropName="checked">
                  <Checkbox>{t('tpl.stockUnlimited')}</Checkbox>
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item
                  name="perUserLimit"
                  label={t('tpl.perUserLimit')}
                  dependencies={['stock', 'unlimited']}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_r, x: number | null) => {
                        const stock = getFieldValue('stock') as number | null;
                        if (x && !getFieldValue('unlimited') && stock && x > stock) return Promise.reject(new Error(t('v.perUserVsStock')));
                        return Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber style={{ width: '100%' }} min={1} precision={0} placeholder={t('unlimited')} />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col span={8}>
                <Form.Item name="claimCostPoints" label={t('tpl.claimCostPoints')}>
                  <InputNumber style={{ width: '100%' }} min={0} precision={0} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="price" label={t('tpl.price')}>
                  <InputNumber style={{ width: '100%' }} min={0} precision={2} prefix="¥" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="requiredSignInDays" label={t('tpl.requiredSignInDays')}>
                  <InputNumber style={{ width: '100%' }} min={0} max={365} precision={0} />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item name="claimPassword" label={t('tpl.claimPassword')} rules={[{ max: 64 }]}>
                  <Input placeholder={editing?.hasClaimPassword ? '••••••' : ''} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="userType" label={t('tpl.audience')}>
                  <Select options={(['any', 'new', 'no_purchase'] as const).map((a) => ({ value: a, label: t(`aud.${a}`) }))} />
                </Form.Item>
              </Col>
            </Row>
            {!editing && !tenant?.approvalRequired && (
              <Form.Item name="activate" valuePropName="checked">
                <Checkbox data-testid="tpl-activate">{t('tpl.activateNow')}</Checkbox>
              </Form.Item>
            )}
          </Form>
        </Col>
        <Col span={10}>
          <div style={{ position: 'sticky', top: 0 }}>
            <Typography.Text type="secondary">
              {t('tpl.preview')} · {t('tpl.previewHint')}
            </Typography.Text>
            <div className="phone" style={{ marginTop: 12 }}>
              <div className="phone-bar" />
              <CouponCard tpl={preview} />
            </div>
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}
