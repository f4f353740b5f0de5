// Sending SMS and e-mail through a provider, and one-time verification codes.
// The built-in "log" provider writes each message to the server log and to the
// dev outbox (GET /api/v1/dev/outbox), so every flow works with no gateway.
import type { Deps } from '../../kernel/deps.ts';
import type { MessageProvider, OutgoingMessage, SentMessage } from './domain/message.ts';
import * as outbox from './repo/messages.repo.ts';
import { verificationCodes } from './verification-codes.ts';

export type { Channel, MessageProvider, OutgoingMessage, SentMessage } from './domain/message.ts';
export { CODE_LIMITS } from './domain/verification-code.ts';

export function logProvider(deps: Deps): MessageProvider {
  return {
    name: 'log',
    async send(m) {
      deps.log.info({ channel: m.channel, to: m.to, purpose: m.purpose }, `message: ${m.text}`);
      await outbox.insertOutbox(deps.db, m);
    },
  };
}

export function messageService(deps: Deps, providers: Record<string, MessageProvider> = {}) {
  const builtIn = logProvider(deps);
  const providerFor = async (tenantId: number): Promise<MessageProvider> =>
    providers[(await outbox.providerNameOf(deps.db, tenantId)) ?? 'log'] ?? builtIn;
  const send = async (m: OutgoingMessage): Promise<void> => (await providerFor(m.tenantId)).send(m);

  return {
    send,
    ...verificationCodes(deps, send),
    outbox: (tenantId: number, limit = 50): Promise<SentMessage[]> => outbox.listOutbox(deps.db, tenantId, limit),
  };
}

export type MessageService = ReturnType<typeof messageService>;
