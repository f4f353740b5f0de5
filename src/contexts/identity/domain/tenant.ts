// Tenants (merchants): what one is, and which slugs it may take (pure, no I/O).

export interface Tenant {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  approvalRequired: boolean;
  smsProvider: string;
  /** Browser origins (scheme://host[:port]) the tenant's H5 clients call its apifm API from (CORS). */
  corsOrigins: string[];
  createdAt: Date;
}

export interface CreateTenantInput {
  slug: string;
  name: string;
  timezone?: string;
  approvalRequired?: boolean;
  owner?: { username: string; password: string };
}

// A type, not an interface: it goes into the audit record's details as it is.
export type TenantSettingsPatch = {
  name?: string;
  timezone?: string;
  approvalRequired?: boolean;
  smsProvider?: string;
  corsOrigins?: string[];
};

/** At most this many CORS origins per tenant. */
export const MAX_CORS_ORIGINS = 20;

/** Slugs that would shadow a mount point of the server (apifm mounts `/{slug}/`). */
export const RESERVED_SLUGS = new Set([
  'api',
  'web',
  'portal',
  'admin',
  'docs',
  'openapi',
  'openapi.json',
  'health',
  'metrics',
  'static',
  'assets',
  'uploads',
  'files',
  'console',
  'login',
  'logout',
  'favicon.ico',
  'robots.txt',
  'qr',
  'public',
  'www',
  'root',
  'system',
  'platform',
  'dev',
]);

export function validateSlug(slug: string): string | null {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    return 'slug must be 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit';
  }
  if (RESERVED_SLUGS.has(slug)) return `slug "${slug}" is reserved (it collides with a mount point)`;
  return null;
}

/** The SMS providers a tenant may choose. */
export const SMS_PROVIDERS = ['log'] as const;
