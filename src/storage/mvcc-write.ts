// Owns MVCC writes inside one engine transaction: putting new versions
// (values or tombstones) at a commit timestamp, moving the previous newest
// version out of the latest slot, and keeping MVCC stats exact.
//
// Invariants: a write's timestamp is >= the key's newest version (the kv
// layer's clock guarantees it); writing at the same timestamp replaces that
// version. A delete of a key whose newest version is already a tombstone (or
// that has no versions) writes nothing. Moving the previous newest version to
// its version key allocates nothing for its value (a transient read and a
// scratch copy), so deleting many large values in one transaction makes no
// garbage in proportion to their size.

import type { EngineWriter } from './engine.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { compareTimestamps, timestampToDecimalString, type Timestamp } from '../util/hlc.js';
import {
  decodeLatestValue, encodeLatestValue, encodeMvccKey, scratchLatestToVersionValue, withTimestamp,
} from './mvcc-key.js';
import { deltaFor, versionBytes, type StatsDeltas } from './mvcc-stats.js';

export interface KeyWrite {
  key: Buffer;
  /** null deletes (writes a tombstone). */
  value: Buffer | null;
}

/** Writes one new newest version of key at ts. */
export function mvccPut(w: EngineWriter, key: Buffer, value: Buffer | null, ts: Timestamp, deltas: StatsDeltas): void {
  const latestKey = encodeMvccKey(key, null);
  // Read without a copy where the engine can: prevRaw is used up before the next engine call.
  const prevRaw = w.getTransient ? w.getTransient(latestKey) : w.get(latestKey);
  const d = deltaFor(deltas, key);
  if (prevRaw) {
    const prev = decodeLatestValue(prevRaw);
    if (value === null && prev.value === null) return;
    const cmp = compareTimestamps(prev.ts, ts);
    if (cmp > 0) {
      throw new BurrowError(
        SqlState.InternalError,
        `write at ${timestampToDecimalString(ts)} is older than the newest version at ${timestampToDecimalString(prev.ts)}`,
      );
    }
    const prevSize = versionBytes(key.length, prev.value ? prev.value.length : 0);
    if (prev.value !== null) {
      d.liveBytes -= prevSize;
      d.liveCount -= 1;
    }
    if (cmp === 0) {
      d.totalBytes -= prevSize;
      d.valCount -= 1;
    } else {
      w.put(withTimestamp(latestKey, prev.ts), scratchLatestToVersionValue(prevRaw));
    }
  } else {
    if (value === null) return;
    d.keyCount += 1;
  }
  const size = versionBytes(key.length, value ? value.length : 0);
  d.totalBytes += size;
  d.valCount += 1;
  if (value !== null) {
    d.liveBytes += size;
    d.liveCount += 1;
  }
  w.put(latestKey, encodeLatestValue(ts, value));
}

export function mvccApplyWrites(w: EngineWriter, writes: Iterable<KeyWrite>, ts: Timestamp, deltas: StatsDeltas): void {
  for (const wr of writes) mvccPut(w, wr.key, wr.value, ts, deltas);
}
