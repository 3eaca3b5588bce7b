// Owns reading a table's data out of a chain of backup layers as of the
// restore time: each layer's data files for the table, in key order, merged
// so that for every key the newest layer holding a version at or before the
// restore time wins (a deletion there drops the key), with keys rewritten to
// the table's new ID and one version each at the restore's ingest time.
// A single full layer without revision history streams straight through.

import { BurrowError } from '../util/errors.js';
import { hasPrefixAt } from '../util/bytes.js';
import { restoreIngestBatchBytes } from '../util/limits.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import { decodeTablePrefix, encodeTableIndexPrefix } from '../util/encoding.js';
import type { ExportEntry } from '../storage/mvcc-export.js';
import type { PackedEntries } from '../storage/mvcc-ingest.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { openDataFile, storageSource } from './data-file.js';
import type { EncryptionKey } from './encryption.js';
import type { Layer } from './restore-plan.js';

/** Bytes of entries handed to one ingest transaction (each is a durable commit). */
const ingestBatchBytes = restoreIngestBatchBytes;

export interface RestoreCounts {
  rows: number;
  indexEntries: number;
  bytes: number;
}

function missingFile(path: string, err: unknown): BurrowError {
  const e = err as { code?: string; message?: string };
  if (e.code === '58P01') {
    return new BurrowError('58P01', `backup data file ${path} is missing`, { hint: 'The backup is damaged; restore from another backup (SHOW BACKUPS IN the collection).' });
  }
  return err as BurrowError;
}

/** Entries of one layer's files for a table, in key order (versions newest first). */
async function* layerEntries(storage: ExternalStorage, layer: Layer, tableId: number, key: EncryptionKey | undefined): AsyncGenerator<ExportEntry[]> {
  for (const f of layer.manifest.files) {
    if (f.tableId !== tableId) continue;
    const path = `${layer.folder}/${f.path}`;
    let reader;
    try {
      reader = await openDataFile(storageSource(storage, path), { encryption: key });
    } catch (err) {
      throw missingFile(path, err);
    }
    try {
      for await (const batch of reader.entries()) yield batch;
    } catch (err) {
      throw missingFile(path, err);
    }
  }
}

class Cursor {
  private batch: ExportEntry[] = [];
  private i = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<ExportEntry[]>) {}
  async peek(): Promise<ExportEntry | undefined> {
    while (this.i >= this.batch.length) {
      if (this.done) return undefined;
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        return undefined;
      }
      this.batch = r.value;
      this.i = 0;
    }
    return this.batch[this.i];
  }
  advance(): void {
    this.i++;
  }
}

/**
 * Rewrites keys of table oldId to newId, counting rows (primary index) and
 * index entries. Consecutive keys almost always share an index prefix, so it
 * is decoded once per run.
 */
function keyRewriter(oldId: number, newId: number, primaryIndexId: number, counts: RestoreCounts) {
  const prefixes = new Map<number, Buffer>();
  let lastOld: Buffer | null = null;
  let lastNew: Buffer = Buffer.alloc(0);
  let lastPrimary = false;
  return {
    /** Looks up k's prefix and counts it; then `oldLength` bytes of k are replaced by `prefix`. */
    resolve(k: Buffer): { oldLength: number; prefix: Buffer } {
      let old = lastOld;
      if (old === null || !hasPrefixAt(k, 0, old)) {
        const p = decodeTablePrefix(k);
        if (p.tableId !== oldId) throw new BurrowError('XX001', `backup data for table ${oldId} holds a key of table ${p.tableId}`);
        let prefix = prefixes.get(p.indexId);
        if (!prefix) prefixes.set(p.indexId, (prefix = encodeTableIndexPrefix(newId, p.indexId)));
        lastOld = old = Buffer.from(k.subarray(0, p.offset));
        lastNew = prefix;
        lastPrimary = p.indexId === primaryIndexId;
      }
      if (lastPrimary) counts.rows++;
      else counts.indexEntries++;
      return { oldLength: old.length, prefix: lastNew };
    },
  };
}

/**
 * The entries of one table as of target (the newest layer holding a version
 * at or before it decides each key; deletions included as null values), in
 * key order, in batches, keys not yet rewritten. A batch is the reader's:
 * consume it before asking for the next.
 */
async function* decidedEntries(
  storage: ExternalStorage, layers: Layer[], oldId: number, target: Timestamp, key: EncryptionKey | undefined,
): AsyncGenerator<ExportEntry[]> {
  if (layers.length === 1 && !layers[0]!.manifest.revisionHistory) {
    yield* layerEntries(storage, layers[0]!, oldId, key);
    return;
  }
  // Newest layer first: the first that has a version <= target decides.
  const cursors = layers.map((l) => new Cursor(layerEntries(storage, l, oldId, key)[Symbol.asyncIterator]())).reverse();
  let out: ExportEntry[] = [];
  for (;;) {
    let min: Buffer | undefined;
    for (const c of cursors) {
      const e = await c.peek();
      if (e && (!min || Buffer.compare(e.key, min) < 0)) min = e.key;
    }
    if (!min) break;
    const k = min;
    let decided: ExportEntry | undefined;
    for (const c of cursors) {
      for (let e = await c.peek(); e && e.key.equals(k); e = await c.peek()) {
        if (decided === undefined && compareTimestamps(e.ts, target) <= 0) decided = e;
        c.advance();
      }
    }
    if (decided) out.push(decided);
    if (out.length >= mergeBatchEntries) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/** Entries a merged (several layers or revision history) batch holds. */
const mergeBatchEntries = 4096;

/** The restored entries of one table: rewritten to newId at ingestTs, in key order, in batches. */
export async function* restoredEntries(
  storage: ExternalStorage, layers: Layer[], oldId: number, newId: number, primaryIndexId: number, target: Timestamp,
  ingestTs: Timestamp, key: EncryptionKey | undefined, counts: RestoreCounts,
): AsyncGenerator<ExportEntry[]> {
  const rw = keyRewriter(oldId, newId, primaryIndexId, counts);
  let out: ExportEntry[] = [];
  let outBytes = 0;
  for await (const batch of decidedEntries(storage, layers, oldId, target, key)) {
    for (const e of batch) {
      if (e.value === null) continue;
      const n = e.key.length + e.value.length;
      counts.bytes += n;
      outBytes += n;
      const { oldLength, prefix } = rw.resolve(e.key);
      // Keys are views of a reader's block arena, which nothing reads again: rewrite in place when the lengths allow.
      if (oldLength === prefix.length) prefix.copy(e.key, 0);
      else e.key = Buffer.concat([prefix, e.key.subarray(oldLength)]);
      // The entry is the reader's own object, used once: reuse it.
      e.ts = ingestTs;
      out.push(e);
    }
    if (outBytes >= ingestBatchBytes) {
      yield out;
      out = [];
      outBytes = 0;
    }
  }
  if (out.length) yield out;
}

/**
 * restoredEntries packed for store.ingestPacked: keys rewritten while they
 * are copied into one reused buffer, so a batch of ingestBatchBytes holds no
 * object per entry across the reads that fill it.
 */
export async function* restoredPacked(
  storage: ExternalStorage, layers: Layer[], oldId: number, newId: number, primaryIndexId: number, target: Timestamp,
  ingestTs: Timestamp, key: EncryptionKey | undefined, counts: RestoreCounts,
): AsyncGenerator<PackedEntries> {
  const rw = keyRewriter(oldId, newId, primaryIndexId, counts);
  let data = Buffer.allocUnsafeSlow(ingestBatchBytes + packSlackBytes);
  let ends = new Uint32Array(64 * 1024);
  let count = 0;
  let at = 0;
  for await (const batch of decidedEntries(storage, layers, oldId, target, key)) {
    for (const e of batch) {
      if (e.value === null) continue;
      counts.bytes += e.key.length + e.value.length;
      const { oldLength, prefix } = rw.resolve(e.key);
      const need = prefix.length + e.key.length - oldLength + e.value.length;
      if (at + need > data.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(2 * data.length, at + need));
        data.copy(bigger, 0, 0, at);
        data = bigger;
      }
      if (2 * count + 2 > ends.length) {
        const bigger = new Uint32Array(2 * ends.length);
        bigger.set(ends);
        ends = bigger;
      }
      at += prefix.copy(data, at);
      at += e.key.copy(data, at, oldLength);
      ends[2 * count] = at;
      at += e.value.copy(data, at);
      ends[2 * count + 1] = at;
      count++;
    }
    if (at >= ingestBatchBytes) {
      yield { data, ends, count, ts: ingestTs };
      count = 0;
      at = 0;
    }
  }
  if (count > 0) yield { data, ends, count, ts: ingestTs };
}

/** Room past ingestBatchBytes so the block that crosses it usually fits without growing the buffer. */
const packSlackBytes = 2 * 1024 * 1024;
