import { authService } from './auth.ts';
import type { Deps } from './deps.ts';
import { idempotencyService } from './idempotency.ts';
import { staffService } from './staff.ts';
import { storeService } from './stores.ts';
import { tenantService } from './tenants.ts';
import { userService } from './users.ts';

/** Every use-case, built once per process from the same deps. */
export function createServices(deps: Deps) {
  const tenants = tenantService(deps);
  return {
    deps,
    tenants,
    auth: authService(deps, (id) => tenants.get(id)),
    staff: staffService(deps),
    stores: storeService(deps),
    users: userService(deps),
    idempotency: idempotencyService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
