// The tenants table: the only file of identity with SQL on it.
import { PLATFORM_TENANT } from '../../../kernel/deps.ts';
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Tenant, TenantSettingsPatch } from '../domain/tenant.ts';

const toTenant = (r: Row<'tenants'>): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  timezone: r.timezone,
  approvalRequired: r.approval_required,
  smsProvider: r.sms_provider,
  corsOrigins: r.cors_origins,
  createdAt: r.created_at,
});

/** Inserts a tenant; null when the slug is taken. */
export async function insertTenant(
  q: Queryable,
  t: { slug: string; name: string; timezone: string; approvalRequired: boolean },
): Promise<Tenant | null> {
  const r = await q.query<Row<'tenants'>>(
    `INSERT INTO tenants (slug, name, timezone, approval_required) VALUES ($1, $2, $3, $4)
       ON CONFLICT (slug) DO NOTHING RETURNING *`,
    [t.slug, t.name, t.timezone, t.approvalRequired],
  );
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

export async function tenantById(q: Queryable, id: number): Promise<Tenant | null> {
  const r = await q.query<Row<'tenants'>>('SELECT * FROM tenants WHERE id = $1 AND id <> $2', [id, PLATFORM_TENANT]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

export async function tenantBySlug(q: Queryable, slug: string): Promise<Tenant | null> {
  const r = await q.query<Row<'tenants'>>('SELECT * FROM tenants WHERE slug = $1 AND id <> $2', [slug, PLATFORM_TENANT]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

export async function listTenants(q: Queryable): Promise<Tenant[]> {
  const r = await q.query<Row<'tenants'>>('SELECT * FROM tenants WHERE id <> $1 ORDER BY id', [PLATFORM_TENANT]);
  return r.rows.map(toTenant);
}

/** Changes the settings given (undefined = keep); null when there is no such tenant. */
export async function updateTenantSettings(q: Queryable, id: number, patch: TenantSettingsPatch): Promise<Tenant | null> {
  const r = await q.query<Row<'tenants'>>(
    `UPDATE tenants SET name = COALESCE($2, name), timezone = COALESCE($3, timezone),
             approval_required = COALESCE($4, approval_required), sms_provider = COALESCE($5, sms_provider),
             cors_origins = COALESCE($6::text[], cors_origins)
           WHERE id = $1 AND id <> $7 RETURNING *`,
    [
      id,
      patch.name ?? null,
      patch.timezone ?? null,
      patch.approvalRequired ?? null,
      patch.smsProvider ?? null,
      patch.corsOrigins ?? null,
      PLATFORM_TENANT,
    ],
  );
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}
