// QR payloads issued by quan for a member card or a coupon: signed (HMAC-
// SHA256) and short-lived, so a screenshot cannot be replayed later and a
// forged payload is refused (the format: domain/qr-payload.ts).
// The key is config.qrSecret, or one generated once and kept in app_secrets
// (shared by every process on the same database).
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { QrFailure } from './errors.ts';
import { parseQr, QR_TTL_SEC, qrBody, qrTargetOf, sameSignature, signQr, type IssuedQr, type QrTarget } from './domain/qr-payload.ts';
import { ensureSecret } from './repo/secrets.repo.ts';

export { QR_TTL_SEC, type IssuedQr, type QrTarget } from './domain/qr-payload.ts';

const SECRET_NAME = 'qr_hmac_key';

export function qrService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  let key: Promise<Buffer> | null = null;

  const loadKey = (): Promise<Buffer> => {
    if (deps.config.qrSecret) return Promise.resolve(Buffer.from(deps.config.qrSecret, 'utf8'));
    key ??= ensureSecret(deps.db, SECRET_NAME, crypto.randomBytes(32).toString('base64'))
      .then((v) => Buffer.from(v, 'base64'))
      .catch((e) => {
        key = null;
        throw e;
      });
    return key;
  };

  const sign = async (body: string) => signQr(await loadKey(), body);

  return {
    ttlSec: QR_TTL_SEC,

    async issue(target: QrTarget): Promise<IssuedQr> {
      const exp = Math.floor(now().getTime() / 1000) + QR_TTL_SEC;
      const body = qrBody(target, exp);
      return { payload: `${body}.${await sign(body)}`, expiresAt: new Date(exp * 1000) };
    },

    /** Checks signature and expiry; the caller still checks the tenant. */
    async verify(payload: string): Promise<Result<QrTarget, QrFailure>> {
      const p = parseQr(payload);
      if (!p) return fail('invalid_input', 'this QR code was not issued by quan');
      if (!sameSignature(await sign(p.body), p.sig)) return fail('invalid_input', 'this QR code is forged or damaged');
      if (p.exp * 1000 < now().getTime()) return fail('invalid_input', 'this QR code has expired: ask for a fresh one', { expired: true });
      const target = qrTargetOf(p);
      return target ? ok(target) : fail('invalid_input', 'this QR code is damaged');
    },

    /** The payload as a PNG image. */
    png(payload: string): Promise<Buffer> {
      return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
    },
  };
}

export type QrService = ReturnType<typeof qrService>;
