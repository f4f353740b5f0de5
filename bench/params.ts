// The sizes of `npm run bench`, in one place.

// BENCH_QUICK=1: a tenth of the flash sale and of the code batch, for a fast look while
// working; its numbers are not the ones to report.
export const QUICK = process.env.BENCH_QUICK === '1';
export const BARE_CONNECTIONS = 200;
export const BARE_SECONDS = QUICK ? 5 : 10;
export const USERS = QUICK ? 2_000 : 20_000;
export const USER_CONCURRENCY = 100;
export const STOCK = QUICK ? 1_000 : 10_000;
export const CLAIM_CONNECTIONS = 200;
export const WRITE_OFF_HOLDERS = QUICK ? 1 : 5;
export const GRANT_PER_CALL = 1_000; // the API's maximum
export const WRITE_OFF_CONNECTIONS = 50;
export const CART_LINES = 20;
export const CART_COUPONS = 50;
export const QUOTE_CONNECTIONS = 20;
export const QUOTE_SECONDS = 5;
export const CODE_BATCH = QUICK ? 100_000 : 1_000_000; // codes generated and stored in one batch
export const CHECKOUT_USERS = 20; // concurrent shoppers, one order in flight each
export const CHECKOUT_SECONDS = 10;
export const CHECKOUT_COUPONS_PER_USER = 1_000; // more than one user can spend in CHECKOUT_SECONDS
export const QUOTE_CPU_BUDGET_MS = 2_000; // CPU time spent measuring priceCart
export const REQUEST_TIMEOUT_S = 30; // autocannon: a slower answer counts as a timeout
export const TWO_PROCESS_WORKERS = 2; // the second run: WORKERS=2 behind one port (PostgreSQL only)
// The two-process run makes the bench longer than it was; 20 minutes still bounds a stuck run.
export const WATCHDOG_S = Number(process.env.BENCH_TIMEOUT_S || 20 * 60);

export const PASSWORDS = { ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123' };
