// Owns choosing where to cut a user-key span into parts of similar size for
// parallel export. Candidates are byte-wise midpoints of two user keys (as
// big-endian numbers over the longer length, cut to splitKeyBytes). Where
// the engine counts ranges natively (LMDB), the cut is found by bisection on
// the engine entries below it (each probe a native count, no entry reaching
// JS) until it is within balanceSlack of the middle; otherwise the midpoint
// of the first and last keys is used (exact only for uniformly spread key
// bytes; variable-length integer encodings skew it badly). Either way every
// returned key lies strictly inside (first, last], so each part is non-empty:
// a poor cut costs speed, never correctness.

import type { CountingReader, EngineReader } from './engine.js';
import { dataSpanEnd, dataSpanStart, decodeUserKey } from './mvcc-key.js';

/** Longest split key (enough to separate any two realistic keys). */
const splitKeyBytes = 32;
/** A counted cut is accepted within this fraction of the span's entries from its target. */
const balanceSlack = 0.02;
/** Bisection steps at most per cut. */
const maxBisectSteps = 64;

function firstKey(r: EngineReader, start: Buffer, end: Buffer, reverse: boolean): Buffer | undefined {
  for (const e of r.scan({ start: dataSpanStart(start), end: dataSpanEnd(end), limit: 1, reverse })) return decodeUserKey(e.key);
  return undefined;
}

/** The midpoint of a and b (a < b) as bytes: floor((a + b) / 2) over max(len) bytes, trailing zeros dropped. */
function midpoint(a: Buffer, b: Buffer): Buffer {
  const n = Math.min(splitKeyBytes, Math.max(a.length, b.length));
  const out = Buffer.alloc(n);
  let carry = 0;
  // Sum from the last byte, then halve from the first.
  const sum = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const s = (a[i] ?? 0) + (b[i] ?? 0) + carry;
    sum[i] = s & 0xff;
    carry = s >> 8;
  }
  let rem = carry;
  for (let i = 0; i < n; i++) {
    const v = rem * 256 + sum[i]!;
    out[i] = v >> 1;
    rem = v & 1;
  }
  let len = n;
  while (len > 0 && out[len - 1] === 0) len--;
  return out.subarray(0, len);
}

/**
 * Up to parts-1 keys cutting [start, end) into parts of similar key range,
 * ascending, each strictly after the span's first key and at or before its
 * last; fewer (none) when the span holds too few distinct keys.
 */
export function mvccSplitKeys(r: EngineReader, start: Buffer, end: Buffer, parts: number): Buffer[] {
  if (parts < 2) return [];
  const first = firstKey(r, start, end, false);
  const last = firstKey(r, start, end, true);
  if (!first || !last || Buffer.compare(first, last) >= 0) return [];
  const counter = 'count' in r ? (r as CountingReader) : null;
  const entriesIn = (a: Buffer, b: Buffer): number => counter!.count({ start: dataSpanStart(a), end: dataSpanStart(b) });
  const cuts: Buffer[] = [];
  // Cuts [lo, hi] (lo, hi present keys) into n parts.
  const cut = (lo: Buffer, hi: Buffer, n: number): void => {
    if (n < 2) return;
    const leftParts = Math.floor(n / 2);
    const m = counter ? balancedCut(lo, hi, leftParts / n) : midpoint(lo, hi);
    if (!m || Buffer.compare(m, lo) <= 0 || Buffer.compare(m, hi) > 0) return;
    cut(lo, m, leftParts);
    cuts.push(m);
    cut(m, hi, n - leftParts);
  };
  // A key m in (lo, hi] with about share of the entries of [lo, hi] below it.
  // Each probe counts only inside the current bracket, so the probes of one
  // cut count about twice the span's entries in all.
  const balancedCut = (lo: Buffer, hi: Buffer, share: number): Buffer | null => {
    const total = entriesIn(lo, dataSpanEndKey(hi));
    const target = total * share;
    let a = lo;
    let b = hi;
    let belowA = 0; // entries in [lo, a)
    let best: Buffer | null = null;
    let bestMiss = Infinity;
    for (let i = 0; i < maxBisectSteps; i++) {
      const m = midpoint(a, b);
      if (Buffer.compare(m, a) <= 0 || Buffer.compare(m, b) >= 0) break;
      const below = belowA + entriesIn(a, m);
      const miss = Math.abs(below - target);
      if (miss < bestMiss) {
        best = m;
        bestMiss = miss;
      }
      if (miss <= total * balanceSlack) break;
      if (below < target) {
        a = m;
        belowA = below;
      } else b = m;
    }
    return best;
  };
  cut(first, last, parts);
  return cuts;
}

/** The first user key after k (k's own versions included below it). */
function dataSpanEndKey(k: Buffer): Buffer {
  return Buffer.concat([k, Buffer.from([0])]);
}
