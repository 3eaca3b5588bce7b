// Owns bulk ingest, the restore path: writing a stream of entries sorted by
// key ascending and, within a key, timestamp descending, in large engine
// transactions cut only at key boundaries. When a batch's key range holds no
// data yet (the usual case: restore writes into fresh table IDs), entries are
// put directly: the first of each key into the latest slot, the rest as
// versions. Otherwise each entry is merged with what is there. Stats are
// kept exact either way. Memory held: one batch (ingestBatchBytes).

import type { Engine, EngineWriter } from './engine.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { compareTimestamps } from '../util/hlc.js';
import { ingestBatchBytes } from '../util/limits.js';
import {
  dataSpanStart, decodeLatestValue, encodeLatestValue, encodeMvccKey, encodeVersionValue, latestToVersionValue,
  withTimestamp,
} from './mvcc-key.js';
import type { ExportEntry } from './mvcc-export.js';
import { deltaFor, persistStatsDeltas, versionBytes, type StatsDeltas } from './mvcc-stats.js';
import { keyAfter } from './mvcc-read.js';

export interface IngestResult {
  entries: number;
  payloadBytes: number;
}

function spanIsEmpty(w: EngineWriter, first: Buffer, last: Buffer): boolean {
  for (const _ of w.scan({ start: dataSpanStart(first), end: dataSpanStart(keyAfter(last)), limit: 1 })) return false;
  return true;
}

function putFresh(w: EngineWriter, batch: ExportEntry[], deltas: StatsDeltas): void {
  let prevKey: Buffer | null = null;
  let latestKey: Buffer | null = null;
  for (const e of batch) {
    const d = deltaFor(deltas, e.key);
    const size = versionBytes(e.key.length, e.value ? e.value.length : 0);
    d.totalBytes += size;
    d.valCount += 1;
    if (prevKey === null || !prevKey.equals(e.key)) {
      latestKey = encodeMvccKey(e.key, null);
      w.put(latestKey, encodeLatestValue(e.ts, e.value));
      d.keyCount += 1;
      if (e.value) {
        d.liveBytes += size;
        d.liveCount += 1;
      }
      prevKey = e.key;
    } else {
      w.put(withTimestamp(latestKey!, e.ts), encodeVersionValue(e.value));
    }
  }
}

function mergeOne(w: EngineWriter, e: ExportEntry, deltas: StatsDeltas): void {
  const latestKey = encodeMvccKey(e.key, null);
  const raw = w.get(latestKey);
  const d = deltaFor(deltas, e.key);
  const size = versionBytes(e.key.length, e.value ? e.value.length : 0);
  if (!raw) {
    w.put(latestKey, encodeLatestValue(e.ts, e.value));
    d.keyCount += 1;
    d.totalBytes += size;
    d.valCount += 1;
    if (e.value) {
      d.liveBytes += size;
      d.liveCount += 1;
    }
    return;
  }
  const cur = decodeLatestValue(raw);
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
  const curSize = versionBytes(e.key.length, cur.value ? cur.value.length : 0);
  if (cur.value) {
    d.liveBytes -= curSize;
    d.liveCount -= 1;
  }
  if (cmp === 0) {
    d.totalBytes -= curSize;
    d.valCount -= 1;
  } else {
    w.put(withTimestamp(latestKey, cur.ts), latestToVersionValue(raw));
  }
  w.put(latestKey, encodeLatestValue(e.ts, e.value));
  d.totalBytes += size;
  d.valCount += 1;
  if (e.value) {
    d.liveBytes += size;
    d.liveCount += 1;
  }
}

function writeBatch(engine: Engine, batch: ExportEntry[]): Promise<void> {
  return engine.write((w) => {
    const deltas: StatsDeltas = new Map();
    if (spanIsEmpty(w, batch[0]!.key, batch[batch.length - 1]!.key)) putFresh(w, batch, deltas);
    else for (const e of batch) mergeOne(w, e, deltas);
    persistStatsDeltas(w, deltas);
  });
}

function checkOrder(prev: ExportEntry | null, e: ExportEntry): void {
  if (!prev) return;
  const c = Buffer.compare(prev.key, e.key);
  if (c < 0 || (c === 0 && compareTimestamps(prev.ts, e.ts) > 0)) return;
  throw new BurrowError(SqlState.DataCorrupted, 'ingest entries are not sorted by key ascending and timestamp descending');
}

export async function mvccIngest(
  engine: Engine,
  entries: Iterable<ExportEntry> | AsyncIterable<ExportEntry>,
  batchBytes = ingestBatchBytes,
): Promise<IngestResult> {
  let batch: ExportEntry[] = [];
  let bytes = 0;
  let prev: ExportEntry | null = null;
  const result: IngestResult = { entries: 0, payloadBytes: 0 };
  // Returns a full batch to write before e is added, cut at a key boundary.
  const add = (e: ExportEntry): ExportEntry[] | null => {
    checkOrder(prev, e);
    let full: ExportEntry[] | null = null;
    if (bytes >= batchBytes && prev && !prev.key.equals(e.key)) {
      full = batch;
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += e.key.length + (e.value ? e.value.length : 0) + 32;
    result.entries++;
    result.payloadBytes += e.value ? e.value.length : 0;
    prev = e;
    return full;
  };
  if (Symbol.asyncIterator in entries) {
    for await (const e of entries) {
      const full = add(e);
      if (full) await writeBatch(engine, full);
    }
  } else {
    for (const e of entries) {
      const full = add(e);
      if (full) await writeBatch(engine, full);
    }
  }
  if (batch.length > 0) await writeBatch(engine, batch);
  return result;
}
