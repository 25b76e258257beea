import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { receiveBlob, registerOctetStreamParser, sendBlob } from './blob-http.js';
import { FsBlobStore } from './fs-blob-store.js';

const MiB = 1024 * 1024;
// Above the app's 1 MiB JSON body limit, to show that limit does not cut uploads short.
const LIMIT = 3 * MiB;
const FILE_NAME = '不动产登记申请表(2024).pdf';

let platform: TestPlatform;
let blobsDir: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  blobsDir = path.join(platform.dataDir, 'blobs');
  const store = new FsBlobStore(blobsDir, { maxBytes: LIMIT });
  const { app } = platform;
  registerOctetStreamParser(app, { contentTypes: ['application/pdf'] });
  app.post('/api/test/v1/blobs', async (request, reply) => reply.code(201).send(await receiveBlob(request, store)));
  app.post('/api/test/v1/small-blobs', async (request, reply) =>
    reply.code(201).send(await receiveBlob(request, store, { maxBytes: 1000 })),
  );
  app.get<{ Params: { sha256: string } }>('/api/test/v1/blobs/:sha256', async (request, reply) =>
    sendBlob(reply, store, request.params.sha256, { fileName: FILE_NAME, contentType: 'application/pdf' }),
  );
  await app.ready();
});
afterAll(() => platform.close());

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(blobsDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function upload(bytes: Uint8Array, contentType = 'application/octet-stream') {
  return platform.app.inject({
    method: 'POST',
    url: '/api/test/v1/blobs',
    headers: { 'content-type': contentType },
    payload: Buffer.from(bytes),
  });
}

describe('upload', () => {
  it('streams a body larger than the app-wide JSON limit into the store', async () => {
    const bytes = randomBytes(2 * MiB);
    const response = await upload(bytes);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ sha256: sha256Of(bytes), size: 2 * MiB, created: true });
    expect((await upload(bytes)).json().created).toBe(false);
  });

  it('takes the extra binary types a plugin asks for', async () => {
    const response = await upload(Buffer.from('%PDF-1.7'), 'application/pdf');
    expect(response.statusCode).toBe(201);
  });

  it('refuses a request without a body', async () => {
    const response = await platform.app.inject({ method: 'POST', url: '/api/test/v1/blobs' });
    expect(response.statusCode).toBe(422);
    expect(response.json().type).toBe('/problems/blob.body_missing');
  });

  it('refuses a declared Content-Length over the limit with 413 problem+json, storing nothing', async () => {
    const before = await storedFiles();
    const response = await upload(randomBytes(LIMIT + 1));
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/blob.too_large', title: '文件过大' });
    expect(response.json().detail).toContain('3 MiB');
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a streamed body without Content-Length once it passes a route limit, storing nothing', async () => {
    const before = await storedFiles();
    const response = await platform.app.inject({
      method: 'POST',
      url: '/api/test/v1/small-blobs',
      headers: { 'content-type': 'application/octet-stream', 'accept-language': 'en' },
      payload: Readable.from(Array.from({ length: 20 }, () => randomBytes(100))),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({
      type: '/problems/blob.too_large',
      detail: 'The file must not exceed 1000 B (1000 bytes).',
    });
    expect(await storedFiles()).toEqual(before);
  });
});

describe('download', () => {
  const bytes = randomBytes(1000);
  const sha256 = sha256Of(bytes);
  const url = `/api/test/v1/blobs/${sha256}`;
  beforeAll(async () => {
    expect((await upload(bytes)).statusCode).toBe(201);
  });

  it('sends the blob with its length, a strong ETag and safe headers', async () => {
    const response = await platform.app.inject(url);
    expect(response.statusCode).toBe(200);
    expect(Buffer.compare(response.rawPayload, bytes)).toBe(0);
    expect(response.headers).toMatchObject({
      'content-length': '1000',
      'content-type': 'application/pdf',
      etag: `"${sha256}"`,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    });
  });

  it('keeps a Chinese file name in Content-Disposition (RFC 6266 / RFC 5987)', async () => {
    const disposition = (await platform.app.inject(url)).headers['content-disposition'];
    const utf8Name = '%E4%B8%8D%E5%8A%A8%E4%BA%A7%E7%99%BB%E8%AE%B0%E7%94%B3%E8%AF%B7%E8%A1%A8%282024%29.pdf';
    expect(disposition).toBe(`attachment; filename="________(2024).pdf"; filename*=UTF-8''${utf8Name}`);
  });

  it('answers 304 when the client already has these bytes', async () => {
    for (const ifNoneMatch of [`"${sha256}"`, `W/"${sha256}"`, `"other", "${sha256}"`, '*']) {
      const response = await platform.app.inject({ url, headers: { 'if-none-match': ifNoneMatch } });
      expect(response.statusCode).toBe(304);
      expect(response.rawPayload).toHaveLength(0);
      expect(response.headers.etag).toBe(`"${sha256}"`);
    }
    const changed = await platform.app.inject({ url, headers: { 'if-none-match': `"${'0'.repeat(64)}"` } });
    expect(changed.statusCode).toBe(200);
  });

  it('sends a single byte range with 206', async () => {
    const cases = [
      { range: 'bytes=0-99', start: 0, end: 99 },
      { range: 'bytes=990-', start: 990, end: 999 },
      { range: 'bytes=-10', start: 990, end: 999 },
      { range: 'bytes=900-5000', start: 900, end: 999 },
    ];
    for (const { range, start, end } of cases) {
      const response = await platform.app.inject({ url, headers: { range } });
      expect(response.statusCode).toBe(206);
      expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
      expect(response.headers['content-length']).toBe(String(end - start + 1));
      expect(Buffer.compare(response.rawPayload, bytes.subarray(start, end + 1))).toBe(0);
    }
  });

  it('answers 416 problem+json for a range outside the blob', async () => {
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const response = await platform.app.inject({ url, headers: { range } });
      expect(response.statusCode).toBe(416);
      expect(response.headers['content-range']).toBe('bytes */1000');
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: '/problems/blob.range_not_satisfiable', status: 416 });
    }
  });

  it('sends the whole blob for a Range it may ignore', async () => {
    const ignored = [
      { range: 'bytes=0-9, 20-29' },
      { range: 'items=0-9' },
      { range: 'bytes=9-0' },
      { range: 'bytes=0-9', 'if-range': `"${'0'.repeat(64)}"` },
    ];
    for (const headers of ignored) {
      const response = await platform.app.inject({ url, headers });
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload).toHaveLength(1000);
    }
    const resumed = await platform.app.inject({ url, headers: { range: 'bytes=0-9', 'if-range': `"${sha256}"` } });
    expect(resumed.statusCode).toBe(206);
  });

  it('answers 404 for an absent blob and 422 for a name that is not a hash', async () => {
    const absent = await platform.app.inject(`/api/test/v1/blobs/${'0'.repeat(64)}`);
    expect(absent.statusCode).toBe(404);
    expect(absent.json().type).toBe('/problems/blob.not_found');
    const traversal = await platform.app.inject('/api/test/v1/blobs/..%2F..%2Fetc%2Fpasswd');
    expect(traversal.statusCode).toBe(422);
    expect(traversal.json().type).toBe('/problems/blob.hash_invalid');
  });
});

describe('over a real socket', () => {
  it('answers an endless oversized upload with 413, then closes the connection', async () => {
    const address = await platform.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const response = await postEndlessly({ port, path: '/api/test/v1/small-blobs' });
    expect(response.status).toBe(413);
    expect(response.connection).toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ type: '/problems/blob.too_large' });
  });
});

/** Sends chunked octets until the server answers, as a client uploading a too-large file would. */
function postEndlessly(target: { port: string; path: string }) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: Number(target.port),
      path: target.path,
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
    });
    let answered = false;
    request.on('response', async (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk);
      resolve({
        status: response.statusCode ?? 0,
        connection: response.headers.connection,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    });
    // Writes after the server has stopped reading may fail; only a failure before any answer counts.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      while (!answered && !request.destroyed) {
        if (!request.write(randomBytes(64 * 1024)))
          await Promise.race([once(request, 'drain'), once(request, 'close')]);
      }
    })().catch(() => {});
  });
}
