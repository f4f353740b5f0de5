// First start on an empty store: the platform admin and a demo tenant with its
// owner. Whoever inserts the admin row (one process, once) reports the
// passwords; every later start finds the rows and says nothing.
import type { Deps } from '../../kernel/deps.ts';
import { generatePassword } from '../../kernel/security.ts';
import { createStaffIn } from './staff.ts';
import type { TenantService } from './tenants.ts';

export interface SeedReport {
  created: boolean;
  admin?: { username: string; password: string; generated: boolean };
  demo?: { tenant: string; username: string; password: string; generated: boolean };
}

export async function seedFirstStart(deps: Deps, tenants: TenantService): Promise<SeedReport> {
  const exists = await deps.db.query("SELECT 1 FROM staff WHERE role = 'platform_admin' LIMIT 1");
  if (exists.rowCount > 0) return { created: false };
  const adminPassword = deps.config.adminPassword ?? generatePassword();
  const demoPassword = deps.config.demoPassword ?? generatePassword();
  return deps.db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(727002)');
    const again = await q.query("SELECT 1 FROM staff WHERE role = 'platform_admin' LIMIT 1");
    if (again.rowCount > 0) return { created: false };
    const admin = await createStaffIn(q, null, { username: 'admin', password: adminPassword, role: 'platform_admin', name: 'Platform admin' });
    if (!admin.ok) throw new Error(`seeding admin failed: ${admin.error.message}`);
    const tenant = await tenants.insertTenant(q, { slug: 'demo', name: 'Demo Shop', timezone: 'Asia/Shanghai', approvalRequired: false });
    if (!tenant.ok) throw new Error(`seeding demo tenant failed: ${tenant.error.message}`);
    const owner = await createStaffIn(q, tenant.value.id, { username: 'demo', password: demoPassword, role: 'owner', name: 'Demo owner' });
    if (!owner.ok) throw new Error(`seeding demo owner failed: ${owner.error.message}`);
    await q.query(`INSERT INTO stores (tenant_id, name, address) VALUES ($1, 'Demo Store', 'No. 1 Demo Road')`, [tenant.value.id]);
    return {
      created: true,
      admin: { username: 'admin', password: adminPassword, generated: !deps.config.adminPassword },
      demo: { tenant: 'demo', username: 'demo', password: demoPassword, generated: !deps.config.demoPassword },
    };
  });
}
