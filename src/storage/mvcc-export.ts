// Owns export: reading a user-key span as entries for backup. Either the
// newest version of each key at endTs (a full, latest-only backup; tombstones
// left out unless startTs is given), or with startTs the changes in
// (startTs, endTs] (an incremental layer: the newest version in the window,
// deletions included), or with allRevisions every version in the window.
// Entries come in key order, versions newest first; pages end at key
// boundaries so a page never splits one key's history.

import type { EngineReader } from './engine.js';
import { compareTimestamps, maxLogical, maxWallNs, type Timestamp } from '../util/hlc.js';
import { walkHistories } from './mvcc-history.js';
import { decodeUserKey, latestValueTimestamp, mvccSuffixBytes, tsSuffixBytes, versionKeyTimestamp } from './mvcc-key.js';
import { latestPayloadOffset, mvccVisitPage } from './mvcc-read.js';

export interface ExportEntry {
  key: Buffer;
  ts: Timestamp;
  /** null for a deletion. */
  value: Buffer | null;
}

export interface ExportRequest {
  start?: Buffer | undefined;
  end?: Buffer | undefined;
  /** Exclusive lower bound; undefined means from the beginning of history. */
  startTs?: Timestamp | undefined;
  endTs: Timestamp;
  allRevisions: boolean;
  /** Keys one page visits at most (a latest-only page: entries it returns, keys without a visible row not counted). */
  maxKeys: number;
}

export interface ExportPage {
  entries: ExportEntry[];
  resume: Buffer | undefined;
}

export function mvccExportPage(r: EngineReader, req: ExportRequest): ExportPage {
  if (!req.allRevisions && !req.startTs) return latestOnlyPage(r, req);
  const walk = walkHistories(r, req.start, req.end, { maxKeys: req.maxKeys });
  const entries: ExportEntry[] = [];
  const inWindow = (ts: Timestamp): boolean =>
    compareTimestamps(ts, req.endTs) <= 0 && (!req.startTs || compareTimestamps(ts, req.startTs) > 0);
  for (const h of walk.histories) {
    if (req.allRevisions) {
      for (const v of h.versions) {
        if (inWindow(v.ts)) entries.push({ key: h.key, ts: v.ts, value: v.value });
      }
      continue;
    }
    const v = h.versions.find((x) => compareTimestamps(x.ts, req.endTs) <= 0);
    if (!v || !inWindow(v.ts)) continue;
    if (v.value === null && !req.startTs) continue;
    entries.push({ key: h.key, ts: v.ts, value: v.value });
  }
  return { entries, resume: walk.resume };
}

/**
 * A full latest-only page: exactly the rows a read at endTs sees (tombstones
 * left out), so it is the MVCC read walk (mvccVisitPage, which seeks past
 * long histories) without building a history per key. A page holds at most
 * maxKeys entries.
 */
function latestOnlyPage(r: EngineReader, req: ExportRequest): ExportPage {
  const entries: ExportEntry[] = [];
  const page = mvccVisitPage(r, { start: req.start, end: req.end, ts: req.endTs, maxRows: Math.max(1, req.maxKeys) }, (k, v, at) => {
    const ts = at === latestPayloadOffset ? latestValueTimestamp(v) : versionKeyTimestamp(k);
    entries.push({ key: decodeUserKey(k), ts, value: v.subarray(at) });
  });
  return { entries, resume: page.resume?.start };
}

/**
 * Receives one entry of a raw latest-only export: the user key is
 * key[keyStart, keyEnd), the value value[valueStart, value.length). The
 * buffers may be the engine's: valid during the call only, never to be
 * mutated.
 */
export type ExportVisitor = (key: Buffer, keyStart: number, keyEnd: number, wall: bigint, logical: number, value: Buffer, valueStart: number) => void;

export interface ExportVisitPage {
  entries: number;
  resume: Buffer | undefined;
}

/**
 * The entries of a full latest-only export page (no startTs, no
 * allRevisions: the same entries as mvccExportPage) handed to visit without
 * an entry object, user key or value slice per entry.
 */
export function mvccExportVisitPage(r: EngineReader, req: ExportRequest, visit: ExportVisitor): ExportVisitPage {
  if (req.allRevisions || req.startTs) throw new Error('mvccExportVisitPage: latest-only exports only');
  const page = mvccVisitPage(r, { start: req.start, end: req.end, ts: req.endTs, maxRows: Math.max(1, req.maxKeys) }, (k, v, at) => {
    let wall: bigint;
    let logical: number;
    if (at === latestPayloadOffset) {
      wall = v.readBigUInt64BE(1);
      logical = v.readUInt32BE(9);
    } else {
      const t = k.length - tsSuffixBytes;
      wall = maxWallNs - k.readBigUInt64BE(t);
      logical = maxLogical - k.readUInt32BE(t + 8);
    }
    // The user key is the engine key's bytes 1..end unless it holds an escaped zero byte.
    const end = k.length - mvccSuffixBytes;
    let escaped = false;
    for (let i = 1; i < end; i++) {
      if (k[i] === 0) {
        escaped = true;
        break;
      }
    }
    if (escaped) {
      const u = decodeUserKey(k);
      visit(u, 0, u.length, wall, logical, v, at);
    } else visit(k, 1, end, wall, logical, v, at);
  });
  return { entries: page.rows, resume: page.resume?.start };
}
