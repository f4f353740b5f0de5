import { describe, expect, it } from 'vitest';
import {
  CARD_PERMISSIONS,
  permissionsOf,
  roleMay,
  storesOverlap,
  writeOffStore,
} from '../../../../src/contexts/identity/domain/permissions.ts';

describe('staff access', () => {
  it('the permission table: a cashier may none of the guarded card actions, an auditor only reads, managers all', () => {
    expect(permissionsOf('seller')).toEqual([]);
    for (const p of CARD_PERMISSIONS) {
      expect(roleMay('seller', p)).toBe(false);
      for (const r of ['owner', 'admin', 'operator', 'platform_admin'] as const) expect(roleMay(r, p)).toBe(true);
    }
    expect(permissionsOf('auditor')).toEqual(['card.records']);
  });

  it('the store rule: empty on either side means every store', () => {
    expect(storesOverlap([], [5])).toBe(true);
    expect(storesOverlap([1], [])).toBe(true);
    expect(storesOverlap([1, 2], [2, 3])).toBe(true);
    expect(storesOverlap([1], [2, 3])).toBe(false);
  });

  it('the write-off store: the first of the staff stores where the coupon is valid', () => {
    expect(writeOffStore([1, 2], [2, 3], 9)).toBe(2);
    expect(writeOffStore([1, 2], [], 9)).toBe(1);
    expect(writeOffStore([1], [2], 9)).toBeNull();
    expect(writeOffStore([], [4, 5], 9)).toBe(4);
    expect(writeOffStore([], [], 9)).toBe(9);
    expect(writeOffStore([], [], null)).toBeNull();
  });
});
