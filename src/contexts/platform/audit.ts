// The audit trail: every staff action that changes state leaves one row,
// written with `q`, the use-case's own transaction (so it commits or rolls
// back with the work). Every context calls this through platform/index.ts.
import type { Queryable } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';
import { auditRecord, type AuditEntry } from './domain/audit.ts';
import { insertAudit } from './repo/audit.repo.ts';

export type { AuditEntry };

/** Every staff action that changes state leaves one row, inside its own transaction. */
export async function audit(q: Queryable, tenantId: number | null, who: Principal | null, e: AuditEntry): Promise<void> {
  await insertAudit(q, auditRecord(tenantId, who, e));
}
