// Who is logged in: the staff member, their tenant (time zone, approval
// policy) and role; the menu and every action follow the role.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, auth, type Role, type Staff, type Tenant } from './api.ts';
import { dateOnly, dateTime, money } from './format.ts';
import { useI18n } from './i18n.tsx';
// The server's own card permission table (pure, shared): the console shows what the server allows.
import { roleMay, type CardPermission } from '../../contexts/identity/domain/permissions.ts';

interface Me {
  staff: Staff;
  tenant: Tenant | null;
}

interface Session {
  me: Me | null;
  ready: boolean;
  role: Role | null;
  tz: string;
  tenant: Tenant | null;
  can: (...roles: Role[]) => boolean;
  /** Whether the role may refund, invoice, cash back or see card records. */
  cardMay: (permission: CardPermission) => boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
  fmt: {
    money: (v: string | number | null | undefined) => string;
    dt: (iso: string | null | undefined) => string;
    d: (iso: string | null | undefined) => string;
  };
}

const Ctx = createContext<Session>(null as unknown as Session);

export function SessionProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const reload = useCallback(async () => {
    if (!auth.token) {
      setMe(null);
      setReady(true);
      return;
    }
    try {
      const r = await api.get<{ staff: Staff | null; tenant: Tenant | null }>('/me');
      let tenant = r.tenant;
      // A platform admin works inside the tenant it picks (X-Tenant).
      if (!tenant && auth.tenant) tenant = await api.get<Tenant>('/settings').catch(() => null);
      setMe(r.staff ? { staff: r.staff, tenant } : null);
    } catch {
      auth.token = null;
      setMe(null);
    }
    setReady(true);
  }, []);

  useEffect(() => {
    auth.onExpired(() => {
      auth.token = null;
      setMe(null);
    });
    void reload();
  }, [reload]);

  const value = useMemo<Session>(() => {
    const role = me?.staff.role ?? null;
    const tz = me?.tenant?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    return {
      me,
      ready,
      role,
      tz,
      tenant: me?.tenant ?? null,
      can: (...roles) => role !== null && (role === 'platform_admin' || roles.includes(role)),
      cardMay: (permission) => role !== null && roleMay(role, permission),
      login: async (username, password) => {
        const r = await api.post<{ token: string; staff: Staff }>('/auth/login', { username, password });
        auth.token = r.token;
        await reload();
      },
      logout: async () => {
        await api.post('/auth/logout').catch(() => undefined);
        auth.token = null;
        auth.tenant = null;
        setMe(null);
      },
      reload,
      fmt: { money: (v) => money(v, lang), dt: (iso) => dateTime(iso, tz, lang), d: (iso) => dateOnly(iso, tz, lang) },
    };
  }, [me, ready, reload, lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useSession = () => useContext(Ctx);
