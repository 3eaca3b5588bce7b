// Owns SHOW JOBS, SHOW AUTOMATIC JOBS, SHOW JOB <id>, SHOW JOBS <select>
// and their WHEN COMPLETE forms, with CockroachDB's columns and order:
//  - the listing forms show jobs that are unfinished or finished in the
//    last 12 hours, running ones first, then by finish time, newest first
//    (ORDER BY COALESCE(finished, now()) DESC, started DESC);
//  - the forms naming jobs show those jobs (in ID order), whatever their age;
//  - a non-admin sees only their own jobs;
//  - WHEN COMPLETE waits until every named job has succeeded, failed or
//    been canceled, answering query cancellation while it waits.

import { BurrowError } from '../util/errors.js';
import type { ShowJobsStatement } from '../sql/parser/ast.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { rowsResult, type StatementResult } from '../sql/session/result.js';
import type { OutCol } from '../sql/plan/types.js';
import type { Row } from '../sql/types/datum.js';
import { T, type SqlType } from '../sql/types/types.js';
import { automaticJobTypes, terminalStatuses, type StoredJob } from './job-record.js';
import { canView, evalJobId, readJobsFor, selectJobIds, sessionIsAdmin } from './job-access.js';
import { jobRegistryForKv } from './jobs-registry.js';

const col = (name: string, type: SqlType): OutCol => ({ name, type, table: null, hidden: false });

export const showJobsColumns: OutCol[] = [
  col('job_id', T.int),
  col('job_type', T.string),
  col('description', T.string),
  col('statement', T.string),
  col('user_name', T.string),
  col('status', T.string),
  col('running_status', T.string),
  col('created', T.timestamp),
  col('started', T.timestamp),
  col('finished', T.timestamp),
  col('modified', T.timestamp),
  col('fraction_completed', T.float),
  col('error', T.string),
  col('coordinator_id', T.int),
];

export function showJobsRow(j: StoredJob): Row {
  return [
    j.id, j.type, j.description, j.statement, j.username, j.status, j.runningStatus,
    j.createdMicros, j.startedMicros, j.finishedMicros, j.modifiedMicros, j.fractionCompleted,
    j.error ?? '', j.claimInstanceId,
  ];
}

const recentMicros = 12n * 3600n * 1_000_000n;
/** SHOW JOBS WHEN COMPLETE gives up after 24 hours, as CockroachDB's does. */
const whenCompleteLimitMs = 24 * 3600 * 1000;
const whenCompletePollMs = 100;

function cmpDesc(a: bigint | null, b: bigint | null): number {
  // DESC with NULLs last.
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a > b ? -1 : a < b ? 1 : 0;
}

function listingOrder(nowMicros: bigint): (a: StoredJob, b: StoredJob) => number {
  return (a, b) =>
    cmpDesc(a.finishedMicros ?? nowMicros, b.finishedMicros ?? nowMicros)
    || cmpDesc(a.startedMicros, b.startedMicros)
    || cmpDesc(a.createdMicros, b.createdMicros)
    || cmpDesc(a.id, b.id);
}

async function namedIds(stmt: ShowJobsStatement, env: StmtEnv): Promise<bigint[] | null> {
  if (stmt.jobId) {
    const id = await evalJobId(stmt.jobId, env);
    return id === null ? [] : [id];
  }
  if (stmt.select) return selectJobIds(stmt.select, env, 'SHOW JOBS');
  return null;
}

async function visibleJobs(env: StmtEnv, ids: bigint[] | null, admin: boolean): Promise<StoredJob[]> {
  const jobs = (await readJobsFor(env, ids)).filter((j) => canView(j, env.session.user, admin));
  if (ids !== null) return jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return jobs;
}

function listing(stmt: ShowJobsStatement, jobs: StoredJob[], nowMicros: bigint): StoredJob[] {
  return jobs
    .filter((j) => automaticJobTypes.has(j.type) === stmt.automatic)
    .filter((j) => j.finishedMicros === null || j.finishedMicros > nowMicros - recentMicros)
    .sort(listingOrder(nowMicros));
}

export async function execShowJobs(stmt: ShowJobsStatement, env: StmtEnv): Promise<StatementResult> {
  const admin = await sessionIsAdmin(env);
  const ids = await namedIds(stmt, env);
  const nowMicros = (): bigint => env.store.clock.now().wall / 1000n;
  if (!stmt.whenComplete) {
    const jobs = await visibleJobs(env, ids, admin);
    const shown = ids === null ? listing(stmt, jobs, nowMicros()) : jobs;
    return rowsResult('SHOW', showJobsColumns, shown.map(showJobsRow));
  }
  const registry = jobRegistryForKv(env.kv);
  const ctx = env.execCtx();
  const deadline = Date.now() + whenCompleteLimitMs;
  for (;;) {
    if (ctx.cancelled()) throw new BurrowError('57014', 'query execution canceled');
    let jobs = await visibleJobs(env, ids, admin);
    if (ids === null) jobs = listing(stmt, jobs, nowMicros());
    const pending = jobs.find((j) => !terminalStatuses.has(j.status));
    if (!pending) return rowsResult('SHOW', showJobsColumns, jobs.map(showJobsRow));
    if (Date.now() > deadline) {
      throw new BurrowError('57014', `timed out waiting for job ${pending.id} to complete (status ${pending.status})`);
    }
    if (registry) await registry.changed(pending.id, whenCompletePollMs);
    else await new Promise((r) => setTimeout(r, whenCompletePollMs));
  }
}
