// Owns the shape of a virtual table (information_schema, pg_catalog,
// crdb_internal): its columns, written as a compact spec string, and a
// function producing its rows from a catalog snapshot; plus the RelNode
// that runs it.
//
// Invariants: rows are produced at execution time from the statement's own
// transaction (so AS OF SYSTEM TIME and a transaction's own DDL are seen),
// once per statement even when a correlated subquery reruns the node.
// Row producers return objects keyed by column name; a missing key is NULL,
// an unknown key is an error (catches typos); JS numbers become bigints in
// INT/OID columns.

import type { Txn } from '../../kv/txn.js';
import type { Store } from '../../storage/store.js';
import type { DatabaseDesc } from '../catalog/descriptor.js';
import type { Datum, Row } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { batchRows, type ExecCtx, type OutCol, type RelNode } from '../plan/types.js';
import { statementSnapshot, type CatalogSnapshot } from './snapshot.js';
import { firstVirtualTableOid } from './oids.js';

export type VirtualSchemaName = 'information_schema' | 'pg_catalog' | 'crdb_internal' | 'pg_extension';

export interface VtContext {
  snap: CatalogSnapshot;
  /** The database the virtual schema is scoped to; null when the session has none. */
  db: DatabaseDesc | null;
  user: string;
  searchPath: string[];
  store: Store;
  evalCtx: EvalContext;
  txn: Txn;
  /** Every virtual table (pg_class and information_schema list them too). */
  virtualTables: readonly VirtualTableDef[];
}

export type VtValue = Datum | number;
export type VtRow = Record<string, VtValue>;

export interface ColumnSpec {
  name: string;
  type: SqlType;
}

export interface VirtualTableDef {
  schema: VirtualSchemaName;
  name: string;
  columns: ColumnSpec[];
  rows(c: VtContext): VtRow[] | Promise<VtRow[]>;
}

const specTypes: Record<string, SqlType> = {
  oid: T.oid, name: T.name, text: T.string, char: T.string, int2: T.int2, int4: T.int4, int8: T.int,
  float4: T.float4, float8: T.float, bool: T.bool, timestamptz: T.timestamptz, timestamp: T.timestamp,
  bytes: T.bytes, jsonb: T.jsonb, interval: T.interval, decimal: T.decimal,
};

function specType(word: string): SqlType {
  if (word.endsWith('[]')) return arrayOf(specType(word.slice(0, -2)));
  const t = specTypes[word];
  if (!t) throw new Error(`virtual table column type ${word} unknown`);
  return t;
}

/** Parses `name type, name type, ...` (types: oid name text char int2 int4 int8 float4 float8 bool ... with [] for arrays). */
export function columns(spec: string): ColumnSpec[] {
  return spec.split(',').map((part) => {
    const [name, type] = part.trim().split(/\s+/);
    return { name: name!, type: specType(type!) };
  });
}

export function vtable(schema: VirtualSchemaName, name: string, spec: string, rows: VirtualTableDef['rows']): VirtualTableDef {
  return { schema, name, columns: columns(spec), rows };
}

function coerce(v: VtValue | undefined, t: SqlType): Datum {
  if (v === undefined || v === null) return null;
  if ((t.family === 'int' || t.family === 'oid') && typeof v === 'number') return BigInt(v);
  if (t.family === 'float' && typeof v === 'bigint') return Number(v);
  if (t.family === 'array' && Array.isArray(v)) return v.map((x) => coerce(x as VtValue, t.elem!));
  return v as Datum;
}

const columnNameSets = new WeakMap<object, Set<string>>();

function columnNames(def: { columns: ColumnSpec[] }): Set<string> {
  let names = columnNameSets.get(def);
  if (!names) columnNameSets.set(def, (names = new Set(def.columns.map((c) => c.name))));
  return names;
}

export function toRow(def: { name: string; columns: ColumnSpec[] }, r: VtRow): Row {
  const names = columnNames(def);
  for (const k of Object.keys(r)) {
    if (!names.has(k)) throw new Error(`virtual table ${def.name} has no column ${k}`);
  }
  return def.columns.map((c) => coerce(r[c.name], c.type));
}

export function outColumns(def: VirtualTableDef): OutCol[] {
  return def.columns.map((c) => ({ name: c.name, type: c.type, table: def.name, hidden: false }));
}

export interface VtScope {
  /** Database the schema is scoped to (name), '' for none. */
  database: string;
  user: string;
  searchPath: string[];
  store: Store;
  virtualTables: readonly VirtualTableDef[];
}

async function contextFor(scope: VtScope, ctx: ExecCtx): Promise<VtContext> {
  const snap = await statementSnapshot(ctx.txn, ctx.evalCtx);
  const db = snap.databases.find((d) => d.name === scope.database) ?? null;
  return { ...scope, snap, db, evalCtx: ctx.evalCtx, txn: ctx.txn };
}

/** Called with each statement's context before rows are produced (lets builtins find the transaction). */
export type RunHook = (ctx: ExecCtx) => void;

export function vtableNode(def: VirtualTableDef, scope: VtScope, onRun: RunHook): RelNode {
  let cache: { key: EvalContext; rows: Promise<Row[]> } | null = null;
  const load = async (ctx: ExecCtx): Promise<Row[]> => {
    const rows = await def.rows(await contextFor(scope, ctx));
    return rows.map((r) => toRow(def, r));
  };
  return {
    cols: outColumns(def),
    explain: () => ({ name: 'virtual table', details: [`table: ${def.name}@primary`], children: [] }),
    async *run(ctx) {
      onRun(ctx);
      if (!cache || cache.key !== ctx.evalCtx) cache = { key: ctx.evalCtx, rows: load(ctx) };
      const rows = await cache.rows;
      for (let i = 0; i < rows.length; i += batchRows) yield rows.slice(i, i + batchRows);
    },
  };
}

/** Result columns of a SHOW statement from a spec string (same syntax as columns()). */
export function resultColumns(spec: string): OutCol[] {
  return columns(spec).map((c) => ({ name: c.name, type: c.type, table: null, hidden: false }));
}

/** Rows for result columns from objects keyed by column name. */
export function resultRows(cols: OutCol[], rows: VtRow[]): Row[] {
  const def = { name: 'result', columns: cols.map((c) => ({ name: c.name, type: c.type })) };
  return rows.map((r) => toRow(def, r));
}

/** A virtual table's OID: counting down from firstVirtualTableOid in registry order. */
export function virtualTableOid(all: readonly VirtualTableDef[], def: VirtualTableDef): number {
  return firstVirtualTableOid - all.indexOf(def);
}
