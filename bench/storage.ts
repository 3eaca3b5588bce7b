// Owns the storage benchmark suite: the MVCC store (src/storage) against raw
// lmdb on the same data in the same run, and group commit against one
// writer committing alone.
//
// Data: 1,000,000 keys of 16 bytes (a table-like prefix 0xbd 0x89 "row///",
// then a big-endian 64-bit counter) with 100-byte values, generated once.
// Pairs (each warmed up, then ours/raw interleaved for `rounds` rounds,
// medians reported; see harness.ts):
// - ingest: store.ingest() of the 1M sorted entries (syncMode 'none') vs raw
//   lmdb putSync in sorted order inside transactionSync batches of 10,000
//   (noSync): neither side fsyncs. The last round's databases (when complete)
//   are kept as the data set for the reads below.
// - point get: store.get(key, ts) vs raw getBinary, over one pre-generated
//   random permutation of the keys, same order for both.
// - full scan: store.scanPage pages of 1,000 rows until no resume vs raw
//   getRange({}), counting rows and touching each value's length.
// - group commit: on fresh syncMode 'full' stores, 8 concurrent writers each
//   running N/8 single-row kv transactions on distinct keys vs 1 writer
//   running N sequentially; commits/s.

import { open, type RootDatabase } from 'lmdb';
import { openStore, type Store } from '../src/storage/store.js';
import type { ExportEntry } from '../src/storage/mvcc-export.js';
import { openKv } from '../src/kv/db.js';
import type { Timestamp } from '../src/util/hlc.js';
import {
  makeTempDir, measurePair, removeTempDir, timed, type BenchResult, type RunContext, type Sample, type Suite,
} from './harness.js';

const keyCount = 1_000_000;
const keySizeBytes = 16;
const valueSizeBytes = 100;
const valuePoolSize = 1009;
const keyPrefix = Buffer.from([0xbd, 0x89, 0x72, 0x6f, 0x77, 0x2f, 0x2f, 0x2f]); // table 53, index 1, "row///"
const rawPutBatchRows = 10_000;
const scanPageRows = 1_000;
const warmupRows = 100_000;
/** Measured rounds per pair (medians of 5: the machine is noisy). */
const rounds = 5;
const groupCommitTxns = 2_000;
const groupCommitWriters = 8;
const groupCommitWarmupTxns = 200;
/** How often (in operations) loops look at their deadline. */
const deadlineCheckOps = 4_096;

type RawDb = RootDatabase<Buffer, Buffer>;

interface Dataset {
  keys: Buffer[];
  values: Buffer[];
  /** A random permutation of key indexes: the point-get order for both sides. */
  getOrder: Uint32Array;
}

/** Deterministic PRNG (mulberry32) so every run uses the same data and order. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeKey(prefix: Buffer, n: number): Buffer {
  const k = Buffer.alloc(keySizeBytes);
  prefix.copy(k, 0, 0, Math.min(prefix.length, 8));
  k.writeBigUInt64BE(BigInt(n), 8);
  return k;
}

function makeDataset(): Dataset {
  const rand = prng(0xb0220);
  const keysBuf = Buffer.alloc(keyCount * keySizeBytes);
  const keys: Buffer[] = new Array(keyCount);
  for (let i = 0; i < keyCount; i++) {
    const at = i * keySizeBytes;
    keyPrefix.copy(keysBuf, at);
    keysBuf.writeUInt32BE(Math.floor(i / 2 ** 32), at + 8);
    keysBuf.writeUInt32BE(i >>> 0, at + 12);
    keys[i] = keysBuf.subarray(at, at + keySizeBytes);
  }
  const pool: Buffer[] = [];
  for (let p = 0; p < valuePoolSize; p++) {
    const v = Buffer.allocUnsafe(valueSizeBytes);
    for (let j = 0; j < valueSizeBytes; j++) v[j] = Math.floor(rand() * 256);
    pool.push(v);
  }
  const values: Buffer[] = new Array(keyCount);
  for (let i = 0; i < keyCount; i++) values[i] = pool[i % valuePoolSize]!;
  const getOrder = new Uint32Array(keyCount);
  for (let i = 0; i < keyCount; i++) getOrder[i] = i;
  for (let i = keyCount - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = getOrder[i]!;
    getOrder[i] = getOrder[j]!;
    getOrder[j] = t;
  }
  return { keys, values, getOrder };
}

function openRaw(dir: string): RawDb {
  return open<Buffer, Buffer>({
    path: dir,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
    cache: false,
    noSync: true,
    overlappingSync: false,
  });
}

// ---- loads ----

interface RawHandle {
  db: RawDb;
  dir: string;
}

interface OursHandle {
  store: Store;
  dir: string;
}

async function closeRaw(h: RawHandle): Promise<void> {
  await h.db.close();
  removeTempDir(h.dir);
}

async function closeOurs(h: OursHandle): Promise<void> {
  await h.store.close();
  removeTempDir(h.dir);
}

/** Raw lmdb sorted put of the first `rows` entries; stops early past the deadline. */
async function rawLoad(data: Dataset, rows: number, ctx: RunContext | null): Promise<{ h: RawHandle; sample: Sample }> {
  const dir = makeTempDir('raw');
  const db = openRaw(dir);
  let done = 0;
  const { durationMs } = await timed(() => {
    while (done < rows && !(ctx && ctx.deadline.expired())) {
      const end = Math.min(rows, done + rawPutBatchRows);
      db.transactionSync(() => {
        for (let i = done; i < end; i++) db.putSync(data.keys[i]!, data.values[i]!);
      });
      done = end;
    }
  });
  return { h: { db, dir }, sample: { ops: done, durationMs } };
}

/** store.ingest of the first `rows` entries (syncMode 'none'); stops early past the deadline. */
async function oursLoad(data: Dataset, rows: number, ctx: RunContext | null): Promise<{ h: OursHandle; sample: Sample }> {
  const dir = makeTempDir('store');
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'none' });
  const ts = store.clock.now();
  let done = 0;
  function* entries(): Generator<ExportEntry> {
    for (let i = 0; i < rows; i++) {
      if (i % deadlineCheckOps === 0 && ctx && ctx.deadline.expired()) return;
      done = i + 1;
      yield { key: data.keys[i]!, ts, value: data.values[i]! };
    }
  }
  const { result, durationMs } = await timed(() => store.ingest(entries()));
  if (result.entries !== done) throw new Error(`ingest reported ${result.entries} entries, ${done} were given`);
  return { h: { store, dir }, sample: { ops: done, durationMs } };
}

// ---- reads ----

function rawGets(db: RawDb, data: Dataset, count: number, ctx: RunContext): Sample {
  let bytes = 0;
  let done = 0;
  const t0 = performance.now();
  while (done < count) {
    const end = Math.min(count, done + deadlineCheckOps);
    for (let j = done; j < end; j++) {
      const v = db.getBinary(data.keys[data.getOrder[j]!]!);
      if (v === undefined) throw new Error(`raw get: key ${j} missing`);
      bytes += v.length;
    }
    done = end;
    if (ctx.deadline.expired()) break;
  }
  const durationMs = performance.now() - t0;
  if (bytes !== done * valueSizeBytes) throw new Error('raw get: wrong value sizes');
  return { ops: done, durationMs };
}

function oursGets(store: Store, ts: Timestamp, data: Dataset, count: number, ctx: RunContext): Sample {
  let bytes = 0;
  let done = 0;
  const t0 = performance.now();
  while (done < count) {
    const end = Math.min(count, done + deadlineCheckOps);
    for (let j = done; j < end; j++) {
      const row = store.get(data.keys[data.getOrder[j]!]!, ts);
      if (row === undefined) throw new Error(`store get: key ${j} missing`);
      bytes += row.value.length;
    }
    done = end;
    if (ctx.deadline.expired()) break;
  }
  const durationMs = performance.now() - t0;
  if (bytes !== done * valueSizeBytes) throw new Error('store get: wrong value sizes');
  return { ops: done, durationMs };
}

function rawScan(db: RawDb, maxRows: number, ctx: RunContext): Sample {
  let rows = 0;
  let bytes = 0;
  const t0 = performance.now();
  for (const { value } of db.getRange({})) {
    rows++;
    bytes += value.length;
    if (rows >= maxRows || (rows % deadlineCheckOps === 0 && ctx.deadline.expired())) break;
  }
  const durationMs = performance.now() - t0;
  if (bytes !== rows * valueSizeBytes) throw new Error('raw scan: wrong value sizes');
  return { ops: rows, durationMs };
}

function oursScan(store: Store, ts: Timestamp, maxRows: number, ctx: RunContext): Sample {
  let rows = 0;
  let bytes = 0;
  let start: Buffer | undefined;
  const t0 = performance.now();
  for (;;) {
    const page = store.scanPage({ start, end: undefined, ts, maxRows: scanPageRows });
    for (const r of page.rows) bytes += r.value.length;
    rows += page.rows.length;
    if (!page.resume || rows >= maxRows || ctx.deadline.expired()) break;
    start = page.resume.start;
  }
  const durationMs = performance.now() - t0;
  if (bytes !== rows * valueSizeBytes) throw new Error('store scan: wrong value sizes');
  return { ops: rows, durationMs };
}

// ---- group commit ----

function commitValue(data: Dataset, i: number): Buffer {
  return data.values[i % data.values.length]!;
}

/** `writers` concurrent writers share `txns` single-row kv transactions on a fresh durable store. */
async function commitRun(data: Dataset, writers: number, txns: number, ctx: RunContext): Promise<Sample> {
  const dir = makeTempDir('commit');
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'full' });
  try {
    const kv = openKv(store);
    const perWriter = Math.floor(txns / writers);
    let done = 0;
    const writer = async (w: number): Promise<void> => {
      const prefix = Buffer.from([0xbe, 0x89, 0x77, w]); // table 54, index 1, "w", writer
      for (let i = 0; i < perWriter && !ctx.deadline.expired(); i++) {
        const key = makeKey(prefix, i);
        await kv.runTxn(async (t) => t.put(key, commitValue(data, i)));
        done++;
      }
    };
    const { durationMs } = await timed(() => Promise.all(Array.from({ length: writers }, (_, w) => writer(w))));
    return { ops: done, durationMs };
  } finally {
    await store.close();
    removeTempDir(dir);
  }
}

// ---- the suite ----

async function runStorage(): Promise<BenchResult[]> {
  const log = (line: string): void => console.log(line);
  const gen = await timed(() => makeDataset());
  const data = gen.result;
  log(`  generated ${keyCount.toLocaleString('en-US')} keys in ${gen.durationMs.toFixed(0)} ms`);
  const results: BenchResult[] = [];

  // Ingest; the last measured round's full loads become the read data set.
  let raw: RawHandle | null = null;
  let ours: OursHandle | null = null;
  try {
    results.push(
      await measurePair({
        name: 'ingest 1M sorted 100-byte entries (no fsync either side)',
        unit: 'rows/s',
        reference: 'raw lmdb putSync, sorted, transactionSync batches of 10,000, noSync',
        target: 0.5,
        rounds,
        maxRunMs: 30_000,
        log,
        ours: async (ctx) => {
          const { h, sample } = await oursLoad(data, ctx.warmup ? warmupRows : keyCount, ctx);
          if (ctx.round === rounds - 1 && sample.ops === keyCount) ours = h;
          else await closeOurs(h);
          return sample;
        },
        ref: async (ctx) => {
          const { h, sample } = await rawLoad(data, ctx.warmup ? warmupRows : keyCount, ctx);
          if (ctx.round === rounds - 1 && sample.ops === keyCount) raw = h;
          else await closeRaw(h);
          return sample;
        },
      }),
    );
    if (!ours) ours = (await oursLoad(data, keyCount, null)).h;
    if (!raw) raw = (await rawLoad(data, keyCount, null)).h;
    const store = (ours as OursHandle).store;
    const db = (raw as RawHandle).db;
    const readTs = store.clock.now();

    results.push(
      await measurePair({
        name: 'MVCC point get, random order over 1M keys',
        unit: 'ops/s',
        reference: 'raw lmdb getBinary',
        target: 0.5,
        rounds,
        maxRunMs: 15_000,
        log,
        ours: async (ctx) => oursGets(store, readTs, data, ctx.warmup ? warmupRows : keyCount, ctx),
        ref: async (ctx) => rawGets(db, data, ctx.warmup ? warmupRows : keyCount, ctx),
      }),
    );

    results.push(
      await measurePair({
        name: 'MVCC full scan of 1M rows (scanPage, 1,000-row pages)',
        unit: 'rows/s',
        reference: 'raw lmdb getRange({})',
        target: 0.5,
        rounds,
        maxRunMs: 15_000,
        log,
        ours: async (ctx) => {
          const s = oursScan(store, readTs, ctx.warmup ? warmupRows : Infinity, ctx);
          if (!ctx.warmup && s.ops !== keyCount && !ctx.deadline.expired()) throw new Error(`store scan saw ${s.ops} rows`);
          return s;
        },
        ref: async (ctx) => {
          const s = rawScan(db, ctx.warmup ? warmupRows : Infinity, ctx);
          if (!ctx.warmup && s.ops !== keyCount && !ctx.deadline.expired()) throw new Error(`raw scan saw ${s.ops} rows`);
          return s;
        },
      }),
    );
  } finally {
    if (ours) await closeOurs(ours);
    if (raw) await closeRaw(raw);
  }

  results.push(
    await measurePair({
      name: `${groupCommitWriters} concurrent single-row writers, durable commits (N=${groupCommitTxns})`,
      unit: 'commits/s',
      reference: '1 writer, one commit at a time',
      target: 4,
      rounds,
      maxRunMs: 20_000,
      log,
      ours: (ctx) => commitRun(data, groupCommitWriters, ctx.warmup ? groupCommitWarmupTxns : groupCommitTxns, ctx),
      ref: (ctx) => commitRun(data, 1, ctx.warmup ? groupCommitWarmupTxns : groupCommitTxns, ctx),
    }),
  );
  return results;
}

export const storageSuite: Suite = {
  name: 'storage',
  description:
    'MVCC store vs raw lmdb on 1M 16-byte keys / 100-byte values (ingest, point get, full scan); 8 concurrent durable writers vs 1',
  maxDurationMs: 8 * 60_000,
  run: runStorage,
};
