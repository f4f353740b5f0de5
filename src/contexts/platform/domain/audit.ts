// One audit record: what a staff member (or an API key) did to what.
import type { Principal } from '../../../kernel/deps.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
}

/** The stored form of an entry: the staff id of a staff caller, an API key's id folded into the details. */
export interface AuditRecord {
  tenantId: number | null;
  staffId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

export function auditRecord(tenantId: number | null, who: Principal | null, e: AuditEntry): AuditRecord {
  return {
    tenantId,
    staffId: who?.kind === 'staff' ? who.staffId : null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId === undefined ? null : String(e.targetId),
    details: { ...(e.details ?? {}), ...(who?.kind === 'api_key' ? { apiKeyId: who.apiKeyId } : {}) },
  };
}
