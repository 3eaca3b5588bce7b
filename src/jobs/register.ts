// Owns registering the jobs statements with the statement dispatcher:
// SHOW [AUTOMATIC] JOBS, SHOW JOB(S) [WHEN COMPLETE], PAUSE/RESUME/CANCEL
// JOB(S). Registering again replaces the same handlers (idempotent). The
// handlers find the engine's registry through the statement's kv database,
// so jobRegistryFor(engine) must have been called for control statements.

import type { Statement } from '../sql/parser/ast.js';
import { registerStatementHandler } from '../sql/session/dispatch.js';
import { execControlJobs } from './control-jobs.js';
import { execShowJobs } from './show-jobs.js';

export function registerJobHandlers(): void {
  registerStatementHandler('showJobs', (stmt, env) => execShowJobs(stmt as Extract<Statement, { kind: 'showJobs' }>, env));
  registerStatementHandler('controlJobs', (stmt, env) => execControlJobs(stmt as Extract<Statement, { kind: 'controlJobs' }>, env));
}
