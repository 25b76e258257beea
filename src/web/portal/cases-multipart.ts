/**
 * Files posted to the case pages: multipart/form-data read part by part (@fastify/multipart, in the
 * case pages' plugin only), each file streamed on as it arrives. A file over the limit is failed
 * rather than passed on cut short, so no truncated file is ever stored as if whole.
 */
import { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import { PayloadTooLargeError } from '../../platform/errors.js';

/**
 * The part's bytes as a stream that fails with `blob.too_large` instead of ending when the reader's
 * size limit cut the file off. The reader marks a cut-off file `truncated` and ends it early, so the
 * check is made at its end; the stream reads lazily, so nothing fails before someone reads it.
 * @example await receiveElectronic(…, { body: wholeOrFailing(part, deps.maxUploadBytes), … }, deps);
 */
export function wholeOrFailing(part: MultipartFile, maxBytes: number): Readable {
  const source = part.file;
  return Readable.from(
    (async function* () {
      for await (const chunk of source) yield chunk as Buffer;
      if (source.truncated) throw tooLarge(maxBytes);
    })(),
    { objectMode: false },
  );
}

/** The error of a file over `maxBytes`, worded as the blob store words its own. */
export function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError('blob.too_large', {
    limit: maxBytes,
    limitText: `${Math.max(1, Math.floor(maxBytes / (1024 * 1024)))} MB`,
  });
}

/** Whether an error is the multipart reader's own limit (file size, number of files, fields or parts). */
export function isMultipartLimit(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^FST_(REQ_FILE_TOO_LARGE|FILES_LIMIT|FIELDS_LIMIT|PARTS_LIMIT)$/.test(code);
}
