import { describe, expect, it } from 'vitest';
import { cashBackRefusal, fromStates } from '../../../../src/contexts/cards/domain/bucket-state.ts';

describe('the bucket machine', () => {
  it('names the states each move applies to', () => {
    expect(fromStates('spend')).toEqual(['untouched', 'partly_spent']);
    expect(fromStates('put_back')).toEqual(['untouched', 'partly_spent', 'cash_back_due']);
    expect(fromStates('refund_recharge')).toEqual(['untouched']);
    expect(fromStates('cash_back')).toEqual(['cash_back_due']);
    expect(cashBackRefusal('cashed_back')).toBe('already cashed back');
    expect(cashBackRefusal('partly_spent')).toMatch(/not due/);
  });
});
