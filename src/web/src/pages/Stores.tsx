// Stores of the tenant: list, add, edit.
import { useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Space, Table } from 'antd';
import { DownloadOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Store } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';

export function StoresPage() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const list = useList<Store>('/stores');
  // null: closed; 'new' or the store being edited.
  const [open, setOpen] = useState<Store | 'new' | null>(null);
  const [form] = Form.useForm();
  const openWith = (s: Store | 'new') => {
    setOpen(s);
    form.resetFields();
    if (s !== 'new')
      form.setFieldsValue({ name: s.name, area: s.area ?? '', address: s.address ?? '', phone: s.phone ?? '', linkman: s.linkman ?? '' });
  };
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.stores')}</h2>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () =>
              exportCsv(
                'stores.csv',
                ['id', 'name', 'area', 'address', 'phone', 'linkman'],
                (await list.all()).map((s) => [s.id, s.name, s.area, s.address, s.phone, s.linkman]),
              )
            }
          >
            {t('exportCsv')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => openWith('new')}>
            {t('s.new')}
          </Button>
        </Space>
      </div>
      <Card>
        <Form layout="inline" className="filters" onFinish={(v: { name?: string }) => list.search(v)}>
          <Form.Item name="name">
            <Input placeholder={t('name')} allowClear style={{ width: 220 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Table<Store>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={list.pagination}
          columns={[
            { title: t('id'), dataIndex: 'id', width: 70 },
            { title: t('name'), dataIndex: 'name' },
            { title: t('s.area'), dataIndex: 'area', render: (v: string | null) => v ?? '—' },
            { title: t('s.address'), dataIndex: 'address', render: (v: string | null) => v ?? '—' },
            { title: t('s.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
            { title: t('s.linkman'), dataIndex: 'linkman', render: (v: string | null) => v ?? '—' },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
            {
              title: t('actions'),
              render: (_v, s) => (
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openWith(s)}>
                  {t('edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!open}
        title={open && open !== 'new' ? `${t('s.edit')} · ${open.name}` : t('s.new')}
        onCancel={() => setOpen(null)}
        forceRender
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form
          name="store"
          form={form}
          layout="vertical"
          onFinish={async (v: Record<string, string>) => {
            try {
              if (open && open !== 'new')
                await api.patch(`/stores/${open.id}`, {
                  ...Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x?.trim() || null])),
                  name: v.name,
                });
              else await api.post('/stores', Object.fromEntries(Object.entries(v).filter(([, x]) => x)));
              setOpen(null);
              form.resetFields();
              await list.reload();
            } catch (e) {
              message.error(errorText(t, e));
            }
          }}
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="area" label={t('s.area')}>
            <Input />
          </Form.Item>
          <Form.Item name="address" label={t('s.address')}>
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('s.phone')}>
            <Input />
          </Form.Item>
          <Form.Item name="linkman" label={t('s.linkman')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
