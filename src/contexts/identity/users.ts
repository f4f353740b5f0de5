// Consumers of one tenant, as staff and other contexts see them: create, read, list.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { hashPassword } from '../../kernel/security.ts';
import { validateUserInput, type CreateUserInput, type User } from './domain/user.ts';
import type { UserCreateFailure } from './errors.ts';
import * as repo from './repo/users.repo.ts';

/** Checks and inserts a user inside the caller's transaction. */
export async function insertUser(q: Queryable, tenantId: number, input: CreateUserInput): Promise<Result<User, UserCreateFailure>> {
  const invalid = validateUserInput(input);
  if (invalid) return fail(ErrorCode.invalid_input, invalid);
  try {
    return ok(await repo.insertUserRow(q, tenantId, input, input.password ? await hashPassword(input.password) : null));
  } catch (e) {
    if (pgErrorCode(e) === PgCode.uniqueViolation) {
      return fail(ErrorCode.already_registered, 'a user with this mobile, username or email already exists');
    }
    throw e;
  }
}

/** The same as insertUser, under the name other contexts' calls inside their transactions use. */
export const insertUserIn = insertUser;

export function userService(deps: Deps) {
  return {
    async create(tenantId: number, input: CreateUserInput, by: Principal | null): Promise<Result<User, UserCreateFailure>> {
      // A savepoint-free path: the insert either lands or fails on a unique key.
      return deps.db.txResult(async (q): Promise<Result<User, UserCreateFailure>> => {
        const u = await insertUser(q, tenantId, input);
        if (u.ok && by) await audit(q, tenantId, by, { action: 'user.create', targetType: 'user', targetId: u.value.id });
        return u;
      });
    },

    get: (tenantId: number, id: number): Promise<User | null> => repo.userById(deps.db, tenantId, id),

    /** The first user matching any of the identifiers given. */
    getRow: (tenantId: number, by: { id?: number; mobile?: string; username?: string; email?: string }): Promise<User | null> =>
      repo.userByAny(deps.db, tenantId, by),

    list: (
      tenantId: number,
      opts: { mobile?: string; username?: string; limit: number; offset: number },
    ): Promise<{ items: User[]; total: number }> => repo.listUsers(deps.db, tenantId, opts),
  };
}

export type UserService = ReturnType<typeof userService>;
