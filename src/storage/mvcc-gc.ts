// Owns MVCC garbage collection of one page of keys inside an engine write:
// given a threshold T, every version shadowed by a newer version at or
// before T is removed, and so is a tombstone at or before T that is the
// newest version at or before T. The newest version at or before T that is a
// value is kept, so reads above T are unaffected. Stats are adjusted.
// Values are never held: the walk keeps only sizes and tombstone marks.

import type { EngineWriter } from './engine.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import { walkHistories } from './mvcc-history.js';
import { deltaFor, versionBytes, type StatsDeltas } from './mvcc-stats.js';

export interface GcPageResult {
  resume: Buffer | undefined;
  versionsRemoved: number;
  bytesRemoved: number;
}

export interface GcPageLimits {
  maxKeys: number;
  /** A page ends at the key boundary after this many stored value bytes (one write transaction's work). */
  maxValueBytes: number;
}

export function mvccGcPage(
  w: EngineWriter,
  start: Buffer | undefined,
  end: Buffer | undefined,
  threshold: Timestamp,
  limits: GcPageLimits,
  deltas: StatsDeltas,
): GcPageResult {
  const walk = walkHistories(w, start, end, { ...limits, keepValues: false });
  const doomed: Buffer[] = [];
  let bytesRemoved = 0;
  for (const h of walk.histories) {
    const keep = h.versions.findIndex((v) => compareTimestamps(v.ts, threshold) <= 0);
    if (keep === -1) continue;
    const from = h.versions[keep]!.value === null ? keep : keep + 1;
    if (from >= h.versions.length) continue;
    const d = deltaFor(deltas, h.key);
    for (let i = from; i < h.versions.length; i++) {
      const v = h.versions[i]!;
      const size = versionBytes(h.key.length, v.valueBytes);
      d.totalBytes -= size;
      d.valCount -= 1;
      bytesRemoved += size;
      doomed.push(v.engineKey);
    }
    if (from === 0) d.keyCount -= 1; // the latest slot (a tombstone) went too: the key is gone
  }
  for (const k of doomed) w.del(k);
  return { resume: walk.resume, versionsRemoved: doomed.length, bytesRemoved };
}
