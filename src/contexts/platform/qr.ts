// QR payloads issued by quan for a member card or a coupon: signed (HMAC-
// SHA256) and short-lived, so a screenshot cannot be replayed later and a
// forged payload is refused. Payload: `q1.<kind>.<tenant>.<ref>.<exp>.<sig>`
// with kind c (card id) or p (coupon code), exp in epoch seconds.
// The key is config.qrSecret, or one generated once and kept in app_secrets
// (shared by every process on the same database).
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';

export const QR_TTL_SEC = 120;
const SECRET_NAME = 'qr_hmac_key';

export type QrTarget = { kind: 'card'; tenantId: number; cardId: number } | { kind: 'coupon'; tenantId: number; code: string };

export interface IssuedQr {
  payload: string;
  expiresAt: Date;
}

export function qrService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  let key: Promise<Buffer> | null = null;

  const loadKey = (): Promise<Buffer> => {
    if (deps.config.qrSecret) return Promise.resolve(Buffer.from(deps.config.qrSecret, 'utf8'));
    key ??= (async () => {
      await deps.db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        SECRET_NAME,
        crypto.randomBytes(32).toString('base64'),
      ]);
      const r = await deps.db.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [SECRET_NAME]);
      return Buffer.from(r.rows[0]!.value, 'base64');
    })().catch((e) => {
      key = null;
      throw e;
    });
    return key;
  };

  const sign = async (body: string) => crypto.createHmac('sha256', await loadKey()).update(body).digest('base64url').slice(0, 27);

  return {
    ttlSec: QR_TTL_SEC,

    async issue(target: QrTarget): Promise<IssuedQr> {
      const exp = Math.floor(now().getTime() / 1000) + QR_TTL_SEC;
      const ref = target.kind === 'card' ? String(target.cardId) : encodeURIComponent(target.code);
      const body = `q1.${target.kind === 'card' ? 'c' : 'p'}.${target.tenantId}.${ref}.${exp}`;
      return { payload: `${body}.${await sign(body)}`, expiresAt: new Date(exp * 1000) };
    },

    /** Checks signature and expiry; the caller still checks the tenant. */
    async verify(payload: string): Promise<Result<QrTarget>> {
      const m = /^q1\.([cp])\.(\d{1,15})\.([^.]{1,200})\.(\d{1,12})\.([A-Za-z0-9_-]{27})$/.exec(String(payload ?? '').trim());
      if (!m) return fail(ErrorCode.invalid_input, 'this QR code was not issued by quan');
      const [, kind, tenant, ref, exp, sig] = m as unknown as [string, string, string, string, string, string];
      const expected = await sign(`q1.${kind}.${tenant}.${ref}.${exp}`);
      if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(sig))) return fail(ErrorCode.invalid_input, 'this QR code is forged or damaged');
      if (Number(exp) * 1000 < now().getTime()) return fail(ErrorCode.invalid_input, 'this QR code has expired: ask for a fresh one', { expired: true });
      if (kind === 'c') {
        if (!/^\d+$/.test(ref)) return fail(ErrorCode.invalid_input, 'this QR code is damaged');
        return ok({ kind: 'card', tenantId: Number(tenant), cardId: Number(ref) });
      }
      return ok({ kind: 'coupon', tenantId: Number(tenant), code: decodeURIComponent(ref) });
    },

    /** The payload as a PNG image. */
    png(payload: string): Promise<Buffer> {
      return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
    },
  };
}

export type QrService = ReturnType<typeof qrService>;
