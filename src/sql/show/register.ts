// Owns registering the SHOW statement handlers with the statement
// dispatcher: DATABASES, SCHEMAS, TABLES, SEQUENCES, COLUMNS, INDEX,
// CONSTRAINTS, CREATE and CREATE ALL TABLES. Called once at start-up;
// registering again replaces the same handlers (idempotent).

import type { Statement } from '../parser/ast.js';
import { registerStatementHandler } from '../session/dispatch.js';
import type { StmtEnv } from '../session/stmt-env.js';
import type { StatementResult } from '../session/result.js';
import { showCreate, showCreateAllTables } from './show-create.js';
import { showDatabases, showSchemas, showSequences, showTables } from './show-objects.js';
import { showColumns, showConstraints, showIndexes } from './show-table.js';

type Handler<K extends Statement['kind']> = (stmt: Extract<Statement, { kind: K }>, env: StmtEnv) => Promise<StatementResult>;

function register<K extends Statement['kind']>(kind: K, h: Handler<K>): void {
  registerStatementHandler(kind, (stmt, env) => h(stmt as Extract<Statement, { kind: K }>, env));
}

export function registerShowHandlers(): void {
  register('showDatabases', showDatabases);
  register('showSchemas', showSchemas);
  register('showTables', showTables);
  register('showSequences', showSequences);
  register('showColumns', showColumns);
  register('showIndexes', showIndexes);
  register('showConstraints', showConstraints);
  register('showCreate', showCreate);
  register('showCreateAllTables', showCreateAllTables);
}
