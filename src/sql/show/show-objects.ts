// Owns the SHOW statements that list catalog objects: SHOW DATABASES,
// SHOW SCHEMAS [FROM db], SHOW TABLES [FROM db[.schema]] and
// SHOW SEQUENCES [FROM db], with CockroachDB's columns and row order.
//
// Invariants: everything is read from the statement's catalog snapshot
// (its transaction); SHOW TABLES without FROM lists every user schema of
// the current database; rows are ordered by the names they list.

import { BurrowError } from '../../util/errors.js';
import type { DatabaseDesc, SchemaDesc, TableDesc } from '../catalog/descriptor.js';
import type {
  SchemaName, ShowDatabasesStatement, ShowSchemasStatement, ShowSequencesStatement, ShowTablesStatement,
} from '../parser/ast.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { rowsResult, type StatementResult } from '../session/result.js';
import { estimatedRowCount } from '../vtable/sizes.js';
import { databaseNamed, liveTables, schemaNameOf, schemasOf, statementSnapshot, type CatalogSnapshot } from '../vtable/snapshot.js';
import { resultColumns, resultRows, type VtRow } from '../vtable/vtable.js';
import { virtualSchemaNames } from '../vtable/registry.js';

export function snapshotFor(env: StmtEnv): Promise<CatalogSnapshot> {
  return statementSnapshot(env.txn, env.evalCtx);
}

function result(spec: string, rows: VtRow[]): StatementResult {
  const cols = resultColumns(spec);
  return rowsResult('SHOW', cols, resultRows(cols, rows));
}

export function mustDatabase(snap: CatalogSnapshot, name: string): DatabaseDesc {
  const db = databaseNamed(snap, name);
  if (!db) throw new BurrowError('3D000', `database "${name}" does not exist`);
  return db;
}

export function currentDatabase(env: StmtEnv, snap: CatalogSnapshot): DatabaseDesc {
  if (!env.session.database) {
    throw new BurrowError('3D000', 'no database or schema specified', { hint: 'Run USE <database> or qualify the name.' });
  }
  return mustDatabase(snap, env.session.database);
}

export async function showDatabases(stmt: ShowDatabasesStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  const rows = snap.databases.map((d) => ({
    database_name: d.name, owner: d.privileges.owner, primary_region: null, secondary_region: null, regions: [],
    survival_goal: null, ...(stmt.withComment ? { comment: null } : {}),
  }));
  const spec = 'database_name text, owner name, primary_region text, secondary_region text, regions text[], survival_goal text';
  return result(stmt.withComment ? `${spec}, comment text` : spec, rows);
}

export async function showSchemas(stmt: ShowSchemasStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  const db = stmt.database ? mustDatabase(snap, stmt.database) : currentDatabase(env, snap);
  const rows: VtRow[] = schemasOf(snap, db.id).map((s) => ({ schema_name: s.name, owner: s.privileges.owner }));
  for (const v of virtualSchemaNames) rows.push({ schema_name: v, owner: null });
  rows.sort((a, b) => ((a.schema_name as string) < (b.schema_name as string) ? -1 : 1));
  return result('schema_name text, owner name', rows);
}

interface TableScope {
  db: DatabaseDesc;
  schema: SchemaDesc | null;
}

function tableScope(env: StmtEnv, snap: CatalogSnapshot, from: SchemaName | null): TableScope {
  const missing = (): BurrowError => new BurrowError('3F000', 'target database or schema does not exist');
  if (!from) return { db: currentDatabase(env, snap), schema: null };
  const schemaIn = (db: DatabaseDesc, name: string) => schemasOf(snap, db.id).find((s) => s.name === name);
  if (from.catalog !== null) {
    const db = databaseNamed(snap, from.catalog);
    const schema = db && schemaIn(db, from.schema);
    if (!db || !schema) throw missing();
    return { db, schema };
  }
  const cur = env.session.database ? databaseNamed(snap, env.session.database) : undefined;
  const schema = cur && schemaIn(cur, from.schema);
  if (cur && schema) return { db: cur, schema };
  const db = databaseNamed(snap, from.schema);
  if (!db) throw missing();
  return { db, schema: null };
}

const tableType = (t: TableDesc): string => (t.kind === 'view' ? 'view' : t.kind === 'sequence' ? 'sequence' : 'table');

export async function showTables(stmt: ShowTablesStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  const scope = tableScope(env, snap, stmt.from);
  const tables = liveTables(snap, scope.db.id).filter((t) => !scope.schema || t.schemaId === scope.schema.id);
  const rows = tables.map((t) => ({
    schema_name: schemaNameOf(snap, t), table_name: t.name, type: tableType(t), owner: t.privileges.owner,
    estimated_row_count: estimatedRowCount(env.store, t), locality: null,
    ...(stmt.withComment ? { comment: t.comment ?? '' } : {}),
  }));
  const spec = 'schema_name text, table_name text, type text, owner name, estimated_row_count int8, locality text';
  return result(stmt.withComment ? `${spec}, comment text` : spec, rows);
}

export async function showSequences(stmt: ShowSequencesStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  const db = stmt.database ? mustDatabase(snap, stmt.database) : currentDatabase(env, snap);
  const rows = liveTables(snap, db.id)
    .filter((t) => t.kind === 'sequence')
    .map((t) => ({ sequence_schema: schemaNameOf(snap, t), sequence_name: t.name }));
  return result('sequence_schema text, sequence_name text', rows);
}
