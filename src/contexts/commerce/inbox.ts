// Use-cases of a consumer's in-app messages (站内信): staff send, the
// consumer lists, reads and deletes.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { InboxMessage, MessageInput } from './domain/content.ts';
import * as repo from './repo/inbox.repo.ts';

export function inboxUseCases(deps: Deps) {
  return {
    /** Sends a message to a user of the tenant (audited when staff send it). */
    async sendMessage(
      tenantId: number,
      userId: number,
      input: MessageInput,
      by: Principal | null,
    ): Promise<Result<InboxMessage, 'invalid_input' | 'not_found'>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required', { field: 'title' });
      return deps.db.txResult(async (q) => {
        if (!(await repo.userExists(q, tenantId, userId))) return fail(ErrorCode.not_found, 'user not found');
        const m = await repo.insertMessage(q, tenantId, userId, {
          type: input.type ?? 0,
          title: input.title.trim(),
          content: input.content ?? null,
        });
        if (by) await audit(q, tenantId, by, { action: 'message.send', targetType: 'user', targetId: userId });
        return ok(m);
      });
    },

    messages: (
      tenantId: number,
      userId: number,
      f: { isRead?: boolean | null; type?: number | null; limit: number; offset: number },
    ): Promise<{ items: InboxMessage[]; total: number }> => repo.listMessages(deps.db, tenantId, userId, f),

    async readMessage(tenantId: number, userId: number, id: number): Promise<Result<void, 'not_found'>> {
      return (await repo.markRead(deps.db, tenantId, userId, id)) ? ok(undefined) : fail(ErrorCode.not_found, 'message not found');
    },

    async deleteMessage(tenantId: number, userId: number, id: number): Promise<Result<void, 'not_found'>> {
      return (await repo.markDeleted(deps.db, tenantId, userId, id)) ? ok(undefined) : fail(ErrorCode.not_found, 'message not found');
    },
  };
}
