// Coupon codes and exchange passwords from a CSPRNG. Codes are unguessable
// only if every character is uniform, so bytes that would bias the modulo are
// thrown away (rejection sampling), and a batch may use at most 10 % of its
// key space so a guessed code is unlikely to be a real one.
import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

/** A source of cryptographically secure random bytes (injected so tests can steer it). */
export type RandomBytes = (size: number) => Uint8Array;

export type NamedCharset = 'alphanumeric' | 'alphabetic' | 'numeric' | 'uppercase';

export interface CodeOptions {
  count: number;
  /** '#' is a random character, anything else is kept as written: 'VIP-####-####'. */
  pattern?: string;
  prefix?: string;
  postfix?: string;
  /**
   * alphanumeric: 0-9 A-Z a-z · alphabetic: A-Z a-z · numeric: 0-9 ·
   * uppercase: 0-9 A-Z (what people read out and type at a till) ·
   * or the exact characters to draw from.
   */
  charset?: NamedCharset | (string & {});
  /** Random characters when there is no pattern (default 8). */
  length?: number;
  /**
   * Default true for the named charsets: drop 0 O 1 I L o l i, which people
   * misread. A charset spelled out is used as given unless this is true.
   */
  excludeAmbiguous?: boolean;
}

export const MAX_CODES_PER_BATCH = 5_000_000;
/** A batch may take at most this share of all possible codes. */
export const MAX_KEY_SPACE_SHARE = 0.1;

const NAMED: Record<NamedCharset, string> = {
  numeric: '0123456789',
  alphabetic: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  alphanumeric: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  uppercase: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
};
const AMBIGUOUS = new Set('0O1ILoli');
// Codes travel through URLs, CSV files and tills: literals stay plain.
const LITERAL = /^[A-Za-z0-9_-]*$/;
const DEFAULT_LENGTH = 8;

interface CodeShape {
  alphabet: string[];
  /** One entry per character of the body: a literal, or null for a random draw. */
  body: (string | null)[];
  slots: number;
  prefix: string;
  postfix: string;
}

const bad = (message: string, field: string) => fail(ErrorCode.invalid_input, message, { field });

function resolveAlphabet(options: CodeOptions): Result<string[], 'invalid_input'> {
  const charset = options.charset ?? 'uppercase';
  if (typeof charset !== 'string' || charset === '')
    return bad('charset must be alphanumeric, alphabetic, numeric, uppercase, or the characters to use', 'charset');
  const named = Object.hasOwn(NAMED, charset) ? NAMED[charset as NamedCharset] : null;
  const chars = [...new Set(Array.from(named ?? charset))];
  if (!named && chars.some((c) => /\s/.test(c))) return bad('charset must not contain spaces', 'charset');
  const exclude = named ? options.excludeAmbiguous !== false : options.excludeAmbiguous === true;
  const alphabet = exclude ? chars.filter((c) => !AMBIGUOUS.has(c)) : chars;
  if (alphabet.length < 2) return bad(`charset leaves ${alphabet.length} usable character(s); at least 2 are needed`, 'charset');
  if (alphabet.length > 256) return bad('charset may have at most 256 different characters', 'charset');
  return ok(alphabet);
}

function resolveShape(options: CodeOptions): Result<CodeShape, 'invalid_input'> {
  const alphabet = resolveAlphabet(options);
  if (!alphabet.ok) return alphabet;
  const prefix = options.prefix ?? '';
  const postfix = options.postfix ?? '';
  for (const [field, v] of [
    ['prefix', prefix],
    ['postfix', postfix],
  ] as const) {
    if (typeof v !== 'string' || v.length > 32 || !LITERAL.test(v))
      return bad(`${field} must be at most 32 letters, digits, '-' or '_'`, field);
  }
  let body: (string | null)[];
  if (options.pattern !== undefined) {
    if (options.length !== undefined) return bad('give either a pattern or a length, not both', 'length');
    const pattern = options.pattern;
    if (typeof pattern !== 'string' || pattern.length > 128) return bad('pattern must be at most 128 characters', 'pattern');
    body = Array.from(pattern, (c) => (c === '#' ? null : c));
    if (!LITERAL.test(pattern.replaceAll('#', ''))) return bad("pattern may contain only '#', letters, digits, '-' and '_'", 'pattern');
    const slots = body.filter((c) => c === null).length;
    if (slots < 4) return bad("pattern needs at least 4 '#' (random characters)", 'pattern');
    if (slots > 64) return bad("pattern may have at most 64 '#'", 'pattern');
  } else {
    const length = options.length ?? DEFAULT_LENGTH;
    if (!Number.isInteger(length) || length < 4 || length > 64) return bad('length must be a whole number from 4 to 64', 'length');
    body = new Array<null>(length).fill(null);
  }
  return ok({ alphabet: alphabet.value, body, slots: body.filter((c) => c === null).length, prefix, postfix });
}

/** How many different codes the options can produce (approximate beyond 2^53). */
export function keySpace(options: Omit<CodeOptions, 'count'> & { count?: number }): Result<number, 'invalid_input'> {
  const shape = resolveShape({ count: 1, ...options });
  if (!shape.ok) return shape;
  return ok(shape.value.alphabet.length ** shape.value.slots);
}

/** Uniform indexes below n from a byte stream, dropping bytes that would bias the modulo. */
function indexSource(n: number, expected: number, randomBytes: RandomBytes): () => number {
  const limit = 256 - (256 % n);
  // Enough bytes for the expected draws in one call, refilled in chunks; a
  // call per character would make a million codes take seconds.
  const chunk = Math.max(64, Math.min(65_536, Math.ceil((expected * 256) / limit) + 64));
  let buf = randomBytes(chunk);
  let pos = 0;
  return () => {
    for (;;) {
      if (pos >= buf.length) {
        buf = randomBytes(chunk);
        pos = 0;
      }
      const b = buf[pos++]!;
      if (b < limit) return b % n;
    }
  };
}

/** `count` distinct codes, or invalid_input saying what to change. */
export function generateCodes(options: CodeOptions, randomBytes: RandomBytes = cryptoRandomBytes): Result<string[], 'invalid_input'> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES_PER_BATCH) {
    return bad(`count must be a whole number from 1 to ${MAX_CODES_PER_BATCH}`, 'count');
  }
  const resolved = resolveShape(options);
  if (!resolved.ok) return resolved;
  const { alphabet, body, slots, prefix, postfix } = resolved.value;
  const space = alphabet.length ** slots;
  if (count > space * MAX_KEY_SPACE_SHARE) {
    return fail(
      ErrorCode.invalid_input,
      `only ${space} different codes of this shape exist; a batch may use at most 10 % of them (${Math.floor(space * MAX_KEY_SPACE_SHARE)}). ` +
        'Use more random characters or a larger charset.',
      { field: 'count', keySpace: space },
    );
  }

  const next = indexSource(alphabet.length, count * slots, randomBytes);
  const codes = new Set<string>();
  // At ≤ 10 % of the space a draw repeats at most 1 time in 10; this bound is
  // only reached if the random source is broken.
  const maxDraws = count * 10 + 1000;
  for (let draws = 0; codes.size < count; draws++) {
    if (draws >= maxDraws) throw new Error('the random source keeps repeating itself; refusing to continue');
    let code = prefix;
    for (const c of body) code += c ?? alphabet[next()]!;
    codes.add(code + postfix);
  }
  return ok([...codes]);
}

/** A numeric exchange password (the 卡密 that goes with a code); stored hashed. */
export function generatePassword(length = 8, randomBytes: RandomBytes = cryptoRandomBytes): string {
  if (!Number.isInteger(length) || length < 4 || length > 32) throw new RangeError(`password length must be 4-32, got ${length}`);
  const next = indexSource(10, length, randomBytes);
  let password = '';
  for (let i = 0; i < length; i++) password += String(next());
  return password;
}

const COUPON_CODE_LENGTH = 12;

/** A fresh code for a claimed or issued coupon (12 characters, uppercase charset). */
export function newCouponCode(): string {
  const r = generateCodes({ count: 1, length: COUPON_CODE_LENGTH, charset: 'uppercase' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value[0]!;
}

/** Exchange passwords are random digits made by quan; salted SHA-256 keeps them unreadable at rest at batch scale. */
export function exchangePasswordDigest(salt: string, code: string, password: string): string {
  return createHash('sha256').update(`${salt}:${code}:${password}`).digest('hex');
}
