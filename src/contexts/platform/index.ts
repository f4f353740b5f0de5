// The platform context's public face: the only module other contexts and the
// dialects import. Platform owns audit_log, idempotency_keys, outbox_messages,
// verification_codes, guess_attempts and app_secrets; every context writes its audit rows
// through `audit(q, …)` inside its own transaction.
export * from './app-keys.ts';
export * from './audit.ts';
export * from './errors.ts';
export * from './guesses.ts';
export * from './idempotency.ts';
export * from './messages.ts';
export * from './qr.ts';

import type { Deps } from '../../kernel/deps.ts';
import { idempotencyService } from './idempotency.ts';
import { messageService } from './messages.ts';
import { qrService } from './qr.ts';

/** Builds the platform services once (compose.ts calls this). */
export function buildPlatform(deps: Deps) {
  return {
    idempotency: idempotencyService(deps),
    messages: messageService(deps),
    qr: qrService(deps),
  };
}
export type Platform = ReturnType<typeof buildPlatform>;
