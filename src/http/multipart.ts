// Reading a multipart/form-data request (image uploads on the native API and
// in the 礼遇圈 dialect): its text fields and the bytes of its one file.
import type { FastifyRequest } from 'fastify';
import { ErrorCode, fail, ok, type Result } from '../kernel/result.ts';

export interface MultipartForm {
  fields: Record<string, string>;
  /** The first file's bytes; null when there is none. */
  file: Buffer | null;
}

const LIMIT_CODES = new Set(['FST_FILES_LIMIT_REACHED', 'FST_FIELDS_LIMIT_REACHED', 'FST_PARTS_LIMIT_REACHED']);

/**
 * The form's fields and first file. With `firstFileOnly` only the first file is
 * read (fields are not collected, the rest of the stream is left to the
 * plugin); otherwise every part, and a request over the plugin's part limits
 * is refused.
 */
export async function readMultipart(
  req: FastifyRequest,
  opts: { firstFileOnly?: boolean } = {},
): Promise<Result<MultipartForm, 'invalid_input'>> {
  if (!req.isMultipart()) return fail(ErrorCode.invalid_input, 'send the image as multipart/form-data (field "file")', { field: 'file' });
  try {
    if (opts.firstFileOnly) {
      const f = await req.file();
      return ok({ fields: {}, file: f ? await f.toBuffer() : null });
    }
    const fields: Record<string, string> = {};
    let file: Buffer | null = null;
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        file ??= data;
      } else if (typeof part.value === 'string' || typeof part.value === 'number') {
        const value = String(part.value);
        // PostgreSQL refuses NUL in text: refused here like everywhere else at the edge.
        if (value.includes('\u0000') || part.fieldname.includes('\u0000'))
          return fail(ErrorCode.invalid_input, `form field ${JSON.stringify(part.fieldname)} must not contain a NUL character`);
        fields[part.fieldname] = value;
      }
    }
    return ok({ fields, file });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return fail(ErrorCode.invalid_input, 'the file is larger than 5 MiB', { field: 'file' });
    if (!opts.firstFileOnly && code && LIMIT_CODES.has(code)) return fail(ErrorCode.invalid_input, 'send one file and a few fields');
    // Anything else the form reader raises (no or wrong boundary, a truncated body, a malformed part) is the client's.
    return fail(ErrorCode.invalid_input, 'malformed multipart/form-data body (check the boundary and that the body is complete)');
  }
}
