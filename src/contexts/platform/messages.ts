// Sending SMS and e-mail through a provider, and one-time verification codes.
// The built-in "log" provider writes each message to the server log and to the
// dev outbox (GET /api/v1/dev/outbox), so every flow works with no gateway.
import crypto from 'node:crypto';
import { hit } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';

export type Channel = 'sms' | 'email';

export interface OutgoingMessage {
  tenantId: number;
  channel: Channel;
  to: string;
  text: string;
  code?: string | null;
  purpose?: string | null;
}

export interface MessageProvider {
  readonly name: string;
  send(m: OutgoingMessage): Promise<void>;
}

export function logProvider(deps: Deps): MessageProvider {
  return {
    name: 'log',
    async send(m) {
      deps.log.info({ channel: m.channel, to: m.to, purpose: m.purpose }, `message: ${m.text}`);
      await deps.db.query(
        'INSERT INTO outbox_messages (tenant_id, channel, recipient, text, code, purpose) VALUES ($1,$2,$3,$4,$5,$6)',
        [m.tenantId, m.channel, m.to, m.text, m.code ?? null, m.purpose ?? null],
      );
    },
  };
}

/** Limits on verification codes: one a minute per recipient, a daily cap, 5 tries, 10 minutes to live. */
export const CODE_LIMITS = { perMinute: 1, perDay: 10, attempts: 5, ttlSec: 600 };

const digestCode = (id: string, code: string) => crypto.createHash('sha256').update(`quan-verify:${id}:${code}`).digest('hex');

export function messageService(deps: Deps, providers: Record<string, MessageProvider> = {}) {
  const builtIn = logProvider(deps);
  const providerFor = async (tenantId: number): Promise<MessageProvider> => {
    const r = await deps.db.query<{ sms_provider: string }>('SELECT sms_provider FROM tenants WHERE id = $1', [tenantId]);
    return providers[r.rows[0]?.sms_provider ?? 'log'] ?? builtIn;
  };

  return {
    send: async (m: OutgoingMessage) => (await providerFor(m.tenantId)).send(m),

    /** Makes, stores (hashed) and sends a numeric code for `purpose`. */
    async sendCode(tenantId: number, channel: Channel, to: string, purpose: string, label = 'quan'): Promise<Result<{ expiresInSec: number }>> {
      const perMinute = await hit(deps.cache, `vcode:min:${tenantId}:${channel}:${to}`, CODE_LIMITS.perMinute, 60);
      if (!perMinute.allowed) return fail(ErrorCode.rate_limited, `a code was sent less than a minute ago; retry in ${perMinute.retryAfterSec} s`, { retryAfterSec: perMinute.retryAfterSec });
      const perDay = await hit(deps.cache, `vcode:day:${tenantId}:${channel}:${to}`, CODE_LIMITS.perDay, 86_400);
      if (!perDay.allowed) return fail(ErrorCode.rate_limited, 'too many codes today for this recipient', { retryAfterSec: perDay.retryAfterSec });
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      const salt = crypto.randomBytes(8).toString('hex');
      await deps.db.query(
        `INSERT INTO verification_codes (tenant_id, channel, recipient, purpose, code_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
        [tenantId, channel, to, purpose, `${salt}:${digestCode(salt, code)}`, CODE_LIMITS.ttlSec],
      );
      await this.send({ tenantId, channel, to, code, purpose, text: `[${label}] Your verification code is ${code}. It expires in ${CODE_LIMITS.ttlSec / 60} minutes.` });
      return ok({ expiresInSec: CODE_LIMITS.ttlSec });
    },

    /**
     * Checks a code; `consume` uses it up (single use). The newest unexpired
     * code counts. Every wrong try counts against it: a try is reserved before
     * the code is compared, by one conditional UPDATE (attempts < the cap),
     * so no number of parallel guesses gets more than CODE_LIMITS.attempts
     * comparisons (a right code not used up gives its try back). With `q` (a
     * transaction), the try and the use are part of it: when the caller's
     * transaction rolls back, the code is unused again.
     */
    async checkCode(
      tenantId: number,
      channel: Channel,
      to: string,
      purpose: string,
      code: string,
      consume = true,
      q: Queryable = deps.db,
    ): Promise<Result<void>> {
      const r = await q.query<{ id: number; code_hash: string }>(
        `UPDATE verification_codes SET attempts = attempts + 1
         WHERE id = (SELECT id FROM verification_codes
                     WHERE tenant_id = $1 AND channel = $2 AND recipient = $3 AND purpose = $4 AND used_at IS NULL AND expires_at > now()
                     ORDER BY id DESC LIMIT 1)
           AND attempts < $5 AND used_at IS NULL AND expires_at > now()
         RETURNING id, code_hash`,
        [tenantId, channel, to, purpose, CODE_LIMITS.attempts],
      );
      const row = r.rows[0];
      if (!row) {
        const newest = await q.query<{ attempts: number }>(
          `SELECT attempts FROM verification_codes
           WHERE tenant_id = $1 AND channel = $2 AND recipient = $3 AND purpose = $4 AND used_at IS NULL AND expires_at > now()
           ORDER BY id DESC LIMIT 1`,
          [tenantId, channel, to, purpose],
        );
        if (newest.rows[0] && newest.rows[0].attempts >= CODE_LIMITS.attempts) return fail(ErrorCode.rate_limited, 'too many wrong tries: request a new code');
        return fail(ErrorCode.invalid_input, 'no valid code: request a new one');
      }
      const [salt, hash] = row.code_hash.split(':') as [string, string];
      if (digestCode(salt, String(code ?? '')) !== hash) return fail(ErrorCode.wrong_password, 'the code is wrong');
      if (consume) {
        const used = await q.query('UPDATE verification_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL', [row.id]);
        if (used.rowCount !== 1) return fail(ErrorCode.invalid_input, 'this code has already been used');
      } else {
        // A right code checked without using it up is not a wrong try: give the try back.
        await q.query('UPDATE verification_codes SET attempts = attempts - 1 WHERE id = $1 AND attempts > 0', [row.id]);
      }
      return ok(undefined);
    },

    async outbox(tenantId: number, limit = 50) {
      const r = await deps.db.query<{ channel: string; recipient: string; text: string; code: string | null; purpose: string | null; created_at: Date }>(
        'SELECT * FROM outbox_messages WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2',
        [tenantId, limit],
      );
      return r.rows.map((m) => ({ channel: m.channel, to: m.recipient, text: m.text, code: m.code, purpose: m.purpose, createdAt: m.created_at }));
    },
  };
}

export type MessageService = ReturnType<typeof messageService>;
