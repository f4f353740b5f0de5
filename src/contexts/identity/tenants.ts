import { isValidTimeZone } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { createStaffIn } from './staff.ts';

export interface Tenant {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  approvalRequired: boolean;
  smsProvider: string;
  createdAt: Date;
}

/** Slugs that would shadow a mount point of the server (apifm mounts `/{slug}/`). */
export const RESERVED_SLUGS = new Set([
  'api', 'web', 'portal', 'admin', 'docs', 'openapi', 'openapi.json', 'health', 'metrics', 'static',
  'assets', 'uploads', 'files', 'console', 'login', 'logout', 'favicon.ico', 'robots.txt', 'qr', 'public',
  'www', 'root', 'system', 'platform', 'dev',
]);

export function validateSlug(slug: string): string | null {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    return 'slug must be 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit';
  }
  if (RESERVED_SLUGS.has(slug)) return `slug "${slug}" is reserved (it collides with a mount point)`;
  return null;
}

interface TenantRow {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  approval_required: boolean;
  sms_provider: string;
  created_at: Date;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  timezone: r.timezone,
  approvalRequired: r.approval_required,
  smsProvider: r.sms_provider,
  createdAt: r.created_at,
});

export interface CreateTenantInput {
  slug: string;
  name: string;
  timezone?: string;
  approvalRequired?: boolean;
  owner?: { username: string; password: string };
}

export function tenantService(deps: Deps) {
  // Slug → tenant lookups happen on every dialect request; a short cache keeps
  // them off the database while settings changes still show within seconds.
  const bySlug = new Map<string, { tenant: Tenant; at: number }>();
  const CACHE_MS = 5_000;

  async function insertTenant(q: Queryable, input: CreateTenantInput): Promise<Result<Tenant>> {
    const slugError = validateSlug(input.slug);
    if (slugError) return fail(ErrorCode.invalid_input, slugError, { field: 'slug' });
    const tz = input.timezone ?? 'Asia/Shanghai';
    if (!isValidTimeZone(tz)) return fail(ErrorCode.invalid_input, `unknown time zone "${tz}"`, { field: 'timezone' });
    if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
    const r = await q.query<TenantRow>(
      `INSERT INTO tenants (slug, name, timezone, approval_required) VALUES ($1, $2, $3, $4)
       ON CONFLICT (slug) DO NOTHING RETURNING *`,
      [input.slug, input.name.trim(), tz, input.approvalRequired ?? true],
    );
    if (!r.rows[0]) return fail(ErrorCode.conflict, `a tenant with slug "${input.slug}" already exists`);
    return ok(toTenant(r.rows[0]));
  }

  return {
    insertTenant,

    async create(input: CreateTenantInput, by: Principal | null): Promise<Result<Tenant>> {
      try {
        return await deps.db.tx(async (q) => {
          const t = await insertTenant(q, input);
          if (!t.ok) return t;
          if (input.owner) {
            const s = await createStaffIn(q, t.value.id, { ...input.owner, role: 'owner' });
            if (!s.ok) throw new RollbackWith(s);
          }
          await audit(q, t.value.id, by, { action: 'tenant.create', targetType: 'tenant', targetId: t.value.id });
          return t;
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Tenant>;
        if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, 'tenant or owner already exists');
        throw e;
      }
    },

    async get(id: number): Promise<Tenant | null> {
      const r = await deps.db.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
      return r.rows[0] ? toTenant(r.rows[0]) : null;
    },

    async getBySlug(slug: string): Promise<Tenant | null> {
      const hit = bySlug.get(slug);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.tenant;
      const r = await deps.db.query<TenantRow>('SELECT * FROM tenants WHERE slug = $1', [slug]);
      if (!r.rows[0]) return null;
      const tenant = toTenant(r.rows[0]);
      bySlug.set(slug, { tenant, at: Date.now() });
      return tenant;
    },

    async list(): Promise<Tenant[]> {
      const r = await deps.db.query<TenantRow>('SELECT * FROM tenants ORDER BY id');
      return r.rows.map(toTenant);
    },

    async updateSettings(
      id: number,
      patch: { name?: string; timezone?: string; approvalRequired?: boolean; smsProvider?: string },
      by: Principal,
    ): Promise<Result<Tenant>> {
      if (patch.timezone !== undefined && !isValidTimeZone(patch.timezone)) {
        return fail(ErrorCode.invalid_input, `unknown time zone "${patch.timezone}"`, { field: 'timezone' });
      }
      if (patch.smsProvider !== undefined && patch.smsProvider !== 'log') {
        return fail(ErrorCode.invalid_input, `unknown SMS provider "${patch.smsProvider}" (available: log)`);
      }
      return deps.db.tx(async (q) => {
        const r = await q.query<TenantRow>(
          `UPDATE tenants SET name = COALESCE($2, name), timezone = COALESCE($3, timezone),
             approval_required = COALESCE($4, approval_required), sms_provider = COALESCE($5, sms_provider)
           WHERE id = $1 RETURNING *`,
          [id, patch.name ?? null, patch.timezone ?? null, patch.approvalRequired ?? null, patch.smsProvider ?? null],
        );
        if (!r.rows[0]) return fail(ErrorCode.not_found, 'tenant not found');
        await audit(q, id, by, { action: 'tenant.settings', targetType: 'tenant', targetId: id, details: patch });
        bySlug.delete(r.rows[0].slug);
        return ok(toTenant(r.rows[0]));
      });
    },
  };
}

/** Carries an expected failure out of a transaction so it rolls back. */
export class RollbackWith extends Error {
  constructor(readonly result: Result<unknown>) {
    super('rollback');
  }
}

export type TenantService = ReturnType<typeof tenantService>;
