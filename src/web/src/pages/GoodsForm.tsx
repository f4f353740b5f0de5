// The goods form (create and edit, with SKUs) of the goods page.
import { useEffect } from 'react';
import { App as AntApp, Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api, type Category, type Goods, type Sku, type Store } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { MoneyInput } from '../components.tsx';

export interface SkuRow {
  propertyChildIds: string;
  propertyStr?: string;
  price: number;
  originalPrice?: number | null;
  stock: number;
}
export interface GoodsValues {
  name: string;
  categoryId?: number;
  storeId?: number;
  price: number;
  originalPrice?: number | null;
  stock?: number;
  characteristic?: string;
  pic?: string;
  onSale: boolean;
  recommend: boolean;
  sort?: number;
  skus?: SkuRow[];
}

export function SkuTable({ skus }: { skus: Sku[] }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  return (
    <Table<Sku>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={skus}
      columns={[
        { title: t('g.skuProps'), dataIndex: 'propertyChildIds', render: (v: string) => <span className="mono">{v}</span> },
        { title: t('g.skuName'), dataIndex: 'propertyStr', render: (v: string | null) => v ?? '—' },
        { title: t('g.price'), dataIndex: 'price', align: 'right', render: (v: string) => fmt.money(v) },
        { title: t('g.originalPrice'), dataIndex: 'originalPrice', align: 'right', render: (v: string | null) => fmt.money(v) },
        { title: t('g.stock'), dataIndex: 'stock', align: 'right' },
      ]}
    />
  );
}

export function GoodsForm({
  open,
  categories,
  stores,
  onClose,
  onSaved,
}: {
  open: boolean;
  categories: Category[];
  stores: Store[];
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<GoodsValues>();
  const skus = Form.useWatch('skus', form) as SkuRow[] | undefined;
  const hasSkus = !!skus?.length;
  const m = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v.toFixed(2));
  return (
    <Modal
      open={open}
      title={t('g.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      width={860}
      destroyOnHidden
    >
      <Form
        name="goods"
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ onSale: true, recommend: false, stock: 0, skus: [] }}
        onFinish={async (v) => {
          try {
            await api.post('/goods', {
              name: v.name.trim(),
              categoryId: v.categoryId,
              storeId: v.storeId,
              // With SKUs the server takes the lowest SKU price and the sum of their stock.
              price: hasSkus ? Math.min(...v.skus!.map((s) => s.price)).toFixed(2) : v.price.toFixed(2),
              originalPrice: m(v.originalPrice),
              stock: hasSkus ? 0 : (v.stock ?? 0),
              characteristic: v.characteristic || undefined,
              pic: v.pic || undefined,
              onSale: v.onSale,
              recommend: v.recommend,
              sort: v.sort,
              skus: hasSkus
                ? v.skus!.map((s) => ({
                    propertyChildIds: s.propertyChildIds.trim(),
                    propertyStr: s.propertyStr || undefined,
                    price: s.price.toFixed(2),
                    originalPrice: m(s.originalPrice),
                    stock: s.stock,
                  }))
                : undefined,
            });
            await onSaved();
          } catch (e) {
            message.error(errorText(t, e));
          }
        }}
      >
        <Space wrap align="start">
          <Form.Item
            name="name"
            label={t('name')}
            rules={[{ required: true, whitespace: true, message: t('required') }, { max: 200 }]}
            style={{ width: 360 }}
          >
            <Input data-testid="goods-name" />
          </Form.Item>
          <Form.Item name="categoryId" label={t('g.category')} style={{ width: 200 }}>
            <Select allowClear options={categories.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Form.Item name="storeId" label={t('store')} style={{ width: 200 }}>
            <Select allowClear placeholder={t('all')} options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          {!hasSkus && (
            <Form.Item name="price" label={t('g.price')} rules={[{ required: true, message: t('required') }]} style={{ width: 180 }}>
              <MoneyInput data-testid="goods-price" />
            </Form.Item>
          )}
          <Form.Item name="originalPrice" label={t('g.originalPrice')} style={{ width: 180 }}>
            <MoneyInput />
          </Form.Item>
          {!hasSkus && (
            <Form.Item name="stock" label={t('g.stock')} rules={[{ required: true, message: t('required') }]} style={{ width: 140 }}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="goods-stock" />
            </Form.Item>
          )}
          <Form.Item name="sort" label={t('g.sort')} style={{ width: 100 }}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="onSale" label={t('g.onSaleTag')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="recommend" label={t('g.recommend')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Form.Item name="characteristic" label={t('g.characteristic')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="pic" label={t('g.pic')}>
          <Input maxLength={1000} placeholder="https://…" />
        </Form.Item>
        <Typography.Text strong>{t('g.skus')}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('g.skuHint')}
        </Typography.Paragraph>
        <Form.List name="skus">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item
                    name={[f.name, 'propertyChildIds']}
                    rules={[
                      { required: true, message: t('required') },
                      { pattern: /^\d+:\d+(,\d+:\d+)*$/, message: '1:2,3:4' },
                    ]}
                  >
                    <Input placeholder={`${t('g.skuProps')} 1:2`} style={{ width: 150 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'propertyStr']}>
                    <Input placeholder={t('g.skuName')} style={{ width: 180 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'price']} rules={[{ required: true, message: t('required') }]}>
                    <MoneyInput placeholder={t('g.price')} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'originalPrice']}>
                    <MoneyInput placeholder={t('g.originalPrice')} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'stock']} rules={[{ required: true, message: t('required') }]}>
                    <InputNumber min={0} precision={0} placeholder={t('g.stock')} style={{ width: 100 }} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ stock: 0 })} data-testid="goods-add-sku">
                {t('g.addSku')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/** What the native API lets staff change on goods: on sale, recommended, stock (without SKUs). */
export function EditGoods({ goods, onClose, onSaved }: { goods: Goods | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ onSale: boolean; recommend: boolean; stock?: number }>();
  useEffect(() => {
    if (goods) form.setFieldsValue({ onSale: goods.onSale, recommend: goods.recommend, stock: goods.stock });
  }, [goods, form]);
  return (
    <Modal
      open={!!goods}
      title={`${t('edit')} · ${goods?.name ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      forceRender
    >
      <Form
        name="goodsEdit"
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          if (!goods) return;
          try {
            await api.patch(`/goods/${goods.id}`, {
              onSale: v.onSale,
              recommend: v.recommend,
              stock: goods.skus.length ? undefined : v.stock,
            });
            await onSaved();
          } catch (e) {
            message.error(errorText(t, e));
          }
        }}
      >
        <Form.Item name="onSale" label={t('g.onSaleTag')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="recommend" label={t('g.recommend')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="stock" label={t('g.stock')} extra={goods?.skus.length ? t('g.stockBySku') : undefined}>
          <InputNumber min={0} precision={0} disabled={!!goods?.skus.length} />
        </Form.Item>
        {!!goods?.skus.length && <SkuTable skus={goods.skus} />}
      </Form>
    </Modal>
  );
}
