// Claims, redemptions and discount per day, top templates, stock left.
import { useEffect, useState } from 'react';
import { App as AntApp, Card, Col, DatePicker, Empty, Progress, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { GiftOutlined, CheckCircleOutlined, MoneyCollectOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, type Dashboard } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { localDate } from '../format.ts';
import { CsvButton } from '../components.tsx';

export function DashboardPage() {
  const { t } = useI18n();
  const { tz, fmt } = useSession();
  const { message } = AntApp.useApp();
  const today = localDate(new Date(), tz);
  const [range, setRange] = useState<[string, string]>([dayjs(today).subtract(6, 'day').format('YYYY-MM-DD'), today]);
  const [data, setData] = useState<Dashboard | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    setLoading(true);
    api
      .get<Dashboard>('/reports/dashboard', { from: range[0], to: range[1] })
      .then(setData)
      .catch((e) => message.error(errorText(t, e)))
      .finally(() => setLoading(false));
  }, [range, message, t]);

  const preset = (days: number) =>
    setRange([
      dayjs(today)
        .subtract(days - 1, 'day')
        .format('YYYY-MM-DD'),
      today,
    ]);
  const chart = (data?.days ?? []).map((d) => ({
    date: d.date.slice(5),
    [t('dash.claims')]: d.claims,
    [t('dash.redemptions')]: d.redemptions,
    [t('dash.discount')]: Number(d.discount),
  }));

  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.dashboard')}</h2>
        <Space wrap>
          <Segmented
            options={[
              { label: t('dash.last7'), value: 7 },
              { label: t('dash.last30'), value: 30 },
              { label: t('dash.last90'), value: 90 },
            ]}
            value={range[1] === today ? dayjs(range[1]).diff(dayjs(range[0]), 'day') + 1 : undefined}
            onChange={(v) => preset(Number(v))}
          />
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(range[0]), dayjs(range[1])]}
            disabledDate={(d: Dayjs) => d.format('YYYY-MM-DD') > today}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
            data-testid="dash-range"
          />
        </Space>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card loading={loading} className="kpi">
            <Statistic title={t('dash.claims')} value={data?.totals.claims ?? 0} prefix={<GiftOutlined style={{ color: '#e8590c' }} />} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={loading} className="kpi">
            <Statistic
              title={t('dash.redemptions')}
              value={data?.totals.redemptions ?? 0}
              prefix={<CheckCircleOutlined style={{ color: '#389e0d' }} />}
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={loading} className="kpi">
            <Statistic
              title={t('dash.discount')}
              value={fmt.money(data?.totals.discount ?? '0')}
              prefix={<MoneyCollectOutlined style={{ color: '#1677ff' }} />}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            title={`${t('dash.perDay')} · ${t('dash.claims')} / ${t('dash.redemptions')}`}
            loading={loading}
            extra={
              <CsvButton
                filename={`daily-${range[0]}-${range[1]}.csv`}
                header={['date', 'claims', 'redemptions', 'discount']}
                rows={() => (data?.days ?? []).map((d) => [d.date, d.claims, d.redemptions, d.discount])}
              />
            }
          >
            <ResponsiveContainer width="100%" height={280}>
              <AreaChart data={chart} margin={{ left: -16, right: 8 }}>
                <defs>
                  <linearGradient id="gClaims" x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0%" stopColor="#e8590c" stopOpacity={0.35} />
                    <stop offset="100%" stopColor="#e8590c" stopOpacity={0} />
                  </linearGradient>
                  <linearGradient id="gRed" x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0%" stopColor="#389e0d" stopOpacity={0.3} />
                    <stop offset="100%" stopColor="#389e0d" stopOpacity={0} />
                  </linearGradient>
                </defs>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#eee" />
                <XAxis dataKey="date" tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Area
                  type="monotone"
                  dataKey={t('dash.claims')}
                  stroke="#e8590c"
                  fill="url(#gClaims)"
                  strokeWidth={2}
                  isAnimationActive={false}
                />
                <Area
                  type="monotone"
                  dataKey={t('dash.redemptions')}
                  stroke="#389e0d"
                  fill="url(#gRed)"
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              </AreaChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={`${t('dash.perDay')} · ${t('dash.discount')}`} loading={loading}>
            <ResponsiveContainer width="100%" height={280}>
              <BarChart data={chart} margin={{ left: -8, right: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#eee" />
                <XAxis dataKey="date" tick={{ fontSize: 12 }} />
                <YAxis tick={{ fontSize: 12 }} />
                <Tooltip formatter={(v) => fmt.money(Number(v))} />
                <Bar dataKey={t('dash.discount')} fill="#1677ff" radius={[4, 4, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            title={t('dash.topTemplates')}
            loading={loading}
            extra={
              <CsvButton
                filename={`top-templates-${range[0]}-${range[1]}.csv`}
                header={['rank', 'templateId', 'name', 'claims', 'redemptions', 'discount']}
                rows={() => (data?.topTemplates ?? []).map((r, i) => [i + 1, r.templateId, r.name, r.claims, r.redemptions, r.discount])}
              />
            }
          >
            <Table
              size="small"
              rowKey="templateId"
              pagination={false}
              dataSource={data?.topTemplates ?? []}
              locale={{ emptyText: <Empty description={t('dash.noData')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
              columns={[
                { title: '#', width: 40, render: (_v, _r, i) => i + 1 },
                { title: t('template'), dataIndex: 'name' },
                { title: t('dash.claims'), dataIndex: 'claims', align: 'right' },
                { title: t('dash.redemptions'), dataIndex: 'redemptions', align: 'right' },
                { title: t('dash.discount'), dataIndex: 'discount', align: 'right', render: (v: string) => fmt.money(v) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card
            title={t('dash.stock')}
            loading={loading}
            extra={
              <CsvButton
                filename="stock-left.csv"
                header={['templateId', 'name', 'stock', 'issued', 'left']}
                rows={() => (data?.stock ?? []).map((r) => [r.templateId, r.name, r.stock, r.issued, r.left])}
              />
            }
          >
            {data?.stock.length ? (
              <Space orientation="vertical" style={{ width: '100%' }} size={12}>
                {data.stock.map((s) => (
                  <div key={s.templateId}>
                    <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                      <Typography.Text ellipsis style={{ maxWidth: 220 }}>
                        {s.name}
                      </Typography.Text>
                      <Typography.Text type="secondary">
                        {t('dash.left')} {s.left} / {s.stock}
                      </Typography.Text>
                    </Space>
                    <Progress
                      percent={s.stock ? Math.round((s.left / s.stock) * 100) : 0}
                      showInfo={false}
                      strokeColor={s.left / Math.max(1, s.stock) < 0.1 ? '#cf1322' : '#e8590c'}
                    />
                  </div>
                ))}
              </Space>
            ) : (
              <Empty description={t('dash.noStock')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
