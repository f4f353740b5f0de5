// Tenants (merchants): create one (with its first owner), read, change settings.
import { isValidTimeZone } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { isOrigin, normalizeOrigin } from '../../kernel/origin.ts';
import {
  MAX_CORS_ORIGINS,
  SMS_PROVIDERS,
  validateSlug,
  type CreateTenantInput,
  type Tenant,
  type TenantSettingsPatch,
} from './domain/tenant.ts';
import type { TenantCreateFailure, TenantSettingsFailure } from './errors.ts';
import * as repo from './repo/tenants.repo.ts';
import { createStaffIn } from './staff.ts';

/** Checks and inserts a tenant inside the caller's transaction. */
export async function insertTenantIn(q: Queryable, input: CreateTenantInput): Promise<Result<Tenant, TenantCreateFailure>> {
  const slugError = validateSlug(input.slug);
  if (slugError) return fail(ErrorCode.invalid_input, slugError, { field: 'slug' });
  const tz = input.timezone ?? 'Asia/Shanghai';
  if (!isValidTimeZone(tz)) return fail(ErrorCode.invalid_input, `unknown time zone "${tz}"`, { field: 'timezone' });
  if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
  const t = await repo.insertTenant(q, {
    slug: input.slug,
    name: input.name.trim(),
    timezone: tz,
    approvalRequired: input.approvalRequired ?? true,
  });
  if (!t) return fail(ErrorCode.conflict, `a tenant with slug "${input.slug}" already exists`);
  return ok(t);
}

/** The origins as browsers send them, each checked, without repeats. */
function checkOrigins(origins: string[]): Result<string[], 'invalid_input'> {
  const list = [...new Set(origins.map(normalizeOrigin))];
  if (list.length > MAX_CORS_ORIGINS)
    return fail(ErrorCode.invalid_input, `corsOrigins: at most ${MAX_CORS_ORIGINS}`, { field: 'corsOrigins' });
  const bad = list.find((o) => !isOrigin(o));
  if (bad !== undefined) {
    return fail(ErrorCode.invalid_input, `corsOrigins: "${bad}" is not an origin like https://shop.example.com`, { field: 'corsOrigins' });
  }
  return ok(list);
}

function checkSettings(patch: TenantSettingsPatch): Result<TenantSettingsPatch, 'invalid_input'> {
  if (patch.timezone !== undefined && !isValidTimeZone(patch.timezone)) {
    return fail(ErrorCode.invalid_input, `unknown time zone "${patch.timezone}"`, { field: 'timezone' });
  }
  if (patch.smsProvider !== undefined && !(SMS_PROVIDERS as readonly string[]).includes(patch.smsProvider)) {
    return fail(ErrorCode.invalid_input, `unknown SMS provider "${patch.smsProvider}" (available: ${SMS_PROVIDERS.join(', ')})`);
  }
  if (patch.corsOrigins === undefined) return ok(patch);
  const origins = checkOrigins(patch.corsOrigins);
  return origins.ok ? ok({ ...patch, corsOrigins: origins.value }) : origins;
}

export function tenantService(deps: Deps) {
  // Slug → tenant lookups happen on every dialect request; a short cache keeps
  // them off the database while settings changes still show within seconds.
  const bySlug = new Map<string, { tenant: Tenant; at: number }>();
  const CACHE_MS = 5_000;

  return {
    insertTenant: insertTenantIn,

    async create(input: CreateTenantInput, by: Principal | null): Promise<Result<Tenant, TenantCreateFailure>> {
      try {
        return await deps.db.txResult(async (q): Promise<Result<Tenant, TenantCreateFailure>> => {
          const t = await insertTenantIn(q, input);
          if (!t.ok) return t;
          if (input.owner) {
            const s = await createStaffIn(q, t.value.id, { ...input.owner, role: 'owner' });
            if (!s.ok) return s;
          }
          await audit(q, t.value.id, by, { action: 'tenant.create', targetType: 'tenant', targetId: t.value.id });
          return t;
        });
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, 'tenant or owner already exists');
        throw e;
      }
    },

    get: (id: number): Promise<Tenant | null> => repo.tenantById(deps.db, id),

    async getBySlug(slug: string): Promise<Tenant | null> {
      const hit = bySlug.get(slug);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.tenant;
      const tenant = await repo.tenantBySlug(deps.db, slug);
      if (!tenant) return null;
      bySlug.set(slug, { tenant, at: Date.now() });
      return tenant;
    },

    list: (): Promise<Tenant[]> => repo.listTenants(deps.db),

    async updateSettings(id: number, patch: TenantSettingsPatch, by: Principal): Promise<Result<Tenant, TenantSettingsFailure>> {
      const c = checkSettings(patch);
      if (!c.ok) return c;
      return deps.db.txResult(async (q): Promise<Result<Tenant, TenantSettingsFailure>> => {
        const t = await repo.updateTenantSettings(q, id, c.value);
        if (!t) return fail(ErrorCode.not_found, 'tenant not found');
        await audit(q, id, by, { action: 'tenant.settings', targetType: 'tenant', targetId: id, details: c.value });
        bySlug.delete(t.slug);
        return ok(t);
      });
    },
  };
}

export type TenantService = ReturnType<typeof tenantService>;
