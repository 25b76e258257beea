import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../errors.js';
import { isSha256 } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

const MiB = 1024 * 1024;
const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

let rootDir: string;

beforeEach(async () => {
  rootDir = await mkdtemp(path.join(os.tmpdir(), 'huitong-blobs-'));
});
afterEach(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

/** Every regular file under the store, tmp included, relative to the root. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function* chunksOf(bytes: Uint8Array, chunkBytes: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
    yield bytes.subarray(offset, offset + chunkBytes);
  }
}

describe('FsBlobStore put and open', () => {
  it('stores a blob under its SHA-256, fanned out, read-only, and streams it back', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const content = '不动产登记申请表 / application form';
    const result = await store.put(Readable.from(Buffer.from(content)));
    const sha256 = sha256Of(content);
    expect(result).toEqual({ sha256, size: Buffer.byteLength(content), created: true });
    const blobPath = path.join(rootDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(await readFile(blobPath, 'utf8')).toBe(content);
    expect((await stat(blobPath)).mode & 0o777).toBe(0o444);
    const opened = await store.open(sha256);
    expect(opened.size).toBe(Buffer.byteLength(content));
    expect(await text(opened.stream)).toBe(content);
    expect(await filesUnder(path.join(rootDir, 'tmp'))).toEqual([]);
  });

  it('keeps the first copy of identical content and reports the second as not created', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const bytes = randomBytes(10_000);
    const first = await store.put(chunksOf(bytes, 1000));
    const second = await store.put(chunksOf(bytes, 3000));
    expect(first.created).toBe(true);
    expect(second).toEqual({ sha256: first.sha256, size: 10_000, created: false });
    expect(await filesUnder(rootDir)).toEqual([
      path.join(first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256),
    ]);
  });

  it('lets concurrent puts of the same content all succeed, exactly one of them creating it', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const bytes = randomBytes(200_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => store.put(chunksOf(bytes, 4096))));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256Of(bytes)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await filesUnder(rootDir)).toHaveLength(1);
    const { stream } = await store.open(sha256Of(bytes));
    expect(Buffer.compare(Buffer.concat(await stream.toArray()), bytes)).toBe(0);
  });

  it('stores nothing when the bytes do not match the announced hash', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const announced = sha256Of('what the client said it would send');
    const error = await store
      .put(Readable.from(Buffer.from('something else')), { expectedSha256: announced })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'blob.hash_mismatch',
      params: { expected: announced, actual: sha256Of('something else') },
    });
    expect(await filesUnder(rootDir)).toEqual([]);
    const matching = await store.put(Readable.from(Buffer.from('ok')), { expectedSha256: sha256Of('ok') });
    expect(matching.created).toBe(true);
  });

  it('streams a 50 MiB blob through without holding it in memory', async () => {
    const gc = exposeGc();
    const store = new FsBlobStore(rootDir, { maxBytes: 64 * MiB });
    const expected = createHash('sha256');
    let peakBytes = 0;
    gc();
    const baselineBytes = retainedBytes();
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 800; i += 1) {
        // A fresh buffer per chunk: a store that kept the chunks would keep all 50 MiB alive.
        const chunk = randomBytes(64 * 1024);
        expected.update(chunk);
        if (i % 32 === 31) {
          gc();
          peakBytes = Math.max(peakBytes, retainedBytes() - baselineBytes);
        }
        yield chunk;
      }
    }
    const result = await store.put(generate());
    expect(result.size).toBe(50 * MiB);
    expect(result.sha256).toBe(expected.digest('hex'));
    expect(peakBytes).toBeLessThan(8 * MiB);
    const reread = createHash('sha256');
    for await (const chunk of (await store.open(result.sha256)).stream) reread.update(chunk);
    expect(reread.digest('hex')).toBe(result.sha256);
  });

  it('reads inclusive byte ranges and refuses ranges outside the blob', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const { sha256 } = await store.put(Readable.from(Buffer.from('0123456789')));
    const middle = await store.open(sha256, { start: 2, end: 5 });
    expect(middle.size).toBe(10);
    expect(await text(middle.stream)).toBe('2345');
    expect(await text((await store.open(sha256, { start: 9, end: 9 })).stream)).toBe('9');
    for (const range of [
      { start: 5, end: 10 },
      { start: 6, end: 5 },
      { start: -1, end: 3 },
    ]) {
      await expect(store.open(sha256, range)).rejects.toMatchObject({
        code: 'blob.range_not_satisfiable',
        params: { size: 10 },
      });
    }
  });
});

describe('FsBlobStore limits', () => {
  it('accepts a blob of exactly the limit and refuses one byte more, leaving nothing behind', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: 1024 });
    const atLimit = await store.put(chunksOf(randomBytes(1024), 100));
    expect(atLimit.size).toBe(1024);
    const error = await store.put(chunksOf(randomBytes(1025), 100)).catch((e) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ code: 'blob.too_large', params: { limit: 1024, limitText: '1 KiB' } });
    expect(await filesUnder(rootDir)).toEqual([
      path.join(atLimit.sha256.slice(0, 2), atLimit.sha256.slice(2, 4), atLimit.sha256),
    ]);
  });

  it('stops reading the moment the limit is passed', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: 1000 });
    let chunksPulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      while (true) {
        chunksPulled += 1;
        yield new Uint8Array(100);
      }
    }
    await expect(store.put(endless())).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(chunksPulled).toBe(11);
    expect(await filesUnder(rootDir)).toEqual([]);
  });

  it('takes a lower limit per call but never a higher one than its own', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: 1000 });
    await expect(store.put(chunksOf(randomBytes(600), 100), { maxBytes: 500 })).rejects.toMatchObject({
      params: { limit: 500 },
    });
    await expect(store.put(chunksOf(randomBytes(1500), 100), { maxBytes: 5000 })).rejects.toMatchObject({
      params: { limit: 1000 },
    });
    expect(await filesUnder(rootDir)).toEqual([]);
  });
});

describe('FsBlobStore names, stat and delete', () => {
  const invalidNames = [
    '../etc/passwd',
    `../../${'a'.repeat(61)}`,
    'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    'e3b0c442',
    `${'a'.repeat(64)}\n`,
    `${'a'.repeat(63)}/`,
    '',
  ];

  it('refuses every name that is not 64 lowercase hex digits, in every method', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    for (const name of invalidNames) {
      expect(isSha256(name)).toBe(false);
      for (const attempt of [store.open(name), store.stat(name), store.has(name), store.delete(name)]) {
        await expect(attempt).rejects.toMatchObject({ code: 'blob.hash_invalid' });
      }
      await expect(store.put(Readable.from(Buffer.from('x')), { expectedSha256: name })).rejects.toMatchObject({
        code: 'blob.hash_invalid',
      });
    }
    expect(await filesUnder(rootDir)).toEqual([]);
  });

  it('stats, reports absent blobs and deletes idempotently', async () => {
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    const { sha256 } = await store.put(Readable.from(Buffer.from('retained for 30 years')));
    expect(await store.stat(sha256)).toEqual({ size: 21 });
    expect(await store.has(sha256)).toBe(true);
    await store.delete(sha256);
    await store.delete(sha256);
    expect(await store.stat(sha256)).toBeUndefined();
    expect(await store.has(sha256)).toBe(false);
    const error = await store.open(sha256).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'blob.not_found', params: { sha256 } });
  });

  it('sweeps temp files a crash left behind once they are an hour old, and only those', async () => {
    const tempDir = path.join(rootDir, 'tmp');
    await mkdir(tempDir, { recursive: true });
    const stale = path.join(tempDir, 'crashed.tmp');
    const fresh = path.join(tempDir, 'in-progress.tmp');
    await writeFile(stale, 'half an upload');
    await writeFile(fresh, 'an upload by another process');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const store = new FsBlobStore(rootDir, { maxBytes: MiB });
    expect(await store.has(sha256Of('anything'))).toBe(false);
    expect(await filesUnder(tempDir)).toEqual(['in-progress.tmp']);
  });
});

/** `global.gc`, made available at run time so the suite needs no `--expose-gc` flag. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Memory a store could hold a blob in: JavaScript objects and the buffers outside the heap. */
function retainedBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
