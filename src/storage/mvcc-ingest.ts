// Owns bulk ingest, the restore path: writing a stream of entries sorted by
// key ascending and, within a key, timestamp descending, in large engine
// transactions cut only at key boundaries. When a batch's key range holds no
// data yet (the usual case: restore writes into fresh table IDs), entries are
// put directly: the first of each key into the latest slot, the rest as
// versions. Otherwise each entry is merged with what is there. Stats are
// kept exact either way. Memory held: one batch (ingestBatchBytes).

import type { Engine, EngineWriter } from './engine.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import { ingestBatchBytes } from '../util/limits.js';
import { compareBytes } from '../util/bytes.js';
import {
  dataSpanStart, decodeUserKey, encodeMvccKey, encodeVersionValue, indirectThresholdBytes, latestInfo, scratchLatestValue,
  scratchMvccKey, withTimestamp,
} from './mvcc-key.js';
import { putNewest, retireNewest } from './mvcc-write.js';
import type { ExportEntry } from './mvcc-export.js';
import { deltaFor, persistStatsDeltas, statsBucket, versionBytes, type MvccStats, type StatsDeltas } from './mvcc-stats.js';

export interface IngestResult {
  entries: number;
  payloadBytes: number;
}

/**
 * Entries packed into one buffer, all at one timestamp, none a deletion:
 * entry i's key is data[ends[2i-1] (0 for i = 0), ends[2i]) and its value
 * data[ends[2i], ends[2i+1]). Sorted by key, one version per key. The
 * producer may reuse data and ends once the next batch is asked for, so a
 * batch costs the garbage collector nothing per entry (RESTORE's form).
 */
export interface PackedEntries {
  data: Buffer;
  ends: Uint32Array;
  count: number;
  ts: Timestamp;
}

/**
 * Applies entries one by one inside an engine write. `fence` is the first
 * existing data key at or after the current position: keys below it are new,
 * so they are put directly; at or past it they are merged and the fence moves.
 */
interface IngestCursor {
  prev: ExportEntry | null;
  latestKey: Buffer | null;
  fence: Buffer | null | undefined; // undefined: not looked up yet; null: nothing after
  bucket: Buffer | null;
  delta: MvccStats | null;
  /** The current key already had data: all its entries merge. */
  merging: boolean;
}

function newCursor(): IngestCursor {
  return { prev: null, latestKey: null, fence: undefined, bucket: null, delta: null, merging: false };
}

function findFence(w: EngineWriter, from: Buffer): Buffer | null {
  for (const e of w.scan({ start: dataSpanStart(from), limit: 1 })) return decodeUserKey(e.key);
  return null;
}

function sameBucket(key: Buffer, bucket: Buffer | null): boolean {
  if (!bucket || key.length < bucket.length) return false;
  for (let i = 0; i < bucket.length; i++) if (key[i] !== bucket[i]) return false;
  return true;
}


function applyEntry(w: EngineWriter, c: IngestCursor, e: ExportEntry, deltas: StatsDeltas): void {
  const order = c.prev === null ? -1 : compareBytes(c.prev.key, e.key);
  if (order > 0 || (order === 0 && compareTimestamps(c.prev!.ts, e.ts) <= 0)) throw unsorted();
  const sameKey = order === 0;
  c.prev = e;
  if (!sameKey) {
    c.latestKey = null;
    if (c.fence === undefined || (c.fence !== null && compareBytes(e.key, c.fence) >= 0)) c.fence = findFence(w, e.key);
    c.merging = c.fence !== null && compareBytes(e.key, c.fence) >= 0;
    if (c.merging) c.fence = undefined; // look again after this key
  }
  if (c.merging) {
    mergeOne(w, e, deltas);
    return;
  }
  // Consecutive keys almost always share a stats bucket (a table): look it up only when it changes.
  if (!sameBucket(e.key, c.bucket)) {
    c.delta = deltaFor(deltas, e.key);
    c.bucket = statsBucket(e.key);
  }
  const d = c.delta!;
  const size = versionBytes(e.key.length, e.value ? e.value.length : 0);
  d.totalBytes += size;
  d.valCount += 1;
  if (!sameKey) {
    if (e.value && e.value.length >= indirectThresholdBytes()) putNewest(w, encodeMvccKey(e.key, null), e.ts, e.value);
    else w.put(scratchMvccKey(e.key, null), scratchLatestValue(e.ts, e.value));
    d.keyCount += 1;
    if (e.value) {
      d.liveBytes += size;
      d.liveCount += 1;
    }
  } else {
    c.latestKey ??= encodeMvccKey(e.key, null);
    w.put(withTimestamp(c.latestKey, e.ts), encodeVersionValue(e.value));
  }
}

function mergeOne(w: EngineWriter, e: ExportEntry, deltas: StatsDeltas): void {
  const latestKey = encodeMvccKey(e.key, null);
  const raw = w.get(latestKey);
  const d = deltaFor(deltas, e.key);
  const size = versionBytes(e.key.length, e.value ? e.value.length : 0);
  if (!raw) {
    putNewest(w, latestKey, e.ts, e.value);
    d.keyCount += 1;
    d.totalBytes += size;
    d.valCount += 1;
    if (e.value) {
      d.liveBytes += size;
      d.liveCount += 1;
    }
    return;
  }
  const cur = latestInfo(raw);
  const cmp = compareTimestamps(e.ts, cur.ts);
  if (cmp < 0) {
    const vk = withTimestamp(latestKey, e.ts);
    const existing = w.get(vk);
    if (existing) {
      d.totalBytes -= versionBytes(e.key.length, existing[0] === 1 ? existing.length - 1 : 0);
      d.valCount -= 1;
    }
    w.put(vk, encodeVersionValue(e.value));
    d.totalBytes += size;
    d.valCount += 1;
    return;
  }
  const curSize = versionBytes(e.key.length, cur.payloadBytes);
  if (cur.isValue) {
    d.liveBytes -= curSize;
    d.liveCount -= 1;
  }
  if (cmp === 0) {
    d.totalBytes -= curSize;
    d.valCount -= 1;
  }
  retireNewest(w, latestKey, raw, cur, cmp === 0);
  putNewest(w, latestKey, e.ts, e.value);
  d.totalBytes += size;
  d.valCount += 1;
  if (e.value) {
    d.liveBytes += size;
    d.liveCount += 1;
  }
}

function unsorted(): BurrowError {
  return new BurrowError(SqlState.DataCorrupted, 'ingest entries are not sorted by key ascending and timestamp descending');
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Ingests entries sorted by key ascending, then timestamp descending.
 * A synchronous iterable streams straight into engine transactions of about
 * batchBytes each (nothing is buffered); an asynchronous one supplies blocks
 * (arrays) that are each written whole. Each engine transaction is
 * synchronous and durable; the event loop gets a turn between them.
 */
export async function mvccIngest(
  engine: Engine,
  entries: Iterable<ExportEntry> | AsyncIterable<ExportEntry[]>,
  batchBytes = ingestBatchBytes,
): Promise<IngestResult> {
  const result: IngestResult = { entries: 0, payloadBytes: 0 };
  const cursor = newCursor();
  const count = (e: ExportEntry): number => {
    result.entries++;
    const n = e.value ? e.value.length : 0;
    result.payloadBytes += n;
    return e.key.length + n + 32;
  };
  if (Symbol.asyncIterator in entries) {
    for await (const block of entries) {
      if (block.length === 0) continue;
      engine.writeSync((w) => {
        const deltas: StatsDeltas = new Map();
        cursor.fence = undefined;
        for (const e of block) {
          count(e);
          applyEntry(w, cursor, e, deltas);
        }
        persistStatsDeltas(w, deltas);
      });
      cursor.bucket = null;
      await yieldTurn();
    }
    return result;
  }
  const it = entries[Symbol.iterator]();
  let next = it.next();
  while (!next.done) {
    engine.writeSync((w) => {
      const deltas: StatsDeltas = new Map();
      cursor.fence = undefined;
      cursor.bucket = null;
      let bytes = 0;
      // Cut only at a key boundary, so one key's versions share a transaction.
      while (!next.done && (bytes < batchBytes || (cursor.prev !== null && cursor.prev.key.equals(next.value.key)))) {
        bytes += count(next.value);
        applyEntry(w, cursor, next.value, deltas);
        next = it.next();
      }
      persistStatsDeltas(w, deltas);
    });
    await yieldTurn();
  }
  return result;
}

/** The state one packed ingest keeps between its batches. */
export interface PackedIngest {
  cursor: IngestCursor;
  pair: [ExportEntry, ExportEntry];
  result: IngestResult;
}

export function newPackedIngest(): PackedIngest {
  return {
    cursor: newCursor(),
    pair: [
      { key: Buffer.alloc(0), ts: { wall: 0n, logical: 0 }, value: null },
      { key: Buffer.alloc(0), ts: { wall: 0n, logical: 0 }, value: null },
    ],
    result: { entries: 0, payloadBytes: 0 },
  };
}

/**
 * Writes one packed batch in one engine transaction (synchronous, durable).
 * Only the two entry objects of the pair exist, alternating, whatever the
 * batch size. Runs on the main thread or in the ingest worker.
 */
export function ingestPackedBatch(engine: Pick<Engine, 'writeSync'>, st: PackedIngest, b: PackedEntries): void {
  if (b.count === 0) return;
  if (b.ends.length < 2 * b.count || b.ends[2 * b.count - 1]! > b.data.length) throw new BurrowError(SqlState.InternalError, 'internal error: packed ingest batch out of bounds');
  const { cursor, pair, result } = st;
  engine.writeSync((w) => {
    const deltas: StatsDeltas = new Map();
    cursor.fence = undefined;
    let at = 0;
    for (let i = 0; i < b.count; i++) {
      // cursor.prev holds the other object of the pair, so the previous key stays readable.
      const e = pair[i & 1]!;
      const keyEnd = b.ends[2 * i]!;
      const valueEnd = b.ends[2 * i + 1]!;
      e.key = b.data.subarray(at, keyEnd);
      e.value = b.data.subarray(keyEnd, valueEnd);
      e.ts = b.ts;
      at = valueEnd;
      result.entries++;
      result.payloadBytes += valueEnd - keyEnd;
      applyEntry(w, cursor, e, deltas);
    }
    persistStatsDeltas(w, deltas);
  });
  // The pair's buffers are views of the producer's batch: keep a copy of the last key (the order check) instead.
  if (cursor.prev) cursor.prev = { key: Buffer.from(cursor.prev.key), ts: cursor.prev.ts, value: null };
  cursor.bucket = null;
}

/** Ingests packed batches (see PackedEntries) on this thread; the event loop gets a turn between them. */
export async function mvccIngestPacked(engine: Engine, batches: AsyncIterable<PackedEntries>): Promise<IngestResult> {
  const st = newPackedIngest();
  for await (const b of batches) {
    ingestPackedBatch(engine, st, b);
    await yieldTurn();
  }
  return st.result;
}
