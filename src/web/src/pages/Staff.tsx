// Staff of the tenant: roles, stores, department; edit, disable, reset a password.
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag, TreeSelect } from 'antd';
import { DownloadOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Department, type Staff, type Store } from '../api.ts';
import { errorText, useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useConfirm, useList } from '../components.tsx';
import { exportCsv } from '../csv.ts';
import { deptTreeData } from './Departments.tsx';

const ROLES = ['owner', 'admin', 'operator', 'auditor', 'seller'] as const;

export function StaffPage() {
  const { t } = useI18n();
  const { fmt, can, me } = useSession();
  const { message } = AntApp.useApp();
  const list = useList<Staff>('/staff');
  const [stores, setStores] = useState<Store[]>([]);
  const [depts, setDepts] = useState<Department[]>([]);
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState<Staff | null>(null);
  const [form] = Form.useForm();
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const deptName = new Map(flatDepts(depts).map((d) => [d.id, d.name]));
  useEffect(() => {
    void api.get<{ items: Store[] }>('/stores', { limit: 500 }).then((r) => setStores(r.items));
    void api
      .get<{ items: Department[] }>('/departments')
      .then((r) => setDepts(r.items))
      .catch(() => undefined);
  }, []);
  // Only an owner edits owners and admins (the server checks too).
  const canEdit = (s: Staff) => can('owner') || (can('admin') && s.role !== 'owner' && s.role !== 'admin');
  const role = (r: string) => t(`role.${r}` as MessageKey);
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.staff')}</h2>
        <Space>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () =>
              exportCsv(
                'staff.csv',
                ['id', 'username', 'name', 'role', 'phone', 'stores', 'disabled'],
                (await list.all()).map((s) => [
                  s.id,
                  s.username,
                  s.name,
                  role(s.role),
                  s.phone,
                  s.storeIds.map((i) => storeName.get(i) ?? i).join(' '),
                  s.disabled,
                ]),
              )
            }
          >
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
            <Select
              allowClear
              placeholder={t('st.role')}
              style={{ width: 160 }}
              options={ROLES.map((r) => ({ value: r, label: role(r) }))}
              onChange={(v?: string) => list.search({ role: v })}
            />
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
            {
              title: t('st.stores'),
              dataIndex: 'storeIds',
              render: (ids: number[]) => (ids.length ? ids.map((i) => <Tag key={i}>{storeName.get(i) ?? `#${i}`}</Tag>) : t('all')),
            },
            {
              title: t('state'),
              dataIndex: 'disabled',
              render: (d: boolean) => (d ? <Tag color="red">{t('st.disabled')}</Tag> : <Tag color="green">{t('st.active')}</Tag>),
            },
            {
              title: t('st.department'),
              dataIndex: 'departmentId',
              render: (v: number | null) => (v ? (deptName.get(v) ?? `#${v}`) : '—'),
            },
            { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
            {
              title: t('actions'),
              render: (_v, s) =>
                canEdit(s) ? (
                  <Button
                    type="link"
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(s)}
                    data-testid={`staff-edit-${s.username}`}
                  >
                    {t('edit')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Modal
        open={open}
        title={t('st.new')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
      >
        <Form
          name="staffNew"
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
      <EditStaff
        staff={editing}
        self={editing?.id === me?.staff.id}
        roles={ROLES.filter((r) => can('owner') || (r !== 'owner' && r !== 'admin'))}
        stores={stores}
        depts={depts}
        onClose={() => setEditing(null)}
        onSaved={async () => {
          setEditing(null);
          await list.reload();
        }}
      />
    </div>
  );
}

function flatDepts(ds: Department[]): Department[] {
  return ds.flatMap((d) => [d, ...flatDepts(d.children)]);
}

interface EditValues {
  name?: string;
  phone?: string;
  role: Staff['role'];
  storeIds: number[];
  departmentId?: number | null;
  disabled: boolean;
  password?: string;
}

function EditStaff({
  staff,
  self,
  roles,
  stores,
  depts,
  onClose,
  onSaved,
}: {
  staff: Staff | null;
  self: boolean;
  roles: readonly string[];
  stores: Store[];
  depts: Department[];
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useI18n();
  const confirm = useConfirm();
  const [form] = Form.useForm<EditValues>();
  const role = (r: string) => t(`role.${r}` as MessageKey);
  useEffect(() => {
    if (staff)
      form.setFieldsValue({
        name: staff.name ?? '',
        phone: staff.phone ?? '',
        role: staff.role,
        storeIds: staff.storeIds,
        departmentId: staff.departmentId,
        disabled: staff.disabled,
        password: '',
      });
  }, [staff, form]);
  if (!staff) return <Form form={form} />;
  return (
    <Modal
      open
      title={`${t('st.edit')} · ${staff.username}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
    >
      <Form
        name="staffEdit"
        form={form}
        layout="vertical"
        onFinish={(v) => {
          const changes: string[] = [];
          if (v.role !== staff.role) changes.push(t('st.changeRole', { from: role(staff.role), to: role(v.role) }));
          if (v.disabled !== staff.disabled) changes.push(v.disabled ? t('st.changeDisable') : t('st.changeEnable'));
          if (v.password) changes.push(t('st.changePassword'));
          const body = {
            name: v.name?.trim() || null,
            phone: v.phone?.trim() || null,
            role: v.role,
            storeIds: v.storeIds,
            departmentId: v.departmentId ?? null,
            disabled: v.disabled,
            password: v.password || undefined,
          };
          confirm({
            title: `${t('st.edit')} · ${staff.username}`,
            content: changes.length ? changes.join(' ') : t('st.changeDetails'),
            danger: v.disabled && !staff.disabled,
            success: t('saved'),
            run: async () => {
              await api.patch(`/staff/${staff.id}`, body);
              await onSaved();
            },
          });
        }}
      >
        <Form.Item name="name" label={t('name')}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('s.phone')} extra={t('st.phoneHint')}>
          <Input />
        </Form.Item>
        <Form.Item name="role" label={t('st.role')}>
          <Select
            disabled={self}
            options={[...new Set([...roles, staff.role])].map((r) => ({ value: r, label: role(r) }))}
            data-testid="staff-edit-role"
          />
        </Form.Item>
        <Form.Item name="storeIds" label={t('st.stores')} extra={t('st.storesHint')}>
          <Select mode="multiple" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="departmentId" label={t('st.department')}>
          <TreeSelect allowClear treeDefaultExpandAll treeData={deptTreeData(depts)} />
        </Form.Item>
        <Form.Item name="disabled" label={t('st.disabled')} valuePropName="checked" extra={t('st.disableHint')}>
          <Switch disabled={self} />
        </Form.Item>
        <Form.Item name="password" label={t('st.resetPassword')} extra={t('st.resetHint')} rules={[{ min: 8, message: t('v.password8') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
