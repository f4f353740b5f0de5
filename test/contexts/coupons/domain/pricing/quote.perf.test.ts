// Prices 1000 carts of 20 lines against 50 coupons and prints the mean time.
// It asserts correctness only: timings depend on the machine.
import { describe, expect, it } from 'vitest';
import { priceCart, type PricingInput } from '../../../../../src/contexts/coupons/domain/pricing/quote.ts';
import { random, randomCart } from './random-carts.ts';

function measure(label: string, inputs: PricingInput[]) {
  for (const input of inputs.slice(0, 200)) priceCart(input); // warm up the JIT
  const cpu = process.cpuUsage();
  const start = performance.now();
  let discount = 0;
  for (const input of inputs) discount += priceCart(input).best.discount;
  const wallUs = ((performance.now() - start) * 1000) / inputs.length;
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / inputs.length;
  console.log(
    `priceCart, 50 coupons × 20 lines (${label}): mean ${wallUs.toFixed(1)} µs wall, ${cpuUs.toFixed(1)} µs CPU over ${inputs.length} carts`,
  );
  return discount;
}

describe('priceCart speed', () => {
  it('prices 1000 carts of 20 lines against 50 coupons', () => {
    const r = random(20240510);
    const distinct = Array.from({ length: 1000 }, () => randomCart(r, null));
    const grouped = Array.from({ length: 1000 }, () => randomCart(r, 12));
    expect(measure('50 distinct rules', distinct)).toBeGreaterThan(0);
    expect(measure('12 templates', grouped)).toBeGreaterThan(0);
  });
});
