// Owns the backup data file format (docs/backup-format.md has the byte
// layout): a header, blocks of sorted MVCC entries (each ~blockBytes
// uncompressed, keys prefix-compressed, compressed with brotli quality 1 or
// stored as is, optionally sealed with AES-256-GCM, and CRC32-checked), a
// block index, and a fixed-size footer. The writer streams into a sink and
// hashes what it writes (SHA-256); the reader seeks by key through the index
// and yields one block of entries at a time.
//
// Invariants:
// - Entries are written sorted by key ascending, then timestamp descending;
//   the writer rejects anything else, so every file is sorted.
// - No reader returns a byte of a block before its CRC32 (and, when
//   encrypted, its GCM tag) has been verified; every length read from the
//   file is checked against the file size and the limits below before it is
//   used to allocate or slice.
// - Memory: the writer holds at most maxBlocksInFlight blocks (raw and
//   compressed); the reader holds readAheadBlocks blocks plus the batch it
//   has yielded. Entries a reader yields are views of that block's buffers:
//   copy them to keep them past the next batch cheaply.
// - With encryption, everything that holds key or value bytes (blocks and the
//   index) is sealed; the header and footer (sizes and counts) stay readable.

import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { ExternalStorage } from '../cloud/external-storage.js';
import type { ExportEntry } from '../storage/mvcc-export.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { maxValueBytes } from '../util/limits.js';
import { crc32 } from './checksum.js';
import { openBytes, sealBytes, sealOverheadBytes, wrongKeyError, type EncryptionKey } from './encryption.js';

// ---- format constants ----

/** The format this code writes, and the newest it reads. */
export const dataFileFormatVersion = 1;
const magic = Buffer.from([0x89, 0x42, 0x52, 0x57, 0x44, 0x46, 0x0d, 0x0a]); // \x89BRWDF\r\n
const headerBytes = 16;
const footerBytes = 40;
const blockHeaderBytes = 16;
const rawBlockPreambleBytes = 8;
/** Smallest encoded entry: shared, suffix length, wall, logical, value length. */
const minEncodedEntryBytes = 12;
const flagEncrypted = 1;

const kindData = 0x44; // 'D'
const kindIndex = 0x49; // 'I'
const codecNone = 0;
const codecBrotli = 1;
const encNone = 0;
const encAesGcm = 1;
/** Block number used in the associated data of the index block. */
const indexBlockAadNumber = 0xffffffff;

export type BlockCodec = 'brotli' | 'none';

// ---- limits ----

export const defaultBlockBytes = 1024 * 1024;
export const minBlockBytes = 4 * 1024;
export const maxBlockBytes = 16 * 1024 * 1024;
/** Longest key a data file holds (engine keys are far shorter). */
export const maxDataFileKeyBytes = 64 * 1024;
/** A block ends early once its decoded keys would pass this many times blockBytes (bounds the reader's key arena). */
const blockKeyBytesFactor = 4;
/** Largest raw block a reader accepts: a full block plus one maximal entry. */
const maxRawBlockBytes = maxBlockBytes + maxValueBytes + maxDataFileKeyBytes + 64;
const maxBlockKeyArenaBytes = blockKeyBytesFactor * maxBlockBytes + maxDataFileKeyBytes;
/** Largest stored block (compression can expand incompressible data a little; we store those raw). */
const maxStoredBlockBytes = maxRawBlockBytes + sealOverheadBytes + 1024;
/** Largest index (raw or stored) a reader accepts. */
export const maxIndexBytes = 256 * 1024 * 1024;
/** Blocks the writer compresses and writes concurrently before add() asks the caller to wait. */
const maxBlocksInFlight = 3;
/** A caller that ignores add()'s promise gets an error past this many queued blocks. */
const hardMaxBlocksInFlight = 64;
/** Blocks a reader fetches and decompresses ahead of the one it yields. */
const readAheadBlocks = 2;

// ---- varints (unsigned LEB128 over JS numbers up to 2^53) ----

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

class Corrupt extends Error {}

/** Reads a varint at cursor.pos (advancing it); throws Corrupt past `end` or beyond 2^53. */
function readVarintAt(buf: Buffer, cursor: { pos: number }, end: number): number {
  let pos = cursor.pos;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (pos >= end) throw new Corrupt('varint runs past the end');
    const b = buf[pos++]!;
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      cursor.pos = pos;
      return result;
    }
    scale *= 0x80;
  }
  throw new Corrupt('varint too long');
}

// ---- shared helpers ----

function blockAad(kind: number, blockNumber: number, formatVersion: number): Buffer {
  const aad = Buffer.allocUnsafe(8);
  aad[0] = kind;
  aad[1] = 0;
  aad.writeUInt16BE(formatVersion, 2);
  aad.writeUInt32BE(blockNumber, 4);
  return aad;
}

/** Brotli quality 1 with the block's size as hint: the one compression setting of data files. */
function brotliBlockOptions(rawBytes: number): zlib.BrotliOptions {
  return {
    // One output chunk per block: the default 16 KiB chunks cost a thread-pool round trip each.
    chunkSize: Math.max(64 * 1024, rawBytes),
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 1,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: rawBytes,
    },
  };
}

function brotliCompress(raw: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.brotliCompress(raw, brotliBlockOptions(raw.length), (err, out) => (err ? reject(err) : resolve(out)));
  });
}

/** A block compressed as the writer does, on the calling thread (compress-worker.ts). */
export function compressBlockSync(raw: Buffer): Buffer {
  return zlib.brotliCompressSync(raw, brotliBlockOptions(raw.length));
}

function brotliDecompress(stored: Buffer, rawBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.brotliDecompress(stored, { maxOutputLength: Math.max(1, rawBytes), chunkSize: Math.max(64, rawBytes) }, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

/** Frames a stored payload: the 16-byte block header with its CRC32 (covering header bytes 0..12 and the payload). */
function blockHeader(kind: number, codec: number, enc: number, payload: Buffer, rawBytes: number): Buffer {
  const h = Buffer.allocUnsafe(blockHeaderBytes);
  h[0] = kind;
  h[1] = codec;
  h[2] = enc;
  h[3] = 0;
  h.writeUInt32BE(payload.length, 4);
  h.writeUInt32BE(rawBytes, 8);
  h.writeUInt32BE(crc32(payload, crc32(h.subarray(0, 12))), 12);
  return h;
}

function hexCrc(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

// ---- writer ----

export interface DataFileSink {
  write(chunk: Buffer): Promise<void>;
}

export interface DataFileWriterOptions {
  encryption?: EncryptionKey | undefined;
  /** Uncompressed bytes per block (default 1 MiB, 4 KiB to 16 MiB). */
  blockBytes?: number | undefined;
  /** Default 'brotli' (quality 1); a block that would not shrink is stored as is either way. */
  codec?: BlockCodec | undefined;
  /** Compresses a data block as compressBlockSync does, elsewhere (a thread); default: node:zlib's thread pool. */
  compressBlock?: ((raw: Buffer) => Promise<Buffer>) | undefined;
}

export interface DataFileSummary {
  /** Bytes written to the sink. */
  sizeBytes: number;
  /** SHA-256 of all bytes written, lowercase hex. */
  sha256: string;
  entries: number;
  blocks: number;
  /** Entries whose value is null. */
  tombstones: number;
  /** Sum of key lengths and of value lengths over all entries (uncompressed). */
  keyBytes: number;
  valueBytes: number;
  /** Copies of the first and last keys, null for an empty file. */
  firstKey: Buffer | null;
  lastKey: Buffer | null;
}

export interface DataFileWriter {
  /**
   * Appends one entry (sorted after the previous one). Returns undefined when
   * the caller may go on at once, or a promise to await before the next add
   * when blocks are queued for compression and writing (backpressure). The
   * writer copies what it needs: the entry's buffers may be reused afterwards.
   */
  add(entry: ExportEntry): Promise<void> | undefined;
  /**
   * add() of an entry given as ranges: key[keyStart, keyEnd) at wall.logical
   * with value[valueStart, valueEnd) (value null: a deletion). Same checks,
   * copying and backpressure as add().
   */
  addRaw(key: Buffer, keyStart: number, keyEnd: number, wall: bigint, logical: number, value: Buffer | null, valueStart: number, valueEnd: number): Promise<void> | undefined;
  /** add() for each entry, awaiting backpressure. */
  addBatch(entries: readonly ExportEntry[]): Promise<void>;
  /** Flushes the last block, writes index and footer, and resolves once the sink has everything. */
  finish(): Promise<DataFileSummary>;
}

interface BlockMeta {
  offset: number;
  framedBytes: number;
  rawBytes: number;
  entries: number;
  firstKey: Buffer;
}

function orderError(message: string): BurrowError {
  return new BurrowError(SqlState.InternalError, `internal error: backup data file writer: ${message}`);
}

class Writer implements DataFileWriter {
  private readonly sink: DataFileSink;
  private readonly key: EncryptionKey | undefined;
  private readonly blockBytes: number;
  private readonly blockKeyBytesLimit: number;
  private readonly useBrotli: boolean;
  private readonly compressBlock: (raw: Buffer) => Promise<Buffer>;
  private readonly hash = crypto.createHash('sha256');

  // current block
  private buf: Buffer;
  private view: DataView;
  private pos = rawBlockPreambleBytes;
  private blockEntries = 0;
  private blockKeyBytes = 0;
  private blockFirstKey: Buffer | null = null;

  // previous entry (for ordering and prefix compression)
  private prevKey: Buffer = Buffer.allocUnsafe(256);
  private prevKeyLen = 0;
  private prevWall = 0n;
  private prevLogical = 0;
  private firstKey: Buffer | null = null;

  // totals
  private entries = 0;
  private tombstones = 0;
  private keyBytes = 0;
  private valueBytes = 0;
  private written = 0;
  private readonly blocks: BlockMeta[] = [];

  // pipeline
  private tail: Promise<void>;
  private inFlight = 0;
  private failed: unknown = undefined;
  private roomWaiters: Array<() => void> = [];
  private finishing = false;

  constructor(sink: DataFileSink, opts: DataFileWriterOptions) {
    const blockBytes = opts.blockBytes ?? defaultBlockBytes;
    if (!Number.isInteger(blockBytes) || blockBytes < minBlockBytes || blockBytes > maxBlockBytes) {
      throw new BurrowError(SqlState.InvalidParameterValue, `data file block size must be ${minBlockBytes} to ${maxBlockBytes} bytes, not ${blockBytes}`);
    }
    this.sink = sink;
    this.key = opts.encryption;
    this.blockBytes = blockBytes;
    this.blockKeyBytesLimit = blockKeyBytesFactor * blockBytes;
    this.useBrotli = (opts.codec ?? 'brotli') === 'brotli';
    this.compressBlock = opts.compressBlock ?? brotliCompress;
    this.buf = Buffer.allocUnsafe(this.capacityFor(0));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    const header = Buffer.alloc(headerBytes);
    magic.copy(header, 0);
    header.writeUInt16BE(dataFileFormatVersion, 8);
    header.writeUInt16BE(this.key ? flagEncrypted : 0, 10);
    header.writeUInt32BE(crc32(header.subarray(0, 12)), 12);
    this.tail = this.emit(header);
    this.tail.catch((err: unknown) => this.fail(err));
  }

  private capacityFor(entryBytes: number): number {
    return Math.max(this.blockBytes + 64 * 1024, rawBlockPreambleBytes + entryBytes);
  }

  private fail(err: unknown): void {
    if (this.failed === undefined) this.failed = err;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  /** Hashes and writes bytes in order; only ever called from the tail chain. */
  private async emit(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.written += chunk.length;
    await this.sink.write(chunk);
  }

  add(entry: ExportEntry): Promise<void> | undefined {
    const v = entry.value;
    return this.addRaw(entry.key, 0, entry.key.length, entry.ts.wall, entry.ts.logical, v, 0, v === null ? 0 : v.length);
  }

  addRaw(
    key: Buffer, keyStart: number, keyEnd: number, wall: bigint, logical: number, value: Buffer | null, valueStart: number, valueEnd: number,
  ): Promise<void> | undefined {
    if (this.failed !== undefined) throw this.failed;
    if (this.finishing) throw orderError('add after finish');
    const ks = keyStart;
    const klen = keyEnd - keyStart;
    const vlen = value === null ? 0 : valueEnd - valueStart;
    if (klen > maxDataFileKeyBytes) {
      throw new BurrowError(SqlState.ProgramLimitExceeded, `key of ${klen} bytes exceeds the backup data file limit of ${maxDataFileKeyBytes} bytes`);
    }
    if (vlen > maxValueBytes) {
      throw new BurrowError(SqlState.ProgramLimitExceeded, `value of ${vlen} bytes exceeds the limit of ${maxValueBytes} bytes`);
    }
    if (!(logical >= 0 && logical <= 0xffffffff && Number.isInteger(logical)) || wall < 0n || wall > 0xffffffffffffffffn) {
      throw orderError(`timestamp ${wall}.${logical} out of range`);
    }

    // Order check and shared prefix with the previous key, in one pass.
    const prev = this.prevKey;
    const plen = this.prevKeyLen;
    let shared = 0;
    if (this.entries > 0) {
      const m = klen < plen ? klen : plen;
      while (shared < m && key[ks + shared] === prev[shared]) shared++;
      if (shared === m) {
        if (klen < plen) throw orderError('keys out of order');
        if (klen === plen && !(wall < this.prevWall || (wall === this.prevWall && logical < this.prevLogical))) {
          throw orderError('versions of a key out of order (timestamps must descend and differ)');
        }
      } else if (key[ks + shared]! < prev[shared]!) {
        throw orderError('keys out of order');
      }
    }

    // Room in this block?
    const need = 15 + klen + 8 + 5 + 5 + vlen;
    if (this.blockEntries > 0 && (this.pos + need > this.buf.length || this.blockKeyBytes + klen > this.blockKeyBytesLimit)) {
      this.sealBlock();
      if (this.failed !== undefined) throw this.failed;
    }
    if (this.blockEntries === 0) {
      shared = 0;
      if (need + rawBlockPreambleBytes > this.buf.length) {
        this.buf = Buffer.allocUnsafe(this.capacityFor(need));
        this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
      }
      this.blockFirstKey = Buffer.from(key.subarray(ks, keyEnd));
    }

    // Encode: shared, suffix length, suffix, wall (8 bytes BE), logical, value length + 1 (0 = tombstone), value.
    const buf = this.buf;
    let pos = this.pos;
    const suffix = klen - shared;
    if (shared < 0x80) buf[pos++] = shared;
    else pos = writeVarint(buf, pos, shared);
    if (suffix < 0x80) buf[pos++] = suffix;
    else pos = writeVarint(buf, pos, suffix);
    if (suffix <= 32) {
      for (let i = ks + shared; i < keyEnd; i++) buf[pos++] = key[i]!;
    } else {
      key.copy(buf, pos, ks + shared, keyEnd);
      pos += suffix;
    }
    this.view.setBigUint64(pos, wall);
    pos += 8;
    if (logical < 0x80) buf[pos++] = logical;
    else pos = writeVarint(buf, pos, logical);
    if (value === null) {
      buf[pos++] = 0;
      this.tombstones++;
    } else {
      const l1 = vlen + 1;
      if (l1 < 0x80) buf[pos++] = l1;
      else pos = writeVarint(buf, pos, l1);
      if (vlen <= 32) {
        for (let i = valueStart; i < valueEnd; i++) buf[pos++] = value[i]!;
      } else {
        value.copy(buf, pos, valueStart, valueEnd);
        pos += vlen;
      }
    }
    this.pos = pos;

    // Remember this key.
    if (klen > prev.length) {
      this.prevKey = Buffer.allocUnsafe(Math.max(klen, prev.length * 2));
      key.copy(this.prevKey, 0, ks, keyEnd);
    } else if (klen - shared <= 32) {
      for (let i = shared; i < klen; i++) prev[i] = key[ks + i]!;
    } else {
      key.copy(prev, shared, ks + shared, keyEnd);
    }
    this.prevKeyLen = klen;
    this.prevWall = wall;
    this.prevLogical = logical;
    if (this.entries === 0) this.firstKey = Buffer.from(key.subarray(ks, keyEnd));
    this.entries++;
    this.blockEntries++;
    this.blockKeyBytes += klen;
    this.keyBytes += klen;
    this.valueBytes += vlen;

    if (pos >= this.blockBytes) this.sealBlock();
    return this.inFlight >= maxBlocksInFlight ? this.waitForRoom() : undefined;
  }

  async addBatch(entries: readonly ExportEntry[]): Promise<void> {
    for (const e of entries) {
      const p = this.add(e);
      if (p) await p;
    }
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.failed !== undefined) reject(this.failed);
        else if (this.inFlight < maxBlocksInFlight) resolve();
        else this.roomWaiters.push(check);
      };
      check();
    });
  }

  /** Hands the current block to the pipeline: compression starts now (thread pool), writing in order. */
  private sealBlock(): void {
    if (this.inFlight >= hardMaxBlocksInFlight) {
      throw orderError(`more than ${hardMaxBlocksInFlight} blocks queued: await the promise add() returns`);
    }
    const raw = this.buf.subarray(0, this.pos);
    raw.writeUInt32BE(this.blockEntries, 0);
    raw.writeUInt32BE(this.blockKeyBytes, 4);
    const blockNumber = this.blocks.length;
    const meta: BlockMeta = { offset: -1, framedBytes: -1, rawBytes: raw.length, entries: this.blockEntries, firstKey: this.blockFirstKey! };
    this.blocks.push(meta);
    const compressed = this.useBrotli ? this.compressBlock(raw) : Promise.resolve(raw);
    compressed.catch(() => undefined); // handled when the tail reaches it
    this.inFlight++;
    this.tail = this.tail.then(async () => {
      const c = await compressed;
      await this.writeBlock(kindData, blockNumber, raw, c, meta);
      this.inFlight--;
      this.wakeWaiters();
    });
    this.tail.catch((err: unknown) => this.fail(err));

    this.buf = Buffer.allocUnsafe(this.capacityFor(0));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.pos = rawBlockPreambleBytes;
    this.blockEntries = 0;
    this.blockKeyBytes = 0;
    this.blockFirstKey = null;
  }

  /** Chooses the stored form (compressed only if smaller), seals it if encrypting, frames and writes it. */
  private async writeBlock(kind: number, blockNumber: number, raw: Buffer, compressed: Buffer, meta: { offset: number; framedBytes: number } | null): Promise<void> {
    const useCompressed = compressed !== raw && compressed.length < raw.length;
    let payload = useCompressed ? compressed : raw;
    const codec = useCompressed ? codecBrotli : codecNone;
    let enc = encNone;
    if (this.key) {
      payload = sealBytes(this.key, payload, blockAad(kind, blockNumber, dataFileFormatVersion));
      enc = encAesGcm;
    }
    const header = blockHeader(kind, codec, enc, payload, raw.length);
    if (meta) {
      meta.offset = this.written;
      meta.framedBytes = blockHeaderBytes + payload.length;
    }
    await this.emit(header);
    await this.emit(payload);
  }

  async finish(): Promise<DataFileSummary> {
    if (this.failed !== undefined) throw this.failed;
    if (this.finishing) throw orderError('finish called twice');
    this.finishing = true;
    if (this.blockEntries > 0) this.sealBlock();
    await this.tail;
    if (this.failed !== undefined) throw this.failed;

    const indexOffset = this.written;
    const index = this.encodeIndex();
    const compressed = this.useBrotli ? await brotliCompress(index) : index;
    const before = this.written;
    await this.writeBlock(kindIndex, indexBlockAadNumber, index, compressed, null);
    const indexFramedBytes = this.written - before;

    const footer = Buffer.alloc(footerBytes);
    footer.writeBigUInt64BE(BigInt(indexOffset), 0);
    footer.writeUInt32BE(indexFramedBytes, 8);
    footer.writeUInt32BE(this.blocks.length, 12);
    footer.writeBigUInt64BE(BigInt(this.entries), 16);
    footer.writeUInt16BE(dataFileFormatVersion, 24);
    footer.writeUInt16BE(this.key ? flagEncrypted : 0, 26);
    footer.writeUInt32BE(crc32(footer.subarray(0, 28)), 28);
    magic.copy(footer, 32);
    await this.emit(footer);

    return {
      sizeBytes: this.written,
      sha256: this.hash.digest('hex'),
      entries: this.entries,
      blocks: this.blocks.length,
      tombstones: this.tombstones,
      keyBytes: this.keyBytes,
      valueBytes: this.valueBytes,
      firstKey: this.firstKey,
      lastKey: this.entries > 0 ? Buffer.from(this.prevKey.subarray(0, this.prevKeyLen)) : null,
    };
  }

  /** Index: block count; per block offset, framed size, raw size, entries, first key; last key; totals. */
  private encodeIndex(): Buffer {
    let size = 10;
    for (const b of this.blocks) size += 10 * 4 + 5 + b.firstKey.length;
    size += 5 + this.prevKeyLen + 4 * 10;
    if (size > maxIndexBytes) throw new BurrowError(SqlState.ProgramLimitExceeded, `backup data file index of ${size} bytes exceeds ${maxIndexBytes} bytes`);
    const buf = Buffer.allocUnsafe(size);
    let pos = writeVarint(buf, 0, this.blocks.length);
    for (const b of this.blocks) {
      pos = writeVarint(buf, pos, b.offset);
      pos = writeVarint(buf, pos, b.framedBytes);
      pos = writeVarint(buf, pos, b.rawBytes);
      pos = writeVarint(buf, pos, b.entries);
      pos = writeVarint(buf, pos, b.firstKey.length);
      pos += b.firstKey.copy(buf, pos);
    }
    const lastKeyLen = this.entries > 0 ? this.prevKeyLen : 0;
    pos = writeVarint(buf, pos, lastKeyLen);
    pos += this.prevKey.copy(buf, pos, 0, lastKeyLen);
    pos = writeVarint(buf, pos, this.entries);
    pos = writeVarint(buf, pos, this.tombstones);
    pos = writeVarint(buf, pos, this.keyBytes);
    pos = writeVarint(buf, pos, this.valueBytes);
    return buf.subarray(0, pos);
  }
}

/** Starts a data file; bytes go to the sink in order (header first). */
export function newDataFileWriter(sink: DataFileSink, opts: DataFileWriterOptions = {}): DataFileWriter {
  return new Writer(sink, opts);
}

// ---- reader ----

/** Where a reader gets bytes: ExternalStorage-shaped (see storageSource) or a Buffer (bufferSource). */
export interface DataFileSource {
  /** Names the file in error messages. */
  readonly name: string;
  size(): Promise<number>;
  read(offsetBytes: number, lengthBytes: number): AsyncIterable<Buffer>;
}

export function bufferSource(name: string, data: Buffer): DataFileSource {
  return {
    name,
    size: async () => data.length,
    read: async function* (offsetBytes: number, lengthBytes: number) {
      yield data.subarray(offsetBytes, offsetBytes + lengthBytes);
    },
  };
}

export function storageSource(storage: ExternalStorage, path: string): DataFileSource {
  return {
    name: path,
    size: () => storage.size(path),
    read: (offsetBytes, lengthBytes) => storage.read(path, offsetBytes, lengthBytes),
  };
}

export interface DataFileReadOptions {
  /** Required for an encrypted file; refused for a plain one. */
  encryption?: EncryptionKey | undefined;
}

export interface KeyRange {
  /** Inclusive; default: from the first key. */
  startKey?: Buffer | undefined;
  /** Exclusive; default: to the last key. */
  endKey?: Buffer | undefined;
}

export interface DataFileBlockInfo {
  offset: number;
  framedBytes: number;
  rawBytes: number;
  entries: number;
  firstKey: Buffer;
}

export interface DataFileInfo {
  name: string;
  sizeBytes: number;
  formatVersion: number;
  encrypted: boolean;
  entries: number;
  tombstones: number;
  keyBytes: number;
  valueBytes: number;
  firstKey: Buffer | null;
  lastKey: Buffer | null;
  blocks: readonly DataFileBlockInfo[];
}

export interface DataFileReader {
  readonly info: DataFileInfo;
  /** Entries in order, one batch per block, only those with startKey <= key < endKey. */
  entries(range?: KeyRange): AsyncIterable<ExportEntry[]>;
}

function corrupt(name: string, message: string, detail?: string): BurrowError {
  return new BurrowError(SqlState.DataCorrupted, `backup file ${name}: ${message}`, detail === undefined ? {} : { detail });
}

function truncated(name: string, detail: string): BurrowError {
  return new BurrowError(SqlState.DataCorrupted, `backup file ${name} is truncated`, { detail });
}

function newerVersion(name: string, version: number): BurrowError {
  return new BurrowError(SqlState.FeatureNotSupported,
    `backup file ${name} was written by a newer version (format ${version}); this Burrow reads up to format ${dataFileFormatVersion}`,
    { hint: 'Restore with the Burrow version that took the backup, or a newer one.' });
}

/** Collects exact byte counts out of a stream of chunks. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>, private readonly onShort: (wanted: number, got: number) => Error) {}

  async take(n: number): Promise<Buffer> {
    while (this.buffered < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    if (this.buffered < n) throw this.onShort(n, this.buffered);
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, take);
      filled += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    return out;
  }

  async close(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}

async function readExact(source: DataFileSource, offsetBytes: number, lengthBytes: number, what: string): Promise<Buffer> {
  const q = new ChunkQueue(source.read(offsetBytes, lengthBytes)[Symbol.asyncIterator](),
    (wanted, got) => truncated(source.name, `reading ${what}: wanted ${wanted} bytes at offset ${offsetBytes}, got ${got}`));
  try {
    return await q.take(lengthBytes);
  } finally {
    await q.close();
  }
}

class Reader implements DataFileReader {
  constructor(
    readonly info: DataFileInfo,
    private readonly source: DataFileSource,
    private readonly key: EncryptionKey | undefined,
  ) {}

  /**
   * Checks a framed block (CRC, header against the index), opens it if
   * sealed, and decompresses it. `what` is "block N" or "block index".
   */
  static async unframe(
    name: string, framed: Buffer, kind: number, what: string, blockNumber: number, expectRawBytes: number | undefined,
    key: EncryptionKey | undefined, formatVersion: number,
  ): Promise<Buffer> {
    if (framed.length < blockHeaderBytes) throw corrupt(name, `checksum mismatch in ${what}`, 'block shorter than its header');
    const payload = framed.subarray(blockHeaderBytes);
    const stored = framed.readUInt32BE(12);
    const computed = crc32(payload, crc32(framed.subarray(0, 12)));
    if (stored !== computed) {
      throw corrupt(name, `checksum mismatch in ${what}`, `stored CRC32 ${hexCrc(stored)}, computed ${hexCrc(computed)} over ${framed.length} bytes`);
    }
    const codec = framed[1]!;
    const enc = framed[2]!;
    const rawBytes = framed.readUInt32BE(8);
    if (framed[0] !== kind || framed.readUInt32BE(4) !== payload.length || (expectRawBytes !== undefined && rawBytes !== expectRawBytes)
      || (codec !== codecNone && codec !== codecBrotli) || (enc !== encNone && enc !== encAesGcm)
      || rawBytes > (kind === kindIndex ? maxIndexBytes : maxRawBlockBytes)) {
      throw corrupt(name, `${what} header does not match the index`);
    }
    if ((enc === encAesGcm) !== (key !== undefined)) throw corrupt(name, `${what} encryption does not match the file header`);
    let body = payload;
    if (key) {
      const opened = openBytes(key, payload, blockAad(kind, blockNumber, formatVersion));
      if (opened === null) throw wrongKeyError(`backup file ${name}`);
      body = opened;
    }
    if (codec === codecNone) {
      if (body.length !== rawBytes) throw corrupt(name, `${what} has ${body.length} bytes, header says ${rawBytes}`);
      return body;
    }
    let raw: Buffer;
    try {
      raw = await brotliDecompress(body, rawBytes);
    } catch (err) {
      throw corrupt(name, `${what} does not decompress`, err instanceof Error ? err.message : String(err));
    }
    if (raw.length !== rawBytes) throw corrupt(name, `${what} decompressed to ${raw.length} bytes, header says ${rawBytes}`);
    return raw;
  }

  entries(range: KeyRange = {}): AsyncIterable<ExportEntry[]> {
    return this.iterate(range.startKey, range.endKey);
  }

  private async *iterate(startKey: Buffer | undefined, endKey: Buffer | undefined): AsyncGenerator<ExportEntry[]> {
    const blocks = this.info.blocks;
    const name = this.source.name;
    // First block: the one before the first block starting at or after startKey
    // (it may end with keys >= startKey). Last: before the first block starting at or after endKey.
    const lo = startKey ? Math.max(0, lowerBound(blocks, startKey) - 1) : 0;
    const hi = endKey ? lowerBound(blocks, endKey) : blocks.length;
    if (lo >= hi || (startKey && endKey && Buffer.compare(startKey, endKey) >= 0)) return;
    const from = blocks[lo]!.offset;
    const to = blocks[hi - 1]!.offset + blocks[hi - 1]!.framedBytes;
    const q = new ChunkQueue(this.source.read(from, to - from)[Symbol.asyncIterator](),
      (wanted, got) => truncated(name, `wanted ${wanted} more bytes, stream ended after ${got}`));
    const pending: Array<Promise<Buffer>> = [];
    let next = lo;
    try {
      for (let b = lo; b < hi; b++) {
        while (pending.length < readAheadBlocks && next < hi) {
          const meta = blocks[next]!;
          const framed = await q.take(meta.framedBytes);
          const p = Reader.unframe(name, framed, kindData, `block ${next}`, next, meta.rawBytes, this.key, this.info.formatVersion);
          p.catch(() => undefined); // awaited below in order
          pending.push(p);
          next++;
        }
        const raw = await pending.shift()!;
        let batch = decodeBlock(name, b, raw, blocks[b]!.entries);
        if ((startKey && b === lo) || (endKey && b === hi - 1)) batch = filterRange(batch, startKey, endKey);
        if (batch.length > 0) yield batch;
      }
    } finally {
      await q.close();
    }
  }
}

/** Index of the first block whose first key is >= key (blocks.length if none). */
function lowerBound(blocks: readonly DataFileBlockInfo[], key: Buffer): number {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(blocks[mid]!.firstKey, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function filterRange(batch: ExportEntry[], startKey: Buffer | undefined, endKey: Buffer | undefined): ExportEntry[] {
  return batch.filter((e) => (!startKey || Buffer.compare(e.key, startKey) >= 0) && (!endKey || Buffer.compare(e.key, endKey) < 0));
}

/** Decodes a raw data block into entries whose keys live in one arena and whose values are views of `raw`. */
function decodeBlock(name: string, blockNumber: number, raw: Buffer, expectEntries: number): ExportEntry[] {
  try {
    if (raw.length < rawBlockPreambleBytes) throw new Corrupt('block shorter than its preamble');
    const count = raw.readUInt32BE(0);
    const arenaBytes = raw.readUInt32BE(4);
    if (count !== expectEntries) throw new Corrupt(`block holds ${count} entries, the index says ${expectEntries}`);
    if (arenaBytes > maxBlockKeyArenaBytes) throw new Corrupt(`block claims ${arenaBytes} key bytes`);
    const arena = Buffer.allocUnsafe(arenaBytes);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const end = raw.length;
    const out: ExportEntry[] = new Array(count);
    const cur = { pos: rawBlockPreambleBytes };
    let kp = 0;
    let prevStart = 0;
    let prevLen = 0;
    for (let i = 0; i < count; i++) {
      let pos = cur.pos;
      // shared and suffix lengths (one-byte fast path)
      let shared: number;
      let suffix: number;
      if (pos + 2 <= end && raw[pos]! < 0x80 && raw[pos + 1]! < 0x80) {
        shared = raw[pos]!;
        suffix = raw[pos + 1]!;
        pos += 2;
      } else {
        shared = readVarintAt(raw, cur, end);
        suffix = readVarintAt(raw, cur, end);
        pos = cur.pos;
      }
      const klen = shared + suffix;
      if (shared > prevLen || kp + klen > arenaBytes || pos + suffix + 8 > end) throw new Corrupt(`entry ${i}: key out of bounds`);
      const keyStart = kp;
      if (shared > 0) {
        if (shared <= 32) for (let j = 0; j < shared; j++) arena[kp + j] = arena[prevStart + j]!;
        else arena.copyWithin(kp, prevStart, prevStart + shared);
      }
      kp += shared;
      if (suffix <= 32) {
        for (let j = 0; j < suffix; j++) arena[kp + j] = raw[pos + j]!;
      } else {
        raw.copy(arena, kp, pos, pos + suffix);
      }
      kp += suffix;
      pos += suffix;
      prevStart = keyStart;
      prevLen = klen;
      const wall = view.getBigUint64(pos);
      pos += 8;
      let logical: number;
      let vl1: number;
      if (pos + 2 <= end && raw[pos]! < 0x80 && raw[pos + 1]! < 0x80) {
        logical = raw[pos]!;
        vl1 = raw[pos + 1]!;
        pos += 2;
      } else {
        cur.pos = pos;
        logical = readVarintAt(raw, cur, end);
        vl1 = readVarintAt(raw, cur, end);
        pos = cur.pos;
      }
      if (logical > 0xffffffff) throw new Corrupt(`entry ${i}: logical time out of range`);
      let value: Buffer | null = null;
      if (vl1 > 0) {
        if (pos + vl1 - 1 > end) throw new Corrupt(`entry ${i}: value out of bounds`);
        value = raw.subarray(pos, pos + vl1 - 1);
        pos += vl1 - 1;
      }
      cur.pos = pos;
      out[i] = { key: arena.subarray(keyStart, keyStart + klen), ts: { wall, logical }, value };
    }
    if (cur.pos !== end) throw new Corrupt(`${end - cur.pos} bytes left after the last entry`);
    if (kp !== arenaBytes) throw new Corrupt(`keys hold ${kp} bytes, the block says ${arenaBytes}`);
    return out;
  } catch (err) {
    if (err instanceof Corrupt) throw corrupt(name, `block ${blockNumber} is malformed`, err.message);
    throw err;
  }
}

function decodeIndex(name: string, raw: Buffer, footer: { blockCount: number; entries: number; indexOffset: number }): Omit<DataFileInfo, 'name' | 'sizeBytes' | 'formatVersion' | 'encrypted'> {
  try {
    const cur = { pos: 0 };
    const end = raw.length;
    const count = readVarintAt(raw, cur, end);
    if (count !== footer.blockCount) throw new Corrupt(`index lists ${count} blocks, the footer ${footer.blockCount}`);
    const blocks: DataFileBlockInfo[] = [];
    let expectOffset = headerBytes;
    let entrySum = 0;
    for (let i = 0; i < count; i++) {
      const offset = readVarintAt(raw, cur, end);
      const framedBytes = readVarintAt(raw, cur, end);
      const rawBytes = readVarintAt(raw, cur, end);
      const entries = readVarintAt(raw, cur, end);
      const keyLen = readVarintAt(raw, cur, end);
      if (offset !== expectOffset) throw new Corrupt(`block ${i} at offset ${offset}, expected ${expectOffset}`);
      if (framedBytes < blockHeaderBytes || framedBytes > maxStoredBlockBytes + blockHeaderBytes || rawBytes > maxRawBlockBytes
        || entries < 1 || entries * minEncodedEntryBytes > rawBytes - rawBlockPreambleBytes) {
        throw new Corrupt(`block ${i} sizes out of bounds`);
      }
      if (keyLen > maxDataFileKeyBytes || cur.pos + keyLen > end) throw new Corrupt(`block ${i} first key out of bounds`);
      const firstKey = Buffer.from(raw.subarray(cur.pos, cur.pos + keyLen));
      cur.pos += keyLen;
      if (i > 0 && Buffer.compare(blocks[i - 1]!.firstKey, firstKey) > 0) throw new Corrupt(`block ${i} first key out of order`);
      blocks.push({ offset, framedBytes, rawBytes, entries, firstKey });
      expectOffset = offset + framedBytes;
      entrySum += entries;
    }
    if (expectOffset !== footer.indexOffset) throw new Corrupt(`blocks end at ${expectOffset}, the index starts at ${footer.indexOffset}`);
    const lastLen = readVarintAt(raw, cur, end);
    if (lastLen > maxDataFileKeyBytes || cur.pos + lastLen > end) throw new Corrupt('last key out of bounds');
    const lastKey = Buffer.from(raw.subarray(cur.pos, cur.pos + lastLen));
    cur.pos += lastLen;
    const entries = readVarintAt(raw, cur, end);
    const tombstones = readVarintAt(raw, cur, end);
    const keyBytes = readVarintAt(raw, cur, end);
    const valueBytes = readVarintAt(raw, cur, end);
    if (entries !== footer.entries || entries !== entrySum) throw new Corrupt(`entry counts disagree (index ${entries}, blocks ${entrySum}, footer ${footer.entries})`);
    if (cur.pos !== end) throw new Corrupt('trailing bytes after the index');
    return {
      entries, tombstones, keyBytes, valueBytes, blocks,
      firstKey: count > 0 ? blocks[0]!.firstKey : null,
      lastKey: count > 0 ? lastKey : null,
    };
  } catch (err) {
    if (err instanceof Corrupt) throw corrupt(name, 'block index is malformed', err.message);
    throw err;
  }
}

/** Opens a data file: checks header and footer, reads and verifies the index. */
export async function openDataFile(source: DataFileSource, opts: DataFileReadOptions = {}): Promise<DataFileReader> {
  const name = source.name;
  const sizeBytes = await source.size();
  if (sizeBytes < headerBytes) {
    throw truncated(name, `${sizeBytes} bytes is shorter than the ${headerBytes}-byte header`);
  }
  const header = await readExact(source, 0, headerBytes, 'header');
  if (!header.subarray(0, 8).equals(magic)) {
    throw corrupt(name, 'not a Burrow backup data file (bad magic number)');
  }
  const headerVersion = header.readUInt16BE(8);
  if (headerVersion > dataFileFormatVersion) throw newerVersion(name, headerVersion);
  if (crc32(header.subarray(0, 12)) !== header.readUInt32BE(12)) throw corrupt(name, 'checksum mismatch in header');
  if (headerVersion < 1) throw corrupt(name, `unknown format ${headerVersion}`);
  const flags = header.readUInt16BE(10);
  if (sizeBytes < headerBytes + footerBytes) {
    throw truncated(name, `${sizeBytes} bytes is shorter than a header and a footer`);
  }
  const footer = await readExact(source, sizeBytes - footerBytes, footerBytes, 'footer');
  if (!footer.subarray(32, 40).equals(magic)) {
    throw truncated(name, `no footer at the end of its ${sizeBytes} bytes (the file was cut short or overwritten)`);
  }
  if (crc32(footer.subarray(0, 28)) !== footer.readUInt32BE(28)) throw corrupt(name, 'checksum mismatch in footer');
  const footerVersion = footer.readUInt16BE(24);
  if (footerVersion > dataFileFormatVersion) throw newerVersion(name, footerVersion);
  if (footerVersion !== headerVersion || footer.readUInt16BE(26) !== flags || (flags & ~flagEncrypted) !== 0) {
    throw corrupt(name, 'header and footer disagree');
  }
  const encrypted = (flags & flagEncrypted) !== 0;
  if (encrypted && !opts.encryption) {
    throw new BurrowError(SqlState.InvalidParameterValue, `backup file ${name} appears encrypted`, {
      hint: 'Specify the encryption_passphrase the backup was taken with.',
    });
  }
  if (!encrypted && opts.encryption) {
    throw new BurrowError(SqlState.InvalidParameterValue, `backup file ${name} is not encrypted, but a key was given`);
  }
  const indexOffset = Number(footer.readBigUInt64BE(0));
  const indexFramedBytes = footer.readUInt32BE(8);
  const blockCount = footer.readUInt32BE(12);
  const entries = Number(footer.readBigUInt64BE(16));
  if (indexOffset + indexFramedBytes + footerBytes !== sizeBytes || indexOffset < headerBytes || indexFramedBytes > maxIndexBytes) {
    throw corrupt(name, `footer places the index at ${indexOffset} (+${indexFramedBytes} bytes) in a file of ${sizeBytes} bytes`);
  }
  const framedIndex = await readExact(source, indexOffset, indexFramedBytes, 'block index');
  const rawIndex = await Reader.unframe(name, framedIndex, kindIndex, 'block index', indexBlockAadNumber, undefined, opts.encryption, headerVersion);
  const idx = decodeIndex(name, rawIndex, { blockCount, entries, indexOffset });
  const info: DataFileInfo = { name, sizeBytes, formatVersion: headerVersion, encrypted, ...idx };
  return new Reader(info, source, opts.encryption);
}

/** Opens a data file and yields its entries (within the range), one block's batch at a time. */
export async function* readDataFile(source: DataFileSource, opts: DataFileReadOptions & KeyRange = {}): AsyncGenerator<ExportEntry[]> {
  const reader = await openDataFile(source, opts);
  yield* reader.entries(opts);
}
