// Owns routing a statement that runs inside a transaction to its handler.
// Statements that belong to other layers (BACKUP, RESTORE, SHOW BACKUP,
// jobs) reach handlers those layers register at start-up; the SQL layer
// never imports them.

import { BurrowError } from '../../util/errors.js';
import type { Statement } from '../parser/ast.js';
import { planSelect } from '../plan/build-select.js';
import { collectRows } from '../exec/basic-nodes.js';
import { T } from '../types/types.js';
import type { ExplainNode } from '../plan/types.js';
import { execDelete, execInsert, execUpdate } from '../dml/dml.js';
import { execCreateTable } from '../ddl/create-table.js';
import {
  execAlterDatabase, execAlterTable, execCreateDatabase, execCreateIndex, execCreateSchema, execDropDatabase,
  execDropIndex, execDropObjects, execTruncate,
} from '../ddl/ddl.js';
import type { StmtEnv } from './stmt-env.js';
import { commandResult, rowsResult, type StatementResult } from './result.js';

export type StatementHandler = (stmt: Statement, env: StmtEnv) => Promise<StatementResult>;

const external = new Map<string, StatementHandler>();

/** Lets another layer (backup, jobs, show) handle a statement kind. */
export function registerStatementHandler(kind: Statement['kind'], h: StatementHandler): void {
  external.set(kind, h);
}

const writeTags: Partial<Record<Statement['kind'], string>> = {
  createTable: 'CREATE TABLE', createDatabase: 'CREATE DATABASE', createSchema: 'CREATE SCHEMA', createIndex: 'CREATE INDEX',
  createView: 'CREATE VIEW', createSequence: 'CREATE SEQUENCE', dropDatabase: 'DROP DATABASE', dropTable: 'DROP TABLE',
  dropView: 'DROP VIEW', dropSequence: 'DROP SEQUENCE', dropIndex: 'DROP INDEX', dropSchema: 'DROP SCHEMA',
  alterTable: 'ALTER TABLE', alterDatabase: 'ALTER DATABASE', alterIndex: 'ALTER INDEX', alterSequence: 'ALTER SEQUENCE',
  truncate: 'TRUNCATE', grant: 'GRANT', revoke: 'REVOKE', createRole: 'CREATE ROLE', dropRole: 'DROP ROLE',
  alterRole: 'ALTER ROLE', configureZone: 'CONFIGURE ZONE', comment: 'COMMENT ON',
};

export async function dispatch(stmt: Statement, env: StmtEnv): Promise<StatementResult> {
  const writeTag = writeTags[stmt.kind];
  if (writeTag && env.txn.readOnly) {
    throw new BurrowError('25006', `cannot execute ${writeTag} in a read-only transaction`);
  }
  const h = external.get(stmt.kind);
  if (h) return h(stmt, env);
  switch (stmt.kind) {
    case 'select': {
      const plan = await planSelect(stmt, env.planCtx());
      const rows = await collectRows(plan, env.execCtx());
      return rowsResult('SELECT', plan.cols, rows);
    }
    case 'insert': return execInsert(stmt, env);
    case 'update': return execUpdate(stmt, env);
    case 'delete': return execDelete(stmt, env);
    case 'createTable': return execCreateTable(stmt, env);
    case 'createDatabase': return execCreateDatabase(stmt, env);
    case 'createSchema': return execCreateSchema(stmt, env);
    case 'dropDatabase': return execDropDatabase(stmt, env);
    case 'dropTable': case 'dropView': case 'dropSequence': return execDropObjects(stmt, env);
    case 'alterDatabase': return execAlterDatabase(stmt, env);
    case 'alterTable': return execAlterTable(stmt, env);
    case 'createIndex': return execCreateIndex(stmt, env);
    case 'dropIndex': return execDropIndex(stmt, env);
    case 'truncate': return execTruncate(stmt, env);
    case 'explain': return explain(stmt.statement, env);
    default:
      throw new BurrowError('0A000', `unimplemented: ${stmt.kind} statements are not supported yet`);
  }
}

function renderExplain(n: ExplainNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  out.push(`${pad}• ${n.name}`);
  for (const d of n.details) out.push(`${pad}  ${d}`);
  for (const c of n.children) {
    out.push(`${pad}│`);
    renderExplain(c, depth + 1, out);
  }
}

async function explain(stmt: Statement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.kind !== 'select') throw new BurrowError('0A000', `unimplemented: EXPLAIN of ${stmt.kind}`);
  const plan = await planSelect(stmt, env.planCtx());
  const lines = ['distribution: local', 'vectorized: false', ''];
  renderExplain(plan.explain(), 0, lines);
  return rowsResult('EXPLAIN', [{ name: 'info', type: T.string, table: null, hidden: false }], lines.map((l) => [l]));
}

export { commandResult };
