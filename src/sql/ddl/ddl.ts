// Owns the schema statements other than CREATE TABLE: databases, schemas,
// DROP TABLE/VIEW, indexes (created with a backfill in the same
// transaction), TRUNCATE, and ALTER TABLE's renames and column changes.
// Dropped tables become unreachable at once (namespace entry removed,
// descriptor marked dropped); their data stays as MVCC history until GC.

import { requireCreateDatabase, requireOwnership, requirePrivilege } from '../privilege/check.js';
import { BurrowError } from '../../util/errors.js';
import type {
  AlterTableStatement, CreateDatabaseStatement, CreateIndexStatement, CreateSchemaStatement, DropDatabaseStatement,
  DropIndexStatement, DropObjectsStatement, ObjectName, TruncateStatement, AlterDatabaseStatement,
} from '../parser/ast.js';
import { formatExpr, parseExpression } from '../parser/index.js';
import type { Row } from '../types/datum.js';
import type { DatabaseDesc, SchemaDesc, TableDesc } from '../catalog/descriptor.js';
import {
  allocateDescriptorId, deleteNamespace, writeDescriptor, writeNamespace,
} from '../catalog/catalog-store.js';
import { makeDatabaseDesc, makeSchemaDesc } from '../catalog/system-schema.js';
import { decodePrimaryRow, indexSpan, primaryKey, primaryValue, secondaryEntry, tableLayout } from '../rowenc/table-codec.js';
import { compileExpr } from '../plan/compile-expr.js';
import { evalExpr } from '../plan/types.js';
import { newScope } from '../plan/scope.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { addForeignKey, annotateLiterals, newIndex } from './create-table.js';
import { compileBool } from '../plan/compile-expr.js';
import { formatDatum } from '../types/format.js';
import { tableEnv } from '../dml/table-write.js';
import { assignmentCast } from '../types/cast.js';

const bump = <T extends { version: number }>(d: T): T => ({ ...d, version: d.version + 1 });

async function forEachRow(env: StmtEnv, t: TableDesc, fn: (row: Row) => void | Promise<void>): Promise<void> {
  const l = tableLayout(t);
  const span = indexSpan(l.primary);
  for await (const page of env.txn.scan(span.start, span.end)) {
    for (const kv of page) await fn(decodePrimaryRow(l, kv.key, kv.value));
  }
}

export async function execCreateDatabase(stmt: CreateDatabaseStatement, env: StmtEnv): Promise<StatementResult> {
  await requireCreateDatabase(env);
  if (await env.catalog.lookup(env.txn, 0, 0, stmt.name) !== undefined) {
    if (stmt.ifNotExists) return commandResult('CREATE DATABASE');
    throw new BurrowError('42P04', `database "${stmt.name}" already exists`, { hint: 'Choose another name, or DROP DATABASE the existing one first.' });
  }
  const id = await allocateDescriptorId(env.txn);
  const schemaId = await allocateDescriptorId(env.txn);
  writeDescriptor(env.txn, makeDatabaseDesc(id, stmt.name, env.session.user));
  writeNamespace(env.txn, 0, 0, stmt.name, id);
  writeDescriptor(env.txn, makeSchemaDesc(schemaId, 'public', id, 'admin'));
  writeNamespace(env.txn, id, 0, 'public', schemaId);
  return commandResult('CREATE DATABASE');
}

export async function execCreateSchema(stmt: CreateSchemaStatement, env: StmtEnv): Promise<StatementResult> {
  const db = await env.catalog.mustGetDatabase(env.txn, stmt.name.catalog ?? env.session.database);
  await requirePrivilege(env, db, 'CREATE');
  if (await env.catalog.lookup(env.txn, db.id, 0, stmt.name.schema) !== undefined) {
    if (stmt.ifNotExists) return commandResult('CREATE SCHEMA');
    throw new BurrowError('42P06', `schema "${stmt.name.schema}" already exists`);
  }
  const id = await allocateDescriptorId(env.txn);
  writeDescriptor(env.txn, makeSchemaDesc(id, stmt.name.schema, db.id, stmt.authorization ?? env.session.user));
  writeNamespace(env.txn, db.id, 0, stmt.name.schema, id);
  return commandResult('CREATE SCHEMA');
}

function markDropped(env: StmtEnv, t: TableDesc): void {
  writeDescriptor(env.txn, { ...bump(t), state: 'dropped', dropTimeMicros: env.evalCtx.txnTimestampMicros });
  deleteNamespace(env.txn, t.parentId, t.schemaId, t.name);
}

async function dropTableDesc(env: StmtEnv, t: TableDesc, cascade: boolean, dropping: Set<number>): Promise<void> {
  dropping.add(t.id);
  for (const fk of t.inboundFks) {
    if (dropping.has(fk.originTableId) || fk.originTableId === t.id) continue;
    const child = (await env.catalog.getById(env.txn, fk.originTableId)) as TableDesc;
    if (!cascade) {
      throw new BurrowError('2BP01', `"${t.name}" is referenced by foreign key from table "${child.name}"`, { hint: `Drop the foreign key constraint first, or use DROP TABLE ${t.name} CASCADE.` });
    }
    writeDescriptor(env.txn, { ...bump(child), outboundFks: child.outboundFks.filter((f) => f.name !== fk.name) });
  }
  for (const fk of t.outboundFks) {
    if (fk.referencedTableId === t.id || dropping.has(fk.referencedTableId)) continue;
    const parent = (await env.catalog.getById(env.txn, fk.referencedTableId)) as TableDesc;
    writeDescriptor(env.txn, { ...bump(parent), inboundFks: parent.inboundFks.filter((f) => !(f.name === fk.name && f.originTableId === t.id)) });
  }
  for (const dep of t.dependedOnBy) {
    if (dropping.has(dep)) continue;
    const v = (await env.catalog.getById(env.txn, dep)) as TableDesc | undefined;
    if (!v || v.state !== 'public') continue;
    if (!cascade) throw new BurrowError('2BP01', `cannot drop relation "${t.name}" because view "${v.name}" depends on it`, { hint: `you can drop ${v.name} instead.` });
    await dropTableDesc(env, v, true, dropping);
  }
  markDropped(env, t);
}

export async function execDropObjects(stmt: DropObjectsStatement, env: StmtEnv): Promise<StatementResult> {
  const want = stmt.kind === 'dropTable' ? 'table' : stmt.kind === 'dropView' ? 'view' : 'sequence';
  const tag = stmt.kind === 'dropTable' ? 'DROP TABLE' : stmt.kind === 'dropView' ? 'DROP VIEW' : 'DROP SEQUENCE';
  const dropping = new Set<number>();
  for (const name of stmt.names) {
    const t = await env.catalog.findTable(env.txn, name, env.session);
    if (!t) {
      if (stmt.ifExists) continue;
      throw new BurrowError('42P01', `relation "${displayName(name)}" does not exist`);
    }
    if (t.desc.kind !== want) throw new BurrowError('42809', `"${t.desc.name}" is not a ${want}`);
    await requirePrivilege(env, t.desc, 'DROP');
    await dropTableDesc(env, t.desc, stmt.behavior === 'CASCADE', dropping);
  }
  return commandResult(tag);
}

function displayName(n: ObjectName): string {
  return [n.catalog, n.schema, n.name].filter((x) => x !== null).join('.');
}

export async function execDropDatabase(stmt: DropDatabaseStatement, env: StmtEnv): Promise<StatementResult> {
  const db = await env.catalog.getDatabase(env.txn, stmt.name);
  if (!db) {
    if (stmt.ifExists) return commandResult('DROP DATABASE');
    throw new BurrowError('3D000', `database "${stmt.name}" does not exist`);
  }
  if (db.name === 'system') throw new BurrowError('42501', 'user root does not have DROP privilege on database system');
  await requirePrivilege(env, db, 'DROP');
  const entries = await env.catalog.list(env.txn, db.id);
  const tables = entries.filter((e) => e.schemaId !== 0);
  if (tables.length > 0 && stmt.behavior === 'RESTRICT') {
    throw new BurrowError('2BP01', `database "${db.name}" is not empty and RESTRICT was specified`);
  }
  const dropping = new Set<number>();
  for (const e of tables) {
    const t = (await env.catalog.getById(env.txn, e.id)) as TableDesc;
    if (t && t.state === 'public' && !dropping.has(t.id)) await dropTableDesc(env, t, true, dropping);
  }
  for (const e of entries.filter((x) => x.schemaId === 0)) {
    const s = (await env.catalog.getById(env.txn, e.id)) as SchemaDesc;
    writeDescriptor(env.txn, { ...bump(s), state: 'dropped' });
    deleteNamespace(env.txn, db.id, 0, e.name);
  }
  writeDescriptor(env.txn, { ...bump(db), state: 'dropped' } as DatabaseDesc);
  deleteNamespace(env.txn, 0, 0, db.name);
  if (env.session.database === db.name) env.session.database = '';
  return commandResult('DROP DATABASE');
}

export async function execAlterDatabase(stmt: AlterDatabaseStatement, env: StmtEnv): Promise<StatementResult> {
  const db = await env.catalog.mustGetDatabase(env.txn, stmt.name);
  await requireOwnership(env, db);
  if (stmt.cmd.kind === 'renameTo') {
    const to = stmt.cmd.newName;
    if (await env.catalog.lookup(env.txn, 0, 0, to) !== undefined) throw new BurrowError('42P04', `database "${to}" already exists`);
    deleteNamespace(env.txn, 0, 0, db.name);
    writeNamespace(env.txn, 0, 0, to, db.id);
    writeDescriptor(env.txn, { ...bump(db), name: to });
    if (env.session.database === db.name) env.session.database = to;
    return commandResult('ALTER DATABASE');
  }
  writeDescriptor(env.txn, { ...bump(db), privileges: { ...db.privileges, owner: stmt.cmd.owner } });
  return commandResult('ALTER DATABASE OWNER');
}

async function backfillIndex(env: StmtEnv, t: TableDesc, indexPos: number): Promise<void> {
  const l = tableLayout(t);
  const ix = l.secondaries[indexPos]!;
  const seen = new Set<string>();
  await forEachRow(env, t, (row) => {
    const e = secondaryEntry(ix, row, l.primary);
    if (ix.index.unique) {
      const k = e.key.toString('latin1');
      if (seen.has(k)) {
        throw new BurrowError('23505', `could not create unique index "${ix.index.name}"`, { detail: 'Key is duplicated.' });
      }
      seen.add(k);
    }
    env.txn.put(e.key, e.value);
  });
}

export async function execCreateIndex(stmt: CreateIndexStatement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.inverted) throw new BurrowError('0A000', 'unimplemented: inverted indexes');
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.table, env.session);
  await requirePrivilege(env, desc, 'CREATE');
  if (desc.kind !== 'table') throw new BurrowError('42809', `"${desc.name}" is not a table`);
  const name = stmt.name ?? `${desc.name}_${stmt.columns.map((c) => c.column).join('_')}_idx`;
  if ([desc.primaryIndex, ...desc.indexes].some((ix) => ix.name === name)) {
    if (stmt.ifNotExists) return commandResult('CREATE INDEX');
    throw new BurrowError('42P07', `index with name "${name}" already exists`);
  }
  const t: TableDesc = { ...bump(desc), indexes: [...desc.indexes] };
  t.indexes.push(newIndex(t, name, stmt.unique, stmt.columns, stmt.storing, stmt.where));
  await backfillIndex(env, t, t.indexes.length - 1);
  writeDescriptor(env.txn, t);
  return commandResult('CREATE INDEX');
}

export async function execDropIndex(stmt: DropIndexStatement, env: StmtEnv): Promise<StatementResult> {
  for (const ref of stmt.indexes) {
    let found: { t: TableDesc; pos: number } | null = null;
    if (ref.table) {
      const { desc } = await env.catalog.resolveTable(env.txn, ref.table, env.session);
      await requirePrivilege(env, desc, 'CREATE');
      const pos = desc.indexes.findIndex((ix) => ix.name === ref.index);
      if (pos >= 0) found = { t: desc, pos };
      else if (desc.primaryIndex.name === ref.index) throw new BurrowError('0A000', 'cannot drop the primary index of a table using DROP INDEX', { hint: 'Use ALTER TABLE ... ALTER PRIMARY KEY instead.' });
    } else {
      const db = await env.catalog.mustGetDatabase(env.txn, env.session.database);
      for (const e of await env.catalog.list(env.txn, db.id)) {
        if (e.schemaId === 0) continue;
        const d = await env.catalog.getById(env.txn, e.id);
        if (d && d.kind === 'table' && d.state === 'public') {
          const pos = d.indexes.findIndex((ix) => ix.name === ref.index);
          if (pos >= 0) {
            found = { t: d, pos };
            break;
          }
        }
      }
    }
    if (!found) {
      if (stmt.ifExists) continue;
      throw new BurrowError('42704', `index "${ref.index}" does not exist`);
    }
    const l = tableLayout(found.t);
    const ixl = l.secondaries[found.pos]!;
    for await (const page of env.txn.scan(ixl.prefix, indexSpan(ixl).end)) for (const kv of page) env.txn.del(kv.key);
    writeDescriptor(env.txn, { ...bump(found.t), indexes: found.t.indexes.filter((_, i) => i !== found!.pos) });
  }
  return commandResult('DROP INDEX');
}

export async function execTruncate(stmt: TruncateStatement, env: StmtEnv): Promise<StatementResult> {
  for (const name of stmt.tables) {
    const { desc } = await env.catalog.resolveTable(env.txn, name, env.session);
    await requirePrivilege(env, desc, 'DROP');
    for (const fk of desc.inboundFks) {
      if (fk.originTableId !== desc.id && stmt.behavior !== 'CASCADE') {
        const child = (await env.catalog.getById(env.txn, fk.originTableId)) as TableDesc;
        throw new BurrowError('2BP01', `"${desc.name}" is referenced by foreign key from table "${child.name}"`);
      }
    }
    const l = tableLayout(desc);
    for (const ix of [l.primary, ...l.secondaries]) {
      const span = indexSpan(ix);
      for await (const page of env.txn.scan(span.start, span.end)) for (const kv of page) env.txn.del(kv.key);
    }
  }
  return commandResult('TRUNCATE');
}

export async function execAlterTable(stmt: AlterTableStatement, env: StmtEnv): Promise<StatementResult> {
  const found = await env.catalog.findTable(env.txn, stmt.name, env.session);
  if (!found) {
    if (stmt.ifExists) return commandResult('ALTER TABLE');
    throw new BurrowError('42P01', `relation "${displayName(stmt.name)}" does not exist`);
  }
  await requirePrivilege(env, found.desc, 'CREATE');
  let t: TableDesc = { ...bump(found.desc), columns: found.desc.columns.map((c) => ({ ...c })), indexes: [...found.desc.indexes], checks: [...found.desc.checks], outboundFks: [...found.desc.outboundFks] };
  for (const cmd of stmt.cmds) {
    switch (cmd.kind) {
      case 'renameTable': {
        const to = cmd.newName.name;
        if (await env.catalog.lookup(env.txn, t.parentId, t.schemaId, to) !== undefined) throw new BurrowError('42P07', `relation "${to}" already exists`);
        deleteNamespace(env.txn, t.parentId, t.schemaId, t.name);
        writeNamespace(env.txn, t.parentId, t.schemaId, to, t.id);
        t.name = to;
        break;
      }
      case 'renameColumn': {
        const c = t.columns.find((x) => x.name === cmd.column);
        if (!c) throw new BurrowError('42703', `column "${cmd.column}" does not exist`);
        if (t.columns.some((x) => x.name === cmd.newName)) throw new BurrowError('42701', `column "${cmd.newName}" of relation "${t.name}" already exists`);
        const rename = (text: string) => formatExpr(renameInExpr(parseExpression(text), cmd.column, cmd.newName));
        c.name = cmd.newName;
        t.checks = t.checks.map((ch) => ({ ...ch, expr: rename(ch.expr) }));
        break;
      }
      case 'addColumn': {
        if (t.columns.some((x) => x.name === cmd.def.name)) {
          if (cmd.ifNotExists) break;
          throw new BurrowError('42701', `column "${cmd.def.name}" of relation "${t.name}" already exists`);
        }
        const { colDescFor } = await import('./column-def.js');
        const { col, unique, checks } = colDescFor(t.nextColumnId++, cmd.def);
        t.columns.push(col);
        for (const ch of checks) t.checks.push({ name: `check_${col.name}`, expr: formatExpr(ch), columnIds: [col.id] });
        if (unique) t.indexes.push(newIndex(t, `${t.name}_${col.name}_key`, true, [{ column: col.name, expr: null, direction: null, nulls: null }], [], null));
        t = await backfillColumn(env, found.desc, t, col.id);
        if (unique) await backfillIndex(env, t, t.indexes.length - 1);
        break;
      }
      case 'dropColumn': {
        const c = t.columns.find((x) => x.name === cmd.column);
        if (!c) {
          if (cmd.ifExists) break;
          throw new BurrowError('42703', `column "${cmd.column}" does not exist`);
        }
        if (t.primaryIndex.columnIds.includes(c.id)) throw new BurrowError('0A000', `column "${c.name}" is referenced by the primary key`);
        const usedBy = t.indexes.filter((ix) => ix.columnIds.includes(c.id) || ix.storeColumnIds.includes(c.id));
        if (usedBy.length && cmd.behavior !== 'CASCADE') {
          throw new BurrowError('2BP01', `column "${c.name}" is referenced by existing index "${usedBy[0]!.name}"`, { hint: 'use CASCADE to drop the index too.' });
        }
        const old = t;
        const next: TableDesc = { ...t, columns: t.columns.filter((x) => x.id !== c.id), indexes: t.indexes.filter((ix) => !usedBy.includes(ix)), checks: t.checks.filter((ch) => !ch.columnIds.includes(c.id)) };
        await rewriteRows(env, old, next, (row) => row.filter((_, i) => old.columns[i]!.id !== c.id));
        t = next;
        break;
      }
      case 'alterColumn': {
        const c = t.columns.find((x) => x.name === cmd.column);
        if (!c) throw new BurrowError('42703', `column "${cmd.column}" does not exist`);
        const a = cmd.cmd;
        if (a.kind === 'setDefault') c.defaultExpr = a.expr ? formatExpr(a.expr) : null;
        else if (a.kind === 'dropDefault') c.defaultExpr = null;
        else if (a.kind === 'dropNotNull') {
          if (t.primaryIndex.columnIds.includes(c.id)) throw new BurrowError('42P16', `column "${c.name}" is in a primary index`);
          c.nullable = true;
        } else if (a.kind === 'setNotNull') {
          const idx = t.columns.indexOf(c);
          await forEachRow(env, found.desc, (row) => {
            if (row[idx] === null) throw new BurrowError('23502', `validation of NOT NULL constraint failed: validation of CHECK "${c.name} IS NOT NULL" failed on row: ...`);
          });
          c.nullable = false;
        } else throw new BurrowError('0A000', `unimplemented: ALTER COLUMN ${a.kind}`);
        break;
      }
      case 'addConstraint': {
        const con = cmd.constraint;
        const conName = (con as { name: string | null }).name;
        if (conName && (t.checks.some((c) => c.name === conName) || t.outboundFks.some((f) => f.name === conName) || t.indexes.some((ix) => ix.name === conName) || t.primaryIndex.name === conName)) {
          if (cmd.ifNotExists) break;
          throw new BurrowError('42710', `duplicate constraint name: "${conName}"`);
        }
        if (con.kind === 'checkConstraint') {
          const text = formatExpr(annotateLiterals(con.expr));
          await validateCheck(env, t, text);
          t.checks.push({ name: con.name ?? `check_${t.name}`, expr: text, columnIds: [] });
        } else if (con.kind === 'uniqueConstraint') {
          t.indexes.push(newIndex(t, con.name ?? `${t.name}_${con.columns.map((x) => x.column).join('_')}_key`, true, con.columns, con.storing, con.where));
          await backfillIndex(env, t, t.indexes.length - 1);
        } else if (con.kind === 'foreignKeyConstraint') {
          await addForeignKey(env, t, con.name, con.columns, con.ref);
          await validateForeignKey(env, t, t.outboundFks[t.outboundFks.length - 1]!);
        } else throw new BurrowError('0A000', `unimplemented: ADD CONSTRAINT ${con.kind}`);
        break;
      }
      case 'dropConstraint': {
        const before = t.checks.length + t.outboundFks.length + t.indexes.length;
        t.checks = t.checks.filter((ch) => ch.name !== cmd.constraint);
        const fk = t.outboundFks.find((f) => f.name === cmd.constraint);
        if (fk) {
          t.outboundFks = t.outboundFks.filter((f) => f !== fk);
          const parent = (await env.catalog.getById(env.txn, fk.referencedTableId)) as TableDesc;
          if (parent.id !== t.id) writeDescriptor(env.txn, { ...bump(parent), inboundFks: parent.inboundFks.filter((f) => !(f.name === fk.name && f.originTableId === t.id)) });
        }
        const uq = t.indexes.findIndex((ix) => ix.unique && ix.name === cmd.constraint);
        if (uq >= 0) {
          const ixl = tableLayout(t).secondaries[uq]!;
          for await (const page of env.txn.scan(ixl.prefix, indexSpan(ixl).end)) for (const kv of page) env.txn.del(kv.key);
          t.indexes = t.indexes.filter((_, i) => i !== uq);
        }
        if (before === t.checks.length + t.outboundFks.length + t.indexes.length && !cmd.ifExists) {
          throw new BurrowError('42704', `constraint "${cmd.constraint}" of relation "${t.name}" does not exist`);
        }
        break;
      }
      default:
        throw new BurrowError('0A000', `unimplemented: ALTER TABLE ${cmd.kind}`);
    }
  }
  writeDescriptor(env.txn, t);
  return commandResult('ALTER TABLE');
}

async function validateCheck(env: StmtEnv, t: TableDesc, text: string): Promise<void> {
  const pred = await compileBool(parseExpression(text), tableEnv(t, env.planCtx(), 'CHECK'));
  const ctx = env.execCtx();
  await forEachRow(env, t, async (row) => {
    if ((await evalExpr(pred, row, ctx)) === false) {
      const shown = t.columns.filter((c) => !c.hidden).map((c) => `${c.name}=${row[t.columns.indexOf(c)] === null ? 'NULL' : formatDatum(row[t.columns.indexOf(c)]!, c.type, { timezone: env.session.timezone })}`);
      throw new BurrowError('23514', `validation of CHECK "${text}" failed on row: ${shown.join(', ')}`);
    }
  });
}

async function validateForeignKey(env: StmtEnv, t: TableDesc, fk: import('../catalog/descriptor.js').ForeignKeyDesc): Promise<void> {
  const { checkFkInsert } = await import('../dml/fk.js');
  await forEachRow(env, t, async (row) => {
    try {
      await checkFkInsert(env, { ...t, outboundFks: [fk] }, row);
    } catch (err) {
      if (!(err instanceof BurrowError) || err.code !== '23503') throw err;
      const parent = (await env.catalog.getById(env.txn, fk.referencedTableId)) as TableDesc | undefined;
      const cols = fk.originColumnIds.map((id) => t.columns.find((c) => c.id === id)!);
      const shown = cols.map((c) => `${c.name}=${formatDatum(row[t.columns.indexOf(c)]!, c.type, { timezone: env.session.timezone })}`);
      throw new BurrowError('23503', `foreign key violation: "${t.name}" row ${shown.join(', ')} has no match in "${parent?.name ?? fk.referencedTableId}"`);
    }
  });
}

/** Rewrites every row of a table from the old descriptor's layout to the new one's. */
async function rewriteRows(env: StmtEnv, oldT: TableDesc, newT: TableDesc, map: (row: Row) => Row | Promise<Row>): Promise<void> {
  const oldL = tableLayout(oldT);
  const newL = tableLayout(newT);
  const rows: Row[] = [];
  await forEachRow(env, oldT, (r) => void rows.push(r));
  for (const ix of oldL.secondaries) {
    const span = indexSpan(ix);
    for await (const page of env.txn.scan(span.start, span.end)) for (const kv of page) env.txn.del(kv.key);
  }
  for (const r of rows) {
    const nr = await map(r);
    env.txn.put(primaryKey(newL, nr), primaryValue(newL, nr));
    for (const ix of newL.secondaries) {
      const e = secondaryEntry(ix, nr, newL.primary);
      env.txn.put(e.key, e.value);
    }
  }
}

async function backfillColumn(env: StmtEnv, oldT: TableDesc, t: TableDesc, colId: number): Promise<TableDesc> {
  const col = t.columns.find((c) => c.id === colId)!;
  const pctx = env.planCtx();
  const def = col.defaultExpr ? await compileExpr(parseExpression(col.defaultExpr), { ...tableEnv(t, pctx, 'DEFAULT'), scope: newScope([]) }, col.type) : null;
  const ctx = env.execCtx();
  await rewriteRows(env, oldT, t, async (r) => {
    let v = def ? await evalExpr(def, [], ctx) : null;
    if (v !== null && def && def.type.family !== col.type.family) v = assignmentCast(v, def.type, col.type, { timezone: env.session.timezone }, col.name);
    if (v === null && !col.nullable) throw new BurrowError('23502', `null value in column "${col.name}" violates not-null constraint`);
    return [...r, v];
  });
  return t;
}

function renameInExpr<T>(e: T, from: string, to: string): T {
  if (Array.isArray(e)) return e.map((x) => renameInExpr(x, from, to)) as T;
  if (!e || typeof e !== 'object') return e;
  const o = e as Record<string, unknown>;
  if (o.kind === 'colRef' && o.column === from) return { ...o, column: to } as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = renameInExpr(v, from, to);
  return out as T;
}
