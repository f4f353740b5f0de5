// The loyalty context's public face: the only module other contexts and the dialects import.
export * from './account.ts';
export * from './ledgers.ts';
export * from './points-extras.ts';
export * from './signins.ts';

import type { Deps } from '../../kernel/deps.ts';
import { accountService } from './account.ts';
import { ledgerService } from './ledgers.ts';
import { pointsExtrasService } from './points-extras.ts';
import { signInService } from './signins.ts';

/** Builds the loyalty services once (compose.ts calls this). */
export function buildLoyalty(deps: Deps) {
  return {
    ledgers: ledgerService(deps),
    signIns: signInService(deps),
    pointsExtras: pointsExtrasService(deps),
    account: accountService(deps),
  };
}
export type Loyalty = ReturnType<typeof buildLoyalty>;
