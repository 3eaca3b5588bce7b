// Owns the SHOW statements about one table: SHOW COLUMNS, SHOW INDEX
// (also FROM DATABASE) and SHOW CONSTRAINTS, with CockroachDB's columns:
//   columns:     column_name, data_type, is_nullable, column_default,
//                generation_expression, indices, is_hidden
//   indexes:     table_name, index_name, non_unique, seq_in_index, column_name,
//                definition, direction, storing, implicit, visible
//   constraints: table_name, constraint_name, constraint_type, details, validated
// Invariants: columns in column-ID order; index rows ordered by table, index
// name and position; constraints by name. Hidden columns are listed (with
// is_hidden true).

import type { ObjectName, ShowColumnsStatement, ShowConstraintsStatement, ShowIndexesStatement } from '../parser/ast.js';
import type { TableDesc } from '../catalog/descriptor.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { rowsResult, type StatementResult } from '../session/result.js';
import { typeName } from '../types/types.js';
import { liveTables } from '../vtable/snapshot.js';
import { constraintDef, constraintTypeNames, indexColumnRows, indexesOf, tableConstraints, type IndexColumnRow } from '../vtable/table-facts.js';
import { resultColumns, resultRows, type VtRow } from '../vtable/vtable.js';
import { currentDatabase, mustDatabase, snapshotFor } from './show-objects.js';

export async function resolveTableDesc(env: StmtEnv, name: ObjectName): Promise<TableDesc> {
  return (await env.catalog.resolveTable(env.txn, name, env.session)).desc;
}

function result(spec: string, rows: VtRow[]): StatementResult {
  const cols = resultColumns(spec);
  return rowsResult('SHOW', cols, resultRows(cols, rows));
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function indexNamesByColumn(t: TableDesc): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const ix of indexesOf(t)) {
    for (const r of indexColumnRows(t, ix)) out.set(r.column.id, [...(out.get(r.column.id) ?? []), ix.name]);
  }
  for (const names of out.values()) names.sort(byText);
  return out;
}

export async function showColumns(stmt: ShowColumnsStatement, env: StmtEnv): Promise<StatementResult> {
  const t = await resolveTableDesc(env, stmt.table);
  const indices = indexNamesByColumn(t);
  const rows = t.columns.map((c) => ({
    column_name: c.name, data_type: typeName(c.type), is_nullable: c.nullable, column_default: c.computeExpr ? null : c.defaultExpr,
    generation_expression: c.computeExpr ?? '', indices: indices.get(c.id) ?? [], is_hidden: c.hidden,
    ...(stmt.withComment ? { comment: null } : {}),
  }));
  const spec = 'column_name text, data_type text, is_nullable bool, column_default text, generation_expression text, indices text[], is_hidden bool';
  return result(stmt.withComment ? `${spec}, comment text` : spec, rows);
}

function indexRow(t: TableDesc, r: IndexColumnRow, withComment: boolean): VtRow {
  return {
    table_name: t.name, index_name: r.index.name, non_unique: !r.index.unique, seq_in_index: r.seq, column_name: r.column.name,
    definition: r.column.name, direction: r.direction, storing: r.storing, implicit: r.implicit, visible: true,
    ...(withComment ? { comment: null } : {}),
  };
}

function tableIndexRows(t: TableDesc, withComment: boolean): VtRow[] {
  const ixs = [...indexesOf(t)].sort((a, b) => byText(a.name, b.name));
  return ixs.flatMap((ix) => indexColumnRows(t, ix).map((r) => indexRow(t, r, withComment)));
}

export async function showIndexes(stmt: ShowIndexesStatement, env: StmtEnv): Promise<StatementResult> {
  let tables: TableDesc[];
  if (stmt.table) tables = [await resolveTableDesc(env, stmt.table)];
  else {
    const snap = await snapshotFor(env);
    const db = stmt.database ? mustDatabase(snap, stmt.database) : currentDatabase(env, snap);
    tables = liveTables(snap, db.id).filter((t) => t.kind === 'table').sort((a, b) => byText(a.name, b.name));
  }
  const rows = tables.flatMap((t) => tableIndexRows(t, stmt.withComment));
  const spec = 'table_name text, index_name text, non_unique bool, seq_in_index int8, column_name text, definition text, '
    + 'direction text, storing bool, implicit bool, visible bool';
  return result(stmt.withComment ? `${spec}, comment text` : spec, rows);
}

export async function showConstraints(stmt: ShowConstraintsStatement, env: StmtEnv): Promise<StatementResult> {
  const t = await resolveTableDesc(env, stmt.table);
  const snap = await snapshotFor(env);
  const rows = tableConstraints(t)
    .sort((a, b) => byText(a.name, b.name))
    .map((c) => ({
      table_name: t.name, constraint_name: c.name, constraint_type: constraintTypeNames[c.kind],
      details: constraintDef(snap, t, c), validated: true,
    }));
  return result('table_name text, constraint_name text, constraint_type text, details text, validated bool', rows);
}
