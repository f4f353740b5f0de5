// A coupon must be neither voided nor used, and inside its validity window.
import { couponStatus } from '../../coupon-status.ts';
import { reason, type RuleCondition } from '../types.ts';

export const usable: RuleCondition = {
  code: 'usable',
  check({ coupon, now }) {
    const status = couponStatus(
      { state: coupon.state === 'active' ? 'issued' : coupon.state, validFrom: coupon.validFrom, validTo: coupon.validTo },
      now,
    );
    switch (status) {
      case 'usable':
        return null;
      case 'voided':
        return reason('voided', 'this coupon has been voided');
      case 'used':
        return reason('used', 'this coupon has already been used');
      case 'not_yet_valid':
        return reason('not_yet_valid', `this coupon can be used from ${coupon.validFrom!.toISOString()}`);
      case 'expired':
        return reason('expired', `this coupon expired at ${coupon.validTo!.toISOString()}`);
    }
  },
};
