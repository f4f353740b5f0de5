// The platform context's typed failures: the codes each use-case can return.
// No details are declared here: rate_limited's { retryAfterSec } and a QR
// code's { expired } ride on codes other contexts share (rate_limited,
// invalid_input), so they are typed by the helper types below instead.

/** sendCode: the per-minute or per-day cap for the recipient is reached (details: CodeRateLimit). */
export type SendCodeFailure = 'rate_limited';
/** checkCode: no live code (invalid_input), tries used up (rate_limited), or the code is wrong. */
export type CheckCodeFailure = 'rate_limited' | 'invalid_input' | 'wrong_password';
/** qr.verify: not quan's, forged, damaged or expired (details: QrRefusal when expired). */
export type QrFailure = 'invalid_input';

export type CodeRateLimit = { retryAfterSec: number };
export type QrRefusal = { expired: true };
