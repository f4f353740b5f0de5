// Picture captchas (图形验证码): a random text drawn as an SVG, remembered in
// the cache under the client's key for a few minutes, checked case-insensitively.
// Every answer is counted before it is compared; after a few wrong ones the
// captcha is gone and a new one is needed.
import crypto from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import { hit } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { CaptchaCheckFailure, CaptchaCreateFailure } from './errors.ts';

export const CAPTCHA_LIMITS = { ttlSec: 300, attempts: 5, perIpPerMinute: 30 };

const keyOf = (tenantId: number, key: string) =>
  `captcha:${tenantId}:${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
const hashOf = (text: string) => crypto.createHash('sha256').update(`captcha:${text.toLowerCase()}`).digest('hex');

export function captchaService(deps: Deps) {
  return {
    /** A new captcha for `key` (replacing any earlier one): the SVG to show. */
    async create(tenantId: number, key: string, ip = 'unknown'): Promise<Result<{ svg: string }, CaptchaCreateFailure>> {
      if (!key || key.length > 128) return fail(ErrorCode.invalid_input, 'key is required (at most 128 characters)');
      const rl = await hit(deps.cache, `captcha-ip:${ip}`, CAPTCHA_LIMITS.perIpPerMinute, 60);
      if (!rl.allowed)
        return fail(ErrorCode.rate_limited, `too many captchas; retry in ${rl.retryAfterSec} s`, { retryAfterSec: rl.retryAfterSec });
      const c = svgCaptcha.create({ size: 4, ignoreChars: '0oO1iIlL', noise: 2, width: 120, height: 44 });
      await deps.cache.set(keyOf(tenantId, key), hashOf(c.text), CAPTCHA_LIMITS.ttlSec);
      await deps.cache.del(`${keyOf(tenantId, key)}:tries`);
      return ok({ svg: c.data });
    },

    /** Checks the answer; `consume` forgets the captcha once it was right (single use). */
    async check(tenantId: number, key: string, answer: string, consume: boolean): Promise<Result<void, CaptchaCheckFailure>> {
      const k = keyOf(tenantId, key);
      const stored = await deps.cache.get(k);
      if (!stored) return fail(ErrorCode.not_found, 'no captcha for this key (or it expired): get a new one');
      // The try is counted before the comparison (one INCR), so parallel answers get no more comparisons than the limit.
      const tries = await deps.cache.incr(`${k}:tries`, CAPTCHA_LIMITS.ttlSec);
      if (tries > CAPTCHA_LIMITS.attempts) {
        await deps.cache.del(k);
        return fail(ErrorCode.not_found, 'too many wrong answers for this captcha: get a new one');
      }
      if (stored !== hashOf(String(answer ?? '').trim())) {
        if (tries >= CAPTCHA_LIMITS.attempts) await deps.cache.del(k);
        return fail(ErrorCode.wrong_password, 'the picture code is wrong');
      }
      if (consume) await deps.cache.del(k);
      // A right answer kept for later is not a wrong try.
      else await deps.cache.incr(`${k}:tries`, CAPTCHA_LIMITS.ttlSec, -1);
      return ok(undefined);
    },

    /** For tests and the dev console only: set a known answer for a key. */
    async setForTest(tenantId: number, key: string, text: string): Promise<void> {
      await deps.cache.set(keyOf(tenantId, key), hashOf(text), CAPTCHA_LIMITS.ttlSec);
    },
  };
}

export type CaptchaService = ReturnType<typeof captchaService>;
