/**
 * The blob store on a local (or NFS) file system. Layout under the root:
 *   ab/cd/abcd…  a blob, named by its SHA-256, fanned out by its first two bytes so no directory
 *                grows past a few thousand entries; read-only (0o444), never rewritten
 *   tmp/         uploads in progress; whatever a crash leaves there is swept after an hour
 */
import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  assertSha256,
  BLOB_ERROR,
  type BlobStore,
  type ByteRange,
  blobTooLarge,
  type OpenedBlob,
  type PutOptions,
  type PutResult,
} from './blob-store.js';

/** Every write touches its temp file, so only an upload abandoned by a dead process gets this old. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface FsBlobStoreOptions {
  /** The largest blob accepted, in bytes. */
  maxBytes: number;
}

export class FsBlobStore implements BlobStore {
  readonly maxBytes: number;
  private readonly rootDir: string;
  private readonly tempDir: string;
  private prepared: Promise<void> | undefined;

  /**
   * Creates nothing yet: the directories are made, and stale temp files swept, on first use.
   * @example const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'), { maxBytes: config.maxUploadBytes });
   */
  constructor(rootDir: string, options: FsBlobStoreOptions) {
    this.rootDir = path.resolve(rootDir);
    this.tempDir = path.join(this.rootDir, 'tmp');
    this.maxBytes = options.maxBytes;
  }

  /** @example const { sha256, created } = await blobs.put(createReadStream('申请表.pdf'), { maxBytes: 20 * 1024 * 1024 }); */
  async put(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    const expected = options.expectedSha256 === undefined ? undefined : assertSha256(options.expectedSha256);
    const limit = Math.min(options.maxBytes ?? this.maxBytes, this.maxBytes);
    await this.prepare();
    const tempPath = path.join(this.tempDir, `${randomUUID()}.tmp`);
    // Private while it is written; made read-only once complete.
    const file = await open(tempPath, 'wx', 0o600);
    try {
      const { sha256, size } = await writeHashed(source, file, limit);
      if (expected !== undefined && expected !== sha256) {
        throw new ValidationError(BLOB_ERROR.hashMismatch, [], { expected, actual: sha256 });
      }
      await file.chmod(0o444);
      await file.sync();
      await file.close();
      const created = await this.publish(tempPath, sha256);
      return { sha256, size, created };
    } finally {
      await file.close();
      await rm(tempPath, { force: true });
    }
  }

  /** @example const { stream, size } = await blobs.open(sha256, { start: 0, end: 1023 }); */
  async open(sha256: string, range?: ByteRange): Promise<OpenedBlob> {
    const file = await this.openBlob(sha256);
    try {
      const { size } = await file.stat();
      if (range && !isWithin(range, size)) throw new ValidationError(BLOB_ERROR.rangeNotSatisfiable, [], { size });
      // The stream closes the file when it ends or is destroyed.
      const stream = file.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { stream, size };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** @example const found = await blobs.stat(sha256); // { size: 1024 } or undefined */
  async stat(sha256: string): Promise<{ size: number } | undefined> {
    const blobPath = this.pathOf(sha256);
    await this.prepare();
    try {
      const { size } = await stat(blobPath);
      return { size };
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  /** @example if (!(await blobs.has(sha256))) throw new NotFoundError('blob.not_found', { sha256 }); */
  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined;
  }

  /** @example await blobs.delete(sha256); // again: no error */
  async delete(sha256: string): Promise<void> {
    const blobPath = this.pathOf(sha256);
    await this.prepare();
    await rm(blobPath, { force: true });
  }

  /** `<root>/ab/cd/<sha256>`; the name is checked first, so nothing else ever becomes a path. */
  private pathOf(sha256: string): string {
    const name = assertSha256(sha256);
    return path.join(this.rootDir, name.slice(0, 2), name.slice(2, 4), name);
  }

  private async openBlob(sha256: string): Promise<FileHandle> {
    const blobPath = this.pathOf(sha256);
    await this.prepare();
    try {
      return await open(blobPath, 'r');
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new NotFoundError(BLOB_ERROR.notFound, { sha256 });
      throw error;
    }
  }

  /**
   * Gives the complete temp file its content address. A hard link never replaces an existing file and
   * fails with EEXIST when one is there, so of concurrent identical puts exactly one creates the blob
   * and the others find it (Git stores its objects the same way). File systems without hard links get
   * an atomic rename: identical bytes replace identical bytes.
   */
  private async publish(tempPath: string, sha256: string): Promise<boolean> {
    const blobPath = this.pathOf(sha256);
    const dir = path.dirname(blobPath);
    await mkdir(dir, { recursive: true });
    try {
      await link(tempPath, blobPath);
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      if (!isCode(error, 'EPERM') && !isCode(error, 'ENOTSUP') && !isCode(error, 'ENOSYS')) throw error;
      await rename(tempPath, blobPath);
    }
    // The new directory entry is durable only once its directory is synced.
    await syncDirectory(dir);
    return true;
  }

  private prepare(): Promise<void> {
    this.prepared ??= sweepStaleTemps(this.tempDir).catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }
}

/** Copies `source` into `file`, hashing on the way; throws the moment `limit` is passed, reading no further. */
async function writeHashed(
  source: Readable | AsyncIterable<Uint8Array>,
  file: FileHandle,
  limit: number,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob source must yield bytes, not text');
    size += chunk.byteLength;
    if (size > limit) throw blobTooLarge(limit);
    hash.update(chunk);
    await writeAll(file, chunk);
  }
  return { sha256: hash.digest('hex'), size };
}

/** One chunk at a time, awaited: the source is not read faster than the disk takes it. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset);
    offset += bytesWritten;
  }
}

async function sweepStaleTemps(tempDir: string): Promise<void> {
  await mkdir(tempDir, { recursive: true });
  const cutoffMs = Date.now() - STALE_TEMP_MS;
  for (const entry of await readdir(tempDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const tempPath = path.join(tempDir, entry.name);
    // Another process sharing the directory may sweep or finish the same file meanwhile.
    const stats = await stat(tempPath).catch((error: unknown) => {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    });
    if (stats && stats.mtimeMs < cutoffMs) await rm(tempPath, { force: true });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isWithin(range: ByteRange, size: number): boolean {
  return (
    Number.isSafeInteger(range.start) &&
    Number.isSafeInteger(range.end) &&
    range.start >= 0 &&
    range.start <= range.end &&
    range.end < size
  );
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
