import { storedTenant } from '../../../kernel/deps.ts';
import type { Queryable } from '../../../db/store.ts';
import type { AuditRecord } from '../domain/audit.ts';

export async function insertAudit(q: Queryable, a: AuditRecord): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (tenant_id, staff_id, action, target_type, target_id, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [storedTenant(a.tenantId), a.staffId, a.action, a.targetType, a.targetId, JSON.stringify(a.details)],
  );
}
