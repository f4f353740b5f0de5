// Tenant API keys: created (shown once), listed, revoked. Stored as digests.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { digest, newToken } from '../../kernel/security.ts';
import { API_KEY_PREFIX, routedToken, type ApiKey } from './domain/session.ts';
import type { ApiKeyCreateFailure, ApiKeyRevokeFailure } from './errors.ts';
import * as repo from './repo/sessions.repo.ts';

/** The API key use-cases; `revoked` publishes a revocation (a revoked key stops at once in every process). */
export function apiKeyUseCases(deps: Deps, revoked: () => Promise<void>) {
  return {
    async createApiKey(
      tenantId: number,
      name: string,
      by: Principal,
    ): Promise<Result<{ id: number; key: string; prefix: string }, ApiKeyCreateFailure>> {
      if (!name?.trim()) return fail(ErrorCode.invalid_input, 'name is required');
      const secret = newToken();
      const key = `${API_KEY_PREFIX}${routedToken(tenantId, secret)}`;
      const prefix = key.slice(0, 10);
      return deps.db.tx(async (q) => {
        const id = await repo.insertApiKey(q, {
          tenantId,
          name: name.trim(),
          prefix,
          keyHash: digest(key),
          createdBy: by.kind === 'staff' ? by.staffId : null,
        });
        await audit(q, tenantId, by, { action: 'api_key.create', targetType: 'api_key', targetId: id, details: { name } });
        return ok({ id, key, prefix });
      });
    },

    listApiKeys: (tenantId: number): Promise<ApiKey[]> => repo.listApiKeys(deps.db, tenantId),

    async revokeApiKey(tenantId: number, id: number, by: Principal): Promise<Result<void, ApiKeyRevokeFailure>> {
      const r = await deps.db.txResult(async (q): Promise<Result<void, ApiKeyRevokeFailure>> => {
        if (!(await repo.revokeApiKey(q, tenantId, id))) return fail(ErrorCode.not_found, 'API key not found or already revoked');
        await audit(q, tenantId, by, { action: 'api_key.revoke', targetType: 'api_key', targetId: id });
        return ok(undefined);
      });
      if (r.ok) await revoked();
      return r;
    },
  };
}
