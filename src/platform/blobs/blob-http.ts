/**
 * Fastify glue for module routes that take or give files: a body parser that hands the request stream
 * through unread, an upload that streams it into a BlobStore, and a download with ETag, conditional
 * requests, single byte ranges and a Content-Disposition that keeps Chinese file names.
 *
 * Limits: Fastify enforces `bodyLimit` (the app's, a route's or a parser's) only while it reads a body
 * itself, for a parser registered with `parseAs: 'string' | 'buffer'`. A parser without `parseAs` is
 * given the raw stream and no limit applies (fastify/lib/content-type-parser.js, `run` vs `rawBody`).
 * So the app-wide JSON limit (HUITONG_BODY_LIMIT_BYTES) does not cut uploads short, no route needs a
 * `bodyLimit` of its own, and the blob store's `maxBytes` is the one limit: `receiveBlob` refuses a
 * declared Content-Length over it before reading a byte, and the store stops reading the moment a
 * streamed body passes it.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../errors.js';
import { problemFrom, sendProblem } from '../http/problem.js';
import { registerMessages } from '../i18n/messages.js';
import {
  assertSha256,
  BLOB_ERROR,
  type BlobStore,
  type ByteRange,
  blobTooLarge,
  type PutResult,
} from './blob-store.js';

registerMessages({
  'blob.body_missing': { zh: '缺少文件内容', en: 'The file content is missing' },
  'blob.body_missing.detail': {
    zh: '请将文件作为二进制请求体上传（如 Content-Type: application/octet-stream）。',
    en: 'Send the file as a binary request body (for example Content-Type: application/octet-stream).',
  },
});

export interface OctetStreamParserOptions {
  /** Binary types the routes of this plugin take besides `application/octet-stream`, e.g. `application/pdf`. */
  contentTypes?: Array<string | RegExp>;
}

/**
 * Lets the routes of `app` (a module's plugin, or the root) receive binary bodies as the unread request
 * stream, for `receiveBlob`. Call once per plugin: Fastify refuses a second parser for the same type.
 * @example
 * export const caseRoutes: FastifyPluginAsync = async (app) => {
 *   registerOctetStreamParser(app, { contentTypes: ['application/pdf'] });
 *   app.post('/api/cases/v1/cases/:id/materials', async (request) => receiveBlob(request, blobs));
 * };
 */
export function registerOctetStreamParser(app: FastifyInstance, options: OctetStreamParserOptions = {}): void {
  const contentTypes = ['application/octet-stream', ...(options.contentTypes ?? [])];
  for (const contentType of contentTypes) {
    app.addContentTypeParser(contentType, (_request, payload, done) => done(null, payload));
  }
  // After an upload is refused part way (over the limit, a failure while storing), the client may still
  // be sending: close the connection once the problem is answered instead of reading the rest.
  app.addHook('onError', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });
}

export interface ReceiveBlobOptions {
  /** A lower limit for this route, in bytes; the store's own `maxBytes` always applies. */
  maxBytes?: number;
  /** The SHA-256 the client announced; other bytes are refused (`blob.hash_mismatch`). */
  expectedSha256?: string;
}

/**
 * Streams the request body of a route with `registerOctetStreamParser` into `store`.
 * Throws `blob.too_large` (413) without storing anything, `blob.body_missing` (422) without a body.
 * @example
 * app.post('/api/exchange/v1/payloads', async (request, reply) =>
 *   reply.code(201).send(await receiveBlob(request, runtime.blobs, { maxBytes: 20 * 1024 * 1024 })));
 */
export async function receiveBlob(
  request: Pick<FastifyRequest, 'body' | 'headers'>,
  store: BlobStore,
  options: ReceiveBlobOptions = {},
): Promise<PutResult> {
  const limit = Math.min(options.maxBytes ?? store.maxBytes, store.maxBytes);
  const body = request.body;
  if (!(body instanceof Readable)) throw new ValidationError('blob.body_missing');
  const declaredBytes = Number(request.headers['content-length']);
  if (declaredBytes > limit) throw blobTooLarge(limit);
  // The request belongs to the HTTP layer, which still answers on it when the store stops reading:
  // leave it undestroyed; the onError hook above closes the connection after the answer.
  const chunks = body.iterator({ destroyOnReturn: false });
  return store.put(
    { [Symbol.asyncIterator]: () => chunks },
    { maxBytes: limit, expectedSha256: options.expectedSha256 },
  );
}

export interface SendBlobOptions {
  /** The name the browser saves the file under; any characters, Chinese included. */
  fileName: string;
  /** Defaults to `application/octet-stream`. */
  contentType?: string;
}

/**
 * Answers with a blob as a download: 200, 206 for a single satisfiable `Range`, 304 when `If-None-Match`
 * holds the ETag (the SHA-256 itself: content-addressed bytes never change), 416 problem+json for a range
 * outside the blob, `blob.not_found` (404) when it is absent.
 * @example
 * app.get('/api/archives/v1/packages/:id/file', async (request, reply) =>
 *   sendBlob(reply, runtime.blobs, pkg.sha256, { fileName: '2024年归档包.zip', contentType: 'application/zip' }));
 */
export async function sendBlob(
  reply: FastifyReply,
  store: BlobStore,
  sha256: string,
  options: SendBlobOptions,
): Promise<FastifyReply> {
  const found = await store.stat(assertSha256(sha256));
  if (!found) throw new NotFoundError(BLOB_ERROR.notFound, { sha256 });
  const { headers } = reply.request;
  const etag = `"${sha256}"`;
  reply.header('etag', etag);
  reply.header('accept-ranges', 'bytes');
  reply.header('x-content-type-options', 'nosniff');
  // Case materials carry personal data: browsers may keep a copy but must ask first; shared caches may not.
  reply.header('cache-control', 'private, no-cache');
  // RFC 9110 §13.2.2: If-None-Match is evaluated before Range.
  if (matchesAny(headers['if-none-match'], sha256)) return reply.code(304).send();

  const range = rangeToSend(headers.range, headers['if-range'], etag, found.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${found.size}`);
    const problem = problemFrom(new ValidationError(BLOB_ERROR.rangeNotSatisfiable, [], found), reply.request);
    return sendProblem(reply, { ...problem, status: 416 });
  }
  const { stream } = await store.open(sha256, range);
  reply.header('content-type', options.contentType ?? 'application/octet-stream');
  reply.header('content-disposition', attachmentDisposition(options.fileName));
  if (!range) return reply.code(200).header('content-length', found.size).send(stream);
  reply.header('content-range', `bytes ${range.start}-${range.end}/${found.size}`);
  return reply
    .code(206)
    .header('content-length', range.end - range.start + 1)
    .send(stream);
}

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison, so `W/"…"` matches too; `*` matches any blob. */
function matchesAny(ifNoneMatch: string | undefined, sha256: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === `"${sha256}"`;
  });
}

/**
 * The one byte range to send (RFC 9110 §14.1.2), undefined to send the whole blob. A Range the server
 * may ignore is ignored: an unknown unit, bad syntax, several ranges, an If-Range for other bytes,
 * an empty blob (no range of it can be written as Content-Range).
 */
function rangeToSend(
  rangeHeader: string | undefined,
  ifRange: string | string[] | undefined,
  etag: string,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (rangeHeader === undefined || size === 0) return undefined;
  // If-Range takes a strong validator only (§13.1.5).
  if (ifRange !== undefined && (typeof ifRange !== 'string' || ifRange.trim() !== etag)) return undefined;
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/i.exec(rangeHeader);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return undefined;
    const suffixBytes = Number(last);
    if (suffixBytes === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffixBytes), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/**
 * `attachment` with an ASCII fallback name for old clients and the real name in RFC 5987 `filename*`
 * (RFC 6266 §4.3), which every current browser prefers.
 */
function attachmentDisposition(fileName: string): string {
  // A name, never a path; a lone surrogate would make encodeURIComponent throw.
  const name = fileName.replace(/[/\\]/g, '_').replace(/\p{Cs}/gu, '\uFFFD');
  if (name === '') return 'attachment';
  // RFC 6266 §4.3: no '%' in the fallback, some clients would decode it.
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // RFC 5987 attr-char excludes ' ( ) * that encodeURIComponent leaves alone.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
