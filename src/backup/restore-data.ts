// Owns reading a table's data out of a chain of backup layers as of the
// restore time: each layer's data files for the table, in key order, merged
// so that for every key the newest layer holding a version at or before the
// restore time wins (a deletion there drops the key), with keys rewritten to
// the table's new ID and one version each at the restore's ingest time.
// A single full layer without revision history streams straight through.

import { BurrowError } from '../util/errors.js';
import { restoreIngestBatchBytes } from '../util/limits.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import { decodeTablePrefix, encodeTableIndexPrefix } from '../util/encoding.js';
import type { ExportEntry } from '../storage/mvcc-export.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { openDataFile, storageSource } from './data-file.js';
import type { EncryptionKey } from './encryption.js';
import type { Layer } from './restore-plan.js';

/** Bytes of entries handed to one ingest transaction (each is a durable commit). */
const ingestBatchBytes = restoreIngestBatchBytes;

function startsWith(k: Buffer, p: Buffer): boolean {
  for (let i = p.length - 1; i >= 0; i--) if (k[i] !== p[i]) return false;
  return true;
}

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

/** The restored entries of one table: rewritten to newId at ingestTs, in key order, in batches. */
export async function* restoredEntries(
  storage: ExternalStorage, layers: Layer[], oldId: number, newId: number, primaryIndexId: number, target: Timestamp,
  ingestTs: Timestamp, key: EncryptionKey | undefined, counts: RestoreCounts,
): AsyncGenerator<ExportEntry[]> {
  const prefixes = new Map<number, Buffer>();
  // The last key's old and new index prefix: consecutive keys almost always share one, so it is decoded once per run.
  let lastOld: Buffer | null = null;
  let lastNew: Buffer = Buffer.alloc(0);
  let lastPrimary = false;
  const rewrite = (k: Buffer): Buffer => {
    let old = lastOld;
    if (old === null || k.length < old.length || !startsWith(k, old)) {
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
    // Keys are views of a reader's block arena, which nothing reads again: rewrite in place when the lengths allow.
    if (old.length === lastNew.length) {
      lastNew.copy(k, 0);
      return k;
    }
    return Buffer.concat([lastNew, k.subarray(old.length)]);
  };
  let out: ExportEntry[] = [];
  let outBytes = 0;
  const emit = (e: ExportEntry): void => {
    const n = e.key.length + (e.value?.length ?? 0);
    counts.bytes += n;
    outBytes += n;
    // The entry is the reader's own object, used once: reuse it.
    e.key = rewrite(e.key);
    e.ts = ingestTs;
    out.push(e);
  };
  const full = (): boolean => outBytes >= ingestBatchBytes;
  const simple = layers.length === 1 && !layers[0]!.manifest.revisionHistory;
  if (simple) {
    for await (const batch of layerEntries(storage, layers[0]!, oldId, key)) {
      for (const e of batch) if (e.value !== null) emit(e);
      if (full()) {
        yield out;
        out = [];
        outBytes = 0;
      }
    }
    if (out.length) yield out;
    return;
  }
  // Newest layer first: the first that has a version <= target decides.
  const cursors = layers.map((l) => new Cursor(layerEntries(storage, l, oldId, key)[Symbol.asyncIterator]())).reverse();
  for (;;) {
    let min: Buffer | undefined;
    for (const c of cursors) {
      const e = await c.peek();
      if (e && (!min || Buffer.compare(e.key, min) < 0)) min = e.key;
    }
    if (!min) break;
    const k = min;
    let decided: ExportEntry | null | undefined;
    for (const c of cursors) {
      for (let e = await c.peek(); e && e.key.equals(k); e = await c.peek()) {
        if (decided === undefined && compareTimestamps(e.ts, target) <= 0) decided = e.value === null ? null : e;
        c.advance();
      }
    }
    if (decided) emit(decided);
    if (full()) {
      yield out;
      out = [];
      outBytes = 0;
    }
  }
  if (out.length) yield out;
}
