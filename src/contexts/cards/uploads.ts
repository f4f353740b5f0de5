// Image uploads (card logos, recharge receipts, invoice photos): the type is
// taken from the file's own bytes (PNG, JPEG, GIF, WebP), never from its
// name or the client's content type; size is capped; files are stored under
// config.uploadDir (or DATA_DIR/uploads) with a random name and served back
// by URL.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { insertUpload, uploadMime } from './repo/uploads.repo.ts';

export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
export const UPLOAD_URL_PREFIX = '/api/v1/uploads/';

const TYPES: { mime: string; ext: string; test: (b: Buffer) => boolean }[] = [
  {
    mime: 'image/png',
    ext: 'png',
    test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mime: 'image/jpeg', ext: 'jpg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', ext: 'gif', test: (b) => b.length > 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  {
    mime: 'image/webp',
    ext: 'webp',
    test: (b) => b.length > 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export interface StoredUpload {
  name: string;
  url: string;
  mime: string;
  size: number;
}

export function uploadService(deps: Deps) {
  const dir = path.resolve(deps.config.uploadDir ?? path.join(deps.config.dataDir, 'uploads'));
  const base = (deps.config.publicUrl ?? '').replace(/\/$/, '');

  return {
    dir,
    maxBytes: UPLOAD_MAX_BYTES,

    async saveImage(tenantId: number | null, data: Buffer, by: Principal | null): Promise<Result<StoredUpload, 'invalid_input'>> {
      if (data.length === 0) return fail(ErrorCode.invalid_input, 'the file is empty', { field: 'file' });
      if (data.length > UPLOAD_MAX_BYTES)
        return fail(ErrorCode.invalid_input, `the file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MiB`, { field: 'file' });
      const type = TYPES.find((t) => t.test(data));
      if (!type) return fail(ErrorCode.invalid_input, 'only PNG, JPEG, GIF or WebP images can be uploaded', { field: 'file' });
      const day = new Date().toISOString().slice(2, 10).replace(/-/g, '');
      const name = `${day}/${crypto.randomUUID()}.${type.ext}`;
      await fs.mkdir(path.join(dir, day), { recursive: true });
      await fs.writeFile(path.join(dir, name), data, { flag: 'wx' });
      await insertUpload(deps.db, tenantId, {
        name,
        mime: type.mime,
        size: data.length,
        staffId: by?.kind === 'staff' ? by.staffId : null,
      });
      return ok({ name, url: `${base}${UPLOAD_URL_PREFIX}${name}`, mime: type.mime, size: data.length });
    },

    /** Reads a stored upload back; null for any name that is not one of ours. */
    async read(name: string): Promise<{ data: Buffer; mime: string } | null> {
      if (!/^\d{6}\/[0-9a-f-]{36}\.(png|jpg|gif|webp)$/.test(name)) return null;
      const mime = await uploadMime(deps.db, name);
      if (!mime) return null;
      try {
        return { data: await fs.readFile(path.join(dir, name)), mime };
      } catch {
        return null;
      }
    },
  };
}

export type UploadService = ReturnType<typeof uploadService>;
