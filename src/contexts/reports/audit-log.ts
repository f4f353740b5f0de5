// The audit trail of a tenant, newest first.
import type { Deps } from '../../kernel/deps.ts';
import type { AuditLogFilter, AuditLogItem } from './domain/audit-log.ts';
import { auditLogPage } from './repo/audit-log.repo.ts';

export const auditLog = (deps: Deps, tenantId: number, f: AuditLogFilter): Promise<{ total: number; items: AuditLogItem[] }> =>
  auditLogPage(deps.db, tenantId, f);
