// Owns deciding what a RESTORE does, before anything is written: which
// layers of the chosen backup apply (AS OF SYSTEM TIME checks), the
// descriptors as of the restore time, which of them the statement selects,
// and where each goes (database names, new_db_name, into_db), with
// CockroachDB's errors for every conflict and missing dependency, each with
// a hint. The result is plain data the job records and runs.

import { BurrowError } from '../util/errors.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import type { RestoreStatement, TablePattern } from '../sql/parser/ast.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from '../sql/catalog/descriptor.js';
import { deserializeDescriptor } from '../sql/catalog/descriptor.js';
import { tsFromJson, type BackupManifest } from './manifest.js';
import { SystemIds } from '../sql/catalog/system-schema.js';

export interface Layer {
  folder: string;
  manifest: BackupManifest;
}

export interface RestoreChoices {
  newDbName: string | null;
  intoDb: string | null;
  skipMissingForeignKeys: boolean;
  skipMissingSequences: boolean;
  skipMissingViews: boolean;
  sessionDatabase: string;
}

/** One object to restore: its descriptor in the backup and where it lands. */
export interface RestoreObject {
  oldId: number;
  /** serializeDescriptor JSON of the backed-up descriptor, already adjusted (FKs/defaults dropped per skip options). */
  desc: string;
  kind: 'database' | 'schema' | 'table' | 'view' | 'sequence';
  name: string;
  /** Target database name; for a restored database, its (new) name. */
  dbName: string;
  /** The database it was in when backed up. */
  origDbName?: string;
  /** Target schema name (tables). */
  schemaName: string;
  /** The object's database is restored too (new ID) rather than existing. */
  dbRestored: boolean;
  schemaRestored: boolean;
}

export interface RestorePlan {
  kind: 'cluster' | 'databases' | 'tables';
  layers: Layer[];
  /** The time restored to. */
  targetTime: Timestamp;
  /** Whether the time lies inside a layer's window (needs revision history). */
  objects: RestoreObject[];
  systemTables: string[];
}

export function descriptorsAt(layers: Layer[], t: Timestamp): Map<number, Descriptor> {
  let base = new Map<number, Descriptor>();
  for (const l of layers) {
    const end = tsFromJson(l.manifest.endTime);
    if (compareTimestamps(end, t) <= 0) {
      base = new Map(l.manifest.descriptors.map((s) => {
        const d = deserializeDescriptor(Buffer.from(s));
        return [d.id, d];
      }));
      continue;
    }
    // t inside this layer: for each descriptor, its newest change at or before t.
    const byId = new Map<number, { time: Timestamp; desc: string | null }>();
    for (const c of l.manifest.descriptorChanges) {
      const ct = tsFromJson(c.time);
      if (compareTimestamps(ct, t) > 0) continue;
      const prev = byId.get(c.id);
      if (!prev || compareTimestamps(ct, prev.time) > 0) byId.set(c.id, { time: ct, desc: c.desc });
    }
    for (const [id, c] of byId) {
      if (c.desc) base.set(id, deserializeDescriptor(Buffer.from(c.desc)));
      else base.delete(id);
    }
    break;
  }
  for (const [id, d] of base) if (d.state !== 'public') base.delete(id);
  return base;
}

function tsText(t: Timestamp): string {
  return `${t.wall}.${String(t.logical).padStart(10, '0')}`;
}

/** Chooses the layers to apply for AS OF SYSTEM TIME t (or all of them). */
export function chooseLayers(all: Layer[], t: Timestamp | null): { layers: Layer[]; target: Timestamp } {
  const last = all[all.length - 1]!;
  if (!t) return { layers: all, target: tsFromJson(last.manifest.endTime) };
  const out: Layer[] = [];
  for (const l of all) {
    out.push(l);
    const end = tsFromJson(l.manifest.endTime);
    const c = compareTimestamps(t, end);
    if (c === 0) return { layers: out, target: t };
    if (c < 0) {
      const start = l.manifest.startTime ? tsFromJson(l.manifest.startTime) : null;
      if (!l.manifest.revisionHistory) {
        throw new BurrowError('22023', `invalid RESTORE timestamp: restoring to arbitrary time requires that BACKUP for requested time be created with 'revision_history' option. nearest BACKUP times prior to requested time: ${describePrior(all, t)}`, {
          hint: 'Restore AS OF one of the backup end times (SHOW BACKUP shows them), or take backups WITH revision_history.',
        });
      }
      if (start && compareTimestamps(t, start) <= 0) {
        throw new BurrowError('22023', `invalid RESTORE timestamp: supplied backups do not cover requested time ${tsText(t)}`);
      }
      return { layers: out, target: t };
    }
  }
  throw new BurrowError('22023', `invalid RESTORE timestamp: supplied backups do not cover requested time ${tsText(t)}`, {
    hint: 'The newest backup layer ends before that time; take a new backup (BACKUP ... INTO LATEST IN) first.',
  });
}

function describePrior(all: Layer[], t: Timestamp): string {
  const prior = all.map((l) => tsFromJson(l.manifest.endTime)).filter((e) => compareTimestamps(e, t) < 0);
  return prior.length ? new Date(Number(prior[prior.length - 1]!.wall / 1_000_000n)).toISOString() : '<none>';
}

function objKind(d: Descriptor): RestoreObject['kind'] {
  return d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence' ? d.kind : d.kind;
}

interface Ctx {
  descs: Map<number, Descriptor>;
  manifest: BackupManifest;
  choices: RestoreChoices;
}

function dbOf(ctx: Ctx, t: TableDesc | SchemaDesc): DatabaseDesc {
  return ctx.descs.get(t.parentId) as DatabaseDesc;
}

function schemaNameOf(ctx: Ctx, t: TableDesc): string {
  return (ctx.descs.get(t.schemaId) as SchemaDesc | undefined)?.name ?? 'public';
}

function matchTables(ctx: Ctx, p: TablePattern): TableDesc[] {
  const tables = [...ctx.descs.values()].filter((d): d is TableDesc => d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence');
  const dbNamed = (n: string) => [...ctx.descs.values()].find((d): d is DatabaseDesc => d.kind === 'database' && d.name === n);
  if (p.kind === 'tableStar') {
    const [a, b] = p.prefix;
    if (p.prefix.length === 0) return tables.filter((t) => dbOf(ctx, t)?.name === ctx.choices.sessionDatabase);
    if (p.prefix.length === 2) return tables.filter((t) => dbOf(ctx, t)?.name === a && schemaNameOf(ctx, t) === b);
    if (dbNamed(a!)) return tables.filter((t) => dbOf(ctx, t)?.name === a);
    return tables.filter((t) => dbOf(ctx, t)?.name === ctx.choices.sessionDatabase && schemaNameOf(ctx, t) === a);
  }
  const n = p.name;
  const found = tables.filter((t) => {
    if (t.name !== n.name) return false;
    const db = dbOf(ctx, t)?.name;
    const sc = schemaNameOf(ctx, t);
    if (n.catalog) return db === n.catalog && sc === (n.schema ?? 'public');
    if (n.schema) return (db === n.schema && sc === 'public') || (db === ctx.choices.sessionDatabase && sc === n.schema);
    return db === ctx.choices.sessionDatabase || [...new Set(tables.map((x) => dbOf(ctx, x)?.name))].length === 1;
  });
  if (found.length === 0) {
    const text = [n.catalog, n.schema, n.name].filter((x) => x).join('.');
    throw new BurrowError('42P01', `failed to resolve targets specified in the RESTORE stmt: table "${text}" does not exist`, {
      hint: 'SHOW BACKUP ... lists the tables the backup holds; qualify the name with its database (RESTORE TABLE db.table ...).',
    });
  }
  return found;
}

/** A referenced object's name: from the backup, else from the names the backup kept of what it left out. */
function refName(ctx: Ctx, id: number): string {
  const d = ctx.descs.get(id);
  if (d) return d.name;
  const ext = ctx.manifest.externalNames?.[String(id)];
  return ext ? ext.split('.').pop()! : String(id);
}

function nextvalNames(expr: string | null): string[] {
  if (!expr) return [];
  const out: string[] = [];
  const re = /nextval\(\s*'([^']+)'(?:::[A-Za-z]+)?\s*\)/gi;
  for (let m = re.exec(expr); m; m = re.exec(expr)) out.push(m[1]!.split('.').pop()!.replace(/"/g, ''));
  return out;
}

/** Applies the dependency rules; returns the adjusted table descriptors to restore (views may be dropped). */
function checkDependencies(ctx: Ctx, tables: TableDesc[]): TableDesc[] {
  // System tables exist, with the same IDs, in every cluster.
  const ids = { has: (id: number): boolean => id < SystemIds.firstUserId || restoring.has(id) };
  const restoring = new Set(tables.map((t) => t.id));
  const out: TableDesc[] = [];
  for (const t0 of tables) {
    let t = t0;
    const missingFks = t.outboundFks.filter((fk) => !ids.has(fk.referencedTableId));
    if (missingFks.length) {
      if (!ctx.choices.skipMissingForeignKeys) {
        const ref = refName(ctx, missingFks[0]!.referencedTableId);
        throw new BurrowError('42P01', `cannot restore table "${t.name}" without referenced table "${ref}" (or "skip_missing_foreign_keys" option)`, {
          hint: `Restore ${ref} in the same RESTORE, or add WITH skip_missing_foreign_keys to restore without the foreign key.`,
        });
      }
      t = { ...t, outboundFks: t.outboundFks.filter((fk) => ids.has(fk.referencedTableId)) };
    }
    t = { ...t, inboundFks: t.inboundFks.filter((fk) => ids.has(fk.originTableId)) };
    const seqs = tables.filter((x) => x.kind === 'sequence');
    const missingSeq = t.columns.flatMap((c) => nextvalNames(c.defaultExpr).filter((n) => !seqs.some((s) => s.name === n && s.parentId === t.parentId)).map((n) => ({ c, n })));
    if (missingSeq.length) {
      if (!ctx.choices.skipMissingSequences) {
        throw new BurrowError('42P01', `cannot restore table "${t.name}" without referenced sequence "${missingSeq[0]!.n}" (or "skip_missing_sequences" option)`, {
          hint: `Restore the sequence ${missingSeq[0]!.n} too, or add WITH skip_missing_sequences.`,
        });
      }
      const drop = new Set(missingSeq.map((m) => m.c.id));
      t = { ...t, columns: t.columns.map((c) => (drop.has(c.id) ? { ...c, defaultExpr: null } : c)) };
    }
    if (t.kind === 'view') {
      const missing = t.dependsOn.filter((id) => !ids.has(id));
      if (missing.length) {
        if (!ctx.choices.skipMissingViews) {
          const dep = refName(ctx, missing[0]!);
          throw new BurrowError('42P01', `cannot restore view "${t.name}" without restoring referenced table "${dep}" (or "skip_missing_views" option)`, {
            hint: `Restore ${dep} in the same RESTORE, or add WITH skip_missing_views to leave the view out.`,
          });
        }
        continue;
      }
    }
    t = { ...t, dependedOnBy: t.dependedOnBy.filter((id) => ids.has(id)) };
    if (t.sequence?.ownedBy && !ids.has(t.sequence.ownedBy.tableId)) t = { ...t, sequence: { ...t.sequence, ownedBy: null } };
    out.push(t);
  }
  if (out.length !== tables.length) {
    // A skipped view: tables it depended on must forget it.
    const kept = new Set(out.map((t) => t.id));
    return out.map((t) => ({ ...t, dependedOnBy: t.dependedOnBy.filter((id) => kept.has(id)) }));
  }
  return out;
}

const ser = (d: Descriptor): string => JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));

export function planRestore(stmt: RestoreStatement, all: Layer[], asOf: Timestamp | null, choices: RestoreChoices): RestorePlan {
  const { layers, target } = chooseLayers(all, asOf);
  const manifest = layers[layers.length - 1]!.manifest;
  const descs = descriptorsAt(layers, target);
  const ctx: Ctx = { descs, manifest, choices };
  const objects: RestoreObject[] = [];
  const dbs = [...descs.values()].filter((d): d is DatabaseDesc => d.kind === 'database');
  const addDb = (db: DatabaseDesc, name: string): void => {
    objects.push({ oldId: db.id, desc: ser(db), kind: 'database', name, dbName: name, schemaName: '', dbRestored: true, schemaRestored: false });
    for (const s of descs.values()) {
      if (s.kind === 'schema' && s.parentId === db.id) {
        objects.push({ oldId: s.id, desc: ser(s), kind: 'schema', name: s.name, dbName: name, schemaName: s.name, dbRestored: true, schemaRestored: true });
      }
    }
  };
  const addTables = (tables: TableDesc[], dbNameFor: (t: TableDesc) => string, dbRestored: boolean): void => {
    for (const t of checkDependencies(ctx, tables)) {
      objects.push({ oldId: t.id, desc: ser(t), kind: objKind(t), name: t.name, dbName: dbNameFor(t), origDbName: dbOf(ctx, t).name, schemaName: schemaNameOf(ctx, t), dbRestored, schemaRestored: dbRestored });
    }
  };
  const tablesOf = (dbId: number): TableDesc[] =>
    [...descs.values()].filter((d): d is TableDesc => d.kind !== 'database' && d.kind !== 'schema' && d.parentId === dbId);

  if (!stmt.targets) {
    if (!manifest.isFullCluster) {
      throw new BurrowError('22023', 'full cluster RESTORE can only be used on full cluster BACKUP files', {
        hint: "SHOW BACKUP FROM LATEST IN '<collection>' lists what it holds.",
      });
    }
    if (choices.newDbName || choices.intoDb) throw new BurrowError('22023', 'new_db_name and into_db cannot be used with a full cluster restore');
    for (const db of dbs) addDb(db, db.name);
    // All tables at once: objects may depend on objects of other databases.
    addTables(dbs.flatMap((db) => tablesOf(db.id)), (t) => dbOf(ctx, t).name, true);
    return { kind: 'cluster', layers, targetTime: target, objects, systemTables: manifest.systemTables };
  }
  if (stmt.targets.kind === 'databases') {
    if (choices.intoDb) {
      throw new BurrowError('22023', 'cannot use "into_db" option when restoring database(s)', { hint: 'Use new_db_name to restore a database under another name.' });
    }
    if (choices.newDbName && stmt.targets.names.length !== 1) {
      throw new BurrowError('22023', 'new_db_name can only be used for RESTORE DATABASE with a single target database', { hint: 'Restore one database per statement.' });
    }
    for (const name of stmt.targets.names) {
      const db = dbs.find((d) => d.name === name);
      if (!db || !manifest.completeDbs.includes(db.id)) {
        if (db || manifest.targets.kind === 'tables') {
          throw new BurrowError('22023', `cannot RESTORE DATABASE from a backup of individual tables (use SHOW BACKUP to determine available tables)`, {
            hint: `Restore the tables instead: RESTORE TABLE ${name}.* FROM ...`,
          });
        }
        throw new BurrowError('3D000', `database "${name}" not found in backup`, { hint: "SHOW BACKUP ... IN '<collection>' lists the databases it holds." });
      }
      const newName = choices.newDbName ?? name;
      addDb(db, newName);
      addTables(tablesOf(db.id), () => newName, true);
    }
    return { kind: 'databases', layers, targetTime: target, objects, systemTables: [] };
  }
  if (choices.newDbName) {
    throw new BurrowError('22023', 'new_db_name can only be used for RESTORE DATABASE with a single target database', { hint: 'Use into_db to restore tables into another database.' });
  }
  const tables = new Map<number, TableDesc>();
  for (const p of stmt.targets.tables) for (const t of matchTables(ctx, p)) tables.set(t.id, t);
  addTables([...tables.values()].sort((a, b) => a.id - b.id), (t) => choices.intoDb ?? dbOf(ctx, t).name, false);
  return { kind: 'tables', layers, targetTime: target, objects, systemTables: [] };
}
