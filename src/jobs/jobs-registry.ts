// Owns running jobs: long-running work (BACKUP, RESTORE) recorded as rows of
// system.jobs, run in the background on the event loop, with progress
// checkpoints, pause, resume, cancel, and adoption after a restart.
//
// The row's status is the truth; this process keeps, per job it is running,
// a RunState whose `interrupt` flag makes the job's next throwIfInterrupted
// or checkpoint throw a JobInterruptedError. One driver (drive) moves a job
// through its statuses:
//   running        -> run() -> succeeded
//                            -> (error)      reverting -> onFailOrCancel -> failed
//   pause-requested --------------------------------------------------> paused
//   cancel-requested -> reverting -> onFailOrCancel -----------------> canceled
// Control calls (pause/resume/cancel) commit the new status in their own
// transaction and then "kick" the driver, which re-reads the row. stop()
// makes running jobs throw at their next checkpoint and writes nothing
// more, so their rows stay 'running' and the next process adopts them.
// A job never crashes the process: every promise it creates is caught.

import { randomBytes } from 'node:crypto';
import type { KvDb } from '../kv/db.js';
import type { SqlEngine } from '../sql/engine.js';
import { BurrowError } from '../util/errors.js';
import {
  adoptableStatuses, cannotCancelError, cannotPauseError, cannotResumeError, insertJob, jobNotFoundError,
  publicRecord, readJob, scanJobs, terminalStatuses, writeJob,
  type JobRecord, type StoredJob,
} from './job-record.js';

export type { JobRecord, JobStatus } from './job-record.js';

export interface JobContext {
  /** As of the start of this run. */
  readonly record: JobRecord;
  readonly engine: SqlEngine;
  /** Persists fraction (0..1) and the type's resumable state; also the point where pause/cancel requests take effect (throws a JobInterruptedError). */
  checkpoint(fraction: number, progress?: unknown): Promise<void>;
  /** Cheap check between checkpoints; throws JobInterruptedError if pause/cancel was requested. */
  throwIfInterrupted(): void;
}

export interface JobType {
  /** Runs (or resumes: ctx.record.progress holds the last checkpointed state) the job; returns the result JSON. */
  run(ctx: JobContext): Promise<unknown>;
  /** Cleans up after a failure or cancel (e.g. delete a half-written backup); must be idempotent. */
  onFailOrCancel?(ctx: JobContext, err: unknown): Promise<void>;
}

export interface CreateJobSpec {
  type: string;
  description: string;
  statement: string;
  username: string;
  details: unknown;
}

export interface JobRegistry {
  /** Inserts the job row (status 'running') in its own transaction and starts running it in the background. */
  create(spec: CreateJobSpec): Promise<JobRecord>;
  get(id: bigint): Promise<JobRecord | undefined>;
  /** Resolves when the job reaches succeeded, failed, canceled or paused (timeoutMs optional). */
  wait(id: bigint, timeoutMs?: number): Promise<JobRecord>;
  pause(id: bigint, reason?: string): Promise<void>;
  resume(id: bigint): Promise<void>;
  cancel(id: bigint): Promise<void>;
  /**
   * Stops running jobs at a checkpoint without changing their status (server
   * shutdown), so they resume at the next start. Waits up to timeoutMs
   * (default 10 s) for them; a job still running then is abandoned and
   * writes nothing more.
   */
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves at the job's next status change this registry makes, or after ms. */
  changed(id: bigint, ms: number): Promise<void>;
}

export class JobInterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobInterruptedError';
  }
}

// ---------------------------------------------------------------- job types

const jobTypes = new Map<string, JobType>();
const registries = new WeakMap<KvDb, Registry>();
/** Registries holding jobs whose type is not registered yet (a type registered late starts them). */
const waitingForTypes = new Set<Registry>();

/** Registers (or replaces) the implementation of a job type; jobs of that type waiting for it start. */
export function registerJobType(type: string, t: JobType): void {
  jobTypes.set(type, t);
  for (const r of [...waitingForTypes]) r.typeRegistered(type);
}

/** One registry per engine; the first call for an engine adopts jobs a previous process left unfinished. */
export function jobRegistryFor(engine: SqlEngine): JobRegistry {
  let r = registries.get(engine.kv);
  if (!r) {
    r = new Registry(engine);
    registries.set(engine.kv, r);
    r.startAdoption();
  }
  return r;
}

/** The registry already created for a kv database (statement handlers find it this way). */
export function jobRegistryForKv(kv: KvDb): JobRegistry | undefined {
  return registries.get(kv);
}

// ---------------------------------------------------------------- registry

type Interrupt = 'pause' | 'cancel' | 'stop';

interface RunState {
  interrupt: Interrupt | null;
  /** Set when a control call changed the status while this run was finishing: drive again. */
  rerun: boolean;
  done: Promise<void>;
}

const pollMs = 250;

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function errorCode(err: unknown): string | null {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c) ? c : null;
}

class Registry implements JobRegistry {
  private readonly active = new Map<bigint, RunState>();
  private readonly listeners = new Map<bigint, Set<() => void>>();
  /** Jobs whose type is not registered yet, by type. */
  private readonly parked = new Map<string, Set<bigint>>();
  private stopped = false;
  private abandoned = false;
  private adoption: Promise<void> = Promise.resolve();
  /** Identifies this process's claim on the jobs it runs (not used for exclusion: the store lock is). */
  readonly sessionId = randomBytes(16);

  constructor(readonly engine: SqlEngine) {}

  private get kv(): KvDb {
    return this.engine.kv;
  }

  private nowMicros(): bigint {
    return this.engine.store.clock.now().wall / 1000n;
  }

  // ------------------------------------------------------------ public API

  async create(spec: CreateJobSpec): Promise<JobRecord> {
    if (this.stopped) throw new BurrowError('57P01', 'the job registry is shutting down');
    if (!jobTypes.has(spec.type)) throw new BurrowError('XX000', `no job type ${spec.type} is registered`);
    const now = this.nowMicros();
    const job: StoredJob = {
      id: this.engine.uniqueRowId(),
      type: spec.type,
      description: spec.description,
      statement: spec.statement,
      username: spec.username,
      status: 'running',
      createdMicros: now,
      startedMicros: null,
      finishedMicros: null,
      modifiedMicros: now,
      fractionCompleted: 0,
      runningStatus: null,
      error: null,
      errorCode: null,
      details: spec.details ?? null,
      progress: null,
      result: null,
      numRuns: 0,
      lastRunMicros: null,
      claimInstanceId: null,
      pauseReason: null,
    };
    await this.kv.runTxn((txn) => insertJob(txn, job));
    this.kick(job.id);
    return publicRecord(job);
  }

  async get(id: bigint): Promise<JobRecord | undefined> {
    const j = await this.read(id);
    return j && publicRecord(j);
  }

  async wait(id: bigint, timeoutMs?: number): Promise<JobRecord> {
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      const j = await this.read(id);
      if (!j) throw jobNotFoundError(id);
      if (terminalStatuses.has(j.status) || j.status === 'paused') return publicRecord(j);
      if (this.stopped) throw new BurrowError('57P01', `the job registry is shutting down; job ${id} will resume at the next start`);
      const left = deadline - Date.now();
      if (left <= 0) throw new BurrowError('57014', `timed out waiting for job ${id} (status ${j.status})`);
      await this.changed(id, Math.min(left, pollMs));
    }
  }

  async pause(id: bigint, reason?: string): Promise<void> {
    const changed = await this.transition(id, (j) => {
      if (j.status === 'pause-requested' || j.status === 'paused') return null;
      if (j.status !== 'pending' && j.status !== 'running') throw cannotPauseError(j.status);
      return { ...j, status: 'pause-requested', pauseReason: reason ?? null };
    });
    if (!changed) return;
    this.interrupt(id, 'pause');
    this.kick(id);
  }

  async resume(id: bigint): Promise<void> {
    const changed = await this.transition(id, (j) => {
      if (j.status === 'running' || j.status === 'reverting') return null;
      if (j.status !== 'paused') throw cannotResumeError(j.status);
      return { ...j, status: 'running', pauseReason: null };
    });
    if (changed) this.kick(id);
  }

  async cancel(id: bigint): Promise<void> {
    const changed = await this.transition(id, (j) => {
      if (j.status === 'cancel-requested' || j.status === 'canceled') return null;
      if (j.status !== 'pending' && j.status !== 'running' && j.status !== 'paused') throw cannotCancelError(j.status);
      return { ...j, status: 'cancel-requested' };
    });
    if (!changed) return;
    this.interrupt(id, 'cancel');
    this.kick(id);
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    this.parked.clear();
    waitingForTypes.delete(this);
    for (const st of this.active.values()) st.interrupt = 'stop';
    const all = Promise.all([this.adoption, ...[...this.active.values()].map((s) => s.done)]).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), timeoutMs)));
    const r = await Promise.race([all, timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') this.abandoned = true;
    this.notifyAll();
  }

  changed(id: bigint, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.listeners.get(id);
      if (!set) this.listeners.set(id, (set = new Set()));
      const s = set;
      const done = (): void => {
        clearTimeout(timer);
        s.delete(done);
        if (s.size === 0 && this.listeners.get(id) === s) this.listeners.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      s.add(done);
    });
  }

  // ------------------------------------------------------------- internals

  private notify(id: bigint): void {
    const s = this.listeners.get(id);
    if (s) for (const f of [...s]) f();
  }

  private notifyAll(): void {
    for (const id of [...this.listeners.keys()]) this.notify(id);
  }

  private interrupt(id: bigint, what: Interrupt): void {
    const st = this.active.get(id);
    if (st && st.interrupt !== 'stop') st.interrupt = what;
  }

  private read(id: bigint): Promise<StoredJob | undefined> {
    return this.kv.runTxn((txn) => readJob(txn, id), { readOnly: true });
  }

  /**
   * Reads the job, applies fn (null: no change) and writes the result in one
   * transaction; returns the written job, or null when nothing changed.
   * Missing job: jobNotFoundError.
   */
  private async transition(id: bigint, fn: (j: StoredJob) => StoredJob | null): Promise<StoredJob | null> {
    const out = await this.kv.runTxn(async (txn) => {
      const j = await readJob(txn, id);
      if (!j) throw jobNotFoundError(id);
      const next = fn(j);
      if (!next) return null;
      next.modifiedMicros = this.nowMicros();
      await writeJob(txn, j, next);
      return next;
    });
    if (out) this.notify(id);
    return out;
  }

  /** Like transition, for the driver: a missing job or a stopped registry means nothing to do. */
  private async step(id: bigint, fn: (j: StoredJob) => StoredJob | null): Promise<StoredJob | null> {
    if (this.abandoned) return null;
    try {
      return await this.transition(id, fn);
    } catch (err) {
      if (err instanceof BurrowError && err.message === jobNotFoundError(id).message) return null;
      throw err;
    }
  }

  startAdoption(): void {
    this.adoption = (async () => {
      // Let the caller finish wiring (job types registered right after the registry is created).
      await new Promise((r) => setImmediate(r));
      if (this.stopped) return;
      const jobs = await this.kv.runTxn((txn) => scanJobs(txn), { readOnly: true });
      for (const j of jobs) if (adoptableStatuses.has(j.status)) this.kick(j.id);
    })().catch((err) => {
      process.emitWarning(`job adoption failed: ${errorMessage(err)}`);
    });
  }

  typeRegistered(type: string): void {
    const ids = this.parked.get(type);
    if (!ids) return;
    this.parked.delete(type);
    if (this.parked.size === 0) waitingForTypes.delete(this);
    for (const id of ids) this.kick(id);
  }

  /** Starts driving the job, or asks the run in progress to look at the row again when it ends. */
  private kick(id: bigint): void {
    if (this.stopped) return;
    const st = this.active.get(id);
    if (st) {
      st.rerun = true;
      return;
    }
    const state: RunState = { interrupt: null, rerun: false, done: Promise.resolve() };
    this.active.set(id, state);
    state.done = (async () => {
      try {
        await this.drive(id, state);
      } catch (err) {
        // A failure to record a status (store closed, ...): the row keeps its status for the next adoption.
        if (!this.stopped) process.emitWarning(`job ${id}: ${errorMessage(err)}`);
      } finally {
        this.active.delete(id);
        this.notify(id);
        if (state.rerun && !this.stopped) this.kick(id);
      }
    })();
  }

  private park(id: bigint, type: string): void {
    let s = this.parked.get(type);
    if (!s) this.parked.set(type, (s = new Set()));
    s.add(id);
    waitingForTypes.add(this);
  }

  private async drive(id: bigint, st: RunState): Promise<void> {
    const first = await this.read(id);
    if (!first || this.stopped) return;
    const type = jobTypes.get(first.type);
    if (!type) {
      if (first.status === 'pause-requested') await this.step(id, (j) => (j.status === 'pause-requested' ? { ...j, status: 'paused', claimInstanceId: null } : null));
      else if (adoptableStatuses.has(first.status)) this.park(id, first.type);
      return;
    }
    let runErr: unknown = null;
    let failed = false;
    const claimed = await this.step(id, (j) => {
      switch (j.status) {
        case 'pending': case 'running': {
          const now = this.nowMicros();
          return { ...j, status: 'running', numRuns: j.numRuns + 1, lastRunMicros: now, startedMicros: j.startedMicros ?? now, claimInstanceId: 1n };
        }
        case 'pause-requested':
          return { ...j, status: 'paused', claimInstanceId: null };
        case 'cancel-requested':
          return { ...j, status: 'reverting', claimInstanceId: 1n };
        case 'reverting':
          return { ...j, claimInstanceId: 1n };
        default:
          return null;
      }
    });
    if (!claimed) return;
    if (claimed.status === 'running') {
      if (st.interrupt === 'stop' || this.stopped) return;
      const ctx = this.context(claimed, st, false);
      let result: unknown;
      try {
        if (st.interrupt) throw new JobInterruptedError(`job ${id}: ${st.interrupt} requested`);
        result = await type.run(ctx);
      } catch (err) {
        runErr = err;
        failed = true;
      }
      if (this.stopped) return;
      if (!failed) {
        await this.step(id, (j) => {
          if (terminalStatuses.has(j.status) || j.status === 'paused' || j.status === 'reverting') return null;
          return {
            ...j, status: 'succeeded', fractionCompleted: 1, finishedMicros: this.nowMicros(), result: result ?? null,
            claimInstanceId: null, runningStatus: null,
          };
        });
        return;
      }
      const interrupted = runErr instanceof JobInterruptedError || st.interrupt !== null;
      const after = await this.step(id, (j) => {
        switch (j.status) {
          case 'pause-requested':
            return { ...j, status: 'paused', claimInstanceId: null };
          case 'cancel-requested':
            return { ...j, status: 'reverting' };
          case 'running':
            if (interrupted) return null; // resumed again before the run noticed the pause: run again
            return { ...j, status: 'reverting', error: errorMessage(runErr), errorCode: errorCode(runErr) };
          default:
            return null;
        }
      });
      if (!after) {
        const now = await this.read(id);
        if (now?.status === 'running') st.rerun = true;
        return;
      }
      if (after.status !== 'reverting') return;
      await this.revert(after, type, st, runErr);
      return;
    }
    if (claimed.status === 'reverting') {
      const cause = claimed.error !== null ? new BurrowError(claimed.errorCode ?? 'XXUUU', claimed.error) : new JobInterruptedError(`job ${id}: canceled`);
      await this.revert(claimed, type, st, cause);
    }
  }

  /** Runs onFailOrCancel, then records failed (the job had an error) or canceled. */
  private async revert(j: StoredJob, type: JobType, st: RunState, cause: unknown): Promise<void> {
    st.interrupt = st.interrupt === 'stop' ? 'stop' : null;
    let cleanupErr: unknown = null;
    if (type.onFailOrCancel) {
      try {
        await type.onFailOrCancel(this.context(j, st, true), cause);
      } catch (err) {
        cleanupErr = err;
      }
    }
    if (this.stopped) return;
    await this.step(j.id, (cur) => {
      if (cur.status !== 'reverting') return null;
      const base = { ...cur, finishedMicros: this.nowMicros(), claimInstanceId: null, runningStatus: null };
      if (cleanupErr !== null) {
        const why = `job ${cur.id}: cannot be reverted, manual cleanup may be required: ${errorMessage(cleanupErr)}`;
        return { ...base, status: 'failed', error: cur.error ? `${cur.error}; ${why}` : why, errorCode: cur.errorCode ?? errorCode(cleanupErr) };
      }
      return { ...base, status: cur.error !== null ? 'failed' : 'canceled' };
    });
  }

  private context(rec: StoredJob, st: RunState, reverting: boolean): JobContext {
    const id = rec.id;
    const check = (): void => {
      if (this.stopped || st.interrupt === 'stop') throw new JobInterruptedError(`job ${id}: the server is shutting down`);
      if (reverting) return;
      if (st.interrupt === 'pause') throw new JobInterruptedError(`job ${id}: pause requested`);
      if (st.interrupt === 'cancel') throw new JobInterruptedError(`job ${id}: cancel requested`);
    };
    return {
      record: publicRecord(rec),
      engine: this.engine,
      throwIfInterrupted: check,
      checkpoint: async (fraction: number, progress?: unknown) => {
        if (this.abandoned) check();
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        const written = await this.step(id, (j) => ({
          ...j,
          fractionCompleted: reverting ? j.fractionCompleted : f,
          progress: progress === undefined ? j.progress : progress,
        }));
        if (!written) throw new JobInterruptedError(`job ${id}: the job no longer exists`);
        if (!reverting) {
          if (written.status === 'pause-requested' && st.interrupt === null) st.interrupt = 'pause';
          else if (written.status === 'cancel-requested' && st.interrupt === null) st.interrupt = 'cancel';
          else if (written.status !== 'running' && st.interrupt === null) st.interrupt = 'cancel';
        }
        check();
      },
    };
  }
}
