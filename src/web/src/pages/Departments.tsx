// The merchant's departments as a tree: add, rename, move, delete when empty.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Space, Table, TreeSelect } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Department } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CsvButton, useConfirm } from '../components.tsx';

type Editing = { mode: 'new'; parentId: number | null } | { mode: 'edit'; dept: Department };
type Node = Omit<Department, 'children'> & { children?: Node[] };

function flatten(ds: Department[], path: string[] = []): { d: Department; path: string }[] {
  return ds.flatMap((d) => [{ d, path: [...path, d.name].join(' / ') }, ...flatten(d.children, [...path, d.name])]);
}
/** Leaves have no `children` key, so the table shows no expander for them. */
function rowsOf(ds: Department[]): Node[] {
  return ds.map((d) =>
    d.children.length ? { ...d, children: rowsOf(d.children) } : { id: d.id, parentId: d.parentId, name: d.name, createdAt: d.createdAt },
  );
}
function within(d: Department, id: number): boolean {
  return d.id === id || d.children.some((c) => within(c, id));
}

export interface DeptNode {
  value: number;
  title: string;
  children: DeptNode[];
}
/** The tree for a TreeSelect, without `exclude` and what is under it. */
export function deptTreeData(ds: Department[], exclude?: Department): DeptNode[] {
  return ds
    .filter((d) => !exclude || !within(exclude, d.id))
    .map((d) => ({ value: d.id, title: d.name, children: deptTreeData(d.children, exclude) }));
}

export function DepartmentsPage() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const [tree, setTree] = useState<Department[]>([]);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form] = Form.useForm<{ name: string; parentId?: number | null }>();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setTree((await api.get<{ items: Department[] }>('/departments')).items);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setLoading(false);
    }
  }, [message, t]);
  useEffect(() => {
    void load();
  }, [load]);

  const flat = useMemo(() => flatten(tree), [tree]);
  const shown = filter
    ? flat.filter((x) => x.path.toLowerCase().includes(filter.toLowerCase())).map((x) => ({ ...x.d, name: x.path, children: undefined }))
    : rowsOf(tree);

  // Where a department may move: anywhere but under itself or its own sub-departments.
  const moveTargets = (self?: Department) => deptTreeData(tree, self);

  const startEdit = (e: Editing) => {
    setEditing(e);
    form.setFieldsValue(e.mode === 'edit' ? { name: e.dept.name, parentId: e.dept.parentId } : { name: '', parentId: e.parentId });
  };

  const remove = (d: Department) =>
    confirm({
      title: `${t('delete')} · ${d.name}`,
      content: t('dept.deleteConfirm', { name: d.name }),
      danger: true,
      okText: t('delete'),
      run: async () => {
        await api.del(`/departments/${d.id}`);
        await load();
      },
    });

  const byId = new Map(flat.map((x) => [x.d.id, x.d]));
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.departments')}</h2>
        <Space>
          <CsvButton
            filename="departments.csv"
            header={['id', 'name', 'path', 'parentId', 'createdAt']}
            rows={() => flat.map((x) => [x.d.id, x.d.name, x.path, x.d.parentId, fmt.dt(x.d.createdAt)])}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => startEdit({ mode: 'new', parentId: null })} data-testid="dept-new">
            {t('dept.new')}
          </Button>
        </Space>
      </div>
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item>
            <Input.Search placeholder={t('name')} allowClear style={{ width: 240 }} onSearch={setFilter} />
          </Form.Item>
        </Form>
        <Table<Node>
          rowKey="id"
          loading={loading}
          dataSource={shown}
          expandable={{ defaultExpandAllRows: true }}
          key={flat.length}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: () => t('total', { n: flat.length }) }}
          columns={[
            { title: t('name'), dataIndex: 'name' },
            { title: t('id'), dataIndex: 'id', width: 80 },
            { title: t('createdAt'), dataIndex: 'createdAt', width: 200, render: (v: string) => fmt.dt(v) },
            {
              title: t('actions'),
              width: 280,
              render: (_v, n) => {
                const d = byId.get(n.id);
                if (!d) return null;
                return (
                  <Space size={0}>
                    <Button type="link" size="small" icon={<PlusOutlined />} onClick={() => startEdit({ mode: 'new', parentId: d.id })}>
                      {t('dept.addChild')}
                    </Button>
                    <Button type="link" size="small" icon={<EditOutlined />} onClick={() => startEdit({ mode: 'edit', dept: d })}>
                      {t('edit')}
                    </Button>
                    <Button
                      type="link"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      disabled={d.children.length > 0}
                      onClick={() => remove(d)}
                    >
                      {t('delete')}
                    </Button>
                  </Space>
                );
              },
            },
          ]}
        />
      </Card>
      <Modal
        open={!!editing}
        title={editing?.mode === 'edit' ? `${t('edit')} · ${editing.dept.name}` : t('dept.new')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
        forceRender
      >
        <Form
          name="department"
          form={form}
          layout="vertical"
          onFinish={async (v) => {
            try {
              const body = { name: v.name.trim(), parentId: v.parentId ?? null };
              if (editing?.mode === 'edit') await api.patch(`/departments/${editing.dept.id}`, body);
              else await api.post('/departments', body);
              setEditing(null);
              await load();
            } catch (e) {
              message.error(errorText(t, e));
            }
          }}
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
            <Input data-testid="dept-name" />
          </Form.Item>
          <Form.Item name="parentId" label={t('dept.parent')}>
            <TreeSelect
              allowClear
              placeholder={t('dept.top')}
              treeDefaultExpandAll
              treeData={moveTargets(editing?.mode === 'edit' ? editing.dept : undefined)}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
