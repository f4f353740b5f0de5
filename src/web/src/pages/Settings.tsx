// Tenant settings: name, time zone, approval policy, SMS provider.
import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Form, Input, Select, Switch, Typography } from 'antd';
import { api, type Tenant } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { useConfirm } from '../components.tsx';

const SMS_PROVIDERS = ['log'] as const;

export function SettingsPage() {
  const { t } = useI18n();
  const { reload } = useSession();
  const confirm = useConfirm();
  const [form] = Form.useForm<Partial<Tenant>>();
  const [current, setCurrent] = useState<Tenant | null>(null);
  const zones = useMemo(() => {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    return intl.supportedValuesOf?.('timeZone') ?? ['Asia/Shanghai', 'UTC'];
  }, []);
  useEffect(() => {
    void api.get<Tenant>('/settings').then((s) => {
      setCurrent(s);
      form.setFieldsValue(s);
    });
  }, [form]);
  return (
    <div>
      <div className="page-head">
        <h2>{t('set.title')}</h2>
      </div>
      <Card style={{ maxWidth: 720 }}>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) =>
            confirm({
              title: t('set.title'),
              content: t('set.confirm'),
              success: t('saved'),
              run: async () => {
                const s = await api.patch<Tenant>('/settings', {
                  name: v.name,
                  timezone: v.timezone,
                  approvalRequired: v.approvalRequired,
                  smsProvider: v.smsProvider,
                });
                form.setFieldsValue(s);
                setCurrent(s);
                await reload();
              },
            })
          }
        >
          <Form.Item name="name" label={t('set.name')} rules={[{ required: true, message: t('required') }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="timezone"
            label={t('set.timezone')}
            extra={t('set.timezoneHint')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
          </Form.Item>
          <Form.Item name="approvalRequired" label={t('set.approval')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="smsProvider" label={t('set.sms')} extra={t('set.smsHint')}>
            {/* The server knows one provider so far: the built-in log (messages land in the dev outbox). */}
            <Select options={SMS_PROVIDERS.map((p) => ({ value: p, label: t(`sms.${p}` as MessageKey) }))} />
          </Form.Item>
          <Typography.Paragraph type="secondary">
            slug: <Typography.Text code>{current?.slug ?? ''}</Typography.Text>
          </Typography.Paragraph>
          <Button type="primary" htmlType="submit">
            {t('save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
