// Owns walking a user-key span one key at a time with all of each key's
// versions, newest first, each with its timestamp. GC and export both work
// key by key over whole histories; this keeps that walk in one place.
//
// An indirect latest slot (mvcc-key.ts) is skipped: its version key, next in
// the walk, is that version. A GC that removes every version of a key whose
// newest is a tombstone removes the latest slot as one of them (a tombstone
// is always direct).
//
// A walk reads synchronously from one engine iterator and stops at a key
// boundary once maxKeys keys, maxVersions versions or maxValueBytes stored
// value bytes were visited, returning where to resume. Without keepValues
// (GC only needs sizes and tombstones) no value is retained: a page of 4 MiB
// userfile chunks must not hold the page's values in memory.

import type { EngineReader } from './engine.js';
import type { Timestamp } from '../util/hlc.js';
import {
  dataSpanEnd, dataSpanStart, decodeLatestValue, decodeUserKey, decodeVersionValue, isLatestSlot, tagIndirect,
  tsSuffixBytes, versionKeyTimestamp,
} from './mvcc-key.js';

export interface StoredVersion {
  engineKey: Buffer;
  ts: Timestamp;
  /** null for a tombstone; an empty buffer for a value when the walk was asked not to keep values. */
  value: Buffer | null;
  /** The payload's length (0 for a tombstone), kept either way. */
  valueBytes: number;
  latest: boolean;
}

export interface KeyHistory {
  key: Buffer;
  versions: StoredVersion[];
}

export interface HistoryWalk {
  histories: KeyHistory[];
  resume: Buffer | undefined;
}

export interface WalkLimits {
  maxKeys: number;
  maxVersions?: number;
  /** Stop at the next key boundary once this many stored value bytes were read. */
  maxValueBytes?: number;
  /** Default true; false replaces every value with an empty buffer (tombstones stay null). */
  keepValues?: boolean;
}

const noValue = Buffer.alloc(0);

export function walkHistories(r: EngineReader, start: Buffer | undefined, end: Buffer | undefined, limits: WalkLimits): HistoryWalk {
  const { maxKeys, maxVersions = Infinity, maxValueBytes = Infinity, keepValues = true } = limits;
  const histories: KeyHistory[] = [];
  let cur: KeyHistory | null = null;
  let curPrefixLen = 0;
  let curKey: Buffer | null = null;
  let versions = 0;
  let valueBytes = 0;
  for (const e of r.scan({ start: dataSpanStart(start), end: dataSpanEnd(end) })) {
    const k = e.key;
    const same =
      curKey !== null && k.length === curPrefixLen + tsSuffixBytes && k.compare(curKey, 0, curPrefixLen, 0, curPrefixLen) === 0;
    if (!same) {
      if (histories.length >= maxKeys || versions >= maxVersions || valueBytes >= maxValueBytes) {
        return { histories, resume: decodeUserKey(k) };
      }
      cur = { key: decodeUserKey(k), versions: [] };
      histories.push(cur);
      curKey = k;
      curPrefixLen = k.length - tsSuffixBytes;
    }
    valueBytes += e.value.length;
    const latest = isLatestSlot(k);
    // An indirect latest slot points at the version key that follows it: that entry is the version.
    if (latest && e.value[0] === tagIndirect) continue;
    versions++;
    const { ts, value } = latest ? decodeLatestValue(e.value) : { ts: versionKeyTimestamp(k), value: decodeVersionValue(e.value) };
    const kept = value === null || keepValues ? value : noValue;
    cur!.versions.push({ engineKey: k, ts, value: kept, valueBytes: value === null ? 0 : value.length, latest });
  }
  return { histories, resume: undefined };
}
