// Owns running a RESTORE as a job. First run: new descriptor IDs for every
// object (recorded in progress, so a resumed run reuses them). Then each
// table's data is ingested into its new, empty span (keys rewritten, one
// version at the restore's ingest time); a table interrupted half-way is
// cleared and ingested again. Nothing is visible until the publish step: one
// transaction that re-checks name conflicts and writes every descriptor and
// namespace entry (and, for a cluster restore, the system tables' rows). A
// failed or cancelled restore clears the spans it wrote; as no descriptor
// names them, no half-restored object is ever seen.

import { BurrowError } from '../util/errors.js';
import type { Timestamp } from '../util/hlc.js';
import type { Txn } from '../kv/txn.js';
import type { SqlEngine } from '../sql/engine.js';
import type { DatabaseDesc, Descriptor, PrivilegeDesc, SchemaDesc, TableDesc } from '../sql/catalog/descriptor.js';
import { deserializeDescriptor } from '../sql/catalog/descriptor.js';
import {
  allocateDescriptorId, deleteDescriptor, deleteNamespace, lookupId, readDescriptor, writeDescriptor, writeNamespace,
} from '../sql/catalog/catalog-store.js';
import { adminRole, rootUser, SystemIds, zonesTable } from '../sql/catalog/system-schema.js';
import { decodePrimaryRow, primaryKey, tableLayout, tableSpan } from '../sql/rowenc/table-codec.js';
import { formatName } from '../sql/parser/index.js';
import { progressIntervalMs, storageAs, type JobCtxLike } from './backup-job.js';
import { collectionKey } from './encryption-info.js';
import { readManifest, tsFromJson, tsToJson, type JsonTimestamp } from './manifest.js';
import type { Layer, RestoreObject } from './restore-plan.js';
import { restoredEntries, restoredPacked, type RestoreCounts } from './restore-data.js';
import { openDataFile, storageSource } from './data-file.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import type { EncryptionKey } from './encryption.js';

export interface RestoreDetails {
  collectionUri: string;
  layerFolders: string[];
  targetTime: JsonTimestamp;
  kind: 'cluster' | 'databases' | 'tables';
  objects: RestoreObject[];
  systemTables: string[];
  encryptionPassphrase: string | null;
  schemaOnly: boolean;
  verifyData: boolean;
}

export interface RestoreProgress {
  idMap: Record<string, number>;
  ingestTime: JsonTimestamp;
  doneTables: number[];
  startedTable: number | null;
  counts: RestoreCounts;
  /** counts when startedTable began: a resumed run restarts that table from them. */
  countsAtTableStart?: RestoreCounts;
  published: boolean;
}

const isTableKind = (o: RestoreObject): boolean => o.kind === 'table' || o.kind === 'sequence' || o.kind === 'view';

export function relationExists(name: string, db: string): BurrowError {
  return new BurrowError('42P07', `relation "${name}" already exists`, {
    hint: `DROP or RENAME the existing ${db}.${name}, or restore into another database WITH into_db = '...'.`,
  });
}

export function databaseExists(name: string): BurrowError {
  return new BurrowError('42P04', `database "${name}" already exists`, {
    hint: `DROP DATABASE ${name} or ALTER DATABASE ${name} RENAME TO ..., or restore under another name WITH new_db_name = '...'.`,
  });
}

export function databaseNeeded(db: string, table: string): BurrowError {
  return new BurrowError('3D000', `a database named "${db}" needs to exist to restore table "${table}"`, {
    hint: `CREATE DATABASE ${db} first, or restore into an existing database WITH into_db = '...'.`,
  });
}

/** Checks names are free in txn (statement time and again at publish). */
export async function checkRestoreConflicts(txn: Txn, objects: RestoreObject[], kind: RestoreDetails['kind']): Promise<void> {
  for (const o of objects) {
    if (o.kind === 'database') {
      if (kind === 'cluster' && replaceableDbs.has(o.dbName)) continue;
      if ((await lookupId(txn, 0, 0, o.dbName)) !== undefined) throw databaseExists(o.dbName);
      continue;
    }
    if (!isTableKind(o) || o.dbRestored) continue;
    const dbId = await lookupId(txn, 0, 0, o.dbName);
    if (dbId === undefined) throw databaseNeeded(o.dbName, o.name);
    const schemaId = await lookupId(txn, dbId, 0, o.schemaName);
    if (schemaId === undefined) {
      throw new BurrowError('3F000', `a schema named "${o.schemaName}" needs to exist in database "${o.dbName}" to restore table "${o.name}"`, {
        hint: `CREATE SCHEMA ${o.dbName}.${o.schemaName} first, or restore WITH into_db into a database that has it.`,
      });
    }
    if ((await lookupId(txn, dbId, schemaId, o.name)) !== undefined) throw relationExists(o.name, o.dbName);
  }
}

/** Databases every cluster starts with; a cluster restore (into an empty cluster) replaces them with the backup's. */
const replaceableDbs = new Set(['defaultdb', 'postgres']);

async function dropEmptyBuiltinDb(txn: Txn, name: string): Promise<void> {
  const id = await lookupId(txn, 0, 0, name);
  if (id === undefined) return;
  for (const s of ['public']) {
    const sid = await lookupId(txn, id, 0, s);
    if (sid !== undefined) {
      deleteNamespace(txn, id, 0, s);
      deleteDescriptor(txn, sid);
    }
  }
  deleteNamespace(txn, 0, 0, name);
  deleteDescriptor(txn, id);
}

function ownedBy(p: PrivilegeDesc, user: string): PrivilegeDesc {
  const users = p.users.filter((u) => u.user === adminRole || u.user === rootUser || u.user === user);
  return { owner: user, users };
}

/** A view's query with `from.` database qualifiers renamed to `to.` (new_db_name). */
export function renameDatabaseInQuery(q: string, from: string, to: string): string {
  if (from === to) return q;
  const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^\\w."])(?:"${esc}"|${esc})\\.(?=["\\w])`, 'g');
  return q.replace(re, (_m, pre: string) => `${pre}${formatName(to)}.`);
}

function rewriteTable(t: TableDesc, ids: (old: number) => number, parentId: number, schemaId: number, privileges: (p: PrivilegeDesc) => PrivilegeDesc): TableDesc {
  const fk = (f: TableDesc['outboundFks'][number]) => ({ ...f, originTableId: ids(f.originTableId), referencedTableId: ids(f.referencedTableId) });
  return {
    ...t,
    id: ids(t.id),
    parentId,
    schemaId,
    version: 1,
    state: 'public',
    outboundFks: t.outboundFks.map(fk),
    inboundFks: t.inboundFks.map(fk),
    dependsOn: t.dependsOn.map(ids),
    dependedOnBy: t.dependedOnBy.map(ids),
    sequence: t.sequence ? { ...t.sequence, ownedBy: t.sequence.ownedBy ? { ...t.sequence.ownedBy, tableId: ids(t.sequence.ownedBy.tableId) } : null } : null,
    privileges: privileges(t.privileges),
    dropTimeMicros: null,
  };
}

async function loadLayers(storage: ExternalStorage, folders: string[], key: EncryptionKey | undefined): Promise<Layer[]> {
  const out: Layer[] = [];
  for (const f of folders) out.push({ folder: f, manifest: await readManifest(storage, f, key) });
  return out;
}

async function publish(txn: Txn, d: RestoreDetails, p: RestoreProgress, user: string, layers: Layer[], storage: ExternalStorage, key: EncryptionKey | undefined): Promise<void> {
  const ids = (old: number): number => p.idMap[String(old)] ?? old;
  const first = d.objects.find((o) => p.idMap[String(o.oldId)] !== undefined);
  if (first && (await readDescriptor(txn, ids(first.oldId)))) return; // published by a run that crashed before recording it
  await checkRestoreConflicts(txn, d.objects, d.kind);
  if (d.kind === 'cluster') {
    for (const o of d.objects) if (o.kind === 'database' && replaceableDbs.has(o.dbName)) await dropEmptyBuiltinDb(txn, o.dbName);
  }
  // A cluster restore keeps every grant as it was; other restores make the restoring user the owner.
  const privs = (p: PrivilegeDesc): PrivilegeDesc => (d.kind === 'cluster' ? p : ownedBy(p, user));
  const dbIds = new Map<string, number>();
  const schemaIds = new Map<string, number>();
  for (const o of d.objects) {
    const desc = deserializeDescriptor(Buffer.from(o.desc)) as Descriptor;
    if (o.kind === 'database') {
      const db: DatabaseDesc = { ...(desc as DatabaseDesc), id: ids(o.oldId), name: o.dbName, version: 1, state: 'public', privileges: privs(desc.privileges) };
      writeDescriptor(txn, db);
      writeNamespace(txn, 0, 0, db.name, db.id);
      dbIds.set(o.dbName, db.id);
    }
  }
  for (const o of d.objects) {
    if (o.kind !== 'schema') continue;
    const desc = deserializeDescriptor(Buffer.from(o.desc)) as SchemaDesc;
    const parentId = dbIds.get(o.dbName)!;
    const s: SchemaDesc = { ...desc, id: ids(o.oldId), parentId, version: 1, state: 'public', privileges: desc.name === 'public' ? desc.privileges : privs(desc.privileges) };
    writeDescriptor(txn, s);
    writeNamespace(txn, parentId, 0, s.name, s.id);
    schemaIds.set(`${o.dbName}.${s.name}`, s.id);
  }
  for (const o of d.objects) {
    if (!isTableKind(o)) continue;
    const parentId = dbIds.get(o.dbName) ?? (await lookupId(txn, 0, 0, o.dbName))!;
    const schemaId = schemaIds.get(`${o.dbName}.${o.schemaName}`) ?? (await lookupId(txn, parentId, 0, o.schemaName))!;
    let t = rewriteTable(deserializeDescriptor(Buffer.from(o.desc)) as TableDesc, ids, parentId, schemaId, privs);
    if (t.viewQuery && o.origDbName && o.origDbName !== o.dbName) t = { ...t, viewQuery: renameDatabaseInQuery(t.viewQuery, o.origDbName, o.dbName) };
    writeDescriptor(txn, t);
    writeNamespace(txn, parentId, schemaId, t.name, t.id);
  }
  if (d.kind === 'cluster') await restoreSystemTables(txn, d, layers, storage, key, ids);
}

/** Cluster restore: the system tables' rows (users, roles, settings, zones) as of the target time. */
async function restoreSystemTables(
  txn: Txn, d: RestoreDetails, layers: Layer[], storage: ExternalStorage, key: EncryptionKey | undefined, ids: (old: number) => number,
): Promise<void> {
  const restoredIds = new Set(d.objects.map((o) => o.oldId));
  const zones = tableLayout(zonesTable);
  const target = tsFromJson(d.targetTime);
  const counts: RestoreCounts = { rows: 0, indexEntries: 0, bytes: 0 };
  const systemIds = new Set<number>();
  for (const l of layers) for (const f of l.manifest.files) if (f.tableId < SystemIds.firstUserId && f.tableId !== SystemIds.descriptorTable && f.tableId !== SystemIds.namespaceTable) systemIds.add(f.tableId);
  for (const id of systemIds) {
    for await (const batch of restoredEntries(storage, layers, id, id, 1, target, target, key, counts)) {
      for (const e of batch) {
        if (!e.value) continue;
        if (id !== SystemIds.zonesTable) {
          txn.put(e.key, e.value);
          continue;
        }
        // Zone configs are keyed by descriptor ID: follow objects to their new IDs; drop those of objects not restored.
        const row = decodePrimaryRow(zones, e.key, e.value);
        const zoneId = Number(row[0] as bigint);
        if (zoneId >= SystemIds.firstUserId && !restoredIds.has(zoneId)) continue;
        row[0] = BigInt(ids(zoneId));
        txn.put(primaryKey(zones, row), e.value);
      }
    }
  }
}

async function verifyFiles(storage: ExternalStorage, layers: Layer[], tableIds: Set<number>, key: EncryptionKey | undefined): Promise<void> {
  for (const l of layers) {
    for (const f of l.manifest.files) {
      if (!tableIds.has(f.tableId)) continue;
      const path = `${l.folder}/${f.path}`;
      if (!(await storage.exists(path))) throw new BurrowError('58P01', `backup data file ${path} is missing`);
      const reader = await openDataFile(storageSource(storage, path), { encryption: key });
      for await (const batch of reader.entries()) void batch;
    }
  }
}

export async function runRestore(ctx: JobCtxLike): Promise<RestoreCounts> {
  const d = ctx.record.details as RestoreDetails;
  const engine: SqlEngine = ctx.engine;
  const storage = await storageAs(engine, ctx.record.username, d.collectionUri);
  const key = d.encryptionPassphrase !== null ? await collectionKey(storage, d.encryptionPassphrase, false) : undefined;
  const layers = await loadLayers(storage, d.layerFolders, key);
  let p = ctx.record.progress as RestoreProgress | null;
  if (!p || !p.idMap) {
    const idMap: Record<string, number> = {};
    await engine.kv.runTxn(async (txn) => {
      for (const o of d.objects) if (o.kind === 'database' || o.kind === 'schema' || isTableKind(o)) idMap[String(o.oldId)] = await allocateDescriptorId(txn);
    });
    p = { idMap, ingestTime: tsToJson(engine.store.clock.now()), doneTables: [], startedTable: null, counts: { rows: 0, indexEntries: 0, bytes: 0 }, published: false };
    await ctx.checkpoint(0.01, p);
  }
  const prog = p;
  const tables = d.objects.filter((o) => o.kind === 'table' || o.kind === 'sequence');
  if (d.verifyData) await verifyFiles(storage, layers, new Set(tables.map((o) => o.oldId)), key);
  const ingestTs: Timestamp = tsFromJson(prog.ingestTime);
  if (!d.schemaOnly && !prog.published) {
    for (const o of tables) {
      if (prog.doneTables.includes(o.oldId)) continue;
      const newId = prog.idMap[String(o.oldId)]!;
      const span = tableSpan(newId);
      if (prog.startedTable === o.oldId) {
        await engine.store.clearTableSpan(span.start, span.end);
        if (prog.countsAtTableStart) prog.counts = { ...prog.countsAtTableStart };
      }
      prog.startedTable = o.oldId;
      prog.countsAtTableStart = { ...prog.counts };
      await ctx.checkpoint(0.05 + 0.9 * (prog.doneTables.length / Math.max(tables.length, 1)), prog);
      const t = deserializeDescriptor(Buffer.from(o.desc)) as TableDesc;
      const entries = restoredPacked(storage, layers, o.oldId, newId, t.primaryIndex.id, tsFromJson(d.targetTime), ingestTs, key, prog.counts);
      const expected = Math.max(1, layers.reduce((a, l) => a + (l.manifest.tableStats[String(o.oldId)]?.rows ?? 0) + (l.manifest.tableStats[String(o.oldId)]?.indexEntries ?? 0), 0));
      const before = prog.counts.rows + prog.counts.indexEntries;
      const done = prog.doneTables.length;
      const fraction = (): number => 0.05 + 0.9 * ((done + Math.min(1, (prog.counts.rows + prog.counts.indexEntries - before) / expected)) / Math.max(tables.length, 1));
      const dataBytes = layers.reduce((a, l) => a + (l.manifest.tableStats[String(o.oldId)]?.dataBytes ?? 0), 0);
      await engine.store.ingestPacked(interruptible(entries, ctx, () => ctx.checkpoint(fraction(), prog)), { thread: dataBytes >= threadedIngestMinBytes });
      prog.doneTables.push(o.oldId);
      prog.startedTable = null;
      await ctx.checkpoint(0.05 + 0.9 * (prog.doneTables.length / Math.max(tables.length, 1)), prog);
    }
  }
  if (!prog.published) {
    const session = engine.newSession(ctx.record.username, 'defaultdb');
    await session.runInternal((env) => publish(env.txn, d, prog, ctx.record.username, layers, storage, key));
    prog.published = true;
    await ctx.checkpoint(1, prog);
  }
  return prog.counts;
}

/** Tables with at least this much data (over all layers) are ingested by a worker thread; smaller ones here. */
const threadedIngestMinBytes = 32 * 1024 * 1024;

/** Passes batches through, stopping at a pause or cancel and reporting progress now and then. */
async function* interruptible<T>(it: AsyncIterable<T>, ctx: JobCtxLike, progress: () => Promise<void>): AsyncGenerator<T> {
  let lastMs = Date.now();
  for await (const b of it) {
    ctx.throwIfInterrupted();
    if (Date.now() - lastMs > progressIntervalMs) {
      lastMs = Date.now();
      await progress();
    }
    yield b;
  }
}

/** After a failure or cancel before publishing: clears the spans written. */
export async function cleanupRestore(ctx: JobCtxLike): Promise<void> {
  const p = ctx.record.progress as RestoreProgress | null;
  if (!p?.idMap || p.published) return;
  const d = ctx.record.details as RestoreDetails;
  for (const o of d.objects) {
    if (o.kind !== 'table' && o.kind !== 'sequence') continue;
    const id = p.idMap[String(o.oldId)];
    if (id === undefined) continue;
    const span = tableSpan(id);
    await ctx.engine.store.clearTableSpan(span.start, span.end);
  }
}
