// parseTemplate: a merchant's input → a checked spec, or the first refusal by field.
import { describe, expect, it } from 'vitest';
import { parseTemplate, type TemplateInput, type TemplateSpec } from '../../../../src/contexts/coupons/domain/template.ts';

const valid: TemplateInput = {
  name: '  10 off 100  ',
  discount: { type: 'amount', amount: '10.00' },
  minSpend: '100.00',
  validity: { type: 'relative', days: 30 },
};

function refusal(input: TemplateInput, base?: TemplateSpec) {
  const r = parseTemplate(input, base);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  expect(r.error.code).toBe('invalid_input');
  return { field: (r.error.details as { field: string }).field, message: r.error.message };
}

describe('parseTemplate', () => {
  it('turns a valid input into a spec in fen with defaults', () => {
    const r = parseTemplate(valid);
    expect(r).toEqual({
      ok: true,
      value: {
        name: '10 off 100',
        description: null,
        discount: { type: 'amount', amountOff: 1000 },
        minSpend: 10000,
        minQuantity: null,
        scope: { type: 'all' },
        storeIds: [],
        validity: { type: 'relative', days: 30, startAfterDays: 0 },
        claimFrom: null,
        claimTo: null,
        stock: null,
        perUserLimit: null,
        claimCostPoints: 0,
        price: 0,
        claimPassword: null,
        requiredSignInDays: 0,
        audience: { userType: 'any', sources: [] },
        stackable: false,
      },
    });
  });

  it('reads a rate discount, fixed validity, claim window and the rest', () => {
    const r = parseTemplate({
      name: 'x',
      discount: { type: 'rate', rate: '0.88', maxOff: '20.00' },
      validity: { type: 'fixed', from: '2030-01-01T00:00:00Z', to: '2030-02-01T00:00:00Z' },
      claimFrom: '2029-12-01T00:00:00Z',
      claimTo: '2029-12-31T00:00:00Z',
      scope: { type: 'goods', ids: [3, 4] },
      storeIds: [7],
      stock: 5,
      perUserLimit: 2,
      claimCostPoints: 10,
      price: '1.50',
      claimPassword: 'open',
      requiredSignInDays: 3,
      audience: { userType: 'new' },
      stackable: true,
    });
    expect(r.ok && r.value).toMatchObject({
      discount: { type: 'rate', rateBp: 8800, maxOff: 2000 },
      validity: { type: 'fixed', from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-02-01T00:00:00Z') },
      claimFrom: new Date('2029-12-01T00:00:00Z'),
      scope: { type: 'goods', ids: [3, 4] },
      price: 150,
      claimPassword: 'open',
      audience: { userType: 'new', sources: [] },
      stackable: true,
    });
  });

  it('takes what a PATCH leaves out from the base', () => {
    const base = parseTemplate({ ...valid, stock: 9, description: 'd' });
    if (!base.ok) throw new Error(base.error.message);
    const r = parseTemplate({ name: 'renamed' }, base.value);
    expect(r.ok && r.value).toEqual({ ...base.value, name: 'renamed' });
  });

  const cases: Array<[string, TemplateInput, string]> = [
    ['no name', { ...valid, name: ' ' }, 'name'],
    ['a long name', { ...valid, name: 'x'.repeat(101) }, 'name'],
    ['no discount', { ...valid, discount: undefined }, 'discount'],
    ['a zero amount', { ...valid, discount: { type: 'amount', amount: '0' } }, 'discount.amount'],
    ['a bad rate', { ...valid, discount: { type: 'rate', rate: '1.5' } }, 'discount.rate'],
    ['a bad maxOff', { ...valid, discount: { type: 'rate', rate: '0.9', maxOff: 'x' } }, 'discount.maxOff'],
    ['an unknown discount type', { ...valid, discount: { type: 'gift' } as never }, 'discount.type'],
    ['a bad minSpend', { ...valid, minSpend: 'ten' }, 'minSpend'],
    ['an amount above minSpend', { ...valid, discount: { type: 'amount', amount: '200.00' } }, 'discount.amount'],
    ['a zero minQuantity', { ...valid, minQuantity: 0 }, 'minQuantity'],
    ['a scope without ids', { ...valid, scope: { type: 'categories', ids: [] } }, 'scope.ids'],
    ['a negative scope id', { ...valid, scope: { type: 'goods', ids: [-1] } }, 'scope.ids'],
    ['a fractional store id', { ...valid, storeIds: [1.5] }, 'storeIds'],
    ['no validity', { ...valid, validity: undefined }, 'validity'],
    ['a bad validity.from', { ...valid, validity: { type: 'fixed', from: 'soon', to: '2030-01-01T00:00:00Z' } }, 'validity.from'],
    ['fixed validity without to', { ...valid, validity: { type: 'fixed', from: '2030-01-01T00:00:00Z', to: '' } }, 'validity'],
    ['to before from', { ...valid, validity: { type: 'fixed', from: '2030-02-01T00:00:00Z', to: '2030-01-01T00:00:00Z' } }, 'validity.to'],
    ['zero days', { ...valid, validity: { type: 'relative', days: 0 } }, 'validity.days'],
    ['a long start delay', { ...valid, validity: { type: 'relative', days: 3, startAfterDays: 400 } }, 'validity.startAfterDays'],
    ['an unknown validity type', { ...valid, validity: { type: 'forever' } as never }, 'validity.type'],
    ['a bad claimFrom', { ...valid, claimFrom: 'x' }, 'claimFrom'],
    ['claimTo before claimFrom', { ...valid, claimFrom: '2030-02-01T00:00:00Z', claimTo: '2030-01-01T00:00:00Z' }, 'claimTo'],
    [
      'claiming after expiry',
      {
        ...valid,
        validity: { type: 'fixed', from: '2030-01-01T00:00:00Z', to: '2030-02-01T00:00:00Z' },
        claimFrom: '2030-03-01T00:00:00Z',
      },
      'claimFrom',
    ],
    ['a negative stock', { ...valid, stock: -1 }, 'stock'],
    ['a zero per-user limit', { ...valid, perUserLimit: 0 }, 'perUserLimit'],
    ['negative points', { ...valid, claimCostPoints: -5 }, 'claimCostPoints'],
    ['a bad price', { ...valid, price: '1.234' }, 'price'],
    ['a long password', { ...valid, claimPassword: 'p'.repeat(65) }, 'claimPassword'],
    ['too many sign-in days', { ...valid, requiredSignInDays: 366 }, 'requiredSignInDays'],
    ['an unknown audience', { ...valid, audience: { userType: 'vip' as never } }, 'audience.userType'],
  ];
  it.each(cases)('refuses %s', (_, input, field) => {
    const r = refusal(input);
    expect(r.field).toBe(field);
    expect(r.message.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses the first failing field in field order', () => {
    expect(refusal({ ...valid, name: '', stock: -1 }).field).toBe('name');
    expect(refusal({ ...valid, perUserLimit: 0, audience: { userType: 'vip' as never } }).field).toBe('perUserLimit');
  });
});
