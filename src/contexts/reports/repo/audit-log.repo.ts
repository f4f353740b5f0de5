// The audit trail as the console lists it: a read of platform's audit_log
// joined to identity's staff for the username.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { AuditLogFilter, AuditLogItem } from '../domain/audit-log.ts';

type AuditRow = RowOf<'audit_log', 'id' | 'staff_id' | 'action' | 'target_type' | 'target_id' | 'created_at'> &
  RowOf<'staff', 'username'> & { details: Record<string, unknown> | null };

/** The entries matching `f`, newest first, and how many match. */
export async function auditLogPage(q: Queryable, tenantId: number, f: AuditLogFilter): Promise<{ total: number; items: AuditLogItem[] }> {
  const where = ['a.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.action) add('a.action LIKE ?', `${f.action.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
  if (f.staffId !== undefined) add('a.staff_id = ?', f.staffId);
  if (f.targetType) add('a.target_type = ?', f.targetType);
  if (f.targetId) add('a.target_id = ?', f.targetId);
  if (f.from) add('a.created_at >= ?', f.from);
  if (f.to) add('a.created_at < ?', f.to);
  const w = where.join(' AND ');
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log a WHERE ${w}`, params);
  const rows = await q.query<AuditRow>(
    `SELECT a.id, a.staff_id, s.username, a.action, a.target_type, a.target_id, a.details, a.created_at
       FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
      WHERE ${w} ORDER BY a.id DESC LIMIT ${Math.trunc(f.limit)} OFFSET ${Math.trunc(f.offset)}`,
    params,
  );
  return {
    total: Number(total.rows[0]?.n ?? 0),
    items: rows.rows.map((r) => ({
      id: Number(r.id),
      staffId: r.staff_id === null ? null : Number(r.staff_id),
      username: r.username,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: r.details,
      createdAt: r.created_at,
    })),
  };
}
