// Owns running one BACKUP layer as a job: reading every covered table's span
// at the layer's end time (changes since the previous layer for an
// incremental, every version in the window with revision_history) straight
// from storage export pages, writing them into data files, then the manifest
// and its checksum, then (for a full backup) a new LATEST pointer.
//
// Consistency: everything is read at endTime, fixed when the statement ran;
// storage keeps that time readable (store.protect) while the job runs, and
// export reads never block writers. Resumable: progress records the tables
// done and the files written; a resumed run continues after them. A failed
// or cancelled run deletes what it wrote; the manifest is written last, so a
// folder is a backup only once it is complete.
//
// Where the work runs: on an LMDB store, table exports run in a worker thread
// at background priority (export-thread.ts / export-worker.ts, compression
// on a second one), so a backup costs the connections serving queries
// almost no event-loop time; this thread only writes the files' bytes to the
// collection. On a memory store the export runs here, in 1 ms slices.

import os from 'node:os';
import { BurrowError } from '../util/errors.js';
import { encodeTableIndexPrefix } from '../util/encoding.js';
import type { Timestamp } from '../util/hlc.js';
import type { SqlEngine } from '../sql/engine.js';
import type { Descriptor, TableDesc } from '../sql/catalog/descriptor.js';
import { deserializeDescriptor, serializeDescriptor } from '../sql/catalog/descriptor.js';
import { allDescriptors } from '../sql/catalog/catalog-store.js';
import { decodePrimaryRow, tableLayout, tableSpan } from '../sql/rowenc/table-codec.js';
import { descriptorTable, SystemIds } from '../sql/catalog/system-schema.js';
import { exportPageEntries } from '../util/limits.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { openStorageForUri } from '../cloud/registry.js';
import { exportSpan, type ExportOutput, type SpanExport } from './export-span.js';
import { acquireExportThread, releaseExportThread, type ExportThread } from './export-thread.js';
import type { EncryptionKey } from './encryption.js';
import { latestDir, latestFileName, lockPrefix } from './layout.js';
import {
  manifestFormatVersion, tsFromJson, tsToJson, writeManifest, type BackupManifest, type JsonTimestamp, type ManifestFile, type TableStats,
} from './manifest.js';
import { collectionKey } from './encryption-info.js';
import { systemTableDesc } from './targets.js';

/** Job details a BACKUP records when it starts (JSON). */
export interface BackupDetails {
  collectionUri: string;
  /** The full backup's folder (`2021/03/23-213101.37`). */
  fullFolder: string;
  /** Where this layer goes, from the collection root: the full folder, or incrementals/<full>/<inc>. */
  layerFolder: string;
  incremental: boolean;
  startTime: JsonTimestamp | null;
  endTime: JsonTimestamp;
  revisionHistory: boolean;
  /** Kept so a resumed job can derive the key again; system.jobs is readable by admins only. */
  encryptionPassphrase: string | null;
  targets: BackupManifest['targets'];
  completeDbs: number[];
  /** Descriptor IDs covered (databases, schemas, tables) as of endTime. */
  descriptorIds: number[];
  tableIds: number[];
  introducedTableIds: number[];
  systemTableIds: number[];
  isFullCluster: boolean;
}

export interface BackupProgress {
  doneTableIds: number[];
  files: ManifestFile[];
  tableStats: Record<string, TableStats>;
  nextFile: number;
}

export interface BackupResult {
  rows: number;
  indexEntries: number;
  bytes: number;
}

/** How often a running BACKUP or RESTORE updates fraction_completed. */
export const progressIntervalMs = 1_000;

/**
 * Parallel parts a large table (64 MiB of live data or more) is exported in,
 * each by its own export thread with its own compression thread: two, or
 * half the cores up to four. On two cores, two parts made a 1M-row BACKUP
 * ~25% faster; the foreground throttle (export-worker.ts) keeps a concurrent
 * writer's share, since the parts split the throttled quarter core between
 * them. Testing knob: BURROW_TESTING_EXPORT_PARTS sets the parts of every table.
 */
function exportParts(liveBytes: number): number {
  const forced = Number(process.env.BURROW_TESTING_EXPORT_PARTS ?? 0);
  if (forced >= 1) return Math.min(8, Math.floor(forced));
  const cores = os.availableParallelism();
  return liveBytes >= 64 * 1024 * 1024 && cores >= 2 ? Math.max(2, Math.min(4, Math.floor(cores / 2))) : 1;
}
/** Longest stretch of export work between turns for other work (main-thread exports: memory stores). */
const exportSliceMs = 1;

export interface JobCtxLike {
  record: { id: bigint; username: string; details: unknown; progress: unknown };
  engine: SqlEngine;
  checkpoint(fraction: number, progress?: unknown): Promise<void>;
  throwIfInterrupted(): void;
}

export async function storageAs(engine: SqlEngine, user: string, uri: string): Promise<ExternalStorage> {
  const session = engine.newSession(user, 'defaultdb');
  return openStorageForUri(uri, { user, runInternal: (fn) => session.runInternal(fn) }, { kv: engine.kv, externalIoDir: engine.externalIoDir });
}

async function descriptorsAt(engine: SqlEngine, ts: Timestamp): Promise<Map<number, Descriptor>> {
  const txn = engine.kv.begin({ readTs: ts });
  return new Map((await allDescriptors(txn)).map((d) => [d.id, d]));
}

/** Every change of the descriptors in `ids` (or under a complete database) in (start, end]. */
function descriptorChanges(engine: SqlEngine, start: Timestamp | null, end: Timestamp, wanted: (d: Descriptor | null, id: number) => boolean): BackupManifest['descriptorChanges'] {
  const span = tableSpan(SystemIds.descriptorTable);
  const out: BackupManifest['descriptorChanges'] = [];
  let from: Buffer | undefined = span.start;
  while (from) {
    const page = engine.store.exportPage({ start: from, end: span.end, startTs: start ?? undefined, endTs: end, allRevisions: true, maxKeys: exportPageEntries });
    for (const e of page.entries) {
      const { id, desc } = descriptorEntry(e.key, e.value);
      if (!wanted(desc, id)) continue;
      out.push({ id, time: tsToJson(e.ts), desc: desc ? serializeDescriptor(desc).toString('utf8') : null });
    }
    from = page.resume;
  }
  return out;
}

/** The id and descriptor of a system.descriptor export entry (null descriptor: deleted). */
function descriptorEntry(key: Buffer, value: Buffer | null): { id: number; desc: Descriptor | null } {
  const row = decodePrimaryRow(tableLayout(descriptorTable), key, value ?? Buffer.alloc(0));
  const b = row[1] as Buffer | null;
  return { id: Number(row[0] as bigint), desc: b ? deserializeDescriptor(b) : null };
}

/** Names of objects referenced (foreign keys, view dependencies) but not backed up. */
function externalNames(descs: Map<number, Descriptor>, included: Set<number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of included) {
    const t = descs.get(id);
    if (!t || t.kind === 'database' || t.kind === 'schema') continue;
    for (const ref of [...t.outboundFks.map((f) => f.referencedTableId), ...t.dependsOn]) {
      if (included.has(ref)) continue;
      const r = descs.get(ref);
      if (r && r.kind !== 'database' && r.kind !== 'schema') {
        const db = descs.get(r.parentId);
        out[String(ref)] = `${db?.name ?? '?'}.${(descs.get(r.schemaId) as Descriptor | undefined)?.name ?? 'public'}.${r.name}`;
      }
    }
  }
  return out;
}

function tsOf(j: JsonTimestamp | null): Timestamp | undefined {
  return j ? tsFromJson(j) : undefined;
}

/**
 * The job's side of a table export: data files in the layer's data/ folder of
 * the collection, recorded in the progress once complete.
 */
function storageOutput(
  storage: ExternalStorage, d: BackupDetails, p: BackupProgress, tableId: number, files: ManifestFile[], progress: (withinTable: number) => Promise<void>,
): Omit<ExportOutput, 'pause'> {
  let out: Awaited<ReturnType<ExternalStorage['write']>> | null = null;
  let path = '';
  return {
    async openFile() {
      path = `data/${p.nextFile++}.sst`;
      const w = await storage.write(`${d.layerFolder}/${path}`);
      out = w;
      return { write: (b) => w.write(b) };
    },
    async closeFile(sum, stats) {
      const w = out!;
      out = null;
      await w.close();
      files.push({ path, tableId, sha256: sum.sha256, sizeBytes: sum.sizeBytes, entries: sum.entries, rows: stats.rows, indexEntries: stats.indexEntries, dataBytes: stats.dataBytes });
    },
    async abortFile() {
      const w = out;
      out = null;
      if (w) await w.abort();
    },
    progress,
  };
}

async function exportTable(
  ctx: JobCtxLike, storage: ExternalStorage, d: BackupDetails, p: BackupProgress, t: { id: number; primaryIndexId: number }, key: EncryptionKey | undefined,
  progress: (withinTable: number) => Promise<void>, threads: (n: number) => ExportThread[],
): Promise<void> {
  const span = tableSpan(t.id);
  const introduced = d.introducedTableIds.includes(t.id);
  const startTs = introduced ? undefined : tsOf(d.startTime);
  const endTs = tsFromJson(d.endTime);
  const s: SpanExport = {
    start: span.start,
    end: span.end,
    primaryPrefix: encodeTableIndexPrefix(t.id, t.primaryIndexId),
    startTs,
    endTs,
    revisionHistory: d.revisionHistory,
    totalBytes: ctx.engine.store.stats(span.start, span.end).liveBytes,
  };
  const workers = threads(exportParts(s.totalBytes));
  if (workers.length > 0) {
    // The workers read the engine directly: the GC threshold check the store's export pages make is made here.
    ctx.engine.store.checkReadable(span.start, span.end, startTs ?? endTs);
    const cuts = workers.length > 1 ? await workers[0]!.splitKeys(span.start, span.end, workers.length) : [];
    const bounds = [span.start, ...cuts, span.end];
    const parts = bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end, files: [] as ManifestFile[], fraction: 0 }));
    // One job error stops every part; progress reports are serialised (each is a job checkpoint).
    let stop: unknown = null;
    const check = (): void => {
      if (stop) throw stop;
      ctx.throwIfInterrupted();
    };
    let reports = Promise.resolve();
    const report = (part: { fraction: number }, w: number): Promise<void> => {
      part.fraction = w;
      reports = reports.then(() => progress(Math.min(1, parts.reduce((a, x) => a + x.fraction, 0))));
      return reports;
    };
    const results = await Promise.allSettled(parts.map((part, i) =>
      workers[i]!.exportSpan({ ...s, start: part.start, end: part.end }, key, storageOutput(storage, d, p, t.id, part.files, (w) => report(part, w)), check, parts.length)
        .catch((err: unknown) => {
          stop ??= err;
          throw err;
        })));
    if (stop) throw stop;
    // Files in key order: the parts' files, part after part (RESTORE reads a table's files in manifest order).
    for (const part of parts) p.files.push(...part.files);
    p.tableStats[String(t.id)] = results.reduce((a, r) => {
      const x = (r as PromiseFulfilledResult<TableStats>).value;
      return { rows: a.rows + x.rows, indexEntries: a.indexEntries + x.indexEntries, dataBytes: a.dataBytes + x.dataBytes };
    }, { rows: 0, indexEntries: 0, dataBytes: 0 });
    return;
  }
  const out = storageOutput(storage, d, p, t.id, p.files, progress);
  let lastYieldMs = performance.now();
  const pause = async (): Promise<void> => {
    ctx.throwIfInterrupted();
    if (performance.now() - lastYieldMs >= exportSliceMs) {
      // Export pages are synchronous reads: give other connections' work a turn so a backup never starves writers.
      await new Promise<void>((r) => setImmediate(r));
      lastYieldMs = performance.now();
    }
  };
  p.tableStats[String(t.id)] = await exportSpan(ctx.engine.store, s, key, { ...out, pause });
}

export async function runBackup(ctx: JobCtxLike): Promise<BackupResult> {
  const d = ctx.record.details as BackupDetails;
  const p: BackupProgress = (ctx.record.progress as BackupProgress | null) ?? { doneTableIds: [], files: [], tableStats: {}, nextFile: 1 };
  p.doneTableIds ??= [];
  p.files ??= [];
  p.tableStats ??= {};
  p.nextFile ??= 1;
  const storage = await storageAs(ctx.engine, ctx.record.username, d.collectionUri);
  const key = d.encryptionPassphrase !== null ? await collectionKey(storage, d.encryptionPassphrase, false) : undefined;
  const endTs = tsFromJson(d.endTime);
  const protection = ctx.engine.store.protect(d.startTime && d.revisionHistory ? tsFromJson(d.startTime) : endTs);
  try {
    const lock = `${d.layerFolder}/${lockPrefix}${ctx.record.id}`;
    if (!(await storage.exists(lock))) await storage.writeAll(lock, Buffer.from(`job ${ctx.record.id}\n`));
    // A resumed run drops files of a table it had not finished.
    p.files = p.files.filter((f) => p.doneTableIds.includes(f.tableId));
    const doneFiles = new Set(p.files.map((f) => f.path));
    for (const f of await storage.list(`${d.layerFolder}/data/`)) {
      if (!doneFiles.has(f.name.slice(d.layerFolder.length + 1))) await storage.delete(f.name);
    }
    await storage.removeAbandonedWrites?.(`${d.layerFolder}/`);
    const descs = await descriptorsAt(ctx.engine, endTs);
    const ids = [...d.tableIds, ...d.systemTableIds];
    let done = p.doneTableIds.length;
    // LMDB stores are exported by a worker thread, started with the first table that has data to read.
    const engine = ctx.engine.store.engine;
    const workers: ExportThread[] = [];
    const threads = (n: number): ExportThread[] => {
      while (workers.length < n) {
        const t = acquireExportThread(engine);
        if (!t) return [];
        workers.push(t);
      }
      return workers.slice(0, n);
    };
    try {
      for (const id of ids) {
        if (p.doneTableIds.includes(id)) continue;
        const t = d.systemTableIds.includes(id) ? systemTableDesc(id, descs) : (descs.get(id) as TableDesc | undefined);
        const share = (within: number): number => 0.95 * ((done + within) / Math.max(ids.length, 1));
        const snapshot = { ...p, files: p.files.filter((f) => p.doneTableIds.includes(f.tableId)) };
        if (t && t.kind !== 'view') await exportTable(ctx, storage, d, p, { id, primaryIndexId: t.primaryIndex.id }, key, (w) => ctx.checkpoint(share(w), snapshot), threads);
        p.doneTableIds.push(id);
        done++;
        await ctx.checkpoint(0.95 * (done / Math.max(ids.length, 1)), p);
      }
    } finally {
      await Promise.all(workers.map((w) => releaseExportThread(engine, w)));
    }
    const wanted = (desc: Descriptor | null, id: number): boolean =>
      d.descriptorIds.includes(id) || (!!desc && 'parentId' in desc && d.completeDbs.includes(desc.parentId));
    const manifest: BackupManifest = {
      formatVersion: manifestFormatVersion,
      jobId: ctx.record.id.toString(),
      startTime: d.startTime,
      endTime: d.endTime,
      revisionHistory: d.revisionHistory,
      isFullCluster: d.isFullCluster,
      targets: d.targets,
      completeDbs: d.completeDbs,
      descriptors: d.descriptorIds.map((id) => descs.get(id)).filter((x): x is Descriptor => !!x).map((x) => serializeDescriptor(x).toString('utf8')),
      descriptorChanges: d.revisionHistory ? descriptorChanges(ctx.engine, tsOf(d.startTime) ?? null, endTs, wanted) : [],
      tableStats: p.tableStats,
      introducedTableIds: d.introducedTableIds,
      systemTables: d.systemTableIds.map((id) => systemTableDesc(id, descs)?.name ?? String(id)),
      files: p.files,
      encrypted: !!key,
      externalNames: externalNames(descs, new Set(d.descriptorIds)),
    };
    await writeManifest(storage, d.layerFolder, manifest, key);
    if (!d.incremental) await storage.writeAll(`${latestDir}/${latestFileName(endTs)}`, Buffer.from(`/${d.fullFolder}`));
    await ctx.checkpoint(1, p);
    const totals = Object.values(p.tableStats).reduce((a, s) => ({ rows: a.rows + s.rows, indexEntries: a.indexEntries + s.indexEntries, bytes: a.bytes + s.dataBytes }), { rows: 0, indexEntries: 0, bytes: 0 });
    return totals;
  } finally {
    protection.release();
  }
}

/** After a failure or cancel: removes the layer's files unless it completed. */
export async function cleanupBackup(ctx: JobCtxLike): Promise<void> {
  const d = ctx.record.details as BackupDetails;
  const storage = await storageAs(ctx.engine, ctx.record.username, d.collectionUri);
  const files = await storage.list(`${d.layerFolder}/`);
  if (files.some((f) => f.name === `${d.layerFolder}/BACKUP_MANIFEST`)) return;
  for (const f of files) await storage.delete(f.name);
  await storage.removeAbandonedWrites?.(`${d.layerFolder}/`);
}

export function backupFailed(message: string): BurrowError {
  return new BurrowError('XXUUU', message);
}
