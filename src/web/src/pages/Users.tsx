// Members (consumers): search, their coupons, cards, points and wallet.
import { useEffect, useState } from 'react';
import { Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Space, Statistic, Table, Row, Col, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined, StarOutlined } from '@ant-design/icons';
import { api, newKey, type Coupon, type MemberCard, type Page, type User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { label, StateTag, useConfirm, useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';
import { CouponDrawer } from './Coupons.tsx';
import { CardDrawer } from './CardDrawer.tsx';
import { cardTypeText } from './CardLabels.tsx';

export function UsersPage() {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const confirm = useConfirm();
  const list = useList<User>('/users');
  const [sel, setSel] = useState<User | null>(null);
  const [coupons, setCoupons] = useState<Page<Coupon>>({ items: [], total: 0 });
  const [cards, setCards] = useState<Page<MemberCard>>({ items: [], total: 0 });
  const [cardId, setCardId] = useState<number | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [points, setPoints] = useState<number | null>(null);
  const [form] = Form.useForm();

  useEffect(() => {
    if (!sel) return;
    void api.get<Page<Coupon>>('/coupons', { ownerId: sel.id, limit: 100 }).then(setCoupons);
    void api.get<Page<MemberCard>>('/cards', { userId: sel.id, limit: 100 }).then(setCards);
  }, [sel]);

  const refreshSel = async (id: number) => setSel(await api.get<User>(`/users/${id}`));

  return (
    <div>
      <div className="page-head">
        <h2>{t('u.title')}</h2>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () => {
              const rows = await list.all();
              exportCsv(
                'members.csv',
                ['id', 'mobile', 'username', 'nick', 'points', 'wallet', 'createdAt'],
                rows.map((u) => [u.id, u.mobile, u.username, u.nick, u.points, u.walletBalance, fmt.dt(u.createdAt)]),
              );
            }}
          >
            {t('exportCsv')}
          </Button>
          {can('owner', 'admin', 'operator') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('u.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form layout="inline" className="filters" onFinish={(v: { mobile?: string; username?: string }) => list.search(v)}>
          <Form.Item name="mobile">
            <Input placeholder={t('mobile')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="username">
            <Input placeholder={t('username')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Table<User>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          onRow={(r) => ({ onClick: () => setSel(r), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('id'), dataIndex: 'id', width: 70 },
            { title: t('mobile'), dataIndex: 'mobile', render: (v: string | null) => v ?? '—' },
            { title: t('username'), dataIndex: 'username', render: (v: string | null) => v ?? '—' },
            { title: t('u.nick'), dataIndex: 'nick', render: (v: string | null) => v ?? '—' },
            { title: t('u.points'), dataIndex: 'points', align: 'right' },
            { title: t('u.wallet'), dataIndex: 'walletBalance', align: 'right', render: (v: string) => fmt.money(v) },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
          ]}
        />
      </Card>
      <Drawer
        open={!!sel}
        onClose={() => setSel(null)}
        size={640}
        title={sel ? `${t('user')} #${sel.id} ${sel.nick ?? sel.mobile ?? sel.username ?? ''}` : ''}
      >
        {sel && (
          <Space orientation="vertical" size={20} style={{ width: '100%' }}>
            <Row gutter={16}>
              <Col span={6}>
                <Statistic title={t('u.points')} value={sel.points} />
              </Col>
              <Col span={6}>
                <Statistic title={t('u.wallet')} value={fmt.money(sel.walletBalance)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('u.coupons')} value={coupons.total} />
              </Col>
              <Col span={6}>
                <Statistic title={t('u.cards')} value={cards.total} />
              </Col>
            </Row>
            <Descriptions size="small" bordered column={2}>
              <Descriptions.Item label={t('mobile')}>{sel.mobile ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('username')}>{sel.username ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('email')}>{sel.email ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>{fmt.dt(sel.createdAt)}</Descriptions.Item>
            </Descriptions>
            {can('owner', 'admin') && (
              <Space>
                <InputNumber placeholder={t('u.points')} value={points} onChange={setPoints} precision={0} min={1} />
                <Button
                  icon={<StarOutlined />}
                  disabled={!points}
                  onClick={() =>
                    confirm({
                      title: t('u.creditPoints'),
                      content: t('u.creditPointsConfirm', { id: sel.id, n: points ?? 0 }),
                      run: async () => {
                        await api.post(`/users/${sel.id}/points/credit`, { points, remark: 'console' }, { idempotencyKey: newKey() });
                        setPoints(null);
                        await refreshSel(sel.id);
                        await list.reload();
                      },
                    })
                  }
                >
                  {t('u.creditPoints')}
                </Button>
              </Space>
            )}
            <div>
              <Typography.Title level={5}>{t('u.cards')}</Typography.Title>
              <Table<MemberCard>
                rowKey="id"
                size="small"
                dataSource={cards.items}
                data-testid="user-cards"
                pagination={{ pageSize: 5, hideOnSinglePage: true }}
                locale={{ emptyText: t('u.noCards') }}
                onRow={(r) => ({ onClick: () => setCardId(r.id), style: { cursor: 'pointer' } })}
                columns={[
                  { title: t('card.no'), dataIndex: 'cardNo', render: (v: string) => <span className="mono">{v}</span> },
                  { title: t('card.product'), dataIndex: 'title', render: (v: string, r) => `${v} · ${cardTypeText(t, r.type)}` },
                  { title: t('card.balance'), dataIndex: 'balance', align: 'right', render: (v: string) => fmt.money(v) },
                  { title: t('card.bonus'), dataIndex: 'bonus', align: 'right', render: (v: string) => fmt.money(v) },
                  { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.d(v) },
                ]}
              />
            </div>
            <div>
              <Typography.Title level={5}>{t('u.coupons')}</Typography.Title>
              <Table<Coupon>
                rowKey="id"
                size="small"
                dataSource={coupons.items}
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                onRow={(r) => ({ onClick: () => setCode(r.code), style: { cursor: 'pointer' } })}
                columns={[
                  { title: t('code'), dataIndex: 'code', render: (v: string) => <span className="mono">{v}</span> },
                  { title: t('state'), dataIndex: 'status', render: (s: string) => <StateTag kind="cstatus" value={s} /> },
                  { title: t('cp.source'), dataIndex: 'source', render: (s: string) => label(t, 'source', s) },
                  { title: t('cp.validTo'), dataIndex: 'validTo', render: (v: string | null) => fmt.d(v) },
                ]}
              />
            </div>
          </Space>
        )}
      </Drawer>
      <CouponDrawer code={code} onClose={() => setCode(null)} />
      <CardDrawer
        cardId={cardId}
        onClose={() => setCardId(null)}
        onChanged={() => sel && void api.get<Page<MemberCard>>('/cards', { userId: sel.id, limit: 100 }).then(setCards)}
      />
      <Modal
        open={creating}
        title={t('u.new')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v: { mobile?: string; nick?: string }) => {
            await api.post('/users', { mobile: v.mobile || undefined, nick: v.nick || undefined });
            setCreating(false);
            form.resetFields();
            await list.reload();
          }}
        >
          <Form.Item
            name="mobile"
            label={t('mobile')}
            rules={[
              { required: true, message: t('required') },
              { pattern: /^\+?\d{6,15}$/, message: t('mobile') },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="nick" label={t('u.nick')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
