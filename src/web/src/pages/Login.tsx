import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { login } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="login-wrap">
      <Card className="login-card" styles={{ body: { padding: 32 } }}>
        <Space orientation="vertical" size={4} style={{ width: '100%', marginBottom: 24 }}>
          <Space style={{ justifyContent: 'space-between', width: '100%' }}>
            <Space>
              <span className="brand-logo" style={{ color: '#fff' }}>
                券
              </span>
              <Typography.Title level={4} style={{ margin: 0 }}>
                {t('loginTitle')}
              </Typography.Title>
            </Space>
            <Button
              size="small"
              type="text"
              icon={<GlobalOutlined />}
              onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
              data-testid="lang-switch"
            >
              {t('language')}
            </Button>
          </Space>
          <Typography.Text type="secondary">{t('loginSub')}</Typography.Text>
        </Space>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form
          layout="vertical"
          size="large"
          onFinish={async (v: { username: string; password: string }) => {
            setBusy(true);
            setError(null);
            try {
              await login(v.username, v.password);
            } catch (e) {
              setError(errorText(t, e));
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item name="username" rules={[{ required: true, message: t('required') }]}>
            <Input prefix={<UserOutlined />} placeholder={t('username')} autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" rules={[{ required: true, message: t('required') }]}>
            <Input.Password prefix={<LockOutlined />} placeholder={t('password')} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
