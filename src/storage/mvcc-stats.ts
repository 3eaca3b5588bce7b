// Owns MVCC statistics: per bucket of keys (a bucket is a table: the user
// key's leading uvarint table ID; other keys bucket by their first byte),
// counters kept exact on every write, ingest and GC, stored in the engine in
// the same transaction as the data they describe.
//
// A version's size is userKey bytes + 12 (timestamp) + payload bytes
// (tombstones have no payload). liveBytes/liveCount cover each key's newest
// version when it is a value; totalBytes/valCount cover every version;
// keyCount counts keys with at least one version.

import type { EngineReader, EngineWriter } from './engine.js';
import { localPrefixByte } from './mvcc-key.js';

export interface MvccStats {
  liveBytes: number;
  liveCount: number;
  keyCount: number;
  valCount: number;
  totalBytes: number;
}

export function emptyStats(): MvccStats {
  return { liveBytes: 0, liveCount: 0, keyCount: 0, valCount: 0, totalBytes: 0 };
}

export function addStats(into: MvccStats, d: MvccStats): void {
  into.liveBytes += d.liveBytes;
  into.liveCount += d.liveCount;
  into.keyCount += d.keyCount;
  into.valCount += d.valCount;
  into.totalBytes += d.totalBytes;
}

export function versionBytes(userKeyLength: number, payloadBytes: number): number {
  return userKeyLength + 12 + payloadBytes;
}

// CockroachDB's uvarint ascending form: one byte 136+v for v <= 109, else a
// byte 245+n followed by n big-endian bytes. Must match util/encoding.
const uvarintZero = 136;
const uvarintLongBase = 245;

/** The bucket (table prefix) a user key's statistics are kept under. */
export function statsBucket(userKey: Buffer): Buffer {
  const b = userKey[0];
  if (b === undefined) return Buffer.alloc(0);
  if (b >= uvarintZero && b <= uvarintLongBase) return userKey.subarray(0, 1);
  if (b > uvarintLongBase && b <= uvarintLongBase + 8) {
    const n = 1 + b - uvarintLongBase;
    if (userKey.length >= n) return userKey.subarray(0, n);
  }
  return userKey.subarray(0, 1);
}

const statsTag = 0x73; // 's'

export function statsKey(bucket: Buffer): Buffer {
  return Buffer.concat([Buffer.from([localPrefixByte, statsTag]), bucket]);
}

const statsKeyStart = Buffer.from([localPrefixByte, statsTag]);
const statsKeyEnd = Buffer.from([localPrefixByte, statsTag + 1]);

function encodeStats(s: MvccStats): Buffer {
  const out = Buffer.allocUnsafe(40);
  out.writeDoubleBE(s.liveBytes, 0);
  out.writeDoubleBE(s.liveCount, 8);
  out.writeDoubleBE(s.keyCount, 16);
  out.writeDoubleBE(s.valCount, 24);
  out.writeDoubleBE(s.totalBytes, 32);
  return out;
}

function decodeStats(b: Buffer): MvccStats {
  return {
    liveBytes: b.readDoubleBE(0),
    liveCount: b.readDoubleBE(8),
    keyCount: b.readDoubleBE(16),
    valCount: b.readDoubleBE(24),
    totalBytes: b.readDoubleBE(32),
  };
}

/** Accumulates deltas per bucket while a write is applied. */
export type StatsDeltas = Map<string, MvccStats>;

export function deltaFor(deltas: StatsDeltas, userKey: Buffer): MvccStats {
  const id = statsBucket(userKey).toString('latin1');
  let d = deltas.get(id);
  if (!d) {
    d = emptyStats();
    deltas.set(id, d);
  }
  return d;
}

/** Adds the accumulated deltas to the stored stats, inside the same engine write. */
export function persistStatsDeltas(w: EngineWriter, deltas: StatsDeltas): void {
  for (const [id, d] of deltas) {
    const key = statsKey(Buffer.from(id, 'latin1'));
    const cur = w.get(key);
    const s = cur ? decodeStats(cur) : emptyStats();
    addStats(s, d);
    w.put(key, encodeStats(s));
  }
}

/** Sums the stats of every bucket that falls within [start, end) of user keys. */
export function readStats(r: EngineReader, start: Buffer | undefined, end: Buffer | undefined): MvccStats {
  const total = emptyStats();
  for (const { key, value } of r.scan({ start: statsKeyStart, end: statsKeyEnd })) {
    const bucket = key.subarray(2);
    if (start && Buffer.compare(bucket, statsBucket(start)) < 0) continue;
    if (end && Buffer.compare(bucket, end) >= 0) continue;
    addStats(total, decodeStats(value));
  }
  return total;
}
