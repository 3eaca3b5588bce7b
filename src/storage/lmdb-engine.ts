// Owns the LMDB Engine (the embedded default, on disk) and its group commit.
//
// Durability is set explicitly, never left to lmdb-js defaults:
// - syncMode 'full': noSync=false, noMetaSync=false, overlappingSync=false,
//   so a transaction's promise resolves only after LMDB's fsync returned.
// - syncMode 'none': noSync=true (benchmarks and throwaway stores only).
// useWritemap is off (a stray write cannot corrupt the map), compression and
// the value cache are off (values are opaque bytes), map size starts at
// mapSizeBytes and lmdb-js grows it when full.
//
// Group commit: write() calls queue; while one engine transaction is being
// committed (on lmdb-js's writer thread), newly queued applies wait and then
// all go into the next transaction, which pays one fsync for all of them.
// Each apply runs in a child transaction so one that throws is rolled back
// alone. The store directory is locked against other openers (store-lock.ts).

import fs from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { CountingReader, Engine, EngineEntry, EngineRange, EngineWriter, SyncMode } from './engine.js';
import { checkEngineKey, checkEngineValue } from './engine-limits.js';
import { lockStoreDir } from './store-lock.js';
import { groupCommitMaxCommits } from '../util/limits.js';

export interface LmdbEngineOptions {
  path: string;
  syncMode: SyncMode;
  mapSizeBytes: number;
  maxReaders: number;
}

export const defaultLmdbOptions: Omit<LmdbEngineOptions, 'path'> = {
  syncMode: 'full',
  mapSizeBytes: 1024 * 1024 * 1024,
  maxReaders: 1024,
};

type Db = RootDatabase<Buffer, Buffer>;
type LmdbTxn = ReturnType<Db['useReadTransaction']>;

interface PendingWrite {
  apply: (w: EngineWriter) => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.length);
}

function rangeOptions(range: EngineRange, txn?: LmdbTxn): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (range.reverse) {
    // lmdb-js walks backwards from `start`; make it [range.start, range.end).
    o.reverse = true;
    if (range.end) {
      o.start = range.end;
      o.exclusiveStart = true;
    }
    if (range.start) {
      o.end = range.start;
      o.inclusiveEnd = true;
    }
  } else {
    if (range.start) o.start = range.start;
    if (range.end) o.end = range.end;
  }
  if (range.limit !== undefined) o.limit = range.limit;
  if (txn) o.transaction = txn;
  return o;
}

const emptyScan: Iterable<EngineEntry> = [];

// lmdb-js hands back fresh Buffers for keys and values (binary encodings), so
// its entries are returned as they are, without a wrapping generator.
function scanDb(db: Db, range: EngineRange, txn?: LmdbTxn): Iterable<EngineEntry> {
  if (range.limit !== undefined && range.limit <= 0) return emptyScan;
  if (range.start && range.end && Buffer.compare(range.start, range.end) >= 0) return emptyScan;
  return db.getRange(rangeOptions(range, txn) as never) as unknown as Iterable<EngineEntry>;
}

function getWithTxn(db: Db, key: Buffer, txn: LmdbTxn): Uint8Array | undefined {
  return (db.getBinary as (k: Buffer, o: { transaction: LmdbTxn }) => Uint8Array | undefined).call(db, key, {
    transaction: txn,
  });
}

export function readerFor(db: Db, txn?: LmdbTxn): CountingReader {
  return {
    // Counted in LMDB's native cursor walk: no key or value reaches JS.
    count: (range) => db.getCount(rangeOptions(range, txn) as never),
    get(key) {
      const v = txn ? getWithTxn(db, key, txn) : db.getBinary(key);
      return v === undefined ? undefined : asBuffer(v);
    },
    scan: (range) => scanDb(db, range, txn),
  };
}

/** The writer handed to apply functions: valid inside db.transactionSync only. */
export function writerFor(db: Db): EngineWriter {
  return {
    ...readerFor(db),
    getTransient(key) {
      // lmdb-js's shared get buffer (grown to the largest value read), or a view of the map. The shared
      // buffer's `length` is a property lmdb-js sets to the value's size; slicing gives a view whose real
      // length is that size (subarray and friends use the real length).
      const v = db.getBinaryFast(key) as Uint8Array | undefined;
      return v === undefined ? undefined : asBuffer(v).subarray(0, v.length);
    },
    put(key, value) {
      checkEngineKey(key);
      checkEngineValue(value);
      db.putSync(key, value);
    },
    del(key) {
      db.removeSync(key);
    },
  };
}

/** lmdb-js options for a store; every durability option explicit. */
export function lmdbOpenOptions(opts: LmdbEngineOptions): Record<string, unknown> {
  return {
    path: opts.path,
    // The store is always a directory, even when its name has a dot in it
    // (lmdb-js would otherwise guess a file from the name).
    noSubdir: false,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
    cache: false,
    useVersions: false,
    noSync: opts.syncMode === 'none',
    noMetaSync: opts.syncMode === 'none',
    overlappingSync: false,
    useWritemap: false,
    mapSize: opts.mapSizeBytes,
    maxReaders: opts.maxReaders,
    eventTurnBatching: true,
    commitDelay: 0,
  };
}

export function openLmdbEngine(opts: LmdbEngineOptions): Engine {
  fs.mkdirSync(opts.path, { recursive: true });
  const lock = lockStoreDir(opts.path);
  let db: Db;
  try {
    db = open<Buffer, Buffer>(lmdbOpenOptions(opts) as never);
  } catch (err) {
    lock.release();
    throw err;
  }

  const reader = readerFor(db);
  const writer = writerFor(db);

  const closeHooks: (() => Promise<void>)[] = [];
  let queue: PendingWrite[] = [];
  let inFlight: Promise<void> | null = null;
  let scheduled = false;
  let closed = false;
  let flushes = 0;
  let writes = 0;

  function startFlush(): void {
    const batch = queue.length <= groupCommitMaxCommits ? queue : queue.slice(0, groupCommitMaxCommits);
    queue = queue.length <= groupCommitMaxCommits ? [] : queue.slice(groupCommitMaxCommits);
    const failed = new Map<PendingWrite, unknown>();
    inFlight = db
      .transaction(() => {
        for (const p of batch) {
          try {
            db.transactionSync(() => p.apply(writer));
          } catch (err) {
            failed.set(p, err);
          }
        }
      })
      .then(
        () => {
          flushes++;
          for (const p of batch) {
            if (failed.has(p)) p.reject(failed.get(p));
            else {
              writes++;
              p.resolve();
            }
          }
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        inFlight = null;
        if (queue.length > 0) scheduleFlush();
      });
  }

  // Start the next flush one event turn later, so every commit queued in the
  // current turn (e.g. all writers woken by the previous flush) shares it.
  function scheduleFlush(): void {
    if (scheduled || inFlight) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!inFlight && queue.length > 0) startFlush();
    });
  }

  return {
    kind: 'lmdb',
    threadShareable: { ...opts },
    ...reader,
    snapshot() {
      const txn = db.useReadTransaction();
      return { ...readerFor(db, txn), release: () => txn.done() };
    },
    write(apply) {
      if (closed) return Promise.reject(new Error(`store ${opts.path} is closed`));
      return new Promise<void>((resolve, reject) => {
        queue.push({ apply, resolve, reject });
        scheduleFlush();
      });
    },
    writeSync(apply) {
      if (closed) throw new Error(`store ${opts.path} is closed`);
      db.transactionSync(() => apply(writer));
      flushes++;
      writes++;
    },
    async sync() {
      while (inFlight || queue.length > 0 || scheduled) {
        if (inFlight) await inFlight;
        else await new Promise((r) => setImmediate(r));
      }
      await db.flushed;
    },
    onClose(fn) {
      closeHooks.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(closeHooks.map((f) => f().catch(() => undefined)));
      while (inFlight || queue.length > 0 || scheduled) {
        if (inFlight) await inFlight;
        else await new Promise((r) => setImmediate(r));
      }
      await db.close();
      lock.release();
    },
    stats: () => ({ flushes, writes }),
  };
}
