// Owns PAUSE, RESUME and CANCEL JOB <id> / JOBS <select> [WITH REASON]:
// each named job must exist (`job with ID N does not exist`) and be
// controllable by the session user (42501), then the registry records the
// request in its own transaction (a job is controlled whatever becomes of
// the statement's transaction, as CockroachDB's are once committed) and the
// running job acts on it at its next checkpoint. The statement answers once
// the request is recorded, not when the job has paused or reverted.

import { BurrowError } from '../util/errors.js';
import type { ControlJobsStatement } from '../sql/parser/ast.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { commandResult, type StatementResult } from '../sql/session/result.js';
import { jobNotFoundError, readJob } from './job-record.js';
import { evalJobId, evalReason, requireControl, selectJobIds } from './job-access.js';
import { jobRegistryForKv } from './jobs-registry.js';

export async function execControlJobs(stmt: ControlJobsStatement, env: StmtEnv): Promise<StatementResult> {
  const registry = jobRegistryForKv(env.kv);
  if (!registry) throw new BurrowError('55000', 'jobs are not running on this server');
  let ids: bigint[];
  if (stmt.jobId) {
    const id = await evalJobId(stmt.jobId, env);
    ids = id === null ? [] : [id];
  } else if (stmt.select) {
    ids = await selectJobIds(stmt.select, env, `${stmt.command} JOBS`);
  } else {
    ids = [];
  }
  const reason = stmt.command === 'PAUSE' && stmt.reason ? await evalReason(stmt.reason, env) : null;
  let n = 0;
  for (const id of ids) {
    const job = await env.kv.runTxn((txn) => readJob(txn, id), { readOnly: true });
    if (!job) throw jobNotFoundError(id);
    await requireControl(env, job);
    if (stmt.command === 'PAUSE') await registry.pause(id, reason ?? undefined);
    else if (stmt.command === 'RESUME') await registry.resume(id);
    else await registry.cancel(id);
    n++;
  }
  return commandResult(`${stmt.command} JOBS`, n);
}
