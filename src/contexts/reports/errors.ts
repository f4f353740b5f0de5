// The reports context's typed failures: the codes each use-case can return.

/** dashboard: a bad date, from after to, or a range over MAX_DAYS days. */
export type DashboardFailure = 'invalid_input';
