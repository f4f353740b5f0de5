// Money is integer fen inside; decimal strings at the edge. No binary float
// ever takes part in money arithmetic, and the one rounding rule (half up, on
// fen) lives in divideRoundHalfUp: everything that divides money goes through it.
export type Fen = number;

/** Rates are basis points of what the customer PAYS: "0.88" → 8800. */
export type RateBp = number;

const BP = 10_000;
const MONEY_TEXT = /^(\d+)(?:\.(\d{1,2}))?$/;
const RATE_TEXT = /^0\.(\d{1,4})$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// Numbers are read through their shortest decimal string, so 0.1 means "0.1"
// (10 fen) and not the binary fraction it is stored as; exponent forms
// ("1e+21", "1e-7") fail the patterns on purpose.
function decimalText(input: string | number): string | null {
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : null;
  if (typeof input !== 'string') return null; // callers at the edge may hand us anything
  return input.trim();
}

/** "10" → 1000, "10.5" → 1050, 10.5 → 1050; null for negatives, >2 decimals, exponents, overflow. */
export function parseMoney(input: string | number): Fen | null {
  const text = decimalText(input);
  if (text === null) return null;
  const m = MONEY_TEXT.exec(text);
  if (!m) return null;
  const whole = m[1]!;
  const cents = (m[2] ?? '').padEnd(2, '0');
  // 13 digits of yuan stay below 2^53 fen, so plain numbers are exact there.
  if (whole.length <= 13) return Number(whole) * 100 + Number(cents);
  const fen = BigInt(whole) * 100n + BigInt(cents);
  return fen <= MAX_SAFE ? Number(fen) : null;
}

function assertFen(fen: Fen, what = 'amount'): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`${what} must be a whole number of fen, got ${fen}`);
}

/** 1050 → "10.50", -305 → "-3.05". */
export function formatMoney(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** For JSON dialects that want a number: 1050 → 10.5 (the double nearest the decimal, as JSON.parse would give). */
export function fenToYuan(fen: Fen): number {
  return Number(formatMoney(fen));
}

/** "0.88" → 8800 basis points paid; must be strictly between 0 and 1, at most 4 decimals. */
export function parseRate(input: string | number): RateBp | null {
  const text = decimalText(input);
  if (text === null) return null;
  const m = RATE_TEXT.exec(text);
  if (!m) return null;
  const bp = Number(m[1]!.padEnd(4, '0'));
  return bp > 0 ? bp : null;
}

/** 8800 → "0.88", 8850 → "0.885", 5 → "0.0005" (the shortest text parseRate reads back). */
export function formatRate(rateBp: RateBp): string {
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > BP) throw new RangeError(`a rate is 0-10000 basis points, got ${rateBp}`);
  if (rateBp === BP) return '1';
  if (rateBp === 0) return '0';
  return `0.${String(rateBp).padStart(4, '0').replace(/0+$/, '')}`;
}

/** @deprecated name kept for http/native/templates.ts; use formatRate. */
export const fenToRate = formatRate;

/**
 * THE rounding rule: numerator / denominator rounded half up (ties go towards
 * +infinity), exact for any safe integers.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`divideRoundHalfUp needs safe integers and a positive denominator, got ${numerator}/${denominator}`);
  }
  // Float division is only a first guess: fix it up with the exact remainder.
  let q = Math.floor(numerator / denominator);
  let r = numerator - q * denominator;
  while (r < 0) {
    q -= 1;
    r += denominator;
  }
  while (r >= denominator) {
    q += 1;
    r -= denominator;
  }
  return 2 * r >= denominator ? q + 1 : q;
}

/** What the customer pays on `amount` at `rateBp`: amount × rateBp / 10000, rounded half up. */
export function applyRate(amount: Fen, rateBp: RateBp): Fen {
  assertFen(amount);
  if (amount < 0) throw new RangeError(`applyRate needs an amount ≥ 0, got ${amount}`);
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > BP) throw new RangeError(`a rate is 0-10000 basis points, got ${rateBp}`);
  // Split the amount so no intermediate product leaves the safe-integer range.
  const lo = amount % BP;
  const hi = (amount - lo) / BP;
  return hi * rateBp + divideRoundHalfUp(lo * rateBp, BP);
}

/** Sum of fen amounts, refusing to leave the safe-integer range. */
export function sumFen(amounts: readonly Fen[]): Fen {
  let s = 0;
  for (const a of amounts) s += a;
  assertFen(s, 'sum');
  return s;
}

/**
 * Splits `total` over `weights` in proportion (largest remainder; equal
 * remainders go to the earlier index). Each part is at most its weight and the
 * parts sum to min(total, sum of weights): a discount is never spread as more
 * than the lines it sits on.
 */
export function allocateProportionally(total: Fen, weights: readonly Fen[]): Fen[] {
  assertFen(total, 'total');
  if (total < 0) throw new RangeError(`cannot allocate a negative total (${total})`);
  let sum = 0;
  let max = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be whole fen ≥ 0, got ${w}`);
    sum += w;
    if (w > max) max = w;
  }
  assertFen(sum, 'sum of weights');
  const n = weights.length;
  if (total === 0 || sum === 0) return new Array<Fen>(n).fill(0);
  if (total >= sum) return weights.slice();

  const parts = new Array<Fen>(n);
  let left = total;
  if (total * max <= Number.MAX_SAFE_INTEGER && sum * n <= Number.MAX_SAFE_INTEGER) {
    // Hot path (pricing calls this per coupon and line set): each remainder
    // and its index packed into one number, remainder × n + (n − 1 − index),
    // so a plain numeric sort ranks larger remainders, then earlier indexes, first.
    const keys: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = total * weights[i]!;
      const r = p % sum;
      const part = (p - r) / sum;
      parts[i] = part;
      left -= part;
      if (r > 0) keys.push(r * n + (n - 1 - i));
    }
    if (left > 0) {
      rankDescending(keys);
      // Fewer than keys.length fen are left (each remainder is under one fen),
      // so every part that gets one had a fraction and stays within its weight.
      for (let j = 0; left > 0; j++, left--) parts[n - 1 - (keys[j]! % n)]! += 1;
    }
    return parts;
  }

  // Rare (products above 2^53): the same steps in exact BigInt.
  const t = BigInt(total);
  const s = BigInt(sum);
  const rems = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const p = t * BigInt(weights[i]!);
    rems[i] = p % s;
    parts[i] = Number(p / s);
    left -= parts[i]!;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (rems[i]! > 0n) order.push(i);
  order.sort((a, b) => (rems[b]! > rems[a]! ? 1 : rems[b]! < rems[a]! ? -1 : a - b));
  for (let j = 0; left > 0; j++, left--) parts[order[j]!]! += 1;
  return parts;
}

// Insertion sort for the few lines of a cart (no comparator calls, no
// allocation); the built-in sort beyond that.
function rankDescending(keys: number[]): void {
  if (keys.length > 32) {
    keys.sort((a, b) => b - a);
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const v = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! < v) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = v;
  }
}
