// Owns wiring backup into a running engine: the BACKUP, RESTORE, SHOW BACKUPS
// and SHOW BACKUP statement handlers (registered once per process; they find
// their engine through the statement's kv database) and the BACKUP and
// RESTORE job types.

import type { KvDb } from '../kv/db.js';
import type { Statement } from '../sql/parser/ast.js';
import type { SqlEngine } from '../sql/engine.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import type { StatementResult } from '../sql/session/result.js';
import { registerStatementHandler } from '../sql/session/dispatch.js';
import { registerJobType } from '../jobs/jobs-registry.js';
import { execBackup } from './backup-stmt.js';
import { execRestore } from './restore-stmt.js';
import { showBackup, showBackups } from './show-backup.js';
import { cleanupBackup, runBackup } from './backup-job.js';
import { cleanupRestore, runRestore } from './restore-job.js';

const engines = new WeakMap<KvDb, SqlEngine>();

function engineOf(env: StmtEnv): SqlEngine {
  const e = engines.get(env.kv);
  if (!e) throw new Error('backup is not installed on this engine');
  return e;
}

type Handler<K extends Statement['kind']> = (stmt: Extract<Statement, { kind: K }>, env: StmtEnv, engine: SqlEngine) => Promise<StatementResult>;

function register<K extends Statement['kind']>(kind: K, h: Handler<K>): void {
  registerStatementHandler(kind, (stmt, env) => h(stmt as Extract<Statement, { kind: K }>, env, engineOf(env)));
}

export function installBackup(engine: SqlEngine): void {
  engines.set(engine.kv, engine);
  register('backup', execBackup);
  register('restore', execRestore);
  register('showBackups', showBackups);
  register('showBackup', showBackup);
  registerJobType('BACKUP', { run: (ctx) => runBackup(ctx), onFailOrCancel: (ctx) => cleanupBackup(ctx) });
  registerJobType('RESTORE', { run: (ctx) => runRestore(ctx), onFailOrCancel: (ctx) => cleanupRestore(ctx) });
}
