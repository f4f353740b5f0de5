// The permission table (identity/domain/permissions.ts) enforced for the
// counter's writes: an auditor reads, it never writes off or gives coupons.
import { roleMay, type CounterPermission } from '../identity/index.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Principal } from '../../kernel/deps.ts';

const TEXT: Record<CounterPermission, string> = {
  'card.operate': 'open, recharge or spend cards',
  'coupon.write_off': 'write off coupons',
  'coupon.give': 'give coupons',
  'media.upload': 'upload images',
};

export function requireCounterPermission(by: Principal, permission: CounterPermission): Result<void, 'forbidden'> {
  if (roleMay(by.role, permission)) return ok(undefined);
  return fail(ErrorCode.forbidden, `permission denied: a ${by.role} may not ${TEXT[permission]}`, { permission });
}
