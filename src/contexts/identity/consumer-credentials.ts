// A consumer's credentials: reset the password with a code, bind a mobile /
// email (with a code) or a username, optionally with a new password.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { hashPassword } from '../../kernel/security.ts';
import { channelOf, invalidLoginId, USER_PASSWORD_MIN, type LoginKind, type User } from './domain/user.ts';
import { verificationFailure, type ConsumerBindFailure, type ConsumerResetFailure, type VerificationFailure } from './errors.ts';
import * as sessions from './repo/consumer-sessions.repo.ts';
import * as users from './repo/users.repo.ts';

/**
 * The purpose of consumer verification codes. apifm's sms/get and mail/get do
 * not say what a code is for, so one purpose serves register, reset and bind.
 */
export const CONSUMER_CODE_PURPOSE = 'consumer';

/** Checks (and uses up) a consumer code sent to `to`. */
export type CheckCode = (
  tenantId: number,
  channel: 'sms' | 'email',
  to: string,
  code: string,
) => Promise<Result<void, VerificationFailure>>;

export function consumerCodeCheck(messages: Pick<MessageService, 'checkCode'>): CheckCode {
  return async (tenantId, channel, to, code) => {
    const c = await messages.checkCode(tenantId, channel, to, CONSUMER_CODE_PURPOSE, code, true);
    return c.ok ? c : verificationFailure(c);
  };
}

/** `revoked` publishes a revocation (a reset ends the user's sessions at once in every process). */
export function consumerCredentialUseCases(deps: Deps, checkCode: CheckCode, revoked: () => Promise<void>) {
  return {
    /** Sets a new password after checking the code sent to the mobile/email (purpose "reset-pwd"); revokes all sessions. */
    async resetPassword(
      tenantId: number,
      kind: 'mobile' | 'email',
      id: string,
      code: string,
      password: string,
    ): Promise<Result<void, ConsumerResetFailure>> {
      if (!password || password.length < USER_PASSWORD_MIN) return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      const found = await users.userByLogin(deps.db, tenantId, kind, id.trim());
      if (!found) return fail(ErrorCode.not_found, `no user with this ${kind}`);
      const c = await checkCode(tenantId, kind === 'mobile' ? 'sms' : 'email', id.trim(), code ?? '');
      if (!c.ok) return c;
      const hash = await hashPassword(password);
      await deps.db.tx(async (q) => {
        await users.setUserPassword(q, tenantId, found.user.id, hash);
        await sessions.revokeUserSessionsOf(q, tenantId, found.user.id);
      });
      await revoked();
      return ok(undefined);
    },

    /**
     * Binds a mobile / email (code purpose "bind") or a username to the user.
     * A password, when given, becomes the account's password.
     */
    async bind(
      tenantId: number,
      userId: number,
      kind: LoginKind,
      id: string,
      opts: { code?: string; password?: string } = {},
    ): Promise<Result<User, ConsumerBindFailure>> {
      id = id.trim();
      const bad = invalidLoginId(kind, id);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      if (opts.password != null && opts.password !== '' && opts.password.length < USER_PASSWORD_MIN) {
        return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      }
      const other = await users.userByLogin(deps.db, tenantId, kind, id);
      if (other && other.user.id !== userId) return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
      const channel = channelOf(kind);
      if (channel) {
        const c = await checkCode(tenantId, channel, id, opts.code ?? '');
        if (!c.ok) return c;
      }
      const hash = opts.password ? await hashPassword(opts.password) : null;
      try {
        const u = await users.setLoginId(deps.db, tenantId, userId, kind, id, hash);
        return u ? ok(u) : fail(ErrorCode.not_found, 'user not found');
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation)
          return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
        throw e;
      }
    },
  };
}
