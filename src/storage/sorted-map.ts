// Owns SortedMap: an in-memory ordered map from byte keys to byte values,
// stored as a list of sorted chunks (binary search over chunks, then within
// one). Snapshots are copy-on-write: taking one is O(chunks) and a later
// write clones only the chunk it touches. Used by the memory engine and by
// the kv layer's transaction write buffers.
//
// sortedVisit is the forward walk without a generator or a [key, value]
// tuple per entry (the batch scan path: see mvcc-read.ts).
//
// Invariants: chunks are non-empty (except a single empty chunk for an empty
// map), ordered, and each holds at most maxChunkEntries keys.

import { compareBytes } from '../util/bytes.js';

const maxChunkEntries = 512;
// Generations come from one counter, so a map or fork never shares its
// generation with chunks it does not own.
let nextGen = 1;

interface Chunk<V> {
  keys: Buffer[];
  vals: V[];
  gen: number; // the map generation that owns this chunk; older = shared with a snapshot
}

export interface SortedMap<V> {
  chunks: Chunk<V>[];
  gen: number;
  size: number;
}

export function newSortedMap<V>(): SortedMap<V> {
  const gen = nextGen++;
  return { chunks: [{ keys: [], vals: [], gen }], gen, size: 0 };
}

function chunkIndexFor<V>(m: SortedMap<V>, key: Buffer): number {
  // The last chunk whose first key <= key (or 0).
  let lo = 0;
  let hi = m.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const first = m.chunks[mid]!.keys[0]!;
    if (Buffer.compare(first, key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the first key >= key within a chunk. */
function lowerBound(keys: Buffer[], key: Buffer): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ownChunk<V>(m: SortedMap<V>, ci: number): Chunk<V> {
  const c = m.chunks[ci]!;
  if (c.gen === m.gen) return c;
  const copy = { keys: c.keys.slice(), vals: c.vals.slice(), gen: m.gen };
  m.chunks[ci] = copy;
  return copy;
}

function lastKey<V>(m: SortedMap<V>): Buffer | undefined {
  const c = m.chunks[m.chunks.length - 1]!;
  return c.keys[c.keys.length - 1];
}

export function sortedGet<V>(m: SortedMap<V>, key: Buffer): V | undefined {
  const last = lastKey(m);
  if (!last || Buffer.compare(key, last) > 0) return undefined; // past the end: common for appends
  const c = m.chunks[chunkIndexFor(m, key)]!;
  const i = lowerBound(c.keys, key);
  return i < c.keys.length && c.keys[i]!.equals(key) ? c.vals[i] : undefined;
}

export function sortedSet<V>(m: SortedMap<V>, key: Buffer, val: V): void {
  const last = lastKey(m);
  if (last && Buffer.compare(key, last) > 0) {
    // Append fast path (ascending inserts): one comparison instead of a binary search.
    const ci = m.chunks.length - 1;
    const c = ownChunk(m, ci);
    c.keys.push(key);
    c.vals.push(val);
    m.size++;
    if (c.keys.length > maxChunkEntries) {
      const half = c.keys.length >>> 1;
      m.chunks.push({ keys: c.keys.splice(half), vals: c.vals.splice(half), gen: m.gen });
    }
    return;
  }
  const ci = chunkIndexFor(m, key);
  const c = ownChunk(m, ci);
  const i = lowerBound(c.keys, key);
  if (i < c.keys.length && c.keys[i]!.equals(key)) {
    c.vals[i] = val;
    return;
  }
  c.keys.splice(i, 0, key);
  c.vals.splice(i, 0, val);
  m.size++;
  if (c.keys.length > maxChunkEntries) {
    const half = c.keys.length >>> 1;
    const right: Chunk<V> = { keys: c.keys.splice(half), vals: c.vals.splice(half), gen: m.gen };
    m.chunks.splice(ci + 1, 0, right);
  }
}

export function sortedDelete<V>(m: SortedMap<V>, key: Buffer): boolean {
  const ci = chunkIndexFor(m, key);
  const peek = m.chunks[ci]!;
  const pi = lowerBound(peek.keys, key);
  if (pi >= peek.keys.length || !peek.keys[pi]!.equals(key)) return false;
  const c = ownChunk(m, ci);
  c.keys.splice(pi, 1);
  c.vals.splice(pi, 1);
  m.size--;
  if (c.keys.length === 0 && m.chunks.length > 1) m.chunks.splice(ci, 1);
  return true;
}

/** A copy-on-write snapshot: later writes to m do not show in it. */
export function sortedSnapshot<V>(m: SortedMap<V>): SortedMap<V> {
  const snap: SortedMap<V> = { chunks: m.chunks.slice(), gen: m.gen, size: m.size };
  m.gen = nextGen++;
  return snap;
}

/** A writable copy of m (m itself stays unchanged): copy-on-write as with snapshots. */
export function sortedFork<V>(m: SortedMap<V>): SortedMap<V> {
  return { chunks: m.chunks.slice(), gen: nextGen++, size: m.size };
}

export function sortedClear<V>(m: SortedMap<V>): void {
  m.chunks = [{ keys: [], vals: [], gen: m.gen }];
  m.size = 0;
}

export interface SortedRange {
  start?: Buffer | undefined;
  end?: Buffer | undefined;
  reverse?: boolean;
}

/** Entries in [start, end), forward or reverse. Must not be held across writes to m. */
export function* sortedEntries<V>(m: SortedMap<V>, range: SortedRange = {}): Generator<[Buffer, V]> {
  const { start, end } = range;
  if (!range.reverse) {
    let ci = start ? chunkIndexFor(m, start) : 0;
    let i = start ? lowerBound(m.chunks[ci]!.keys, start) : 0;
    for (; ci < m.chunks.length; ci++, i = 0) {
      const c = m.chunks[ci]!;
      // Compare against end only in the chunk that reaches it.
      const last = c.keys[c.keys.length - 1];
      const check = end !== undefined && last !== undefined && Buffer.compare(last, end) >= 0;
      for (; i < c.keys.length; i++) {
        const k = c.keys[i]!;
        if (check && Buffer.compare(k, end!) >= 0) return;
        yield [k, c.vals[i]!];
      }
    }
    return;
  }
  let ci = end ? chunkIndexFor(m, end) : m.chunks.length - 1;
  let i = end ? lowerBound(m.chunks[ci]!.keys, end) - 1 : m.chunks[ci]!.keys.length - 1;
  for (; ci >= 0; ) {
    const c = m.chunks[ci]!;
    for (; i >= 0; i--) {
      const k = c.keys[i]!;
      if (start && Buffer.compare(k, start) < 0) return;
      yield [k, c.vals[i]!];
    }
    ci--;
    if (ci >= 0) i = m.chunks[ci]!.keys.length - 1;
  }
}

/**
 * Calls fn for each entry in [start, end) in key order until fn returns
 * true; returns whether it did. The same walk as a forward sortedEntries,
 * without a generator or a tuple per entry. fn must not write to m.
 */
export function sortedVisit<V>(
  m: SortedMap<V>, start: Buffer | undefined, end: Buffer | undefined, fn: (key: Buffer, val: V) => boolean | void,
): boolean {
  let ci = start ? chunkIndexFor(m, start) : 0;
  let i = start ? lowerBound(m.chunks[ci]!.keys, start) : 0;
  for (; ci < m.chunks.length; ci++, i = 0) {
    const c = m.chunks[ci]!;
    const keys = c.keys;
    const vals = c.vals;
    const last = keys[keys.length - 1];
    // Compare against end only in the chunk that reaches it.
    const check = end !== undefined && last !== undefined && compareBytes(last, end) >= 0;
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      if (check && compareBytes(k, end!) >= 0) return false;
      if (fn(k, vals[i]!) === true) return true;
    }
  }
  return false;
}

