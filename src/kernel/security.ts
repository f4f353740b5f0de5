// Secrets at rest: passwords through scrypt (memory-hard), tokens and API keys
// as SHA-256 digests of 256-bit random values (unguessable, so no salt needed).
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

// N=2^14, r=8: 16 MiB per hash, ~40 ms here: slow for a guesser, fine for a login.
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEYLEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return crypto.timingSafeEqual(key, expected);
}

/** A hash with the same cost, for equal-time answers to unknown usernames. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummyHash;
}

export function newToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function digest(token: string): Buffer {
  return crypto.createHash('sha256').update(token).digest();
}

/** A readable random password for generated accounts. */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      if (b < 256 - (256 % alphabet.length) && out.length < length) out.push(alphabet[b % alphabet.length]!);
    }
  }
  return out.join('');
}

/**
 * Staff passwords are stored as scrypt(md5hex(password)): the 礼遇圈 client
 * sends MD5(password) in hex, the console sends the password itself, and one
 * stored hash must accept both. The MD5 step adds nothing to the strength; the
 * scrypt over it does the work.
 */
export function staffPasswordForm(plain: string): string {
  return crypto.createHash('md5').update(plain.normalize('NFKC'), 'utf8').digest('hex');
}

export const hashStaffPassword = (plain: string) => hashPassword(staffPasswordForm(plain));
/** Verifies a password typed in clear. */
export const verifyStaffPassword = (plain: string, stored: string) => verifyPassword(staffPasswordForm(plain), stored);
/** Verifies MD5(password) as hex, either case, as the 礼遇圈 client sends it. */
export const verifyStaffPasswordMd5 = (md5hex: string, stored: string) =>
  /^[0-9a-fA-F]{32}$/.test(md5hex) ? verifyPassword(md5hex.toLowerCase(), stored) : Promise.resolve(false);
