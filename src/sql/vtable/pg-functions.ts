// Owns the PostgreSQL introspection builtins that psql and ORMs call next
// to pg_catalog: pg_table_is_visible, pg_get_userbyid, format_type,
// pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef, pg_get_expr,
// pg_get_triggerdef (NULL: pg_trigger is empty),
// obj_description, col_description, shobj_description, has_*_privilege,
// pg_encoding_to_char, to_regclass/regclassin (and type/namespace
// variants), pg_relation_size and friends, pg_size_pretty, and small
// constants (pg_backend_pid, pg_is_in_recovery, pg_partition_root, ...).
//
// How they reach the catalog: EvalContext carries no catalog, so
// installVirtualTables registers the engine under its uniqueRowId function
// (which every EvalContext of that engine carries), and virtual-table nodes
// record their statement's transaction; a builtin reads the snapshot of
// that transaction, or else of a read-only transaction at the statement's
// timestamp (clusterLogicalTimestamp). OID-like arguments accept OIDs,
// integers, or relation names as text (regclass input).

import { BurrowError } from '../../util/errors.js';
import { parseDecimalTimestamp } from '../../util/hlc.js';
import type { Txn } from '../../kv/txn.js';
import type { SqlEngine } from '../engine.js';
import type { ExecCtx } from '../plan/types.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T } from '../types/types.js';
import { AnyT, defineFunction, overload, type FunctionDef, type Overload } from '../builtins/overload.js';
import { decodeConstraintOid, roleOid, virtualSchemaOids } from './oids.js';
import { formatType, pgTypeRows } from './pg-types.js';
import { findRelation, isVisible, relationsOf, splitQualifiedName, type Relation } from './relations.js';
import { databaseNamed, readSnapshot, schemasOf, statementSnapshot, tableById, type CatalogSnapshot } from './snapshot.js';
import { tableSize } from './sizes.js';
import { columnOf, constraintDef, indexDef, tableConstraints } from './table-facts.js';

const engines = new WeakMap<object, SqlEngine>();
const statementTxns = new WeakMap<EvalContext, Txn>();

/** Lets the builtins find engine's store and transactions (called by installVirtualTables). */
export function registerPgFunctionEngine(engine: SqlEngine): void {
  engines.set(engine.uniqueRowId, engine);
}

/** Records the transaction of a running statement (virtual-table nodes call this). */
export function noteStatementTxn(ctx: ExecCtx): void {
  statementTxns.set(ctx.evalCtx, ctx.txn);
}

function engineOf(ctx: EvalContext): SqlEngine {
  const e = engines.get(ctx.uniqueRowId);
  if (!e) throw new BurrowError('XX000', 'internal error: pg_catalog builtins used before installVirtualTables');
  return e;
}

const detached = new WeakMap<EvalContext, Promise<CatalogSnapshot>>();

async function snapshotOf(ctx: EvalContext): Promise<CatalogSnapshot> {
  const txn = statementTxns.get(ctx);
  if (txn) return statementSnapshot(txn, ctx);
  let snap = detached.get(ctx);
  if (!snap) {
    const readTs = parseDecimalTimestamp(ctx.clusterLogicalTimestamp());
    const t = engineOf(ctx).kv.begin({ readTs });
    snap = readSnapshot(t).finally(() => t.rollback());
    detached.set(ctx, snap);
  }
  return snap;
}

async function relationOf(arg: Datum, ctx: EvalContext): Promise<{ snap: CatalogSnapshot; rel: Relation | undefined; oid: number }> {
  const snap = await snapshotOf(ctx);
  const idx = relationsOf(snap, ctx.database);
  if (typeof arg === 'string' && !/^\s*\d+\s*$/.test(arg)) {
    const parts = splitQualifiedName(arg);
    const rel = findRelation(idx, parts.length > 1 ? parts[parts.length - 2]! : null, parts[parts.length - 1] ?? '', ctx.searchPath);
    return { snap, rel, oid: rel?.oid ?? 0 };
  }
  const oid = Number(arg);
  return { snap, rel: idx.byOid.get(oid), oid };
}

const stable = { volatility: 'stable' as const };
const catalogFn = { volatility: 'stable' as const, async: true };
const S = T.string;

function fn(name: string, ...overloads: Overload[]): FunctionDef {
  return defineFunction(name, overloads);
}

async function tableIsVisible(arg: Datum, ctx: EvalContext): Promise<Datum> {
  const { snap, oid } = await relationOf(arg, ctx);
  return isVisible(relationsOf(snap, ctx.database), oid, ctx.searchPath);
}

async function userById(arg: Datum, ctx: EvalContext): Promise<Datum> {
  const oid = Number(arg);
  const snap = await snapshotOf(ctx);
  const names = [...snap.roles.map((r) => r.name), 'node'];
  return names.find((n) => roleOid(n) === oid) ?? `unknown (OID=${oid})`;
}

async function indexDefinition(args: Datum[], ctx: EvalContext): Promise<Datum> {
  const { snap, rel } = await relationOf(args[0]!, ctx);
  if (!rel || rel.indexId === null || !rel.table) return null;
  const ix = [rel.table.primaryIndex, ...rel.table.indexes].find((i) => i.id === rel.indexId)!;
  const col = args.length > 1 ? Number(args[1]) : 0;
  if (col === 0) return indexDef(snap, rel.table, ix);
  const ids = [...ix.columnIds, ...ix.storeColumnIds];
  return col <= ids.length ? columnOf(rel.table, ids[col - 1]!).name : '';
}

async function constraintDefinition(arg: Datum, ctx: EvalContext): Promise<Datum> {
  const at = decodeConstraintOid(Number(arg));
  if (!at) return null;
  const snap = await snapshotOf(ctx);
  const t = tableById(snap, at.tableId);
  const k = t && tableConstraints(t)[at.ordinal];
  return t && k ? constraintDef(snap, t, k) : null;
}

async function viewDefinition(arg: Datum, ctx: EvalContext): Promise<Datum> {
  const { rel } = await relationOf(arg, ctx);
  return rel?.table?.kind === 'view' ? rel.table.viewQuery : null;
}

async function objDescription(args: Datum[], ctx: EvalContext): Promise<Datum> {
  if (args.length > 1 && args[1] !== 'pg_class') return null;
  const snap = await snapshotOf(ctx);
  return tableById(snap, Number(args[0]))?.comment ?? null;
}

async function relationSize(arg: Datum, ctx: EvalContext): Promise<Datum> {
  const { rel } = await relationOf(arg, ctx);
  if (!rel?.table || rel.indexId !== null) return null;
  return BigInt(tableSize(engineOf(ctx).store, rel.table.id).liveBytes);
}

async function regclassIn(arg: Datum, ctx: EvalContext, mustExist: boolean): Promise<Datum> {
  const { rel } = await relationOf(arg, ctx);
  if (rel) return BigInt(rel.oid);
  if (/^\s*\d+\s*$/.test(String(arg))) return BigInt(String(arg).trim());
  if (mustExist) throw new BurrowError('42P01', `relation "${String(arg)}" does not exist`);
  return null;
}

function typeIn(arg: Datum, mustExist: boolean): Datum {
  const name = String(arg).trim().toLowerCase().replace(/^pg_catalog\./, '');
  const row = pgTypeRows.find((r) => r.typname === name || r.display === name);
  if (row) return BigInt(row.oid);
  if (mustExist) throw new BurrowError('42704', `type "${String(arg)}" does not exist`);
  return null;
}

async function namespaceIn(arg: Datum, ctx: EvalContext, mustExist: boolean): Promise<Datum> {
  const name = splitQualifiedName(String(arg))[0] ?? '';
  const virt = virtualSchemaOids[name];
  if (virt !== undefined) return BigInt(virt);
  const snap = await snapshotOf(ctx);
  const db = databaseNamed(snap, ctx.database);
  const s = db && schemasOf(snap, db.id).find((x) => x.name === name);
  if (s) return BigInt(s.id);
  if (mustExist) throw new BurrowError('3F000', `schema "${String(arg)}" does not exist`);
  return null;
}

/** PostgreSQL's pg_size_pretty: bytes below 10 kB, then kB, MB, GB, TB with half-up rounding. */
export function sizePretty(bytes: bigint): string {
  const limit = 10n * 1024n;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (abs(bytes) < limit) return `${bytes} bytes`;
  const half = (x: bigint): bigint => (x + (x < 0n ? -1n : 1n)) / 2n;
  let size = bytes >> 9n;
  for (const unit of ['kB', 'MB', 'GB']) {
    if (abs(size) < limit * 2n - 1n) return `${half(size)} ${unit}`;
    size >>= 10n;
  }
  return `${half(size)} TB`;
}

const always = (v: Datum) => (): Datum => v;

function privilegeCheck(name: string): FunctionDef {
  return fn(name,
    overload([AnyT, AnyT], T.bool, always(true), stable),
    overload([AnyT, AnyT, AnyT], T.bool, always(true), stable));
}

export const pgFunctions: FunctionDef[] = [
  fn('pg_table_is_visible', overload([AnyT], T.bool, ([a], c) => tableIsVisible(a!, c), catalogFn)),
  fn('pg_type_is_visible', overload([AnyT], T.bool, always(true), stable)),
  fn('pg_function_is_visible', overload([AnyT], T.bool, always(true), stable)),
  fn('pg_get_userbyid', overload([AnyT], T.name, ([a], c) => userById(a!, c), catalogFn)),
  fn('format_type', overload([AnyT, AnyT], S, ([o, m]) => (o === null ? null : formatType(Number(o), m === null ? null : Number(m))), { strict: false })),
  fn('pg_get_indexdef',
    overload([AnyT], S, (a, c) => indexDefinition(a, c), catalogFn),
    overload([AnyT, T.int, T.bool], S, (a, c) => indexDefinition(a, c), catalogFn)),
  fn('pg_get_constraintdef',
    overload([AnyT], S, ([a], c) => constraintDefinition(a!, c), catalogFn),
    overload([AnyT, T.bool], S, ([a], c) => constraintDefinition(a!, c), catalogFn)),
  fn('pg_get_viewdef',
    overload([AnyT], S, ([a], c) => viewDefinition(a!, c), catalogFn),
    overload([AnyT, T.bool], S, ([a], c) => viewDefinition(a!, c), catalogFn)),
  fn('pg_get_triggerdef',
    overload([AnyT], S, always(null), stable),
    overload([AnyT, T.bool], S, always(null), stable)),
  fn('pg_get_expr',
    overload([S, AnyT], S, ([e]) => e!, stable),
    overload([S, AnyT, T.bool], S, ([e]) => e!, stable)),
  fn('obj_description',
    overload([AnyT], S, (a, c) => objDescription(a, c), catalogFn),
    overload([AnyT, S], S, (a, c) => objDescription(a, c), catalogFn)),
  fn('col_description', overload([AnyT, T.int], S, always(null), stable)),
  fn('shobj_description', overload([AnyT, S], S, always(null), stable)),
  fn('pg_encoding_to_char', overload([T.int], T.name, ([e]) => (Number(e) === 6 ? 'UTF8' : ''))),
  ...['has_table_privilege', 'has_schema_privilege', 'has_database_privilege', 'has_column_privilege',
    'has_sequence_privilege', 'has_function_privilege', 'has_any_column_privilege'].map(privilegeCheck),
  fn('to_regclass', overload([S], T.oid, ([a], c) => regclassIn(a!, c, false), catalogFn)),
  fn('regclassin', overload([S], T.oid, ([a], c) => regclassIn(a!, c, true), catalogFn)),
  fn('to_regtype', overload([S], T.oid, ([a]) => typeIn(a!, false), stable)),
  fn('regtypein', overload([S], T.oid, ([a]) => typeIn(a!, true), stable)),
  fn('to_regnamespace', overload([S], T.oid, ([a], c) => namespaceIn(a!, c, false), catalogFn)),
  fn('regnamespacein', overload([S], T.oid, ([a], c) => namespaceIn(a!, c, true), catalogFn)),
  ...['pg_relation_size', 'pg_table_size', 'pg_total_relation_size'].map((name) =>
    fn(name, overload([AnyT], T.int, ([a], c) => relationSize(a!, c), catalogFn))),
  fn('pg_indexes_size', overload([AnyT], T.int, always(0n), stable)),
  fn('pg_size_pretty', overload([T.int], S, ([b]) => sizePretty(b as bigint))),
  fn('pg_backend_pid', overload([], T.int, always(1n), stable)),
  fn('pg_is_in_recovery', overload([], T.bool, always(false), stable)),
  fn('pg_my_temp_schema', overload([], T.oid, always(0n), stable)),
  fn('pg_is_other_temp_schema', overload([AnyT], T.bool, always(false), stable)),
  fn('pg_partition_root', overload([AnyT], T.oid, always(null), stable)),
  fn('pg_relation_is_publishable', overload([AnyT], T.bool, always(false), stable)),
  fn('pg_get_partkeydef', overload([AnyT], S, always(null), stable)),
  fn('pg_get_serial_sequence', overload([S, S], S, always(null), stable)),
  fn('pg_tablespace_location', overload([AnyT], S, always(''), stable)),
];
