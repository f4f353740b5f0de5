// Platform-wide keys other contexts need (the webhook secrets' seal key): 32
// random bytes made once by whichever process asks first, kept in app_secrets
// and shared by every process on the database.
import crypto from 'node:crypto';
import type { Queryable } from '../../db/store.ts';
import { ensureSecret } from './repo/secrets.repo.ts';

/** The key named `name` (32 bytes), created on first use. */
export async function appKey(q: Queryable, name: string): Promise<Buffer> {
  return Buffer.from(await ensureSecret(q, name, crypto.randomBytes(32).toString('base64')), 'base64');
}
