// Owns the in-memory Engine (tests and --store=type=mem). Everything lives in
// one SortedMap; snapshots are copy-on-write. Writes apply synchronously in
// call order; nothing is durable, so sync() is a no-op. visit() walks the
// map without allocating per entry (sortedVisit). Stored keys and
// values are copied so callers may reuse their buffers.

import type { Engine, EngineEntry, EngineRange, EngineReader, EngineSnapshot, EngineWriter } from './engine.js';
import { checkEngineKey } from './engine-limits.js';
import {
  newSortedMap, sortedDelete, sortedEntries, sortedFork, sortedGet, sortedSet, sortedSnapshot, sortedVisit, type SortedMap,
} from './sorted-map.js';

function readerOver(m: () => SortedMap<Buffer>): EngineReader {
  return {
    get: (key) => sortedGet(m(), key),
    scan: (range) => scanMap(m(), range),
    visit: (range, fn) => void sortedVisit(m(), range.start, range.end, fn),
  };
}

function* scanMap(m: SortedMap<Buffer>, range: EngineRange): Generator<EngineEntry> {
  let left = range.limit ?? Infinity;
  if (left <= 0) return;
  for (const [key, value] of sortedEntries(m, range)) {
    yield { key, value };
    if (--left <= 0) return;
  }
}

export function openMemoryEngine(): Engine {
  let map = newSortedMap<Buffer>();
  let closed = false;
  let flushes = 0;
  let writes = 0;
  const reader = readerOver(() => map);

  function applyOne(apply: (w: EngineWriter) => void): void {
    // Apply against a copy-on-write snapshot so a throwing apply rolls back alone.
    const before = sortedSnapshot(map);
    const writer: EngineWriter = {
      ...reader,
      put(key, value) {
        checkEngineKey(key);
        sortedSet(map, Buffer.from(key), Buffer.from(value));
      },
      del(key) {
        sortedDelete(map, key);
      },
    };
    try {
      apply(writer);
    } catch (err) {
      map = sortedFork(before);
      throw err;
    }
  }

  return {
    kind: 'memory',
    ...reader,
    snapshot(): EngineSnapshot {
      const snap = sortedSnapshot(map);
      return { ...readerOver(() => snap), release() {} };
    },
    write(apply) {
      if (closed) return Promise.reject(new Error('engine is closed'));
      try {
        applyOne(apply);
        flushes++;
        writes++;
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    writeSync(apply) {
      if (closed) throw new Error('engine is closed');
      applyOne(apply);
      flushes++;
      writes++;
    },
    sync: () => Promise.resolve(),
    close() {
      closed = true;
      return Promise.resolve();
    },
    stats: () => ({ flushes, writes }),
  };
}
