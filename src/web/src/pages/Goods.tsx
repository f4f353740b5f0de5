// The shop catalogue: categories (two levels) and goods with SKUs and stock;
// goods go on or off sale, get a stock or a recommended flag.
import { useCallback, useEffect, useState } from 'react';
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
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Category, type Goods, type Sku, type Store } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { CsvButton, useConfirm, useList } from '../components.tsx';
import { EditGoods, GoodsForm, SkuTable } from './GoodsForm.tsx';

export function GoodsPage() {
  const { t } = useI18n();
  const [categories, setCategories] = useState<Category[]>([]);
  const loadCategories = useCallback(async () => setCategories((await api.get<{ items: Category[] }>('/categories')).items), []);
  useEffect(() => {
    void loadCategories();
  }, [loadCategories]);
  return (
    <div>
      <div className="page-head">
        <h2>{t('menu.goods')}</h2>
      </div>
      <Tabs
        items={[
          { key: 'goods', label: t('menu.goods'), children: <GoodsList categories={categories} /> },
          { key: 'categories', label: t('g.categories'), children: <Categories categories={categories} reload={loadCategories} /> },
        ]}
      />
    </div>
  );
}

function GoodsList({ categories }: { categories: Category[] }) {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const list = useList<Goods>('/goods');
  const [stores, setStores] = useState<Store[]>([]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Goods | null>(null);
  const [sel, setSel] = useState<Goods | null>(null);
  const manage = can('owner', 'admin', 'operator');
  const catName = new Map(categories.map((c) => [c.id, c.name]));
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  useEffect(() => {
    void api.get<{ items: Store[] }>('/stores', { limit: 500 }).then((r) => setStores(r.items));
  }, []);

  const toggleSale = (g: Goods) =>
    confirm({
      title: g.onSale ? t('g.offSale') : t('g.onSale'),
      content: t(g.onSale ? 'g.offSaleConfirm' : 'g.onSaleConfirm', { name: g.name }),
      danger: g.onSale,
      run: async () => {
        await api.patch(`/goods/${g.id}`, { onSale: !g.onSale });
        await list.reload();
      },
    });

  return (
    <Card>
      <div className="page-head">
        <Form layout="inline" onFinish={(v: { name?: string; categoryId?: number; storeId?: number }) => list.search(v)}>
          <Form.Item name="name">
            <Input placeholder={t('name')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="categoryId">
            <Select
              allowClear
              placeholder={t('g.category')}
              style={{ width: 160 }}
              options={categories.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
          <Form.Item name="storeId">
            <Select
              allowClear
              placeholder={t('store')}
              style={{ width: 160 }}
              options={stores.map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form>
        <Space>
          <CsvButton
            filename="goods.csv"
            header={[
              'id',
              'name',
              'category',
              'store',
              'price',
              'originalPrice',
              'stock',
              'sold',
              'skus',
              'onSale',
              'recommend',
              'createdAt',
            ]}
            rows={async () =>
              (await list.all()).map((g) => [
                g.id,
                g.name,
                g.categoryId ? (catName.get(g.categoryId) ?? g.categoryId) : '',
                g.storeId ? (storeName.get(g.storeId) ?? g.storeId) : '',
                g.price,
                g.originalPrice,
                g.stock,
                g.sold,
                g.skus.length,
                g.onSale,
                g.recommend,
                fmt.dt(g.createdAt),
              ])
            }
          />
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="goods-new">
              {t('g.new')}
            </Button>
          )}
        </Space>
      </div>
      <Table<Goods>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data.items}
        pagination={list.pagination}
        columns={[
          { title: t('id'), dataIndex: 'id', width: 70 },
          { title: t('name'), dataIndex: 'name', render: (v: string, g) => <a onClick={() => setSel(g)}>{v}</a> },
          { title: t('g.category'), dataIndex: 'categoryId', render: (v: number | null) => (v ? (catName.get(v) ?? `#${v}`) : '—') },
          { title: t('g.price'), dataIndex: 'price', align: 'right', render: (v: string) => fmt.money(v) },
          { title: t('g.stock'), dataIndex: 'stock', align: 'right' },
          { title: t('g.sold'), dataIndex: 'sold', align: 'right' },
          { title: t('g.skus'), dataIndex: 'skus', align: 'right', render: (s: Sku[]) => s.length || '—' },
          {
            title: t('state'),
            dataIndex: 'onSale',
            render: (v: boolean, g) => (
              <Space size={4}>
                {v ? <Tag color="green">{t('g.onSaleTag')}</Tag> : <Tag>{t('g.offSaleTag')}</Tag>}
                {g.recommend && <Tag color="orange">{t('g.recommend')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('actions'),
            render: (_v, g) =>
              manage ? (
                <Space size={0}>
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(g)}>
                    {t('edit')}
                  </Button>
                  <Button type="link" size="small" danger={g.onSale} onClick={() => toggleSale(g)}>
                    {g.onSale ? t('g.offSale') : t('g.onSale')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Drawer open={!!sel} onClose={() => setSel(null)} size={640} title={sel?.name}>
        {sel && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Descriptions size="small" bordered column={2}>
              <Descriptions.Item label={t('g.price')}>{fmt.money(sel.price)}</Descriptions.Item>
              <Descriptions.Item label={t('g.originalPrice')}>{fmt.money(sel.originalPrice)}</Descriptions.Item>
              <Descriptions.Item label={t('g.stock')}>{sel.stock}</Descriptions.Item>
              <Descriptions.Item label={t('g.sold')}>{sel.sold}</Descriptions.Item>
              <Descriptions.Item label={t('g.category')}>
                {sel.categoryId ? (catName.get(sel.categoryId) ?? sel.categoryId) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('store')}>
                {sel.storeId ? (storeName.get(sel.storeId) ?? sel.storeId) : t('all')}
              </Descriptions.Item>
              <Descriptions.Item label={t('g.characteristic')} span={2}>
                {sel.characteristic ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>{fmt.dt(sel.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('g.updatedAt')}>{fmt.dt(sel.updatedAt)}</Descriptions.Item>
            </Descriptions>
            {sel.pic && <img src={sel.pic} alt="" style={{ maxWidth: 240, borderRadius: 8 }} />}
            {!!sel.skus.length && (
              <>
                <Typography.Title level={5}>{t('g.skus')}</Typography.Title>
                <SkuTable skus={sel.skus} />
              </>
            )}
          </Space>
        )}
      </Drawer>
      <GoodsForm
        open={creating}
        categories={categories}
        stores={stores}
        onClose={() => setCreating(false)}
        onSaved={async () => {
          setCreating(false);
          message.success(t('created'));
          await list.reload();
        }}
      />
      <EditGoods
        goods={editing}
        onClose={() => setEditing(null)}
        onSaved={async () => {
          setEditing(null);
          message.success(t('saved'));
          await list.reload();
        }}
      />
    </Card>
  );
}

function Categories({ categories, reload }: { categories: Category[]; reload: () => Promise<void> }) {
  const { t } = useI18n();
  const { fmt, can } = useSession();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; parentId?: number; sort?: number; icon?: string }>();
  // Two levels: top categories with their children.
  const tree = categories.filter((c) => !c.parentId).map((c) => ({ ...c, children: categories.filter((x) => x.parentId === c.id) }));
  const rows = tree.map((c) => (c.children.length ? c : { ...c, children: undefined }));
  return (
    <Card>
      <div className="page-head">
        <span />
        <Space>
          <CsvButton
            filename="categories.csv"
            header={['id', 'name', 'parentId', 'level', 'sort']}
            rows={() => categories.map((c) => [c.id, c.name, c.parentId, c.level, c.sort])}
          />
          {can('owner', 'admin', 'operator') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
              {t('g.newCategory')}
            </Button>
          )}
        </Space>
      </div>
      <Table
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{ defaultExpandAllRows: true }}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          { title: t('id'), dataIndex: 'id', width: 80 },
          { title: t('g.sort'), dataIndex: 'sort', width: 80 },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dt(v) },
        ]}
      />
      <Modal
        open={open}
        title={t('g.newCategory')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form
          name="category"
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={async (v) => {
            try {
              await api.post('/categories', { name: v.name.trim(), parentId: v.parentId ?? null, sort: v.sort, icon: v.icon || undefined });
              setOpen(false);
              await reload();
            } catch (e) {
              message.error(errorText(t, e));
            }
          }}
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="parentId" label={t('g.parent')}>
            <Select
              allowClear
              placeholder={t('g.topLevel')}
              options={categories.filter((c) => !c.parentId).map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
          <Form.Item name="sort" label={t('g.sort')}>
            <InputNumber precision={0} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
