// Owns the MVCC garbage-collection loop: every interval, for every table
// (system tables, user tables and sequences) GC its span below
// now - gc.ttlseconds (from its zone config, inherited as CockroachDB does);
// for a dropped table whose TTL has passed since the drop, delete its rows,
// GC the whole span and then remove its descriptor and zone config. The
// store keeps GC below protected timestamps (store.protect) and records the
// threshold, so reads older than it fail with CockroachDB's
// `batch timestamp ... must be after replica GC threshold ...`.
//
// Invariants: one run at a time (runOnce calls queue behind a running one);
// a dropped table's descriptor is removed only once its span is empty, so a
// protected timestamp only delays the cleanup. Views have no data and are
// skipped.

import type { Timestamp } from '../../util/hlc.js';
import { compareTimestamps } from '../../util/hlc.js';
import type { Txn } from '../../kv/txn.js';
import type { SqlEngine } from '../engine.js';
import { allDescriptors, deleteDescriptor } from '../catalog/catalog-store.js';
import type { TableDesc } from '../catalog/descriptor.js';
import { tableSpan } from '../rowenc/table-codec.js';
import { deleteZone, gcTtlSecondsFor } from '../settings/zones.js';

export interface GcTableReport {
  tableId: number;
  name: string;
  dropped: boolean;
  /** The threshold GC applied (after clamping below protected timestamps). */
  threshold: Timestamp;
  versionsRemoved: number;
  bytesRemoved: number;
  /** Dropped tables: whether the descriptor was removed in this run. */
  descriptorRemoved: boolean;
}

export interface GcReport {
  tables: GcTableReport[];
  versionsRemoved: number;
  bytesRemoved: number;
}

export interface GcLoop {
  stop(): Promise<void>;
  runOnce(): Promise<GcReport>;
}

export interface GcLoopOptions {
  intervalMs: number;
}

const nsPerSecond = 1_000_000_000n;
const deleteBatchKeys = 1000;

function hasData(d: TableDesc): boolean {
  return d.kind !== 'view';
}

/** Deletes every key in [start, end) in kv transactions of deleteBatchKeys keys. */
async function clearSpan(engine: SqlEngine, start: Buffer, end: Buffer): Promise<void> {
  for (;;) {
    const n = await engine.kv.runTxn(async (txn) => {
      let count = 0;
      for await (const page of txn.scan(start, end, { limit: deleteBatchKeys })) {
        for (const kv of page) txn.del(kv.key);
        count += page.length;
      }
      return count;
    });
    if (n < deleteBatchKeys) return;
  }
}

async function gcLiveTable(engine: SqlEngine, txn: Txn, d: TableDesc, now: Timestamp): Promise<GcTableReport> {
  const ttlNs = BigInt(await gcTtlSecondsFor(txn, engine.catalog, d.id)) * nsPerSecond;
  const span = tableSpan(d.id);
  const wall = now.wall - ttlNs;
  const threshold = { wall: wall > 0n ? wall : 0n, logical: 0 };
  const r = await engine.store.gc(span.start, span.end, threshold);
  return { tableId: d.id, name: d.name, dropped: false, threshold: r.threshold, versionsRemoved: r.versionsRemoved, bytesRemoved: r.bytesRemoved, descriptorRemoved: false };
}

function ttlExpired(d: TableDesc, ttlSeconds: number, now: Timestamp): boolean {
  const dropMicros = d.dropTimeMicros ?? 0n;
  return dropMicros + BigInt(ttlSeconds) * 1_000_000n <= now.wall / 1000n;
}

/** Clears a dropped table's span; removes its descriptor and zone once nothing is left. */
async function gcDroppedTable(engine: SqlEngine, d: TableDesc): Promise<GcTableReport> {
  const span = tableSpan(d.id);
  await clearSpan(engine, span.start, span.end);
  const cleared = engine.store.clock.now();
  const r = await engine.store.gc(span.start, span.end, cleared);
  const empty = compareTimestamps(r.threshold, cleared) >= 0 && engine.store.stats(span.start, span.end).totalBytes === 0;
  if (empty) {
    await engine.kv.runTxn(async (txn) => {
      deleteDescriptor(txn, d.id);
      deleteZone(txn, d.id);
    });
  }
  return { tableId: d.id, name: d.name, dropped: true, threshold: r.threshold, versionsRemoved: r.versionsRemoved, bytesRemoved: r.bytesRemoved, descriptorRemoved: empty };
}

async function runGc(engine: SqlEngine): Promise<GcReport> {
  const now = engine.store.clock.now();
  const txn = engine.kv.begin({ readOnly: true });
  const tables: GcTableReport[] = [];
  for (const d of await allDescriptors(txn)) {
    if (d.kind === 'database' || d.kind === 'schema') continue;
    if (d.state !== 'dropped') {
      if (hasData(d)) tables.push(await gcLiveTable(engine, txn, d, now));
    }
    else if (ttlExpired(d, await gcTtlSecondsFor(txn, engine.catalog, d.id), now)) tables.push(await gcDroppedTable(engine, d));
  }
  txn.rollback();
  return {
    tables,
    versionsRemoved: tables.reduce((n, t) => n + t.versionsRemoved, 0),
    bytesRemoved: tables.reduce((n, t) => n + t.bytesRemoved, 0),
  };
}

/** Starts GC every intervalMs (the timer does not keep the process alive). */
export function startGcLoop(engine: SqlEngine, opts: GcLoopOptions): GcLoop {
  let running: Promise<GcReport> = Promise.resolve({ tables: [], versionsRemoved: 0, bytesRemoved: 0 });
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const runOnce = (): Promise<GcReport> => {
    running = running.catch(() => undefined).then(() => runGc(engine));
    return running;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce().catch(() => undefined).finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
