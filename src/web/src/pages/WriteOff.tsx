// The cashier's page: type or scan a code, see what the coupon is worth,
// confirm once; today's write-offs in this store below.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { CameraOutlined, CheckCircleFilled, DownloadOutlined, ScanOutlined } from '@ant-design/icons';
import { api, ApiError, newKey, type CouponDetail, type Page, type Redemption } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CouponCard, discountText, label, StateTag, useMyStores } from '../components.tsx';
import { startOfTenantDay } from '../format.ts';
import { exportCsv } from '../csv.ts';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (opts?: { formats: string[] }) => Detector;
  }
}

function Scanner({ open, onCode, onClose }: { open: boolean; onCode: (c: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [err, setErr] = useState<string | null>(null);
  const found = useRef(onCode);
  found.current = onCode;
  useEffect(() => {
    if (!open) return;
    let stream: MediaStream | null = null;
    let stop = false;
    setErr(null);
    void (async () => {
      try {
        const Det = window.BarcodeDetector;
        if (!Det || !navigator.mediaDevices?.getUserMedia) throw new Error(t('wo.scanNotSupported'));
        const det = new Det({ formats: ['qr_code', 'code_128', 'ean_13', 'code_39'] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (!video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        while (!stop) {
          const codes = await det.detect(video.current).catch(() => []);
          if (codes[0]?.rawValue) {
            found.current(codes[0].rawValue.trim());
            return;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      } catch (e) {
        setErr(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      stop = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [open, t]);
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('wo.scanTitle')} destroyOnHidden>
      {err ? (
        <Alert type="warning" showIcon title={err} />
      ) : (
        <video ref={video} style={{ width: '100%', borderRadius: 8, background: '#000' }} muted playsInline />
      )}
    </Modal>
  );
}

export function WriteOffPage() {
  const { t } = useI18n();
  const { me, tz, fmt } = useSession();
  const { message, modal } = AntApp.useApp();
  const { stores, storeId, setStoreId, store } = useMyStores();
  const [code, setCode] = useState('');
  const [detail, setDetail] = useState<CouponDetail | null>(null);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [amount, setAmount] = useState<number | null>(null);
  const [orderRef, setOrderRef] = useState('');
  const [scan, setScan] = useState(false);
  const [today, setToday] = useState<Page<Redemption>>({ items: [], total: 0 });
  const key = useRef<string>(newKey());
  const input = useRef<HTMLInputElement>(null);

  const loadToday = useCallback(async () => {
    if (!storeId) return setToday({ items: [], total: 0 });
    const from = startOfTenantDay(new Date(), tz).toISOString();
    setToday(
      await api
        .get<Page<Redemption>>('/redemptions', { kind: 'write_off', storeId, from, limit: 200 })
        .catch(() => ({ items: [], total: 0 })),
    );
  }, [storeId, tz]);

  useEffect(() => {
    void loadToday();
  }, [storeId, loadToday]);

  const lookup = async (raw: string) => {
    const c = raw.trim();
    setResult(null);
    setLookupError(null);
    setDetail(null);
    if (!c) return;
    setCode(c);
    key.current = newKey(); // one confirmation = one write-off, even if clicked twice
    try {
      setDetail(await api.get<CouponDetail>(`/coupons/${encodeURIComponent(c)}`));
    } catch (e) {
      setLookupError(e instanceof ApiError && e.status === 404 ? t('wo.notFound', { code: c }) : errorText(t, e));
    }
  };

  const worth = detail ? discountText(detail.template, t, fmt.money) : null;
  let estimate: string | null = null;
  if (detail && detail.template.discount.type === 'rate' && amount) {
    const off = amount * (1 - Number(detail.template.discount.rate));
    const cap = detail.template.discount.maxOff ? Number(detail.template.discount.maxOff) : Infinity;
    estimate = fmt.money(Math.min(off, cap));
  }
  const usedMsg =
    detail && detail.coupon.status === 'used'
      ? `${t('err.coupon_used')}${detail.coupon.usedAt ? ` (${fmt.dt(detail.coupon.usedAt)})` : ''}`
      : detail && detail.coupon.status !== 'usable'
        ? t('wo.notUsable', { status: label(t, 'cstatus', detail.coupon.status) })
        : null;

  const confirmWriteOff = () => {
    if (!detail || !worth) return;
    if (!store) return message.warning(t('wo.noStore'));
    modal.confirm({
      title: t('wo.confirm'),
      content: t('wo.confirmText', {
        store: store.name,
        code: detail.coupon.code,
        name: detail.template.name,
        value: `${worth.value} · ${worth.cond}`,
      }),
      okText: t('wo.confirm'),
      cancelText: t('cancel'),
      onOk: async () => {
        setBusy(true);
        try {
          const r = await api.post<Redemption>(
            `/coupons/${encodeURIComponent(detail.coupon.code)}/write-off`,
            { storeId: store.id, orderRef: orderRef.trim() || undefined, amount: amount ? amount.toFixed(2) : undefined },
            { idempotencyKey: key.current },
          );
          setResult({ kind: 'success', text: t('wo.success', { code: detail.coupon.code, amount: fmt.money(r.discountTotal) }) });
          setDetail(null);
          setCode('');
          setAmount(null);
          setOrderRef('');
          void loadToday();
          input.current?.focus();
        } catch (e) {
          setResult({ kind: 'error', text: errorText(t, e) });
          // Show the coupon as it is now (e.g. written off at another till meanwhile).
          void api
            .get<CouponDetail>(`/coupons/${encodeURIComponent(detail.coupon.code)}`)
            .then(setDetail)
            .catch(() => undefined);
        } finally {
          setBusy(false);
        }
      },
    });
  };

  const totalOff = today.items.filter((r) => r.status === 'done').reduce((s, r) => s + Number(r.discountTotal), 0);

  return (
    <div>
      <div className="page-head">
        <h2>{t('wo.title')}</h2>
        <Space>
          <span>{t('wo.store')}</span>
          <Select
            style={{ width: 220 }}
            value={storeId}
            onChange={setStoreId}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            placeholder={t('wo.store')}
            data-testid="wo-store"
          />
        </Space>
      </div>
      {!stores.length && <Alert type="warning" showIcon title={t('wo.noStore')} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col xs={24} lg={11}>
          <Card>
            <Space.Compact style={{ width: '100%' }} size="large">
              <Input
                ref={(el) => {
                  input.current = el?.input ?? null;
                }}
                className="wo-code"
                autoFocus
                prefix={<ScanOutlined />}
                placeholder={t('wo.scanHint')}
                value={code}
                onChange={(e) => setCode(e.target.value.toUpperCase())}
                onPressEnter={() => void lookup(code)}
                data-testid="wo-code"
              />
              <Button type="primary" onClick={() => void lookup(code)} data-testid="wo-lookup">
                {t('wo.lookup')}
              </Button>
              <Button
                icon={<CameraOutlined />}
                onClick={() => (window.BarcodeDetector ? setScan(true) : message.info(t('wo.scanNotSupported')))}
              >
                {t('wo.scan')}
              </Button>
            </Space.Compact>
            <div style={{ marginTop: 20 }}>
              {result && (
                <Alert
                  type={result.kind}
                  showIcon
                  title={result.text}
                  style={{ marginBottom: 16 }}
                  data-testid={`wo-${result.kind}`}
                  icon={result.kind === 'success' ? <CheckCircleFilled /> : undefined}
                />
              )}
              {lookupError && <Alert type="error" showIcon title={lookupError} data-testid="wo-error" />}
              {detail && worth && (
                <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="wo-detail">
                  <CouponCard
                    hideStock
                    tpl={detail.template}
                    grey={detail.coupon.status !== 'usable'}
                    footer={<StateTag kind="cstatus" value={detail.coupon.status} />}
                  />
                  {usedMsg && result?.kind !== 'error' && <Alert type="error" showIcon title={usedMsg} data-testid="wo-error" />}
                  <Descriptions size="small" column={1} bordered>
                    <Descriptions.Item label={t('wo.worth')}>
                      <Typography.Text strong style={{ color: '#e8590c', fontSize: 18 }} data-testid="wo-worth">
                        {worth.value}
                      </Typography.Text>{' '}
                      <Typography.Text type="secondary">{worth.cond}</Typography.Text>
                      {estimate && <div>≈ {estimate}</div>}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('code')}>
                      <span className="mono">{detail.coupon.code}</span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('tpl.validity')}>
                      {fmt.dt(detail.coupon.validFrom)} — {fmt.dt(detail.coupon.validTo)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('cp.owner')}>{detail.coupon.ownerId ? `#${detail.coupon.ownerId}` : '—'}</Descriptions.Item>
                  </Descriptions>
                  {!usedMsg && (
                    <Form layout="vertical">
                      <Row gutter={12}>
                        <Col span={12}>
                          <Form.Item label={t('wo.orderAmount')}>
                            <InputNumber
                              style={{ width: '100%' }}
                              min={0}
                              precision={2}
                              prefix="¥"
                              value={amount}
                              onChange={(v) => setAmount(v)}
                            />
                          </Form.Item>
                        </Col>
                        <Col span={12}>
                          <Form.Item label={t('wo.orderRef')}>
                            <Input value={orderRef} onChange={(e) => setOrderRef(e.target.value)} maxLength={100} />
                          </Form.Item>
                        </Col>
                      </Row>
                      <Button
                        type="primary"
                        size="large"
                        block
                        loading={busy}
                        disabled={busy}
                        onClick={confirmWriteOff}
                        data-testid="wo-confirm"
                      >
                        {t('wo.confirm')}
                      </Button>
                    </Form>
                  )}
                </Space>
              )}
              {!detail && !lookupError && !result && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('wo.scanHint')} />}
            </div>
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          <Card
            title={t('wo.today')}
            extra={
              <Button
                size="small"
                icon={<DownloadOutlined />}
                onClick={() =>
                  exportCsv(
                    `write-offs-${store?.name ?? ''}.csv`,
                    ['time', 'code', 'discount', 'orderRef', 'staff', 'status'],
                    today.items.map((r) => [
                      fmt.dt(r.createdAt),
                      r.items.map((i) => i.couponCode).join(' '),
                      r.discountTotal,
                      r.orderRef ?? '',
                      r.staffId ?? '',
                      r.status,
                    ]),
                  )
                }
              >
                {t('exportCsv')}
              </Button>
            }
          >
            <Row gutter={16} style={{ marginBottom: 12 }}>
              <Col span={12}>
                <Statistic title={t('wo.count')} value={today.total} data-testid="wo-today-count" />
              </Col>
              <Col span={12}>
                <Statistic title={t('dash.discount')} value={fmt.money(totalOff)} />
              </Col>
            </Row>
            <Table<Redemption>
              rowKey="id"
              size="small"
              dataSource={today.items}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              data-testid="wo-today"
              columns={[
                { title: t('time'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmt.dt(v) },
                { title: t('code'), render: (_v, r) => <span className="mono">{r.items.map((i) => i.couponCode).join(', ')}</span> },
                { title: t('wo.discount'), dataIndex: 'discountTotal', align: 'right', render: (v: string) => fmt.money(v) },
                { title: t('wo.orderRef'), dataIndex: 'orderRef', render: (v: string | null) => v || '—' },
                {
                  title: t('staff'),
                  dataIndex: 'staffId',
                  width: 110,
                  render: (v: number | null) => (v === me?.staff.id ? me.staff.name || me.staff.username : v ? `#${v}` : '—'),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Scanner
        open={scan}
        onClose={() => setScan(false)}
        onCode={(c) => {
          setScan(false);
          setCode(c);
          void lookup(c);
        }}
      />
    </div>
  );
}
