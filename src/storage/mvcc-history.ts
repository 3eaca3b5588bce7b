// Owns walking a user-key span one key at a time with all of each key's
// versions, newest first, each with its timestamp. GC and export both work
// key by key over whole histories; this keeps that walk in one place.
//
// A walk reads synchronously from one engine iterator and stops at a key
// boundary once maxKeys keys were visited, returning where to resume.

import type { EngineReader } from './engine.js';
import type { Timestamp } from '../util/hlc.js';
import {
  dataSpanEnd, dataSpanStart, decodeLatestValue, decodeUserKey, decodeVersionValue, isLatestSlot, tsSuffixBytes,
  versionKeyTimestamp,
} from './mvcc-key.js';

export interface StoredVersion {
  engineKey: Buffer;
  ts: Timestamp;
  value: Buffer | null;
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

export function walkHistories(
  r: EngineReader,
  start: Buffer | undefined,
  end: Buffer | undefined,
  maxKeys: number,
  maxVersions = Infinity,
): HistoryWalk {
  const histories: KeyHistory[] = [];
  let cur: KeyHistory | null = null;
  let curPrefixLen = 0;
  let curKey: Buffer | null = null;
  let versions = 0;
  for (const e of r.scan({ start: dataSpanStart(start), end: dataSpanEnd(end) })) {
    const k = e.key;
    const same =
      curKey !== null && k.length === curPrefixLen + tsSuffixBytes && k.compare(curKey, 0, curPrefixLen, 0, curPrefixLen) === 0;
    if (!same) {
      if (histories.length >= maxKeys || versions >= maxVersions) return { histories, resume: decodeUserKey(k) };
      cur = { key: decodeUserKey(k), versions: [] };
      histories.push(cur);
      curKey = k;
      curPrefixLen = k.length - tsSuffixBytes;
    }
    versions++;
    if (isLatestSlot(k)) {
      const d = decodeLatestValue(e.value);
      cur!.versions.push({ engineKey: k, ts: d.ts, value: d.value, latest: true });
    } else {
      cur!.versions.push({ engineKey: k, ts: versionKeyTimestamp(k), value: decodeVersionValue(e.value), latest: false });
    }
  }
  return { histories, resume: undefined };
}
