// Owns the shape of a job (JobRecord) and its storage as a row of
// system.jobs, read and written through the table codec and kv (never SQL
// text). Columns hold what CockroachDB keeps there (status, created,
// num_runs, last_run, job_type, claim_instance_id while a process runs it);
// payload and progress are JSON bytes:
//   payload:  type, description, statement, username, details, started and
//             finished micros, error and its SQLSTATE, pause reason;
//   progress: fraction_completed, running_status, modified micros, the job
//             type's resumable state, the result.
// Also the error texts CockroachDB uses for jobs.

import type { Txn } from '../kv/txn.js';
import { BurrowError } from '../util/errors.js';
import { jobsTable } from '../sql/catalog/system-schema.js';
import { decodePrimaryRow, indexSpan, primaryKey, tableLayout } from '../sql/rowenc/table-codec.js';
import { insertRow, updateRow } from '../sql/dml/row-writer.js';
import type { Row } from '../sql/types/datum.js';

export type JobStatus =
  | 'pending' | 'running' | 'paused' | 'pause-requested' | 'cancel-requested' | 'reverting'
  | 'succeeded' | 'failed' | 'canceled';

export interface JobRecord {
  id: bigint;
  /** 'BACKUP' | 'RESTORE' | ... */
  type: string;
  description: string;
  statement: string;
  username: string;
  status: JobStatus;
  createdMicros: bigint;
  startedMicros: bigint | null;
  finishedMicros: bigint | null;
  modifiedMicros: bigint;
  fractionCompleted: number;
  runningStatus: string | null;
  error: string | null;
  errorCode: string | null;
  /** JSON set at creation. */
  details: unknown;
  /** JSON resumable state of the job type (last checkpoint). */
  progress: unknown;
  /** JSON result of a succeeded job. */
  result: unknown;
  numRuns: number;
}

/** A stored job: the record plus columns and payload fields that only the jobs layer uses. */
export interface StoredJob extends JobRecord {
  lastRunMicros: bigint | null;
  /** Set while a process runs the job (CockroachDB's coordinator_id). */
  claimInstanceId: bigint | null;
  pauseReason: string | null;
}

export const terminalStatuses: ReadonlySet<JobStatus> = new Set<JobStatus>(['succeeded', 'failed', 'canceled']);
/** Statuses a new process picks up from a previous one (resume or finish the transition). */
export const adoptableStatuses: ReadonlySet<JobStatus> = new Set<JobStatus>([
  'pending', 'running', 'pause-requested', 'cancel-requested', 'reverting',
]);

/** Job types CockroachDB lists under SHOW AUTOMATIC JOBS rather than SHOW JOBS. */
export const automaticJobTypes: ReadonlySet<string> = new Set([
  'AUTO CREATE STATS', 'AUTO SPAN CONFIG RECONCILIATION', 'AUTO SQL STATS COMPACTION', 'AUTO SCHEMA TELEMETRY',
  'AUTO UPDATE SQL ACTIVITY', 'POLL JOBS STATS', 'MVCC STATISTICS UPDATE', 'AUTO CONFIG RUNNER', 'KEY VISUALIZER',
]);

// ------------------------------------------------------------- error texts

/** CockroachDB's errors for jobs carry no SQLSTATE of their own (XXUUU on the wire). */
const uncategorized = 'XXUUU';

export function jobNotFoundError(id: bigint): BurrowError {
  return new BurrowError(uncategorized, `job with ID ${id} does not exist`);
}

export function cannotPauseError(status: JobStatus): BurrowError {
  return new BurrowError(uncategorized, `job with status ${status} cannot be requested to be paused`);
}

export function cannotResumeError(status: JobStatus): BurrowError {
  return new BurrowError(uncategorized, `job with status ${status} cannot be resumed`);
}

export function cannotCancelError(status: JobStatus): BurrowError {
  return new BurrowError(uncategorized, `job with status ${status} cannot be requested to be canceled`);
}

export function noJobPrivilegeError(user: string, id: bigint): BurrowError {
  return new BurrowError('42501', `user ${user} does not have privileges for job ${id}`);
}

export function adminJobError(): BurrowError {
  return new BurrowError('42501', 'only admins can control jobs owned by other admins');
}

// ------------------------------------------------------------------ codec

const layout = tableLayout(jobsTable);

interface Payload {
  type: string;
  description: string;
  statement: string;
  username: string;
  details: unknown;
  startedMicros: string | null;
  finishedMicros: string | null;
  error: string | null;
  errorCode: string | null;
  pauseReason?: string | null;
}

interface Progress {
  fractionCompleted: number;
  runningStatus: string | null;
  modifiedMicros: string;
  state: unknown;
  result: unknown;
}

/** JSON that tolerates bigints (as decimal strings) so a job type's state can never break a write. */
function toJsonBytes(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)), 'utf8');
}

function parseJson<T>(b: Buffer | null, what: string, id: bigint): T | null {
  if (!b || b.length === 0) return null;
  try {
    return JSON.parse(b.toString('utf8')) as T;
  } catch {
    throw new BurrowError('XX001', `job ${id}: ${what} is not valid JSON`);
  }
}

const microsOrNull = (s: string | null | undefined): bigint | null => (s === null || s === undefined ? null : BigInt(s));

export function jobToRow(j: StoredJob): Row {
  const payload: Payload = {
    type: j.type,
    description: j.description,
    statement: j.statement,
    username: j.username,
    details: j.details ?? null,
    startedMicros: j.startedMicros === null ? null : j.startedMicros.toString(),
    finishedMicros: j.finishedMicros === null ? null : j.finishedMicros.toString(),
    error: j.error,
    errorCode: j.errorCode,
    pauseReason: j.pauseReason,
  };
  const progress: Progress = {
    fractionCompleted: j.fractionCompleted,
    runningStatus: j.runningStatus,
    modifiedMicros: j.modifiedMicros.toString(),
    state: j.progress ?? null,
    result: j.result ?? null,
  };
  return [
    j.id, j.status, j.createdMicros, toJsonBytes(payload), toJsonBytes(progress),
    null, null, null, j.claimInstanceId, BigInt(j.numRuns), j.lastRunMicros, j.type,
  ];
}

export function rowToJob(row: Row): StoredJob {
  const id = row[0] as bigint;
  const p = parseJson<Payload>(row[3] as Buffer | null, 'payload', id);
  const g = parseJson<Progress>(row[4] as Buffer | null, 'progress', id);
  const created = (row[2] as bigint | null) ?? 0n;
  return {
    id,
    type: (row[11] as string | null) ?? p?.type ?? '',
    description: p?.description ?? '',
    statement: p?.statement ?? '',
    username: p?.username ?? '',
    status: row[1] as JobStatus,
    createdMicros: created,
    startedMicros: microsOrNull(p?.startedMicros),
    finishedMicros: microsOrNull(p?.finishedMicros),
    modifiedMicros: microsOrNull(g?.modifiedMicros) ?? created,
    fractionCompleted: g?.fractionCompleted ?? 0,
    runningStatus: g?.runningStatus ?? null,
    error: p?.error ?? null,
    errorCode: p?.errorCode ?? null,
    details: p?.details ?? null,
    progress: g?.state ?? null,
    result: g?.result ?? null,
    numRuns: Number((row[9] as bigint | null) ?? 0n),
    lastRunMicros: row[10] as bigint | null,
    claimInstanceId: row[8] as bigint | null,
    pauseReason: p?.pauseReason ?? null,
  };
}

/** The public view of a stored job (a copy without the internal fields). */
export function publicRecord(j: StoredJob): JobRecord {
  const { lastRunMicros: _l, claimInstanceId: _c, pauseReason: _p, ...rec } = j;
  return rec;
}

function keyOf(id: bigint): Buffer {
  const row: Row = new Array(jobsTable.columns.length).fill(null);
  row[0] = id;
  return primaryKey(layout, row);
}

export async function readJob(txn: Txn, id: bigint): Promise<StoredJob | undefined> {
  const key = keyOf(id);
  const v = await txn.get(key);
  return v === undefined ? undefined : rowToJob(decodePrimaryRow(layout, key, v));
}

export async function insertJob(txn: Txn, j: StoredJob): Promise<void> {
  await insertRow(txn, jobsTable, jobToRow(j), 'UTC');
}

export async function writeJob(txn: Txn, old: StoredJob, next: StoredJob): Promise<void> {
  await updateRow(txn, jobsTable, jobToRow(old), jobToRow(next), 'UTC');
}

/** Every job, in ID order. */
export async function scanJobs(txn: Txn): Promise<StoredJob[]> {
  const span = indexSpan(layout.primary);
  const out: StoredJob[] = [];
  for await (const page of txn.scan(span.start, span.end)) {
    for (const kv of page) out.push(rowToJob(decodePrimaryRow(layout, kv.key, kv.value)));
  }
  return out;
}
