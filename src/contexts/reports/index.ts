// The reports context's public face: the only module other contexts and the dialects import.
export * from './reports.ts';

import type { Deps } from '../../kernel/deps.ts';
import { reportService } from './reports.ts';

/** Builds the report service once (compose.ts calls this). */
export function buildReports(deps: Deps) {
  return { reports: reportService(deps) };
}
export type Reports = ReturnType<typeof buildReports>;
