// Which merchant a consumer token belongs to, for the callers that receive a
// bare token with no merchant named beside it (the seller dialect's WeChat
// side, seed 000). The session itself is then checked by consumerAuth's
// authenticate(tenantId, token), like every other consumer call.
import type { Deps } from '../../kernel/deps.ts';
import { digest } from '../../kernel/security.ts';
import { tenantOfToken } from './domain/session.ts';
import { liveUserSessionTenant } from './repo/consumer-sessions.repo.ts';

export function consumerTokenService(deps: Deps) {
  return {
    /** The tenant of a live consumer session behind `token`, or null. */
    tenantOf: async (token: string): Promise<number | null> => {
      const tenant = token ? tenantOfToken(token) : null;
      return tenant === null ? null : liveUserSessionTenant(deps.db, tenant, digest(token), deps.now?.() ?? new Date());
    },
  };
}
export type ConsumerTokenService = ReturnType<typeof consumerTokenService>;
