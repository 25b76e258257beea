/**
 * The content-addressed blob store: attachments, exchange payloads and archive packages, named by the
 * SHA-256 of their bytes, streamed in and out and never held whole in memory. The file system store
 * (fs-blob-store.ts) is the default; an S3-compatible store implements the same interface.
 */
import type { Readable } from 'node:stream';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';

/** Error codes of the blob store; each keys a zh/en message below. */
export const BLOB_ERROR = {
  /** PayloadTooLargeError with `{ limit, limitText }`. */
  tooLarge: 'blob.too_large',
  /** NotFoundError with `{ sha256 }`. */
  notFound: 'blob.not_found',
  /** ValidationError: a name that is not 64 lowercase hex digits. */
  hashInvalid: 'blob.hash_invalid',
  /** ValidationError with `{ expected, actual }`: the bytes are not the ones announced; nothing is stored. */
  hashMismatch: 'blob.hash_mismatch',
  /** ValidationError with `{ size }`: a byte range outside the blob. */
  rangeNotSatisfiable: 'blob.range_not_satisfiable',
} as const;

registerMessages({
  'blob.too_large': { zh: '文件过大', en: 'The file is too large' },
  'blob.too_large.detail': {
    zh: '文件不能超过 {limitText}（{limit} 字节）。',
    en: 'The file must not exceed {limitText} ({limit} bytes).',
  },
  'blob.not_found': { zh: '文件不存在', en: 'No such file' },
  'blob.not_found.detail': {
    zh: '找不到摘要为 {sha256} 的文件。',
    en: 'There is no file with hash {sha256}.',
  },
  'blob.hash_invalid': { zh: '文件摘要格式不正确', en: 'Not a valid file hash' },
  'blob.hash_invalid.detail': {
    zh: '文件摘要应为 64 位小写十六进制的 SHA-256 值。',
    en: 'A file hash is a SHA-256 value of 64 lowercase hexadecimal digits.',
  },
  'blob.hash_mismatch': { zh: '文件内容与摘要不符', en: 'The file does not match its hash' },
  'blob.hash_mismatch.detail': {
    zh: '收到的文件 SHA-256 为 {actual}，与声明的 {expected} 不符，文件未保存。',
    en: 'The file received has SHA-256 {actual}, not the {expected} announced; it was not stored.',
  },
  'blob.range_not_satisfiable': { zh: '请求的范围超出文件', en: 'The range is outside the file' },
  'blob.range_not_satisfiable.detail': {
    zh: '文件共 {size} 字节，无法提供请求的范围。',
    en: 'The file has {size} bytes; the range asked for is not within it.',
  },
});

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** A lower limit for this call; the store's own `maxBytes` is never exceeded. */
  maxBytes?: number;
  /** The SHA-256 the caller announced; a blob with other bytes is refused and not stored. */
  expectedSha256?: string;
}

export interface PutResult {
  sha256: string;
  size: number;
  /** False when an identical blob was already stored. */
  created: boolean;
}

export interface OpenedBlob {
  /** The bytes, or those of the range asked for. The caller must consume or destroy it. */
  stream: Readable;
  /** The size of the whole blob, whatever range was asked for (HTTP's Content-Range needs it). */
  size: number;
}

/**
 * Where blobs live. Every method refuses a name that is not a SHA-256 (`blob.hash_invalid`), so no
 * caller input ever reaches a path or an object key unchecked.
 */
export interface BlobStore {
  /** The largest blob this store accepts, in bytes. */
  readonly maxBytes: number;
  /**
   * Streams bytes in while hashing them; stops reading the moment the limit is passed
   * (`blob.too_large`). Stores nothing unless the whole blob arrived and matched `expectedSha256`.
   */
  put(source: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<PutResult>;
  /** Streams a blob, or an inclusive range of it, out; `blob.not_found` when absent. */
  open(sha256: string, range?: ByteRange): Promise<OpenedBlob>;
  stat(sha256: string): Promise<{ size: number } | undefined>;
  has(sha256: string): Promise<boolean>;
  /** Removes a blob (retention). Deleting an absent blob is not an error. */
  delete(sha256: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether `text` names a blob: exactly 64 lowercase hexadecimal digits.
 * @example isSha256('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') // true
 * @example isSha256('../etc/passwd') // false
 */
export function isSha256(text: string): boolean {
  return SHA256_HEX.test(text);
}

/**
 * Returns `text` when it names a blob; throws ValidationError `blob.hash_invalid` otherwise.
 * @example const name = assertSha256(request.params.sha256);
 */
export function assertSha256(text: string): string {
  if (!isSha256(text)) throw new ValidationError(BLOB_ERROR.hashInvalid);
  return text;
}

/**
 * The error for a blob over `limit` bytes, with the limit in bytes and in words people read.
 * @example throw blobTooLarge(store.maxBytes);
 */
export function blobTooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(BLOB_ERROR.tooLarge, { limit, limitText: formatByteSize(limit) });
}

/** The largest binary unit that keeps the value at least 1, with at most one decimal: `100 MiB`. */
function formatByteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
