// Owns CREATE TABLE: turning column definitions and constraints into a
// table descriptor (CockroachDB's naming: <table>_pkey, <table>_<cols>_key,
// <table>_<cols>_idx, <table>_<col>_fkey, check_<cols>), the hidden rowid
// primary key when none is given, SERIAL defaults, and foreign key back
// references on the referenced tables, all in the statement's transaction.

import { requirePrivilege } from '../privilege/check.js';
import { BurrowError } from '../../util/errors.js';
import type { ColumnDef, CreateTableStatement, Expr, IndexElem } from '../parser/ast.js';
import { formatExpr } from '../parser/index.js';
import { T, isSerial, typeFromRef, typeName } from '../types/types.js';
import type { ColumnDesc, ForeignKeyDesc, IndexDesc, TableDesc } from '../catalog/descriptor.js';
import { allocateDescriptorId, writeDescriptor, writeNamespace } from '../catalog/catalog-store.js';
import { defaultPrivileges } from '../catalog/system-schema.js';
import { keyEncodable, notIndexableError } from '../rowenc/key-codec.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';

function columnRefs(e: Expr, names: Set<string>, out: Set<string>): void {
  if (!e || typeof e !== 'object') return;
  if (e.kind === 'colRef' && names.has(e.column)) out.add(e.column);
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) v.forEach((x) => x && typeof x === 'object' && columnRefs(x as Expr, names, out));
    else if (v && typeof v === 'object' && 'kind' in v) columnRefs(v as Expr, names, out);
  }
}

/**
 * CockroachDB stores CHECK expressions with their constants type-annotated
 * (`x > 0:::INT8`); its error messages and SHOW CREATE print them so.
 */
export function annotateLiterals(e: Expr): Expr {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (!x || typeof x !== 'object') return x;
    const o = x as Expr;
    if (o.kind === 'num') return { kind: 'annotate', expr: o, type: { name: o.numKind === 'int' ? 'INT8' : o.numKind === 'decimal' ? 'DECIMAL' : 'FLOAT8', params: [], arrayDims: 0, userDefined: null } };
    if (o.kind === 'str') return { kind: 'annotate', expr: o, type: { name: 'STRING', params: [], arrayDims: 0, userDefined: null } };
    if (o.kind === 'annotate' || o.kind === 'cast' || o.kind === 'typedLit') return o;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = walk(v);
    return out;
  };
  return walk(e) as Expr;
}

export function newIndex(t: TableDesc, name: string, unique: boolean, elems: IndexElem[], storing: string[], where: Expr | null): IndexDesc {
  const ids = elems.map((el) => {
    if (!el.column) throw new BurrowError('0A000', 'unimplemented: expression index elements');
    const c = t.columns.find((x) => x.name === el.column);
    if (!c) throw new BurrowError('42703', `column "${el.column}" does not exist`);
    if (!keyEncodable(c.type)) throw notIndexableError(c.name, c.type);
    return c.id;
  });
  const pk = t.primaryIndex.columnIds;
  return {
    id: t.nextIndexId++,
    name,
    unique,
    columnIds: ids,
    directions: elems.map((el) => (el.direction === 'DESC' ? 'desc' : 'asc')),
    storeColumnIds: storing.map((n) => {
      const c = t.columns.find((x) => x.name === n);
      if (!c) throw new BurrowError('42703', `column "${n}" does not exist`);
      return c.id;
    }),
    suffixColumnIds: pk.filter((id) => !ids.includes(id)),
    predicate: where ? formatExpr(where) : null,
  };
}

function colDesc(id: number, def: ColumnDef): { col: ColumnDesc; pk: boolean; unique: boolean; check: { name: string | null; expr: Expr }[]; ref: ColumnDef['constraints'][number] | null } {
  const type = typeFromRef(def.type);
  const col: ColumnDesc = { id, name: def.name, type, nullable: true, defaultExpr: null, computeExpr: null, hidden: false, onUpdateExpr: null };
  if (isSerial(def.type)) {
    col.defaultExpr = 'unique_rowid()';
    col.nullable = false;
    if (type.width !== 64) (col as { type: typeof type }).type = T.int;
  }
  let pk = false;
  let unique = false;
  const check: { name: string | null; expr: Expr }[] = [];
  let ref: ColumnDef['constraints'][number] | null = null;
  for (const c of def.constraints) {
    switch (c.kind) {
      case 'notNull': col.nullable = false; break;
      case 'null': break;
      case 'primaryKey': pk = true; col.nullable = false; break;
      case 'unique': unique = true; break;
      case 'default': col.defaultExpr = formatExpr(c.expr); break;
      case 'onUpdate': col.onUpdateExpr = formatExpr(c.expr); break;
      case 'check': check.push({ name: c.name, expr: c.expr }); break;
      case 'references': ref = c; break;
      case 'computed': col.computeExpr = formatExpr(c.expr); break;
      default: break;
    }
  }
  return { col, pk, unique, check, ref };
}

async function createTableAs(stmt: CreateTableStatement, env: StmtEnv): Promise<StatementResult> {
  const { planSelect } = await import('../plan/build-select.js');
  const { collectRows } = await import('../exec/basic-nodes.js');
  const { insertRow } = await import('../dml/row-writer.js');
  const plan = await planSelect(stmt.asSelect!, env.planCtx());
  const rows = await collectRows(plan, env.execCtx());
  const cols = plan.cols.filter((c) => !c.hidden);
  const typeRef = (t: import('../types/types.js').SqlType) => ({ name: typeName(t).replace(/\(.*$/, '').replace('[]', ''), params: [], arrayDims: t.family === 'array' ? 1 : 0, userDefined: null });
  const defs = cols.map((c, i) => ({
    kind: 'columnDef' as const,
    name: stmt.asColumns[i] ?? c.name,
    type: c.type.family === 'unknown' ? { name: 'STRING', params: [], arrayDims: 0, userDefined: null } : typeRef(c.type.family === 'array' ? c.type.elem! : c.type),
    constraints: [],
  }));
  await execCreateTable({ ...stmt, asSelect: null, defs }, env);
  if (stmt.ifNotExists && (await env.catalog.findTable(env.txn, stmt.name, env.session))?.desc.columns.length !== defs.length + 1) {
    return commandResult('CREATE TABLE AS');
  }
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.name, env.session);
  for (const r of rows) {
    const full = [...cols.map((_, i) => r[plan.cols.indexOf(cols[i]!)]!), env.evalCtx.uniqueRowId()];
    await insertRow(env.txn, desc, full, env.session.timezone);
  }
  return { ...commandResult('SELECT', rows.length) };
}

export async function execCreateTable(stmt: CreateTableStatement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.asSelect) return createTableAs(stmt, env);
  const { db, schema } = await env.catalog.resolveTarget(env.txn, stmt.name, env.session);
  await requirePrivilege(env, schema, 'CREATE');
  const existing = await env.catalog.lookup(env.txn, db.id, schema.id, stmt.name.name);
  if (existing !== undefined) {
    if (stmt.ifNotExists) return commandResult('CREATE TABLE');
    throw new BurrowError('42P07', `relation "${stmt.name.name}" already exists`, { hint: 'Choose another name, or DROP the existing relation first.' });
  }
  const id = await allocateDescriptorId(env.txn);
  const t: TableDesc = {
    kind: 'table', id, name: stmt.name.name, parentId: db.id, schemaId: schema.id, version: 1, state: 'public',
    columns: [], nextColumnId: 1,
    primaryIndex: { id: 1, name: `${stmt.name.name}_pkey`, unique: true, columnIds: [], directions: [], storeColumnIds: [], suffixColumnIds: [], predicate: null },
    indexes: [], nextIndexId: 2, checks: [], outboundFks: [], inboundFks: [], viewQuery: null, dependsOn: [], dependedOnBy: [],
    sequence: null, privileges: defaultPrivileges(env.session.user, 'table'), comment: null, dropTimeMicros: null,
  };
  let pkElems: IndexElem[] | null = null;
  let pkName: string | null = null;
  const uniques: { name: string | null; elems: IndexElem[]; storing: string[]; where: Expr | null }[] = [];
  const indexes: { name: string | null; unique: boolean; elems: IndexElem[]; storing: string[]; where: Expr | null }[] = [];
  const checks: { name: string | null; expr: Expr }[] = [];
  const fks: { name: string | null; cols: string[]; ref: import('../parser/ast.js').ForeignKeyRef }[] = [];
  const elem = (column: string): IndexElem => ({ column, expr: null, direction: null, nulls: null });
  for (const d of stmt.defs) {
    if (d.kind === 'columnDef') {
      if (t.columns.some((c) => c.name === d.name)) throw new BurrowError('42701', `duplicate column name: "${d.name}"`);
      const { col, pk, unique, check, ref } = colDesc(t.nextColumnId++, d);
      t.columns.push(col);
      if (pk) {
        if (pkElems) throw new BurrowError('42P16', `multiple primary keys for table "${t.name}" are not allowed`);
        pkElems = [elem(d.name)];
      }
      if (unique) uniques.push({ name: null, elems: [elem(d.name)], storing: [], where: null });
      for (const c of check) checks.push(c);
      if (ref && ref.kind === 'references') fks.push({ name: ref.name, cols: [d.name], ref: ref.ref });
    } else if (d.kind === 'primaryKeyConstraint') {
      if (pkElems) throw new BurrowError('42P16', `multiple primary keys for table "${t.name}" are not allowed`);
      pkElems = d.columns;
      pkName = d.name;
    } else if (d.kind === 'uniqueConstraint') uniques.push({ name: d.name, elems: d.columns, storing: d.storing, where: d.where });
    else if (d.kind === 'indexDef') {
      if (d.inverted) throw new BurrowError('0A000', 'unimplemented: inverted indexes');
      indexes.push({ name: d.name, unique: d.unique, elems: d.columns, storing: d.storing, where: d.where });
    } else if (d.kind === 'checkConstraint') checks.push({ name: d.name, expr: d.expr });
    else if (d.kind === 'foreignKeyConstraint') fks.push({ name: d.name, cols: d.columns, ref: d.ref });
  }
  if (!pkElems) {
    t.columns.push({ id: t.nextColumnId++, name: 'rowid', type: T.int, nullable: false, defaultExpr: 'unique_rowid()', computeExpr: null, hidden: true, onUpdateExpr: null });
    pkElems = [elem('rowid')];
  }
  for (const e of pkElems) {
    const c = t.columns.find((x) => x.name === e.column);
    if (!c) throw new BurrowError('42703', `column "${e.column}" does not exist`);
    if (!keyEncodable(c.type)) throw notIndexableError(c.name, c.type);
    c.nullable = false;
  }
  t.primaryIndex = { ...newIndex({ ...t, nextIndexId: 1 }, pkName ?? `${t.name}_pkey`, true, pkElems, [], null), id: 1, suffixColumnIds: [] };
  for (const u of uniques) {
    const name = u.name ?? `${t.name}_${u.elems.map((e) => e.column).join('_')}_key`;
    t.indexes.push(newIndex(t, name, true, u.elems, u.storing, u.where));
  }
  for (const ix of indexes) {
    const name = ix.name ?? `${t.name}_${ix.elems.map((e) => e.column).join('_')}_idx`;
    t.indexes.push(newIndex(t, name, ix.unique, ix.elems, ix.storing, ix.where));
  }
  const names = new Set(t.columns.map((c) => c.name));
  for (const ch of checks) {
    const refs = new Set<string>();
    columnRefs(ch.expr, names, refs);
    t.checks.push({ name: ch.name ?? `check_${[...refs].join('_')}`, expr: formatExpr(annotateLiterals(ch.expr)), columnIds: [...refs].map((n) => t.columns.find((c) => c.name === n)!.id) });
  }
  const dupIndexNames = new Set<string>();
  for (const ix of [t.primaryIndex, ...t.indexes]) {
    if (dupIndexNames.has(ix.name)) throw new BurrowError('42P07', `duplicate index name: "${ix.name}"`);
    dupIndexNames.add(ix.name);
  }
  for (const fk of fks) await addForeignKey(env, t, fk.name, fk.cols, fk.ref);
  writeDescriptor(env.txn, t);
  writeNamespace(env.txn, db.id, schema.id, t.name, id);
  return commandResult('CREATE TABLE');
}

export async function addForeignKey(env: StmtEnv, t: TableDesc, name: string | null, cols: string[], ref: import('../parser/ast.js').ForeignKeyRef): Promise<void> {
  const self = ref.table.name === t.name && !ref.table.schema && !ref.table.catalog;
  const parent = self ? t : (await env.catalog.resolveTable(env.txn, ref.table, env.session)).desc;
  if (parent.kind !== 'table') throw new BurrowError('42809', `"${parent.name}" is not a table`);
  const refCols = ref.columns.length ? ref.columns : parent.primaryIndex.columnIds.map((id) => parent.columns.find((c) => c.id === id)!.name);
  if (refCols.length !== cols.length) throw new BurrowError('42830', `invalid foreign key: ${cols.length} columns must reference exactly ${cols.length} columns in referenced table (found ${refCols.length})`);
  const originIds = cols.map((n) => {
    const c = t.columns.find((x) => x.name === n);
    if (!c) throw new BurrowError('42703', `column "${n}" does not exist`);
    return c;
  });
  const refIds = refCols.map((n) => {
    const c = parent.columns.find((x) => x.name === n);
    if (!c) throw new BurrowError('42703', `column "${n}" does not exist`);
    return c;
  });
  originIds.forEach((c, i) => {
    if (c.type.family !== refIds[i]!.type.family) {
      throw new BurrowError('42804', `type of "${c.name}" (${typeName(c.type)}) does not match foreign key "${refIds[i]!.name}" (${typeName(refIds[i]!.type)})`);
    }
  });
  const isKey = (ids: number[]) => (ids.length === parent.primaryIndex.columnIds.length && ids.every((id) => parent.primaryIndex.columnIds.includes(id)))
    || parent.indexes.some((ix) => ix.unique && ix.columnIds.length === ids.length && ids.every((id) => ix.columnIds.includes(id)));
  if (!isKey(refIds.map((c) => c.id))) {
    throw new BurrowError('42830', `there is no unique constraint matching given keys for referenced table ${parent.name}`);
  }
  const fk: ForeignKeyDesc = {
    name: name ?? `${t.name}_${cols.join('_')}_fkey`,
    originTableId: t.id,
    originColumnIds: originIds.map((c) => c.id),
    referencedTableId: parent.id,
    referencedColumnIds: refIds.map((c) => c.id),
    onDelete: ref.onDelete ?? 'NO ACTION',
    onUpdate: ref.onUpdate ?? 'NO ACTION',
  };
  t.outboundFks.push(fk);
  if (self) t.inboundFks.push(fk);
  else {
    const updated: TableDesc = { ...parent, inboundFks: [...parent.inboundFks, fk], version: parent.version + 1 };
    writeDescriptor(env.txn, updated);
  }
}
