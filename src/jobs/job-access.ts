// Owns what the jobs statements share: evaluating `JOB <expr>` and
// `JOBS <select>` into job IDs through the SQL layer's planner, reading
// system.jobs outside the statement's transaction, and who may see or
// control a job (CockroachDB's rules: admins see and control every job; a
// user sees their own jobs and controls their own and their roles' jobs,
// never an admin's).

import { BurrowError } from '../util/errors.js';
import type { Expr, SelectStatement } from '../sql/parser/ast.js';
import { evalConstExpr } from '../sql/settings/const-expr.js';
import { planSelect } from '../sql/plan/build-select.js';
import { collectRows } from '../sql/exec/basic-nodes.js';
import { castDatum } from '../sql/types/cast.js';
import { T, type SqlType } from '../sql/types/types.js';
import type { Datum } from '../sql/types/datum.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { roleMemberships, userIsAdmin } from '../sql/privilege/check.js';
import type { Txn } from '../kv/txn.js';
import { adminJobError, noJobPrivilegeError, readJob, scanJobs, type StoredJob } from './job-record.js';

function toJobId(d: Datum, type: SqlType, env: StmtEnv): bigint | null {
  if (d === null) return null;
  if (typeof d === 'bigint') return d;
  return castDatum(d, type, T.int, { timezone: env.session.timezone }) as bigint;
}


/** Evaluates `JOB <expr>`: the job ID, or null for NULL. */
export async function evalJobId(e: Expr, env: StmtEnv): Promise<bigint | null> {
  const v = await evalConstExpr(e, env, 'JOB', T.int);
  return toJobId(v.value, v.type, env);
}

/** Evaluates `WITH REASON = <expr>`. */
export async function evalReason(e: Expr, env: StmtEnv): Promise<string | null> {
  const v = await evalConstExpr(e, env, 'WITH REASON', T.string);
  if (v.value === null) return null;
  return typeof v.value === 'string' ? v.value : (castDatum(v.value, v.type, T.string, { timezone: env.session.timezone }) as string);
}

/** Runs `JOBS <select>`: the first column's job IDs in the order returned, NULLs and repeats left out. */
export async function selectJobIds(sel: SelectStatement, env: StmtEnv, what: string): Promise<bigint[]> {
  const plan = await planSelect(sel, env.planCtx());
  const visible = plan.cols.filter((c) => !c.hidden);
  if (visible.length !== 1) {
    throw new BurrowError('42601', `${what} expects a single column source, got ${visible.length} columns`);
  }
  const ord = plan.cols.indexOf(visible[0]!);
  const out: bigint[] = [];
  const seen = new Set<bigint>();
  for (const row of await collectRows(plan, env.execCtx())) {
    const id = toJobId(row[ord]!, visible[0]!.type, env);
    if (id === null || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/**
 * Reads system.jobs for a statement: in a fresh read-only transaction (the
 * rows change under running jobs; reading them in the statement's
 * transaction would make it fail to commit), unless the statement reads
 * history (AS OF SYSTEM TIME).
 */
export async function withJobsTxn<T>(env: StmtEnv, fn: (txn: Txn) => Promise<T>): Promise<T> {
  if (env.txn.historical) return fn(env.txn);
  return env.kv.runTxn(fn, { readOnly: true });
}

export function readJobsFor(env: StmtEnv, ids: readonly bigint[] | null): Promise<StoredJob[]> {
  return withJobsTxn(env, async (txn) => {
    if (ids === null) return scanJobs(txn);
    const out: StoredJob[] = [];
    for (const id of ids) {
      const j = await readJob(txn, id);
      if (j) out.push(j);
    }
    return out;
  });
}

/** Whether the session user sees every job (admins) or only their own. */
export function sessionIsAdmin(env: StmtEnv): Promise<boolean> {
  return userIsAdmin(env.txn, env.session.user);
}

export function canView(job: StoredJob, user: string, admin: boolean): boolean {
  return admin || job.username === user;
}

/** Fails with 42501 unless the session user may pause, resume or cancel the job. */
export async function requireControl(env: StmtEnv, job: StoredJob): Promise<void> {
  const user = env.session.user;
  if (await userIsAdmin(env.txn, user)) return;
  if (job.username === user || (await roleMemberships(env.txn, user)).has(job.username)) return;
  if (await userIsAdmin(env.txn, job.username)) throw adminJobError();
  throw noJobPrivilegeError(user, job.id);
}
