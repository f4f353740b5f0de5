// The identity context's public face: the only module other contexts and the dialects import.
export * from './auth.ts';
export * from './captcha.ts';
export * from './consumer-auth.ts';
export * from './departments.ts';
export * from './staff.ts';
export * from './stores.ts';
export * from './tenants.ts';
export * from './users.ts';
export * from './domain/permissions.ts';
export * from './seed.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { authService } from './auth.ts';
import { captchaService } from './captcha.ts';
import { consumerAuthService } from './consumer-auth.ts';
import { departmentService } from './departments.ts';
import { staffService } from './staff.ts';
import { storeService } from './stores.ts';
import { tenantService } from './tenants.ts';
import { userService } from './users.ts';

/** Builds the identity services once (compose.ts calls this). */
export function buildIdentity(deps: Deps, { messages }: { messages: MessageService }) {
  const tenants = tenantService(deps);
  return {
    tenants,
    auth: authService(deps, (id) => tenants.get(id)),
    staff: staffService(deps),
    stores: storeService(deps),
    users: userService(deps),
    departments: departmentService(deps),
    consumerAuth: consumerAuthService(deps, messages),
    captcha: captchaService(deps),
  };
}
export type Identity = ReturnType<typeof buildIdentity>;
