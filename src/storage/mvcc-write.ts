// Owns MVCC writes inside one engine transaction: putting new versions
// (values or tombstones) at a commit timestamp, moving the previous newest
// version out of the latest slot, and keeping MVCC stats exact.
//
// Invariants: a write's timestamp is >= the key's newest version (the kv
// layer's clock guarantees it); writing at the same timestamp replaces that
// version. A delete of a key whose newest version is already a tombstone (or
// that has no versions) writes nothing. Large values are written
// indirectly (mvcc-key.ts), so a newer version of one moves nothing; moving a
// small previous newest version to its version key allocates nothing for its
// value (a transient read and a scratch copy).

import type { EngineWriter } from './engine.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { compareTimestamps, timestampToDecimalString, type Timestamp } from '../util/hlc.js';
import {
  encodeIndirectLatest, encodeLatestValue, encodeMvccKey, indirectThresholdBytes, latestInfo, scratchLatestToVersionValue,
  scratchVersionValue, withTimestamp, type LatestInfo,
} from './mvcc-key.js';
import { deltaFor, versionBytes, type StatsDeltas } from './mvcc-stats.js';

export interface KeyWrite {
  key: Buffer;
  /** null deletes (writes a tombstone). */
  value: Buffer | null;
}

/**
 * Puts value (or a tombstone) at ts into userKey's latest slot, whose engine
 * key is latestKey: values of indirectThresholdBytes and up go to their
 * version key with a pointer in the slot (mvcc-key.ts).
 */
export function putNewest(w: EngineWriter, latestKey: Buffer, ts: Timestamp, value: Buffer | null): void {
  if (value !== null && value.length >= indirectThresholdBytes()) {
    w.put(withTimestamp(latestKey, ts), scratchVersionValue(value));
    w.put(latestKey, encodeIndirectLatest(ts, value.length));
  } else w.put(latestKey, encodeLatestValue(ts, value));
}

/**
 * Makes room for a newer version than the one in the latest slot (raw, with
 * prev = latestInfo(raw)): the previous newest moves to its version key
 * unless it is there already (indirect); at the same timestamp it is dropped
 * instead (the new write replaces that version). raw may be a transient
 * buffer: it is used up before the first engine call.
 */
export function retireNewest(w: EngineWriter, latestKey: Buffer, raw: Buffer, prev: LatestInfo, sameTs: boolean): void {
  if (sameTs) {
    if (prev.indirect) w.del(withTimestamp(latestKey, prev.ts));
  } else if (!prev.indirect) {
    w.put(withTimestamp(latestKey, prev.ts), scratchLatestToVersionValue(raw));
  }
}

/** Writes one new newest version of key at ts. */
export function mvccPut(w: EngineWriter, key: Buffer, value: Buffer | null, ts: Timestamp, deltas: StatsDeltas): void {
  const latestKey = encodeMvccKey(key, null);
  // Read without a copy where the engine can: prevRaw is used up before the next engine call.
  const prevRaw = w.getTransient ? w.getTransient(latestKey) : w.get(latestKey);
  const d = deltaFor(deltas, key);
  if (prevRaw) {
    const prev = latestInfo(prevRaw);
    if (value === null && !prev.isValue) return;
    const cmp = compareTimestamps(prev.ts, ts);
    if (cmp > 0) {
      throw new BurrowError(
        SqlState.InternalError,
        `write at ${timestampToDecimalString(ts)} is older than the newest version at ${timestampToDecimalString(prev.ts)}`,
      );
    }
    const prevSize = versionBytes(key.length, prev.payloadBytes);
    if (prev.isValue) {
      d.liveBytes -= prevSize;
      d.liveCount -= 1;
    }
    if (cmp === 0) {
      d.totalBytes -= prevSize;
      d.valCount -= 1;
    }
    retireNewest(w, latestKey, prevRaw, prev, cmp === 0);
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
  putNewest(w, latestKey, ts, value);
}

export function mvccApplyWrites(w: EngineWriter, writes: Iterable<KeyWrite>, ts: Timestamp, deltas: StatsDeltas): void {
  for (const wr of writes) mvccPut(w, wr.key, wr.value, ts, deltas);
}
