// First start on an empty store: the platform admin and a demo tenant with its
// owner. Whoever inserts the admin row (one process, once) reports the
// passwords; every later start finds the rows and says nothing.
import type { Deps } from '../../kernel/deps.ts';
import { generatePassword } from '../../kernel/security.ts';
import { insertDemoStore } from './repo/stores.repo.ts';
import { lockFirstStart, platformAdminExists } from './repo/staff.repo.ts';
import { createStaffIn } from './staff.ts';
import type { TenantService } from './tenants.ts';

export interface SeedReport {
  created: boolean;
  admin?: { username: string; password: string; generated: boolean };
  demo?: { tenant: string; username: string; password: string; generated: boolean };
}

export async function seedFirstStart(deps: Deps, tenants: TenantService): Promise<SeedReport> {
  if (await platformAdminExists(deps.db)) return { created: false };
  const adminPassword = deps.config.adminPassword ?? generatePassword();
  const demoPassword = deps.config.demoPassword ?? generatePassword();
  return deps.db.tx(async (q) => {
    await lockFirstStart(q);
    if (await platformAdminExists(q)) return { created: false };
    const admin = await createStaffIn(q, null, {
      username: 'admin',
      password: adminPassword,
      role: 'platform_admin',
      name: 'Platform admin',
    });
    if (!admin.ok) throw new Error(`seeding admin failed: ${admin.error.message}`);
    const tenant = await tenants.insertTenant(q, { slug: 'demo', name: 'Demo Shop', timezone: 'Asia/Shanghai', approvalRequired: false });
    if (!tenant.ok) throw new Error(`seeding demo tenant failed: ${tenant.error.message}`);
    const owner = await createStaffIn(q, tenant.value.id, { username: 'demo', password: demoPassword, role: 'owner', name: 'Demo owner' });
    if (!owner.ok) throw new Error(`seeding demo owner failed: ${owner.error.message}`);
    await insertDemoStore(q, tenant.value.id);
    return {
      created: true,
      admin: { username: 'admin', password: adminPassword, generated: !deps.config.adminPassword },
      demo: { tenant: 'demo', username: 'demo', password: demoPassword, generated: !deps.config.demoPassword },
    };
  });
}
