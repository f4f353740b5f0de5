// The audit trail as a tenant's console lists it.
export interface AuditLogFilter {
  /** An action or an action prefix ("seller." matches every seller action). */
  action?: string;
  staffId?: number;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface AuditLogItem {
  id: number;
  staffId: number | null;
  /** Null for an entry no staff member made (an API key, the system) or whose staff is gone. */
  username: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}
