import type { Queryable } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
}

/** Every staff action that changes state leaves one row, inside its own transaction. */
export async function audit(q: Queryable, tenantId: number | null, who: Principal | null, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (tenant_id, staff_id, action, target_type, target_id, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      tenantId,
      who?.kind === 'staff' ? who.staffId : null,
      e.action,
      e.targetType ?? null,
      e.targetId === undefined ? null : String(e.targetId),
      JSON.stringify({ ...(e.details ?? {}), ...(who?.kind === 'api_key' ? { apiKeyId: who.apiKeyId } : {}) }),
    ],
  );
}
