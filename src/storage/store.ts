// Owns an open store: the engine (lmdb on disk or memory), the process clock
// with its persisted high-water mark, GC thresholds and protected
// timestamps, and the MVCC operations with the checks that span them (reads
// at or below a span's GC threshold fail as CockroachDB's do). visitPage is
// scanPage's batch form (rows handed to a callback, see mvcc-read.ts).
//
// Local metadata keys (prefix 0x01): 'c' clock high-water mark, 'g'+start GC
// threshold of a span, 's'+bucket MVCC stats.

import path from 'node:path';
import type { Engine, SyncMode } from './engine.js';
import { openMemoryEngine } from './memory-engine.js';
import { defaultLmdbOptions, openLmdbEngine } from './lmdb-engine.js';
import { BurrowError } from '../util/errors.js';
import {
  compareTimestamps, newClock, timestampToDebugString, tsMax, zeroTimestamp, type Clock, type Timestamp,
} from '../util/hlc.js';
import { dataSpanEnd, dataSpanStart, localPrefixByte } from './mvcc-key.js';
import {
  mvccAnyNewer, mvccGet, mvccGetVersion, mvccLatestTimestamp, mvccScanPage, mvccVisitPage,
  type MvccRow, type MvccValue, type MvccVisitor, type ScanPage, type ScanRequest, type VisitPage,
} from './mvcc-read.js';
import { mvccApplyWrites, type KeyWrite } from './mvcc-write.js';
import { persistStatsDeltas, readStats, statsBucket, statsKey, type MvccStats, type StatsDeltas } from './mvcc-stats.js';
import { mvccGcPage } from './mvcc-gc.js';
import {
  mvccExportPage, mvccExportVisitPage, type ExportEntry, type ExportPage, type ExportRequest, type ExportVisitor, type ExportVisitPage,
} from './mvcc-export.js';
import { mvccIngest, mvccIngestPacked, type IngestResult, type PackedEntries } from './mvcc-ingest.js';
import { ingestPackedInThread } from './ingest-thread.js';
import { mvccSplitKeys } from './mvcc-split.js';

export interface StoreOptions {
  /** 'memory' or a directory for LMDB. */
  engine: 'memory' | 'lmdb';
  path?: string;
  syncMode?: SyncMode;
  mapSizeBytes?: number;
  maxReaders?: number;
  /** Physical clock override for tests. */
  physicalNowNs?: () => bigint;
}

export interface GcThreshold {
  start: Buffer;
  end: Buffer;
  threshold: Timestamp;
}

export interface GcResult {
  threshold: Timestamp;
  versionsRemoved: number;
  bytesRemoved: number;
  /** Write transactions that walked the span (0 when its statistics showed nothing to remove). */
  pagesWalked: number;
}

export interface Store {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly path: string | undefined;
  get(key: Buffer, ts: Timestamp): MvccRow | undefined;
  getVersion(key: Buffer, ts: Timestamp): MvccValue | undefined;
  latestTimestamp(key: Buffer): Timestamp | undefined;
  scanPage(req: ScanRequest): ScanPage;
  /** A forward scan page whose rows go to visit (no row objects); same checks and limits as scanPage. */
  visitPage(req: ScanRequest, visit: MvccVisitor): VisitPage;
  /** Whether any key in [start, end) has a version newer than ts. */
  anyNewer(start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): boolean;
  /** Writes all writes at ts in one engine transaction, durable when it resolves. */
  commit(writes: readonly KeyWrite[], ts: Timestamp): Promise<void>;
  gc(start: Buffer, end: Buffer, threshold: Timestamp): Promise<GcResult>;
  gcThresholds(): readonly GcThreshold[];
  /** Keeps GC from removing history needed to read at ts until released. */
  protect(ts: Timestamp): { release(): void };
  stats(start?: Buffer, end?: Buffer): MvccStats;
  exportPage(req: ExportRequest): ExportPage;
  /** Keys cutting [start, end) into up to `parts` parts of similar key range (mvcc-split.ts), for parallel export. */
  splitKeys(start: Buffer, end: Buffer, parts: number): Buffer[];
  /** A full latest-only exportPage (no startTs or allRevisions) whose entries go to visit, without entry objects. */
  exportVisitPage(req: ExportRequest, visit: ExportVisitor): ExportVisitPage;
  ingest(entries: Iterable<ExportEntry> | AsyncIterable<ExportEntry[]>): Promise<IngestResult>;
  /**
   * ingest() of packed batches (one timestamp, no deletions, no per-entry
   * objects). With `thread` on an LMDB store the writes run in a worker
   * thread (ingest-thread.ts): for large ingests, where its start-up pays.
   */
  ingestPacked(batches: AsyncIterable<PackedEntries>, opts?: { thread?: boolean }): Promise<IngestResult>;
  /**
   * Removes every version of every key of one table's span [start, end) and
   * its statistics: a failed restore's data in table IDs no descriptor names.
   * The span must be exactly one table (one statistics bucket).
   */
  clearTableSpan(start: Buffer, end: Buffer): Promise<void>;
  /** Throws CockroachDB's GC-threshold error if reading [start, end) at ts is no longer possible. */
  checkReadable(start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): void;
  close(): Promise<void>;
}

const clockKey = Buffer.from([localPrefixByte, 0x63]); // 'c'
const gcKeyPrefix = Buffer.from([localPrefixByte, 0x67]); // 'g'
const gcKeyEnd = Buffer.from([localPrefixByte, 0x68]);
/** How far ahead of physical time the persisted clock ceiling is kept. */
const clockWindowNs = 10_000_000_000n;
const clockRefreshMs = 2_000;
const gcPageKeys = 512;
/** Value bytes one GC page reads (a write transaction's work; 4 MiB userfile chunks would otherwise make a page 2 GiB). */
const gcPageValueBytes = 16 * 1024 * 1024;
const clearPageKeys = 10_000;

function encodeGcThreshold(t: GcThreshold): Buffer {
  const out = Buffer.allocUnsafe(12 + 4 + t.end.length);
  out.writeBigUInt64BE(t.threshold.wall, 0);
  out.writeUInt32BE(t.threshold.logical, 8);
  out.writeUInt32BE(t.end.length, 12);
  t.end.copy(out, 16);
  return out;
}

function decodeGcThreshold(key: Buffer, v: Buffer): GcThreshold {
  return {
    start: Buffer.from(key.subarray(gcKeyPrefix.length)),
    threshold: { wall: v.readBigUInt64BE(0), logical: v.readUInt32BE(8) },
    end: Buffer.from(v.subarray(16, 16 + v.readUInt32BE(12))),
  };
}

function overlaps(aStart: Buffer | undefined, aEnd: Buffer | undefined, b: GcThreshold): boolean {
  if (aEnd && Buffer.compare(aEnd, b.start) <= 0) return false;
  if (aStart && Buffer.compare(aStart, b.end) >= 0) return false;
  return true;
}

function keyInside(key: Buffer, t: GcThreshold): boolean {
  return Buffer.compare(key, t.start) >= 0 && Buffer.compare(key, t.end) < 0;
}

export function gcThresholdError(ts: Timestamp, threshold: Timestamp): BurrowError {
  return new BurrowError(
    'XXUUU',
    `batch timestamp ${timestampToDebugString(ts)} must be after replica GC threshold ${timestampToDebugString(threshold)}`,
    { hint: 'The requested time is older than the garbage collection window (gc.ttlseconds); read at a more recent time.' },
  );
}

function openEngine(opts: StoreOptions): Engine {
  if (opts.engine === 'memory') return openMemoryEngine();
  if (!opts.path) throw new Error('an lmdb store needs a path');
  return openLmdbEngine({
    path: opts.path,
    syncMode: opts.syncMode ?? defaultLmdbOptions.syncMode,
    mapSizeBytes: opts.mapSizeBytes ?? defaultLmdbOptions.mapSizeBytes,
    maxReaders: opts.maxReaders ?? defaultLmdbOptions.maxReaders,
  });
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  const engine = openEngine(opts);
  const hwmRaw = engine.get(clockKey);
  const persistedNs = hwmRaw ? hwmRaw.readBigUInt64BE(0) : 0n;
  const highWater = { ceilingNs: persistedNs };
  const clock = newClock({
    minWallNs: persistedNs,
    ceiling: highWater,
    ...(opts.physicalNowNs ? { physicalNowNs: opts.physicalNowNs } : {}),
  });
  const persistCeiling = async (): Promise<void> => {
    const ceiling = tsMax(clock.last(), { wall: clock.physicalNowNs(), logical: 0 }).wall + clockWindowNs;
    const b = Buffer.allocUnsafe(8);
    b.writeBigUInt64BE(ceiling, 0);
    await engine.write((w) => w.put(clockKey, b));
    highWater.ceilingNs = ceiling;
  };
  await persistCeiling();
  // Refresh the ceiling in the background; timestamps never pass an unpersisted
  // ceiling because the clock holds its wall time below it.
  let refreshing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (!refreshing) refreshing = persistCeiling().catch(() => {}).finally(() => (refreshing = null));
  }, clockRefreshMs);
  timer.unref();

  let thresholds: GcThreshold[] = [];
  for (const { key, value } of engine.scan({ start: gcKeyPrefix, end: gcKeyEnd })) thresholds.push(decodeGcThreshold(key, value));
  const protections = new Map<number, Timestamp>();
  let nextProtection = 1;

  function checkReadable(start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): void {
    for (const t of thresholds) {
      if (compareTimestamps(ts, t.threshold) <= 0 && overlaps(start, end, t)) throw gcThresholdError(ts, t.threshold);
    }
  }
  function checkKeyReadable(key: Buffer, ts: Timestamp): void {
    for (const t of thresholds) {
      if (compareTimestamps(ts, t.threshold) <= 0 && keyInside(key, t)) throw gcThresholdError(ts, t.threshold);
    }
  }

  async function recordThreshold(start: Buffer, end: Buffer, threshold: Timestamp): Promise<void> {
    const existing = thresholds.find((t) => t.start.equals(start) && t.end.equals(end));
    if (existing && compareTimestamps(existing.threshold, threshold) >= 0) return;
    const rec: GcThreshold = { start: Buffer.from(start), end: Buffer.from(end), threshold };
    await engine.write((w) => w.put(Buffer.concat([gcKeyPrefix, start]), encodeGcThreshold(rec)));
    thresholds = thresholds.filter((t) => t !== existing).concat([rec]);
  }

  return {
    engine,
    clock,
    path: opts.path ? path.resolve(opts.path) : undefined,
    get(key, ts) {
      checkKeyReadable(key, ts);
      return mvccGet(engine, key, ts);
    },
    getVersion(key, ts) {
      checkKeyReadable(key, ts);
      return mvccGetVersion(engine, key, ts);
    },
    latestTimestamp: (key) => mvccLatestTimestamp(engine, key),
    scanPage(req) {
      checkReadable(req.start, req.end, req.ts);
      return mvccScanPage(engine, req);
    },
    visitPage(req, visit) {
      checkReadable(req.start, req.end, req.ts);
      return mvccVisitPage(engine, req, visit);
    },
    anyNewer: (start, end, ts) => mvccAnyNewer(engine, start, end, ts),
    commit(writes, ts) {
      return engine.write((w) => {
        const deltas: StatsDeltas = new Map();
        mvccApplyWrites(w, writes, ts, deltas);
        persistStatsDeltas(w, deltas);
      });
    },
    async gc(start, end, requested) {
      let threshold = requested;
      for (const p of protections.values()) {
        if (compareTimestamps(p, threshold) <= 0) threshold = { wall: p.wall, logical: p.logical };
      }
      // Reads at exactly a protected timestamp must still work: stay strictly below it.
      for (const p of protections.values()) {
        if (compareTimestamps(p, threshold) <= 0) threshold = p.logical > 0 ? { wall: p.wall, logical: p.logical - 1 } : { wall: p.wall - 1n, logical: 0 };
      }
      const result: GcResult = { threshold, versionsRemoved: 0, bytesRemoved: 0, pagesWalked: 0 };
      if (compareTimestamps(threshold, zeroTimestamp) <= 0) return result;
      await recordThreshold(start, end, threshold);
      // Every key's only version is a live value (exact stats cover at least the span): nothing to
      // remove, so the span is not read at all. Append-only tables, userfile payload among them, cost nothing.
      const stats = readStats(engine, start, end);
      if (stats.valCount === stats.liveCount) return result;
      let from: Buffer | undefined = start;
      while (from) {
        let page: ReturnType<typeof mvccGcPage> | undefined;
        const pageStart: Buffer = from;
        await engine.write((w) => {
          const deltas: StatsDeltas = new Map();
          page = mvccGcPage(w, pageStart, end, threshold, { maxKeys: gcPageKeys, maxValueBytes: gcPageValueBytes }, deltas);
          persistStatsDeltas(w, deltas);
        });
        result.pagesWalked++;
        result.versionsRemoved += page!.versionsRemoved;
        result.bytesRemoved += page!.bytesRemoved;
        from = page!.resume;
      }
      return result;
    },
    gcThresholds: () => thresholds,
    protect(ts) {
      const id = nextProtection++;
      protections.set(id, ts);
      return { release: () => void protections.delete(id) };
    },
    stats: (start, end) => readStats(engine, start, end),
    exportPage(req) {
      checkReadable(req.start, req.end, req.startTs ?? req.endTs);
      return mvccExportPage(engine, req);
    },
    splitKeys: (start, end, parts) => mvccSplitKeys(engine, start, end, parts),
    exportVisitPage(req, visit) {
      checkReadable(req.start, req.end, req.endTs);
      return mvccExportVisitPage(engine, req, visit);
    },
    ingest: (entries) => mvccIngest(engine, entries),
    ingestPacked: (batches, o) => (o?.thread && engine.threadShareable ? ingestPackedInThread(engine.threadShareable, batches) : mvccIngestPacked(engine, batches)),
    async clearTableSpan(start, end) {
      for (;;) {
        let removed = 0;
        await engine.write((w) => {
          const keys: Buffer[] = [];
          for (const e of w.scan({ start: dataSpanStart(start), end: dataSpanEnd(end), limit: clearPageKeys })) keys.push(Buffer.from(e.key));
          for (const k of keys) w.del(k);
          removed = keys.length;
        });
        if (removed < clearPageKeys) break;
      }
      await engine.write((w) => w.del(statsKey(statsBucket(start))));
    },
    checkReadable,
    async close() {
      clearInterval(timer);
      if (refreshing) await refreshing;
      await engine.close();
    },
  };
}
