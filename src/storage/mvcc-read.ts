// Owns MVCC reads over any EngineReader: the newest version of a key at or
// before a timestamp, and paged scans of a user-key span at a timestamp.
//
// A scan page is read synchronously from one engine iterator and ends at a
// user-key boundary, returning a resume span; callers await between pages,
// never inside one. Versions that a read at ts must not see are passed by
// seeking (a new iterator from the next user key) once stepping past more
// than maxStepsBeforeSeek of them, so long histories cost a seek, not a walk.

import type { EngineEntry, EngineReader } from './engine.js';
import { compareTimestamps, zeroTimestamp, type Timestamp } from '../util/hlc.js';
import {
  dataSpanEnd, dataSpanStart, decodeLatestValue, decodeUserKey, decodeVersionValue, encodeMvccKey,
  isLatestSlot, latestAtOrBefore, latestValueTimestamp, nextUserKeyStart, tsParts, tsSuffixBytes, versionAtOrBefore,
  versionKeyTimestamp, withTimestamp,
} from './mvcc-key.js';

export interface MvccValue {
  ts: Timestamp;
  /** null for a tombstone (only returned by history-aware calls). */
  value: Buffer | null;
}

export interface MvccRow {
  key: Buffer;
  value: Buffer;
  ts: Timestamp;
}

const maxStepsBeforeSeek = 8;

/** The newest version of userKey at or before ts, including tombstones; undefined if none. */
export function mvccGetVersion(r: EngineReader, userKey: Buffer, ts: Timestamp): MvccValue | undefined {
  const latestKey = encodeMvccKey(userKey, null);
  const raw = r.get(latestKey);
  if (!raw) return undefined;
  const latest = decodeLatestValue(raw);
  if (compareTimestamps(latest.ts, ts) <= 0) return latest;
  const end = nextUserKeyStart(latestKey);
  for (const e of r.scan({ start: withTimestamp(latestKey, ts), end, limit: 1 })) {
    return { ts: versionKeyTimestamp(e.key), value: decodeVersionValue(e.value) };
  }
  return undefined;
}

/** The value of userKey visible at ts; undefined if absent or deleted. */
export function mvccGet(r: EngineReader, userKey: Buffer, ts: Timestamp): MvccRow | undefined {
  const v = mvccGetVersion(r, userKey, ts);
  if (!v || v.value === null) return undefined;
  return { key: userKey, value: v.value, ts: v.ts };
}

/** The timestamp of userKey's newest version (any kind), if any. */
export function mvccLatestTimestamp(r: EngineReader, userKey: Buffer): Timestamp | undefined {
  const raw = r.get(encodeMvccKey(userKey, null));
  return raw ? latestValueTimestamp(raw) : undefined;
}

export interface ScanRequest {
  start?: Buffer | undefined;
  end?: Buffer | undefined;
  ts: Timestamp;
  reverse?: boolean;
  /** Maximum rows this page returns. */
  maxRows: number;
  /** Stop after the page holds this many payload bytes (at least one row is returned). */
  maxBytes?: number;
  /** Fill MvccRow.ts (costs a BigInt decode per row); otherwise ts is zero. */
  withTimestamps?: boolean;
}

export interface ScanPage {
  rows: MvccRow[];
  /** Where to continue, or undefined when the span is exhausted. */
  resume: { start?: Buffer | undefined; end?: Buffer | undefined } | undefined;
}

export function mvccScanPage(r: EngineReader, req: ScanRequest): ScanPage {
  return req.reverse ? scanReverse(r, req) : scanForward(r, req);
}

function scanForward(r: EngineReader, req: ScanRequest): ScanPage {
  const rows: MvccRow[] = [];
  const maxBytes = req.maxBytes ?? Infinity;
  const end = dataSpanEnd(req.end);
  const parts = tsParts(req.ts);
  const withTs = !!req.withTimestamps;
  let from = dataSpanStart(req.start);
  let bytes = 0;
  outer: for (;;) {
    const it = r.scan({ start: from, end })[Symbol.iterator]();
    let skipPrefixLen = 0;
    let skipKey: Buffer | null = null; // engine key whose user key we are done with
    let wantKey: Buffer | null = null; // engine key whose user key needs a version <= ts
    let steps = 0;
    for (let n = it.next(); !n.done; n = it.next()) {
      const e: EngineEntry = n.value;
      const k = e.key;
      if (skipKey && k.length === skipPrefixLen + tsSuffixBytes && samePrefix(k, skipKey, skipPrefixLen)) {
        if (++steps > maxStepsBeforeSeek) {
          it.return?.();
          from = nextUserKeyStart(skipKey);
          continue outer;
        }
        continue;
      }
      if (wantKey && k.length === skipPrefixLen + tsSuffixBytes && samePrefix(k, wantKey, skipPrefixLen)) {
        if (!versionAtOrBefore(k, parts)) {
          if (++steps > maxStepsBeforeSeek) {
            it.return?.();
            from = withTimestamp(wantKey, req.ts);
            continue outer;
          }
          continue;
        }
        const v = decodeVersionValue(e.value);
        if (v) {
          rows.push({ key: decodeUserKey(k), value: v, ts: versionKeyTimestamp(k) });
          bytes += v.length;
        }
        skipKey = wantKey;
        wantKey = null;
        steps = 0;
        continue;
      }
      // A new user key: its first entry is the latest slot.
      if (rows.length >= req.maxRows || bytes >= maxBytes) {
        it.return?.();
        return { rows, resume: { start: decodeUserKey(k), end: req.end } };
      }
      skipPrefixLen = k.length - tsSuffixBytes;
      steps = 0;
      if (!isLatestSlot(k)) {
        // Defensive: a key without a latest slot (should not happen); treat entry as its newest version.
        wantKey = k;
        skipKey = null;
        if (compareTimestamps(versionKeyTimestamp(k), req.ts) > 0) continue;
        const v = decodeVersionValue(e.value);
        if (v) rows.push({ key: decodeUserKey(k), value: v, ts: versionKeyTimestamp(k) });
        skipKey = k;
        wantKey = null;
        continue;
      }
      if (latestAtOrBefore(e.value, parts)) {
        if (e.value[0] === 1) {
          const v = e.value.subarray(13);
          rows.push({ key: decodeUserKey(k), value: v, ts: withTs ? latestValueTimestamp(e.value) : zeroTimestamp });
          bytes += v.length;
        }
        skipKey = k;
        wantKey = null;
      } else {
        wantKey = k;
        skipKey = null;
      }
    }
    return { rows, resume: undefined };
  }
}

/** Whether a and b share their first len bytes; compares from the end, where neighbouring keys differ. */
function samePrefix(a: Buffer, b: Buffer, len: number): boolean {
  for (let i = len - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function scanReverse(r: EngineReader, req: ScanRequest): ScanPage {
  const rows: MvccRow[] = [];
  const maxBytes = req.maxBytes ?? Infinity;
  const start = dataSpanStart(req.start);
  let to = dataSpanEnd(req.end);
  let bytes = 0;
  for (;;) {
    let found: Buffer | undefined;
    for (const e of r.scan({ start, end: to, reverse: true, limit: 1 })) found = e.key;
    if (!found) return { rows, resume: undefined };
    const userKey = decodeUserKey(found);
    if (rows.length >= req.maxRows || bytes >= maxBytes) {
      return { rows, resume: { start: req.start, end: keyAfter(userKey) } };
    }
    const v = mvccGetVersion(r, userKey, req.ts);
    if (v && v.value) {
      rows.push({ key: userKey, value: v.value, ts: v.ts });
      bytes += v.value.length;
    }
    to = encodeMvccKey(userKey, null); // everything before this user key's versions
  }
}

/** The smallest user key greater than k. */
export function keyAfter(k: Buffer): Buffer {
  const out = Buffer.allocUnsafe(k.length + 1);
  k.copy(out);
  out[k.length] = 0;
  return out;
}

/**
 * Whether any key in [start, end) has a version newer than ts (its latest
 * slot says so). Used to validate a transaction's read spans at commit.
 */
export function mvccAnyNewer(r: EngineReader, start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): boolean {
  const endKey = dataSpanEnd(end);
  let from = dataSpanStart(start);
  for (;;) {
    let skipLen = 0;
    let skipKey: Buffer | null = null;
    let steps = 0;
    let seekTo: Buffer | null = null;
    for (const e of r.scan({ start: from, end: endKey })) {
      const k = e.key;
      if (skipKey && k.length === skipLen + tsSuffixBytes && samePrefix(k, skipKey, skipLen)) {
        if (++steps > maxStepsBeforeSeek) {
          seekTo = nextUserKeyStart(skipKey);
          break;
        }
        continue;
      }
      if (isLatestSlot(k) && compareTimestamps(latestValueTimestamp(e.value), ts) > 0) return true;
      skipKey = k;
      skipLen = k.length - tsSuffixBytes;
      steps = 0;
    }
    if (!seekTo) return false;
    from = seekTo;
  }
}
