/**
 * Reading entries out of a ZIP archive held in memory, for the Office Open XML files (XLSX) users
 * upload: the central directory is read first (APPNOTE.TXT §4.3.16 end record, §4.3.12 headers), and
 * an entry is inflated only when asked for, stored or deflated (methods 0 and 8, all Office writes).
 *
 * An upload is untrusted, so every size is checked before memory is spent on it: the number of
 * entries, and the total that the entries read may expand to (a "zip bomb" inflates a few kilobytes
 * into gigabytes; `maxOutputLength` stops inflating at the declared size, whatever the stream says).
 * Each entry's CRC-32 and size are verified. ZIP64, split and encrypted archives are refused: no
 * spreadsheet program writes them for a workbook of the size we read.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { tooLarge, unreadable } from './spreadsheet-errors.js';

export interface ZipLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Total uncompressed bytes of the entries read. */
  maxUncompressedBytes: number;
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
/** The compound file (OLE2) signature: an encrypted OOXML file, or a legacy .xls. */
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Whether the bytes start like a ZIP archive (a local file header), as an XLSX file does.
 * @example hasZipSignature(await readFile('staff.xlsx')); // true
 */
export function hasZipSignature(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/** A ZIP archive's directory, with entries read on demand within the limits. */
export class ZipArchive {
  readonly #data: Buffer;
  readonly #entries: Map<string, CentralEntry>;
  #budget: number;
  readonly #maxUncompressedBytes: number;

  private constructor(data: Buffer, entries: Map<string, CentralEntry>, limits: ZipLimits) {
    this.#data = data;
    this.#entries = entries;
    this.#budget = limits.maxUncompressedBytes;
    this.#maxUncompressedBytes = limits.maxUncompressedBytes;
  }

  /**
   * Reads the central directory of `data`.
   * @throws ValidationError `spreadsheet.unreadable`; PayloadTooLargeError `spreadsheet.too_large` (entries)
   * @example const archive = ZipArchive.open(bytes, { maxEntries: 10_000, maxUncompressedBytes: 50 * 1024 * 1024 });
   */
  static open(data: Uint8Array, limits: ZipLimits): ZipArchive {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const end = findEndRecord(buffer);
    const total = buffer.readUInt16LE(end + 10);
    const directorySize = buffer.readUInt32LE(end + 12);
    const directoryOffset = buffer.readUInt32LE(end + 16);
    if (total === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      throw unreadable('file', 'zip64');
    }
    if (total > limits.maxEntries) throw tooLarge('entries', limits.maxEntries);
    if (directoryOffset + directorySize > end) throw unreadable('file', 'truncated');

    const entries = new Map<string, CentralEntry>();
    let at = directoryOffset;
    for (let index = 0; index < total; index += 1) {
      if (at + 46 > end || buffer.readUInt32LE(at) !== CENTRAL_HEADER) throw unreadable('file', 'truncated');
      const flags = buffer.readUInt16LE(at + 8);
      const nameBytes = buffer.readUInt16LE(at + 28);
      const extraBytes = buffer.readUInt16LE(at + 30);
      const commentBytes = buffer.readUInt16LE(at + 32);
      if (at + 46 + nameBytes > end) throw unreadable('file', 'truncated');
      // Bit 11: the name is UTF-8; otherwise CP437, of which part names use only the ASCII half.
      const name = buffer.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameBytes);
      const entry: CentralEntry = {
        name,
        flags,
        method: buffer.readUInt16LE(at + 10),
        crc: buffer.readUInt32LE(at + 16),
        compressedSize: buffer.readUInt32LE(at + 20),
        uncompressedSize: buffer.readUInt32LE(at + 24),
        localHeaderOffset: buffer.readUInt32LE(at + 42),
      };
      if ([entry.compressedSize, entry.uncompressedSize, entry.localHeaderOffset].includes(0xffffffff)) {
        throw unreadable(name, 'zip64');
      }
      // OPC part names compare case-insensitively (ECMA-376 Part 2 §6.2.2.3); two spellings of one
      // part would let a reader and Excel see different content.
      const key = partKey(name);
      if (entries.has(key)) throw unreadable(name, 'duplicate_entry');
      entries.set(key, entry);
      at += 46 + nameBytes + extraBytes + commentBytes;
    }
    return new ZipArchive(buffer, entries, limits);
  }

  /** Whether the archive holds this entry (names compare case-insensitively, without a leading slash). */
  has(name: string): boolean {
    return this.#entries.has(partKey(name));
  }

  /**
   * The bytes of an entry, verified against its CRC-32 and size; counts against the expansion limit.
   * @throws ValidationError `spreadsheet.unreadable` (`missing_part`, `encrypted`, `compression`,
   * `corrupt_data`, `size_mismatch`, `crc`, `truncated`); PayloadTooLargeError `spreadsheet.too_large`
   * @example const xml = archive.read('xl/workbook.xml').toString('utf8');
   */
  read(name: string): Buffer {
    const entry = this.#entries.get(partKey(name));
    if (!entry) throw unreadable(name, 'missing_part');
    if (entry.flags & 0x1) throw unreadable(entry.name, 'encrypted');
    if (entry.method !== 0 && entry.method !== 8) throw unreadable(entry.name, 'compression');
    if (entry.uncompressedSize > this.#budget) throw tooLarge('uncompressed_bytes', this.#maxUncompressedBytes);

    const header = entry.localHeaderOffset;
    if (header + 30 > this.#data.length || this.#data.readUInt32LE(header) !== LOCAL_HEADER) {
      throw unreadable(entry.name, 'truncated');
    }
    // The local header's name and extra field may differ in length from the central one's.
    const start = header + 30 + this.#data.readUInt16LE(header + 26) + this.#data.readUInt16LE(header + 28);
    const stored = this.#data.subarray(start, start + entry.compressedSize);
    if (stored.length !== entry.compressedSize) throw unreadable(entry.name, 'truncated');

    let content: Buffer;
    if (entry.method === 0) content = stored;
    else {
      try {
        // Stops at the declared size: a stream that would inflate further is refused, not followed.
        content = inflateRawSync(stored, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw unreadable(entry.name, code === 'ERR_BUFFER_TOO_LARGE' ? 'size_mismatch' : 'corrupt_data');
      }
    }
    if (content.length !== entry.uncompressedSize) throw unreadable(entry.name, 'size_mismatch');
    if (crc32(content) >>> 0 !== entry.crc) throw unreadable(entry.name, 'crc');
    this.#budget -= content.length;
    return content;
  }
}

function partKey(name: string): string {
  return name.replace(/^\/+/, '').toLowerCase();
}

/** The offset of the end-of-central-directory record, searched from the end past any comment. */
function findEndRecord(data: Buffer): number {
  const lowest = Math.max(0, data.length - END_RECORD_BYTES - MAX_COMMENT_BYTES);
  for (let at = data.length - END_RECORD_BYTES; at >= lowest; at -= 1) {
    if (data.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  if (OLE_SIGNATURE.every((byte, index) => data[index] === byte)) throw unreadable('file', 'ole_container');
  throw unreadable('file', hasZipSignature(data) ? 'truncated' : 'not_zip');
}
