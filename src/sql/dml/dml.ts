// Owns INSERT, UPSERT, UPDATE and DELETE: reading their input (VALUES,
// SELECT, or the rows a WHERE selects, through the same planner as SELECT),
// completing and checking each row, ON CONFLICT handling, writing through
// row-writer.ts, foreign keys through fk.ts, and RETURNING.

import { requirePrivilege } from '../privilege/check.js';
import { BurrowError } from '../../util/errors.js';
import type { DeleteStatement, Expr, InsertStatement, Returning, SelectStatement, UpdateStatement } from '../parser/ast.js';
import type { Datum, Row } from '../types/datum.js';
import { T } from '../types/types.js';
import { primaryKey, tableLayout, decodePrimaryRow } from '../rowenc/table-codec.js';
import { descriptorKey } from '../catalog/catalog-store.js';
import { collectRows } from '../exec/basic-nodes.js';
import { planSelect } from '../plan/build-select.js';
import { compileBool, compileExpr, coerce } from '../plan/compile-expr.js';
import { evalExpr, type CExpr, type OutCol } from '../plan/types.js';
import { newScope } from '../plan/scope.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, rowsResult, type StatementResult } from '../session/result.js';
import { checkRow, completeRow, prepareTableWrite, tableEnv, castForColumn, type TableWrite } from './table-write.js';
import { deleteRow, insertRow, updateRow } from './row-writer.js';
import { checkFkDelete, checkFkInsert } from './fk.js';

function denyReadOnly(env: StmtEnv, verb: string): void {
  if (env.txn.readOnly) throw new BurrowError('25006', `cannot execute ${verb} in a read-only transaction`);
}

/**
 * RETURNING over the written row; `extra` are the columns of UPDATE ... FROM /
 * DELETE ... USING sources, which follow the table's columns in the row.
 */
async function returningExprs(ret: Returning, w: TableWrite, env: StmtEnv, alias: string, extra: OutCol[] = []): Promise<{ exprs: CExpr[]; cols: OutCol[] } | null> {
  if (ret === null || ret === 'nothing') return null;
  const e = tableEnv(w.desc, env.planCtx(), 'RETURNING', alias);
  if (extra.length) e.scope = newScope([...e.scope.cols, ...extra]);
  const exprs: CExpr[] = [];
  const cols: OutCol[] = [];
  const n = w.desc.columns.length;
  for (const t of ret) {
    if (t.expr.kind === 'star') {
      const table = t.expr.table?.name ?? null;
      if (table === null || table === alias) {
        w.desc.columns.forEach((c, i) => {
          if (c.hidden) return;
          exprs.push({ type: c.type, eval: (r) => r[i]!, evalAsync: async (r) => r[i]!, constant: false, text: c.name });
          cols.push({ name: c.name, type: c.type, table: null, hidden: false });
        });
      }
      let matched = table === alias;
      extra.forEach((c, k) => {
        if (c.hidden || (table !== null && c.table !== table)) return;
        matched = true;
        const i = n + k;
        exprs.push({ type: c.type, eval: (r) => r[i]!, evalAsync: async (r) => r[i]!, constant: false, text: c.name });
        cols.push({ name: c.name, type: c.type, table: null, hidden: false });
      });
      if (table !== null && !matched) throw new BurrowError('42P01', `no data source matches pattern: ${table}.*`);
      continue;
    }
    const x = await compileExpr(t.expr, e);
    exprs.push(x);
    cols.push({ name: t.alias ?? (t.expr.kind === 'colRef' ? t.expr.column : '?column?'), type: x.type.family === 'unknown' ? T.string : x.type, table: null, hidden: false });
  }
  return { exprs, cols };
}

async function project(ret: { exprs: CExpr[] } | null, row: Row, env: StmtEnv): Promise<Row | null> {
  if (!ret) return null;
  const ctx = env.execCtx();
  const out: Row = [];
  for (const e of ret.exprs) out.push(await evalExpr(e, row, ctx));
  return out;
}

function finish(tag: string, count: number, ret: { cols: OutCol[] } | null, rows: Row[]): StatementResult {
  if (ret) return { ...rowsResult(tag, ret.cols, rows), rowsAffected: count };
  return commandResult(tag, count);
}

interface InsertPlan {
  catalogVersion: number;
  timezone: string;
  desc: import('../catalog/descriptor.js').TableDesc;
  w: TableWrite;
  targetCols: number[];
  ret: { exprs: CExpr[]; cols: OutCol[] } | null;
  conflict: import('../parser/ast.js').OnConflict | null;
  updateSets: { index: number; expr: CExpr }[] | null;
  conflictWhere: CExpr | null;
  /** Compiled VALUES rows (DEFAULT marks a default); null when the source is a query. */
  values: { exprs: (CExpr | typeof DEFAULT)[]; types: import('../types/types.js').SqlType[] }[] | null;
}

// Plans of INSERT statements, reused by prepared statements while the catalog is unchanged.
const insertPlans = new WeakMap<InsertStatement, InsertPlan>();

async function planInsert(stmt: InsertStatement, env: StmtEnv): Promise<InsertPlan> {
  const cached = insertPlans.get(stmt);
  if (cached && cached.catalogVersion === env.catalog.version() && cached.timezone === env.session.timezone && env.catalog.usesLatest(env.txn)) {
    env.txn.recordRead(descriptorKey(cached.desc.id));
    return cached;
  }
  const version = env.catalog.version();
  const pctx = env.planCtx();
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.table, env.session);
  if (desc.kind !== 'table') throw new BurrowError('42809', `"${desc.name}" is not a table`);
  const w = await prepareTableWrite(desc, pctx);
  const targetCols = stmt.columns.length
    ? stmt.columns.map((n) => {
        const i = desc.columns.findIndex((c) => c.name === n);
        if (i < 0) throw new BurrowError('42703', `column "${n}" does not exist`);
        if (desc.columns[i]!.computeExpr) throw new BurrowError('55000', `cannot write directly to computed column "${n}"`);
        return i;
      })
    : desc.columns.map((c, i) => (c.hidden || c.computeExpr ? -1 : i)).filter((i) => i >= 0);
  const alias = stmt.alias ?? desc.name;
  const ret = await returningExprs(stmt.returning, w, env, alias);
  const conflict = stmt.upsert ? upsertConflict(desc, targetCols) : stmt.onConflict;
  const updateSets = conflict && conflict.action.kind === 'doUpdate' ? await compileConflictSets(conflict.action.sets, w, env, alias) : null;
  const conflictWhere = conflict && conflict.action.kind === 'doUpdate' && conflict.action.where
    ? await compileBool(conflict.action.where, conflictEnv(w, env, alias)) : null;
  const values = await compileValues(stmt, w, targetCols, env);
  const plan: InsertPlan = { catalogVersion: version, timezone: env.session.timezone, desc, w, targetCols, ret, conflict, updateSets, conflictWhere, values };
  if (env.catalog.usesLatest(env.txn)) insertPlans.set(stmt, plan);
  return plan;
}

export async function execInsert(stmt: InsertStatement, env: StmtEnv): Promise<StatementResult> {
  denyReadOnly(env, stmt.upsert ? 'UPSERT' : 'INSERT');
  const plan = await planInsert(stmt, env);
  const { desc, w, targetCols, ret, conflict, updateSets, conflictWhere } = plan;
  await requirePrivilege(env, desc, 'INSERT');
  if (conflict || ret) await requirePrivilege(env, desc, 'SELECT');
  if (updateSets) await requirePrivilege(env, desc, 'UPDATE');
  const ctx = env.execCtx();
  const tz = env.session.timezone;
  const inputRows = await insertSource(stmt, plan, env);
  const out: Row[] = [];
  let count = 0;
  for (const src of inputRows) {
    const row: Row = new Array(desc.columns.length).fill(null);
    const given = new Array(desc.columns.length).fill(false);
    for (let j = 0; j < Math.min(targetCols.length, src.values.length); j++) {
      const i = targetCols[j]!;
      const v = src.values[j]!;
      if (v === DEFAULT) continue;
      given[i] = true;
      row[i] = castForColumn(w, i, v as Datum, src.types[j]!, tz);
    }
    await completeRow(w, row, given, ctx);
    if (conflict) {
      const existing = conflict.columns.length === 0 && conflict.action.kind === 'doNothing'
        ? await findAnyConflict(env, desc, row)
        : await findConflict(env, desc, row, conflict.columns);
      if (existing) {
        if (conflict.action.kind === 'doNothing') continue;
        const merged = existing.slice();
        const combined = [...existing, ...row];
        if (conflictWhere && (await evalExpr(conflictWhere, combined, ctx)) !== true) continue;
        for (const s of updateSets!) merged[s.index] = castForColumn(w, s.index, await evalExpr(s.expr, combined, ctx), s.expr.type, tz);
        for (let i = 0; i < desc.columns.length; i++) if (w.computed[i]) merged[i] = await evalExpr(w.computed[i]!, merged, ctx);
        await checkRow(w, merged, ctx);
        await checkFkInsert(env, desc, merged, stmt.upsert ? 'upsert' : 'update');
        await updateRow(env.txn, desc, existing, merged, tz);
        count++;
        const p = await project(ret, merged, env);
        if (p) out.push(p);
        continue;
      }
    }
    await checkFkInsert(env, desc, row, stmt.upsert ? 'upsert' : 'insert');
    await insertRow(env.txn, desc, row, tz);
    count++;
    const p = await project(ret, row, env);
    if (p) out.push(p);
  }
  return finish('INSERT', count, ret, out);
}

const DEFAULT = Symbol('default');

interface SourceRow {
  values: (Datum | typeof DEFAULT)[];
  types: import('../types/types.js').SqlType[];
}

async function compileValues(stmt: InsertStatement, w: TableWrite, targetCols: number[], env: StmtEnv): Promise<InsertPlan['values']> {
  if (!stmt.source) return [];
  const body = stmt.source.body;
  if (body.kind !== 'values' || stmt.source.orderBy.length !== 0 || stmt.source.limit) return null;
  const pctx = env.planCtx();
  const e = { ...tableEnv(w.desc, pctx, 'VALUES'), scope: newScope([]), planSubquery: (s: SelectStatement, o: import('../plan/scope.js').Scope) => planSelect(s, pctx, { outer: o }) };
  const out: NonNullable<InsertPlan['values']> = [];
  for (const r of body.rows) {
    // Without a column list, a short VALUES row fills the leading columns and the rest take defaults.
    if (r.length > targetCols.length || (r.length < targetCols.length && stmt.columns.length > 0)) {
      throw new BurrowError('42601', `INSERT has more ${r.length > targetCols.length ? 'expressions than target columns' : 'target columns than expressions'}, ${r.length} expressions for ${targetCols.length} targets`);
    }
    const exprs: (CExpr | typeof DEFAULT)[] = [];
    const types = [];
    for (let j = 0; j < r.length; j++) {
      const x: Expr = r[j]!;
      const col = w.desc.columns[targetCols[j]!]!;
      if (x.kind === 'default') {
        exprs.push(DEFAULT);
        types.push(col.type);
        continue;
      }
      const c = await compileExpr(x, e, col.type);
      exprs.push(c);
      types.push(c.type.family === 'unknown' ? col.type : c.type);
    }
    out.push({ exprs, types });
  }
  return out;
}

async function insertSource(stmt: InsertStatement, plan: InsertPlan, env: StmtEnv): Promise<SourceRow[]> {
  if (!stmt.source) return [{ values: [], types: [] }];
  const ctx = env.execCtx();
  if (plan.values) {
    const out: SourceRow[] = [];
    for (const r of plan.values) {
      const values: (Datum | typeof DEFAULT)[] = [];
      for (const x of r.exprs) values.push(x === DEFAULT ? DEFAULT : await evalExpr(x, [], ctx));
      out.push({ values, types: r.types });
    }
    return out;
  }
  // A WITH in front of INSERT scopes over its source query.
  const source = stmt.with && !stmt.source.with ? { ...stmt.source, with: stmt.with } : stmt.source;
  const sel = await planSelect(source, env.planCtx());
  if (sel.cols.length !== plan.targetCols.length) {
    throw new BurrowError('42601', `INSERT has more ${sel.cols.length > plan.targetCols.length ? 'expressions than target columns' : 'target columns than expressions'}, ${sel.cols.length} expressions for ${plan.targetCols.length} targets`);
  }
  const types = sel.cols.map((c) => c.type);
  return (await collectRows(sel, ctx)).map((values) => ({ values, types }));
}

function upsertConflict(desc: import('../catalog/descriptor.js').TableDesc, targetCols: number[]) {
  const pkNames = desc.primaryIndex.columnIds.map((id) => desc.columns.find((c) => c.id === id)!.name);
  const sets = targetCols
    .map((i) => desc.columns[i]!)
    .filter((c) => !pkNames.includes(c.name))
    .map((c) => ({ columns: [c.name], value: { kind: 'colRef' as const, table: { catalog: null, schema: null, name: 'excluded' }, column: c.name }, tuple: false }));
  return { columns: pkNames, constraint: null, arbiterWhere: null, action: sets.length ? { kind: 'doUpdate' as const, sets, where: null } : { kind: 'doNothing' as const } };
}

function conflictEnv(w: TableWrite, env: StmtEnv, alias: string) {
  const base = tableEnv(w.desc, env.planCtx(), 'ON CONFLICT', alias);
  const excluded = w.desc.columns.map((c) => ({ name: c.name, type: c.type, table: 'excluded', hidden: c.hidden }));
  return { ...base, scope: newScope([...base.scope.cols, ...excluded]) };
}

async function compileConflictSets(sets: import('../parser/ast.js').UpdateSet[], w: TableWrite, env: StmtEnv, alias: string) {
  const e = conflictEnv(w, env, alias);
  const out: { index: number; expr: CExpr }[] = [];
  for (const s of sets) {
    if (s.tuple) throw new BurrowError('0A000', 'unimplemented: tuple assignment in ON CONFLICT');
    const i = w.desc.columns.findIndex((c) => c.name === s.columns[0]);
    if (i < 0) throw new BurrowError('42703', `column "${s.columns[0]}" does not exist`);
    out.push({ index: i, expr: coerce(await compileExpr(s.value, e, w.desc.columns[i]!.type), w.desc.columns[i]!.type, e) });
  }
  return out;
}

/** The existing row conflicting with `row` on the primary key or any unique index. */
async function findAnyConflict(env: StmtEnv, desc: import('../catalog/descriptor.js').TableDesc, row: Row): Promise<Row | null> {
  const pk = await findConflict(env, desc, row, []);
  if (pk) return pk;
  for (const ix of desc.indexes) {
    if (!ix.unique) continue;
    const cols = ix.columnIds.map((id) => desc.columns.find((c) => c.id === id)!.name);
    if (cols.some((n) => row[desc.columns.findIndex((c) => c.name === n)] === null)) continue;
    const hit = await findConflict(env, desc, row, cols);
    if (hit) return hit;
  }
  return null;
}

/** The existing row that conflicts with `row` on the arbiter columns (the primary key when none are given). */
async function findConflict(env: StmtEnv, desc: import('../catalog/descriptor.js').TableDesc, row: Row, columns: string[]): Promise<Row | null> {
  const l = tableLayout(desc);
  const pkNames = desc.primaryIndex.columnIds.map((id) => desc.columns.find((c) => c.id === id)!.name);
  const usePk = columns.length === 0 || (columns.length === pkNames.length && columns.every((c) => pkNames.includes(c)));
  if (usePk) {
    const key = primaryKey(l, row);
    const v = await env.txn.get(key);
    return v ? decodePrimaryRow(l, key, v) : null;
  }
  const ix = l.secondaries.find((s) => s.index.unique && s.index.columnIds.length === columns.length && s.index.columnIds.every((id) => columns.includes(desc.columns.find((c) => c.id === id)!.name)));
  if (!ix) throw new BurrowError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  const { secondaryEntry, decodeSecondaryRow } = await import('../rowenc/table-codec.js');
  const e = secondaryEntry(ix, row, l.primary);
  const v = await env.txn.get(e.key);
  if (!v) return null;
  const partial = decodeSecondaryRow(l, ix, e.key, v);
  const pk = primaryKey(l, partial);
  const full = await env.txn.get(pk);
  return full ? decodePrimaryRow(l, pk, full) : null;
}

// ---------------------------------------------------------------- UPDATE / DELETE

function selectFor(table: import('../parser/ast.js').TableNameSource, where: Expr | null, orderBy: import('../parser/ast.js').OrderItem[], limit: Expr | null): SelectStatement {
  return {
    kind: 'select',
    with: null,
    body: {
      kind: 'selectClause', distinct: false, distinctOn: null, targets: [{ expr: { kind: 'star', table: null }, alias: null }],
      from: [table], asOf: null, where, groupBy: [], having: null, windows: [],
    },
    orderBy, limit, offset: null, locking: [],
  };
}

async function targetRows(
  env: StmtEnv, table: import('../parser/ast.js').TableNameSource, where: Expr | null, orderBy: import('../parser/ast.js').OrderItem[], limit: Expr | null,
  desc: import('../catalog/descriptor.js').TableDesc, only?: number[],
): Promise<Row[]> {
  // Every column, hidden ones (rowid) included, in table order: the rows are rewritten whole. With `only`,
  // just those columns (by ordinal) are read; the others come back NULL.
  const sel = selectFor(table, where, orderBy, limit);
  const alias = table.alias?.name ?? desc.name;
  const cols = only ? only.map((i) => desc.columns[i]!) : desc.columns;
  const targets = cols.map((c) => ({ expr: { kind: 'colRef' as const, table: { catalog: null, schema: null, name: alias }, column: c.name }, alias: null }));
  const plan = await planSelect({ ...sel, body: { ...(sel.body as import('../parser/ast.js').SelectClause), targets } }, env.planCtx());
  const rows = await collectRows(plan, env.execCtx());
  if (!only) return rows;
  return rows.map((r) => {
    const full: Row = new Array(desc.columns.length).fill(null);
    only.forEach((ordinal, k) => (full[ordinal] = r[k]!));
    return full;
  });
}

/** Ordinals of the primary key's columns in desc.columns. */
function primaryKeyOrdinals(desc: import('../catalog/descriptor.js').TableDesc): number[] {
  return desc.primaryIndex.columnIds.map((id) => desc.columns.findIndex((c) => c.id === id));
}

/** The target rows of UPDATE ... FROM / DELETE ... USING: the table's row followed by the sources' columns. */
interface JoinedTargets {
  /** Planned once the statement is compiled; yields each target row once (its first match). */
  rows(): Promise<Row[]>;
  /** The sources' columns, after the table's in each row. */
  extra: OutCol[];
}

async function joinedTargets(
  env: StmtEnv, table: import('../parser/ast.js').TableNameSource, sources: import('../parser/ast.js').TableSource[],
  where: Expr | null, orderBy: import('../parser/ast.js').OrderItem[], limit: Expr | null, desc: import('../catalog/descriptor.js').TableDesc,
): Promise<JoinedTargets> {
  const alias = table.alias?.name ?? desc.name;
  const sel = selectFor(table, where, orderBy, limit);
  const body = sel.body as import('../parser/ast.js').SelectClause;
  const targets = [
    ...desc.columns.map((c) => ({ expr: { kind: 'colRef' as const, table: { catalog: null, schema: null, name: alias }, column: c.name }, alias: null })),
    { expr: { kind: 'star' as const, table: null }, alias: null },
  ];
  const plan = await planSelect({ ...sel, body: { ...body, from: [table, ...sources], targets } }, env.planCtx());
  const n = desc.columns.length;
  // `*` repeats the table's own visible columns: keep only the sources'.
  const keep: number[] = [];
  plan.cols.forEach((c, i) => {
    if (i >= n && c.table !== alias) keep.push(i);
  });
  const extra = keep.map((i) => ({ ...plan.cols[i]!, hidden: false }));
  const l = tableLayout(desc);
  return {
    extra,
    async rows() {
      const seen = new Set<string>();
      const out: Row[] = [];
      for (const r of await collectRows(plan, env.execCtx())) {
        const row = r.slice(0, n);
        const k = primaryKey(l, row).toString('latin1');
        if (seen.has(k)) continue;
        seen.add(k);
        for (const i of keep) row.push(r[i]!);
        out.push(row);
      }
      return out;
    },
  };
}

export async function execUpdate(stmt: UpdateStatement, env: StmtEnv): Promise<StatementResult> {
  denyReadOnly(env, 'UPDATE');
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.table.name, env.session);
  if (desc.kind !== 'table') throw new BurrowError('42809', `"${desc.name}" is not a table`);
  await requirePrivilege(env, desc, 'UPDATE');
  if (env.session.vars.get('sql_safe_updates') === 'on' && !stmt.where && !stmt.limit) {
    throw new BurrowError('01000', 'rejected (sql_safe_updates = true): UPDATE without WHERE clause', { hint: 'Add a WHERE clause or set sql_safe_updates = false.' });
  }
  const w = await prepareTableWrite(desc, env.planCtx());
  const alias = stmt.table.alias?.name ?? desc.name;
  const joined = stmt.from.length ? await joinedTargets(env, stmt.table, stmt.from, stmt.where, stmt.orderBy, stmt.limit, desc) : null;
  const e = tableEnv(desc, env.planCtx(), 'UPDATE', alias);
  if (joined) e.scope = newScope([...e.scope.cols, ...joined.extra]);
  e.planSubquery = (s, o) => planSelect(s, env.planCtx(), { outer: o });
  const sets: { index: number; expr: CExpr }[] = [];
  // (a, b) = (x, y) is the same as a = x, b = y.
  const flat: { columns: string[]; value: Expr }[] = [];
  for (const s of stmt.sets) {
    if (!s.tuple) flat.push({ columns: s.columns, value: s.value });
    else if (s.value.kind === 'tuple' && s.value.elems.length === s.columns.length) s.columns.forEach((c, k) => flat.push({ columns: [c], value: (s.value as Extract<Expr, { kind: 'tuple' }>).elems[k]! }));
    else if (s.value.kind === 'tuple') throw new BurrowError('42601', `number of columns (${s.columns.length}) does not match number of values (${s.value.elems.length})`);
    else throw new BurrowError('0A000', 'unimplemented: assigning a subquery to a column tuple in UPDATE');
  }
  const assigned = new Set<string>();
  for (const s of flat) {
    if (assigned.has(s.columns[0]!)) throw new BurrowError('42601', `multiple assignments to the same column "${s.columns[0]}"`);
    assigned.add(s.columns[0]!);
    const i = desc.columns.findIndex((c) => c.name === s.columns[0]);
    if (i < 0) throw new BurrowError('42703', `column "${s.columns[0]}" does not exist`);
    if (desc.columns[i]!.computeExpr) throw new BurrowError('55000', `cannot write directly to computed column "${s.columns[0]}"`);
    const col = desc.columns[i]!;
    const expr = s.value.kind === 'default'
      ? (w.defaults[i] ?? { type: col.type, eval: () => null, evalAsync: async () => null, constant: true, text: 'NULL' })
      : await compileExpr(s.value, e, col.type);
    sets.push({ index: i, expr });
  }
  const ret = await returningExprs(stmt.returning, w, env, alias, joined?.extra);
  const rows = joined ? await joined.rows() : await targetRows(env, stmt.table, stmt.where, stmt.orderBy, stmt.limit, desc);
  const ctx = env.execCtx();
  const tz = env.session.timezone;
  const out: Row[] = [];
  const n = desc.columns.length;
  for (const joinedRow of rows) {
    // With FROM, the row carries the sources' columns after the table's: SET and RETURNING read them.
    const old = joined ? joinedRow.slice(0, n) : joinedRow;
    const next = old.slice();
    for (const s of sets) next[s.index] = castForColumn(w, s.index, await evalExpr(s.expr, joinedRow, ctx), s.expr.type, tz);
    for (let i = 0; i < desc.columns.length; i++) if (w.computed[i]) next[i] = await evalExpr(w.computed[i]!, next, ctx);
    await checkRow(w, next, ctx);
    await checkFkInsert(env, desc, next, 'update');
    await checkFkDelete(env, desc, old, next);
    await updateRow(env.txn, desc, old, next, tz);
    const p = await project(ret, joined ? [...next, ...joinedRow.slice(n)] : next, env);
    if (p) out.push(p);
  }
  return finish('UPDATE', rows.length, ret, out);
}

export async function execDelete(stmt: DeleteStatement, env: StmtEnv): Promise<StatementResult> {
  denyReadOnly(env, 'DELETE');
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.table.name, env.session);
  if (desc.kind !== 'table') throw new BurrowError('42809', `"${desc.name}" is not a table`);
  await requirePrivilege(env, desc, 'DELETE');
  if (env.session.vars.get('sql_safe_updates') === 'on' && !stmt.where && !stmt.limit) {
    throw new BurrowError('01000', 'rejected (sql_safe_updates = true): DELETE without WHERE clause', { hint: 'Add a WHERE clause or set sql_safe_updates = false.' });
  }
  const w = await prepareTableWrite(desc, env.planCtx());
  const alias = stmt.table.alias?.name ?? desc.name;
  const joined = stmt.using.length ? await joinedTargets(env, stmt.table, stmt.using, stmt.where, stmt.orderBy, stmt.limit, desc) : null;
  const ret = await returningExprs(stmt.returning, w, env, alias, joined?.extra);
  // Nothing but the primary key is needed when no secondary index, inbound foreign key or RETURNING reads
  // the old row: only the key columns are read and held (a userfile delete no longer holds every 4 MiB chunk).
  const keyOnly = !joined && ret === null && desc.indexes.length === 0 && desc.inboundFks.length === 0;
  const rows = joined
    ? await joined.rows()
    : await targetRows(env, stmt.table, stmt.where, stmt.orderBy, stmt.limit, desc, keyOnly ? primaryKeyOrdinals(desc) : undefined);
  const out: Row[] = [];
  const n = desc.columns.length;
  for (const joinedRow of rows) {
    const old = joined ? joinedRow.slice(0, n) : joinedRow;
    await checkFkDelete(env, desc, old, null);
    deleteRow(env.txn, desc, old);
    const p = await project(ret, joinedRow, env);
    if (p) out.push(p);
  }
  return finish('DELETE', rows.length, ret, out);
}
