// Owns export: reading a user-key span as entries for backup. Either the
// newest version of each key at endTs (a full, latest-only backup; tombstones
// left out unless startTs is given), or with startTs the changes in
// (startTs, endTs] (an incremental layer: the newest version in the window,
// deletions included), or with allRevisions every version in the window.
// Entries come in key order, versions newest first; pages end at key
// boundaries so a page never splits one key's history.

import type { EngineReader } from './engine.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import { walkHistories } from './mvcc-history.js';

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
  /** Keys one page visits at most. */
  maxKeys: number;
}

export interface ExportPage {
  entries: ExportEntry[];
  resume: Buffer | undefined;
}

export function mvccExportPage(r: EngineReader, req: ExportRequest): ExportPage {
  const walk = walkHistories(r, req.start, req.end, req.maxKeys);
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
