// Staff of the tenant and their roles.
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Staff, type Store } from '../api.ts';
import { errorText, useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';

const ROLES = ['owner', 'admin', 'operator', 'auditor', 'seller'] as const;

export function StaffPage() {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const { message } = AntApp.useApp();
  const list = useList<Staff>('/staff');
  const [stores, setStores] = useState<Store[]>([]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  useEffect(() => {
    void api.get<{ items: Store[] }>('/stores', { limit: 500 }).then((r) => setStores(r.items));
  }, []);
  const role = (r: string) => t(`role.${r}` as MessageKey);
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.staff')}</h2>
        <Space>
          <Button icon={<DownloadOutlined />} onClick={async () => exportCsv('staff.csv', ['id', 'username', 'name', 'role', 'phone', 'stores', 'disabled'], (await list.all()).map((s) => [s.id, s.username, s.name, role(s.role), s.phone, s.storeIds.map((i) => storeName.get(i) ?? i).join(' '), s.disabled]))}>
            {t('exportCsv')}
          </Button>
          {can('owner', 'admin') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
              {t('st.new')}
            </Button>
          )}
        </Space>
      </div>
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item>
            <Select allowClear placeholder={t('st.role')} style={{ width: 160 }} options={ROLES.map((r) => ({ value: r, label: role(r) }))} onChange={(v?: string) => list.search({ role: v })} />
          </Form.Item>
        </Form>
        <Table<Staff>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          columns={[
            { title: t('id'), dataIndex: 'id', width: 70 },
            { title: t('username'), dataIndex: 'username' },
            { title: t('name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
            { title: t('st.role'), dataIndex: 'role', render: (r: string) => <Tag color="orange">{role(r)}</Tag> },
            { title: t('s.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
            { title: t('st.stores'), dataIndex: 'storeIds', render: (ids: number[]) => (ids.length ? ids.map((i) => <Tag key={i}>{storeName.get(i) ?? `#${i}`}</Tag>) : t('all')) },
            { title: t('state'), dataIndex: 'disabled', render: (d: boolean) => (d ? <Tag color="red">{t('st.disabled')}</Tag> : <Tag color="green">{t('st.active')}</Tag>) },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
          ]}
        />
      </Card>
      <Modal open={open} title={t('st.new')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('save')} cancelText={t('cancel')}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'seller', storeIds: [] }}
          onFinish={async (v: { username: string; password: string; role: string; name?: string; phone?: string; storeIds: number[] }) => {
            try {
              await api.post('/staff', { ...v, name: v.name || undefined, phone: v.phone || undefined });
              setOpen(false);
              form.resetFields();
              await list.reload();
            } catch (e) {
              message.error(errorText(t, e));
            }
          }}
        >
          <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('required') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('required') }, { min: 8 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="role" label={t('st.role')}>
            <Select options={ROLES.filter((r) => r !== 'owner').map((r) => ({ value: r, label: role(r) }))} />
          </Form.Item>
          <Form.Item name="storeIds" label={t('st.stores')}>
            <Select mode="multiple" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
          <Form.Item name="name" label={t('name')}>
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('s.phone')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
