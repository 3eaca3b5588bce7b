// Owns MVCC reads over any EngineReader: the newest version of a key at or
// before a timestamp, and paged scans of a user-key span at a timestamp.
//
// A scan page is read synchronously from one engine iterator and ends at a
// user-key boundary, returning a resume span; callers await between pages,
// never inside one. Versions that a read at ts must not see are passed by
// seeking (a new iterator from the next user key) once stepping past more
// than maxStepsBeforeSeek of them, so long histories cost a seek, not a walk.
//
// Forward pages are one walk, mvccVisitPage, that hands each visible row to
// a callback (engine key, raw value, payload offset) without allocating per
// row; scanPage collects rows from it, and batch scans (kv scanVisit, SQL
// aggregation over a table) consume the bytes directly. The walk uses the
// engine's visit() when it has one, its scan() iterator otherwise.

import type { EngineReader } from './engine.js';
import { compareTimestamps, timestampToDecimalString, zeroTimestamp, type Timestamp } from '../util/hlc.js';
import { BurrowError, SqlState } from '../util/errors.js';
import {
  dataSpanEnd, dataSpanStart, decodeLatestValue, decodeUserKey, decodeVersionValue, encodeMvccKey,
  isLatestSlot, latestAtOrBefore, latestValueTimestamp, nextUserKeyStart, tagIndirect, tagValue, tsParts, tsSuffixBytes, versionAtOrBefore,
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
  if (raw[0] === tagIndirect) {
    // The newest version is at its version key; if it is newer than ts, the walk below passes it.
    const lt = latestValueTimestamp(raw);
    if (compareTimestamps(lt, ts) <= 0) {
      const v = r.get(withTimestamp(latestKey, lt));
      if (!v) throw new BurrowError(SqlState.DataCorrupted, `MVCC data is damaged: the newest version of a key is missing at ${timestampToDecimalString(lt)}`);
      return { ts: lt, value: decodeVersionValue(v) };
    }
  } else {
    const latest = decodeLatestValue(raw);
    if (compareTimestamps(latest.ts, ts) <= 0) return latest;
  }
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
  const withTs = !!req.withTimestamps;
  const page = mvccVisitPage(r, req, (k, v, at) => {
    const ts = at === latestPayloadOffset ? (withTs ? latestValueTimestamp(v) : zeroTimestamp) : versionKeyTimestamp(k);
    rows.push({ key: decodeUserKey(k), value: v.subarray(at), ts });
  });
  return { rows, resume: page.resume };
}

/** Where the payload starts in a latest-slot value (tag + wall + logical); a version value's starts at 1. */
export const latestPayloadOffset = 13;

/**
 * Receives one visible row of a batch scan: the engine key (decodeUserKey
 * gives the user key; versionKeyTimestamp its timestamp when payloadAt is
 * 1), the raw engine value and where the payload starts in it
 * (latestPayloadOffset for a latest slot, 1 for an older version). The
 * buffers are the engine's: valid during the call only, never to be mutated.
 */
export type MvccVisitor = (engineKey: Buffer, value: Buffer, payloadAt: number) => void;

export interface VisitPage {
  /** Rows passed to the visitor. */
  rows: number;
  resume: ScanPage['resume'];
}

/**
 * A forward scan page like mvccScanPage, with each visible row handed to
 * visit instead of collected (no row object, user key or value slice per
 * row). Same visibility rules, page limits and resume span as scanPage;
 * req.reverse and req.withTimestamps are ignored.
 */
export function mvccVisitPage(r: EngineReader, req: ScanRequest, visit: MvccVisitor): VisitPage {
  const maxBytes = req.maxBytes ?? Infinity;
  const maxRows = req.maxRows;
  const end = dataSpanEnd(req.end);
  const parts = tsParts(req.ts);
  let from = dataSpanStart(req.start);
  let rows = 0;
  let bytes = 0;
  // Per-iterator state (reset after each seek).
  let skipPrefixLen = 0;
  let skipKey: Buffer | null = null; // engine key whose user key we are done with
  let wantKey: Buffer | null = null; // engine key whose user key needs a version <= ts
  let steps = 0;
  let seekTo: Buffer | null = null; // set when the walk stops to seek
  let resume: ScanPage['resume'] = undefined; // set when the walk stops at the page limit
  const step = (k: Buffer, value: Buffer): boolean => {
    // A latest slot always starts a new user key (it sorts first among the key's entries).
    const latest = isLatestSlot(k);
    if (!latest) {
      if (skipKey && k.length === skipPrefixLen + tsSuffixBytes && samePrefix(k, skipKey, skipPrefixLen)) {
        if (++steps > maxStepsBeforeSeek) {
          seekTo = nextUserKeyStart(skipKey);
          return true;
        }
        return false;
      }
      if (wantKey && k.length === skipPrefixLen + tsSuffixBytes && samePrefix(k, wantKey, skipPrefixLen)) {
        if (!versionAtOrBefore(k, parts)) {
          if (++steps > maxStepsBeforeSeek) {
            seekTo = withTimestamp(wantKey, req.ts);
            return true;
          }
          return false;
        }
        if (value[0] === tagValue) {
          visit(k, value, 1);
          rows++;
          bytes += value.length - 1;
        }
        skipKey = wantKey;
        wantKey = null;
        steps = 0;
        return false;
      }
    }
    // A new user key.
    if (rows >= maxRows || bytes >= maxBytes) {
      resume = { start: decodeUserKey(k), end: req.end };
      return true;
    }
    skipPrefixLen = k.length - tsSuffixBytes;
    steps = 0;
    if (!latest) {
      // Defensive: a key without a latest slot (should not happen); treat entry as its newest version.
      wantKey = k;
      skipKey = null;
      if (compareTimestamps(versionKeyTimestamp(k), req.ts) > 0) return false;
      if (value[0] === tagValue) {
        visit(k, value, 1);
        rows++;
      }
      skipKey = k;
      wantKey = null;
      return false;
    }
    if (latestAtOrBefore(value, parts) && value[0] !== tagIndirect) {
      if (value[0] === tagValue) {
        visit(k, value, latestPayloadOffset);
        rows++;
        bytes += value.length - latestPayloadOffset;
      }
      skipKey = k;
      wantKey = null;
    } else {
      // Not visible at ts, or indirect: the visible version is one of the version keys that follow.
      wantKey = k;
      skipKey = null;
    }
    return false;
  };
  for (;;) {
    skipPrefixLen = 0;
    skipKey = null;
    wantKey = null;
    steps = 0;
    seekTo = null;
    if (r.visit) r.visit({ start: from, end }, step);
    else {
      for (const e of r.scan({ start: from, end })) if (step(e.key, e.value)) break;
    }
    if (resume) return { rows, resume };
    if (!seekTo) return { rows, resume: undefined };
    from = seekTo;
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
