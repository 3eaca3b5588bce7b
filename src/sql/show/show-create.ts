// Owns SHOW CREATE [TABLE|VIEW|SEQUENCE] name, SHOW CREATE DATABASE name and
// SHOW CREATE ALL TABLES (the text itself comes from create-stmt.ts).
// Columns: (table_name, create_statement), (database_name,
// create_statement) and (create_statement) with one row per statement.
// Invariants: table_name echoes the name as written; SHOW CREATE SEQUENCE
// and SHOW CREATE VIEW reject objects of another kind, as CockroachDB does.

import { BurrowError } from '../../util/errors.js';
import type { ShowCreateAllTablesStatement, ShowCreateStatement } from '../parser/ast.js';
import { formatObjectName } from '../parser/index.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { rowsResult, type StatementResult } from '../session/result.js';
import { liveTables } from '../vtable/snapshot.js';
import { resultColumns, resultRows } from '../vtable/vtable.js';
import { createAllStatements, createDatabaseText, createStatementText } from './create-stmt.js';
import { currentDatabase, mustDatabase, snapshotFor } from './show-objects.js';
import { resolveTableDesc } from './show-table.js';

const kindWords = { VIEW: 'view', SEQUENCE: 'sequence' } as const;

export async function showCreate(stmt: ShowCreateStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  if (stmt.objectType === 'DATABASE') {
    const db = mustDatabase(snap, stmt.name.name);
    const cols = resultColumns('database_name text, create_statement text');
    return rowsResult('SHOW', cols, resultRows(cols, [{ database_name: db.name, create_statement: createDatabaseText(db) }]));
  }
  const t = await resolveTableDesc(env, stmt.name);
  if (stmt.objectType === 'VIEW' || stmt.objectType === 'SEQUENCE') {
    const want = kindWords[stmt.objectType];
    if (t.kind !== want) throw new BurrowError('42809', `"${t.name}" is not a ${want}`);
  }
  const cols = resultColumns('table_name text, create_statement text');
  const row = { table_name: formatObjectName(stmt.name), create_statement: createStatementText(snap, t) };
  return rowsResult('SHOW', cols, resultRows(cols, [row]));
}

export async function showCreateAllTables(_stmt: ShowCreateAllTablesStatement, env: StmtEnv): Promise<StatementResult> {
  const snap = await snapshotFor(env);
  const db = currentDatabase(env, snap);
  const statements = createAllStatements(snap, liveTables(snap, db.id));
  const cols = resultColumns('create_statement text');
  return rowsResult('SHOW', cols, resultRows(cols, statements.map((s) => ({ create_statement: s }))));
}
