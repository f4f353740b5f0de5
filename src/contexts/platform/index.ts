// The platform context's public face: the only module other contexts and the dialects import.
export * from './audit.ts';
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
