// The shell: Ant Design in zh-CN or English, login, a menu that follows the role.
import { useEffect, useState, type ReactNode } from 'react';
import { App as AntApp, Avatar, Button, ConfigProvider, Dropdown, Layout, Menu, Result, Select, Space, Spin, Tag, Typography } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import {
  AuditOutlined,
  BarcodeOutlined,
  DashboardOutlined,
  GiftOutlined,
  GlobalOutlined,
  LogoutOutlined,
  ScanOutlined,
  SettingOutlined,
  ShopOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  IdcardOutlined,
  PercentageOutlined,
  CreditCardOutlined,
  WalletOutlined,
  FileTextOutlined,
  ShoppingOutlined,
  ProfileOutlined,
  ApartmentOutlined,
  ScheduleOutlined,
  ApiOutlined,
} from '@ant-design/icons';
import { api, auth, type Role, type Tenant } from './api.ts';
import { useI18n, type MessageKey } from './i18n.tsx';
import { useSession } from './session.tsx';
import { useRouter } from './router.tsx';
import { LoginPage } from './pages/Login.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { TemplatesPage } from './pages/Templates.tsx';
import { BatchesPage } from './pages/Batches.tsx';
import { CouponsPage } from './pages/Coupons.tsx';
import { WriteOffPage } from './pages/WriteOff.tsx';
import { PromoCodesPage } from './pages/PromoCodes.tsx';
import { UsersPage } from './pages/Users.tsx';
import { StoresPage } from './pages/Stores.tsx';
import { WebhooksPage } from './pages/Webhooks.tsx';
import { StaffPage } from './pages/Staff.tsx';
import { AuditPage } from './pages/Audit.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { CardsPage } from './pages/Cards.tsx';
import { CardProductsPage } from './pages/CardProducts.tsx';
import { InvoicesPage } from './pages/Invoices.tsx';
import { GoodsPage } from './pages/Goods.tsx';
import { OrdersPage } from './pages/Orders.tsx';
import { DepartmentsPage } from './pages/Departments.tsx';
import { JobsPage } from './pages/Jobs.tsx';

interface Entry {
  path: string;
  key: MessageKey;
  icon: ReactNode;
  roles: Role[];
  group: MessageKey;
  page: () => ReactNode;
}

const MANAGERS: Role[] = ['owner', 'admin'];
export const PAGES: Entry[] = [
  {
    path: '/dashboard',
    key: 'menu.dashboard',
    icon: <DashboardOutlined />,
    roles: [...MANAGERS, 'operator', 'auditor'],
    group: 'group.marketing',
    page: () => <DashboardPage />,
  },
  {
    path: '/templates',
    key: 'menu.templates',
    icon: <TagsOutlined />,
    roles: [...MANAGERS, 'operator', 'auditor'],
    group: 'group.marketing',
    page: () => <TemplatesPage />,
  },
  {
    path: '/batches',
    key: 'menu.batches',
    icon: <BarcodeOutlined />,
    roles: [...MANAGERS, 'operator'],
    group: 'group.marketing',
    page: () => <BatchesPage />,
  },
  {
    path: '/coupons',
    key: 'menu.coupons',
    icon: <GiftOutlined />,
    roles: [...MANAGERS, 'operator', 'auditor'],
    group: 'group.marketing',
    page: () => <CouponsPage />,
  },
  {
    path: '/promo-codes',
    key: 'menu.promoCodes',
    icon: <PercentageOutlined />,
    roles: [...MANAGERS, 'operator', 'auditor'],
    group: 'group.marketing',
    page: () => <PromoCodesPage />,
  },
  {
    path: '/write-off',
    key: 'menu.writeOff',
    icon: <ScanOutlined />,
    roles: [...MANAGERS, 'operator', 'seller'],
    group: 'group.store',
    page: () => <WriteOffPage />,
  },
  {
    path: '/users',
    key: 'menu.users',
    icon: <UserOutlined />,
    roles: [...MANAGERS, 'operator', 'auditor'],
    group: 'group.store',
    page: () => <UsersPage />,
  },
  {
    path: '/cards',
    key: 'menu.cards',
    icon: <WalletOutlined />,
    roles: [...MANAGERS, 'operator', 'seller'],
    group: 'group.cards',
    page: () => <CardsPage />,
  },
  {
    path: '/card-products',
    key: 'menu.cardProducts',
    icon: <CreditCardOutlined />,
    roles: [...MANAGERS, 'operator'],
    group: 'group.cards',
    page: () => <CardProductsPage />,
  },
  // Not for cashiers: the server's card permission table (src/domain/staff-access.ts) gives sellers no invoices or records.
  {
    path: '/invoices',
    key: 'menu.invoices',
    icon: <FileTextOutlined />,
    roles: [...MANAGERS, 'operator'],
    group: 'group.cards',
    page: () => <InvoicesPage />,
  },
  {
    path: '/goods',
    key: 'menu.goods',
    icon: <ShoppingOutlined />,
    roles: [...MANAGERS, 'operator'],
    group: 'group.shop',
    page: () => <GoodsPage />,
  },
  {
    path: '/orders',
    key: 'menu.orders',
    icon: <ProfileOutlined />,
    roles: [...MANAGERS, 'operator'],
    group: 'group.shop',
    page: () => <OrdersPage />,
  },
  { path: '/stores', key: 'menu.stores', icon: <ShopOutlined />, roles: MANAGERS, group: 'group.org', page: () => <StoresPage /> },
  {
    path: '/departments',
    key: 'menu.departments',
    icon: <ApartmentOutlined />,
    roles: MANAGERS,
    group: 'group.org',
    page: () => <DepartmentsPage />,
  },
  {
    path: '/staff',
    key: 'menu.staff',
    icon: <TeamOutlined />,
    roles: [...MANAGERS, 'auditor'],
    group: 'group.org',
    page: () => <StaffPage />,
  },
  {
    path: '/audit-log',
    key: 'menu.audit',
    icon: <AuditOutlined />,
    roles: [...MANAGERS, 'auditor'],
    group: 'group.system',
    page: () => <AuditPage />,
  },
  {
    path: '/jobs',
    key: 'menu.jobs',
    icon: <ScheduleOutlined />,
    roles: MANAGERS,
    group: 'group.system',
    page: () => <JobsPage />,
  },
  {
    path: '/webhooks',
    key: 'menu.webhooks',
    icon: <ApiOutlined />,
    roles: MANAGERS,
    group: 'group.system',
    page: () => <WebhooksPage />,
  },
  {
    path: '/settings',
    key: 'menu.settings',
    icon: <SettingOutlined />,
    roles: MANAGERS,
    group: 'group.system',
    page: () => <SettingsPage />,
  },
];

const THEME = {
  token: { colorPrimary: '#e8590c', borderRadius: 8, colorBgLayout: '#f4f5f7', fontSize: 14 },
  components: {
    Layout: { siderBg: '#141b2d', headerBg: '#ffffff', triggerBg: '#0f1523' },
    Menu: { darkItemBg: '#141b2d', darkSubMenuItemBg: '#0f1523', darkItemSelectedBg: '#e8590c' },
  },
};

export function App() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={THEME}>
      <AntApp>
        <Shell />
      </AntApp>
    </ConfigProvider>
  );
}

function TenantPicker() {
  const { reload } = useSession();
  const { t } = useI18n();
  const [tenants, setTenants] = useState<Tenant[]>([]);
  useEffect(() => {
    void api
      .get<{ items: Tenant[] }>('/tenants')
      .then((r) => setTenants(r.items))
      .catch(() => undefined);
  }, []);
  return (
    <Select
      style={{ width: 200 }}
      placeholder={t('tenant')}
      value={auth.tenant ?? undefined}
      options={tenants.map((x) => ({ value: x.slug, label: `${x.name} (${x.slug})` }))}
      onChange={(v) => {
        auth.tenant = v;
        void reload();
      }}
    />
  );
}

function Shell() {
  const { t, lang, setLang } = useI18n();
  const { me, ready, role, tz, logout } = useSession();
  const { path, go } = useRouter();
  const [collapsed, setCollapsed] = useState(false);

  if (!ready) return <Spin style={{ display: 'block', marginTop: '20vh' }} size="large" />;
  if (!me) return <LoginPage />;

  const allowed = PAGES.filter((p) => role === 'platform_admin' || (role !== null && p.roles.includes(role)));
  const current = allowed.find((p) => path === p.path || path.startsWith(p.path + '/'));
  const home = allowed[0]?.path ?? '/dashboard';
  if (!current && allowed.length) {
    queueMicrotask(() => go(home));
  }
  const groups = [...new Set(allowed.map((p) => p.group))];
  const items = groups.map((g) => ({
    type: 'group' as const,
    key: g,
    label: collapsed ? null : t(g),
    children: allowed.filter((p) => p.group === g).map((p) => ({ key: p.path, icon: p.icon, label: t(p.key) })),
  }));
  const needsTenant = role === 'platform_admin' && !me.tenant;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={216} theme="dark">
        <div className="brand">
          <span className="brand-logo">券</span>
          {!collapsed && <span>{t('appShort')}</span>}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={current ? [current.path] : []}
          items={items}
          onClick={(e) => go(e.key)}
          data-testid="menu"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            padding: '0 24px',
            borderBottom: '1px solid #eef0f3',
            height: 56,
          }}
        >
          <Space size="middle">
            <Typography.Text strong style={{ fontSize: 15 }}>
              {me.tenant?.name ?? '—'}
            </Typography.Text>
            {me.tenant && <Tag variant="filled">{t('tenantTz', { tz })}</Tag>}
            {role === 'platform_admin' && <TenantPicker />}
          </Space>
          <Space size="middle">
            <Button icon={<GlobalOutlined />} type="text" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">
              {t('language')}
            </Button>
            <Dropdown menu={{ items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('logout'), onClick: () => void logout() }] }}>
              <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
                <Avatar size="small" style={{ background: '#e8590c' }} icon={<IdcardOutlined />} />
                <span>{me.staff.name || me.staff.username}</span>
                <Tag color="orange" variant="filled">
                  {t(`role.${me.staff.role}` as MessageKey)}
                </Tag>
              </Space>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          {needsTenant ? (
            <Result status="info" title={t('selectTenant')} extra={<TenantPicker />} />
          ) : current ? (
            current.page()
          ) : allowed.length ? null : (
            <Result status="403" title={t('err.forbidden')} />
          )}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
