// The jobs layer through a real engine: a job runs to success and SHOW JOBS
// shows it; a failing job's error and cleanup; pause at a checkpoint and
// resume from the saved progress; cancel runs onFailOrCancel; SHOW JOB WHEN
// COMPLETE waits and answers query cancellation; CockroachDB's error texts;
// privilege isolation between users; adoption after a restart on disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open, type Database } from '../../src/server/embedded.js';
import { BurrowError } from '../../src/util/errors.js';
import { jobRegistryFor, registerJobType, type JobContext, type JobRegistry } from '../../src/jobs/jobs-registry.js';
import { registerJobHandlers } from '../../src/jobs/register.js';
import { insertJob } from '../../src/jobs/job-record.js';

registerJobHandlers();

interface StepDetails {
  steps: number;
  stepMs: number;
  failAt?: number;
  /** Keep checkpointing at this step until interrupted (or until `release` is set). */
  holdAt?: number;
}

/** Per job ID: the step each run started from, and the errors onFailOrCancel saw. */
const starts = new Map<string, number[]>();
const cleanups = new Map<string, unknown[]>();
let released = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runSteps(ctx: JobContext): Promise<unknown> {
  const d = ctx.record.details as StepDetails;
  const from = (ctx.record.progress as { next: number } | null)?.next ?? 0;
  const key = ctx.record.id.toString();
  starts.set(key, [...(starts.get(key) ?? []), from]);
  for (let i = from; i < d.steps; i++) {
    if (d.failAt === i) throw new BurrowError('22012', `step ${i} failed`);
    while (d.holdAt === i && !released) {
      await sleep(10);
      await ctx.checkpoint(i / d.steps, { next: i });
    }
    await sleep(d.stepMs);
    ctx.throwIfInterrupted();
    await ctx.checkpoint((i + 1) / d.steps, { next: i + 1 });
  }
  return { steps: d.steps };
}

registerJobType('TEST STEPS', {
  run: runSteps,
  async onFailOrCancel(ctx, err) {
    const key = ctx.record.id.toString();
    cleanups.set(key, [...(cleanups.get(key) ?? []), err]);
  },
});

function spec(details: StepDetails, username = 'root') {
  return { type: 'TEST STEPS', description: 'test job', statement: 'TEST', username, details };
}

async function withDb(fn: (db: Database, jobs: JobRegistry) => Promise<void>): Promise<void> {
  const db = await open();
  const jobs = jobRegistryFor(db.engine);
  try {
    await fn(db, jobs);
  } finally {
    await jobs.stop(2000);
    await db.close();
  }
}

async function until(what: string, cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function queryAs(db: Database, user: string, sql: string) {
  const s = db.engine.newSession(user, 'defaultdb');
  try {
    const r = await s.query(sql);
    return r[r.length - 1]!;
  } finally {
    s.close();
  }
}

async function rejects(p: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BurrowError, `expected BurrowError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('a job runs to success and SHOW JOBS shows it', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const rec = await jobs.create(spec({ steps: 3, stepMs: 5 }));
    assert.equal(rec.status, 'running');
    const done = await jobs.wait(rec.id, 10_000);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.fractionCompleted, 1);
    assert.deepEqual(done.result, { steps: 3 });
    assert.equal(done.numRuns, 1);
    assert.ok(done.startedMicros !== null && done.finishedMicros !== null && done.finishedMicros >= done.startedMicros);

    const r = await db.query('SHOW JOBS');
    assert.deepEqual(r.fields.map((f) => f.name), [
      'job_id', 'job_type', 'description', 'statement', 'user_name', 'status', 'running_status', 'created',
      'started', 'finished', 'modified', 'fraction_completed', 'error', 'coordinator_id',
    ]);
    const row = r.rows.find((x) => BigInt(x.job_id as number | bigint) === rec.id)!;
    assert.ok(row, 'job listed');
    assert.equal(row.job_type, 'TEST STEPS');
    assert.equal(row.description, 'test job');
    assert.equal(row.user_name, 'root');
    assert.equal(row.status, 'succeeded');
    assert.equal(row.fraction_completed, 1);
    assert.equal(row.error, '');
    assert.ok(row.created instanceof Date && row.finished instanceof Date);
    assert.equal(row.coordinator_id, null);

    const one = await db.query(`SHOW JOB ${rec.id}`);
    assert.equal(one.rows.length, 1);
    assert.equal(one.rows[0]!.status, 'succeeded');
    const sel = await db.query(`SHOW JOBS SELECT ${rec.id} UNION ALL SELECT 42`);
    assert.equal(sel.rows.length, 1);
    assert.equal((await db.query('SHOW AUTOMATIC JOBS')).rows.length, 0);
  });
});

test('SHOW JOBS lists running jobs first, then finished ones newest first', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const a = await jobs.create(spec({ steps: 1, stepMs: 1 }));
    await jobs.wait(a.id);
    const b = await jobs.create(spec({ steps: 1, stepMs: 1 }));
    await jobs.wait(b.id);
    released = false;
    const c = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }));
    try {
      const ids = (await db.query('SHOW JOBS')).rows.map((r) => BigInt(r.job_id as bigint));
      assert.deepEqual(ids, [c.id, b.id, a.id]);
    } finally {
      await jobs.cancel(c.id);
      await jobs.wait(c.id);
    }
  });
});

test('a failing job records its error after onFailOrCancel', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const rec = await jobs.create(spec({ steps: 5, stepMs: 1, failAt: 2 }));
    const done = await jobs.wait(rec.id, 10_000);
    assert.equal(done.status, 'failed');
    assert.equal(done.error, 'step 2 failed');
    assert.equal(done.errorCode, '22012');
    assert.equal(done.fractionCompleted, 0.4);
    const seen = cleanups.get(rec.id.toString())!;
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as Error).message, 'step 2 failed');
    const r = await db.query(`SHOW JOB ${rec.id}`);
    assert.equal(r.rows[0]!.status, 'failed');
    assert.equal(r.rows[0]!.error, 'step 2 failed');
    assert.ok(r.rows[0]!.finished instanceof Date);
  });
});

test('pause takes effect at a checkpoint and resume continues from the saved progress', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const rec = await jobs.create(spec({ steps: 40, stepMs: 10 }));
    await until('progress', async () => ((await jobs.get(rec.id))!.fractionCompleted ?? 0) >= 0.1);
    await db.query(`PAUSE JOB ${rec.id}`);
    const paused = await jobs.wait(rec.id, 10_000);
    assert.equal(paused.status, 'paused');
    const savedAt = (paused.progress as { next: number }).next;
    assert.ok(savedAt >= 4 && savedAt < 40, `saved at ${savedAt}`);
    assert.equal(paused.fractionCompleted, savedAt / 40);
    // Nothing runs while paused.
    await sleep(60);
    assert.equal((await jobs.get(rec.id))!.fractionCompleted, savedAt / 40);
    assert.equal((await db.query(`SHOW JOB ${rec.id}`)).rows[0]!.status, 'paused');
    // Pausing again is a no-op, as in CockroachDB.
    await db.query(`PAUSE JOB ${rec.id}`);

    await db.query(`RESUME JOB ${rec.id}`);
    const done = await jobs.wait(rec.id, 10_000);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.numRuns, 2);
    assert.deepEqual(starts.get(rec.id.toString()), [0, savedAt]);
    assert.equal(cleanups.get(rec.id.toString()), undefined);
  });
});

test('PAUSE JOBS <select> pauses every selected job; RESUME JOBS resumes them', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    released = false;
    const a = await jobs.create(spec({ steps: 3, stepMs: 1, holdAt: 1 }));
    const b = await jobs.create(spec({ steps: 3, stepMs: 1, holdAt: 1 }));
    const r = await db.query(`PAUSE JOBS SELECT job_id FROM [SHOW JOBS] WHERE status = 'running' AND job_type = 'TEST STEPS'`);
    assert.equal(r.rowCount, 2);
    assert.equal((await jobs.wait(a.id)).status, 'paused');
    assert.equal((await jobs.wait(b.id)).status, 'paused');
    released = true;
    await db.query(`RESUME JOBS VALUES (${a.id}), (${b.id})`);
    assert.equal((await jobs.wait(a.id)).status, 'succeeded');
    assert.equal((await jobs.wait(b.id)).status, 'succeeded');
    released = false;
  });
});

test('cancel calls onFailOrCancel and ends canceled; cancel of a paused job too', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    released = false;
    const rec = await jobs.create(spec({ steps: 3, stepMs: 1, holdAt: 1 }));
    await until('hold', async () => (await jobs.get(rec.id))!.fractionCompleted > 0);
    await db.query(`CANCEL JOB ${rec.id}`);
    const done = await jobs.wait(rec.id, 10_000);
    assert.equal(done.status, 'canceled');
    assert.equal(done.error, null);
    assert.ok(done.finishedMicros !== null);
    assert.equal(cleanups.get(rec.id.toString())!.length, 1);
    assert.equal((await db.query(`SHOW JOB ${rec.id}`)).rows[0]!.status, 'canceled');
    // Canceling again is a no-op.
    await db.query(`CANCEL JOB ${rec.id}`);

    const p = await jobs.create(spec({ steps: 3, stepMs: 1, holdAt: 1 }));
    await jobs.pause(p.id);
    assert.equal((await jobs.wait(p.id)).status, 'paused');
    await db.query(`CANCEL JOB ${p.id}`);
    assert.equal((await jobs.wait(p.id)).status, 'canceled');
    assert.equal(cleanups.get(p.id.toString())!.length, 1);
  });
});

test("control statements use CockroachDB's error texts", { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const rec = await jobs.create(spec({ steps: 1, stepMs: 1 }));
    await jobs.wait(rec.id);
    await rejects(db.query(`PAUSE JOB ${rec.id}`), 'XXUUU', 'job with status succeeded cannot be requested to be paused');
    await rejects(db.query(`RESUME JOB ${rec.id}`), 'XXUUU', 'job with status succeeded cannot be resumed');
    await rejects(db.query(`CANCEL JOB ${rec.id}`), 'XXUUU', 'job with status succeeded cannot be requested to be canceled');
    await rejects(db.query('PAUSE JOB 12345'), 'XXUUU', 'job with ID 12345 does not exist');
    await rejects(db.query('CANCEL JOB 12345'), 'XXUUU', 'job with ID 12345 does not exist');
    await rejects(jobs.wait(12345n), 'XXUUU', 'job with ID 12345 does not exist');
    // SHOW JOB of an unknown job shows nothing; RESUME of a running job is a no-op.
    assert.equal((await db.query('SHOW JOB 12345')).rows.length, 0);
    released = false;
    const running = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }));
    await db.query(`RESUME JOB ${running.id}`);
    assert.equal((await jobs.get(running.id))!.status, 'running');
    await db.query(`CANCEL JOB ${running.id}`);
    await jobs.wait(running.id);
    await rejects(db.query(`RESUME JOB ${running.id}`), 'XXUUU', 'job with status canceled cannot be resumed');
  });
});

test('SHOW JOB WHEN COMPLETE waits for the job and answers query cancellation', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    const rec = await jobs.create(spec({ steps: 10, stepMs: 20 }));
    const t0 = Date.now();
    const r = await db.query(`SHOW JOB WHEN COMPLETE ${rec.id}`);
    assert.ok(Date.now() - t0 >= 100, 'waited');
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0]!.status, 'succeeded');
    assert.equal(r.rows[0]!.fraction_completed, 1);

    const r2 = await db.query(`SHOW JOBS WHEN COMPLETE SELECT ${rec.id}`);
    assert.equal(r2.rows[0]!.status, 'succeeded');

    released = false;
    const held = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }));
    const s = db.engine.newSession('root', 'defaultdb');
    const p = s.query(`SHOW JOB WHEN COMPLETE ${held.id}`);
    await sleep(150);
    s.cancel();
    await rejects(p, '57014', 'query execution canceled');
    s.close();
    await jobs.cancel(held.id);
    assert.equal((await jobs.wait(held.id)).status, 'canceled');
  });
});

test('users see only their own jobs and cannot control others', { timeout: 30_000 }, async () => {
  await withDb(async (db, jobs) => {
    await db.exec('CREATE USER alice; CREATE USER bob; CREATE ROLE team; GRANT team TO bob');
    released = false;
    const mine = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }, 'alice'));
    const rootJob = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }, 'root'));
    const teamJob = await jobs.create(spec({ steps: 2, stepMs: 1, holdAt: 0 }, 'team'));
    try {
      const ids = async (user: string) => (await queryAs(db, user, 'SHOW JOBS')).rows.map((r) => r[0] as bigint);
      assert.deepEqual(await ids('alice'), [mine.id]);
      assert.deepEqual(await ids('bob'), []);
      const all = await ids('root');
      for (const id of [mine.id, rootJob.id, teamJob.id]) assert.ok(all.includes(id));
      assert.equal((await queryAs(db, 'bob', `SHOW JOB ${mine.id}`)).rows.length, 0);

      await rejects(queryAs(db, 'bob', `CANCEL JOB ${mine.id}`), '42501', `user bob does not have privileges for job ${mine.id}`);
      await rejects(queryAs(db, 'bob', `PAUSE JOB ${mine.id}`), '42501', `user bob does not have privileges for job ${mine.id}`);
      await rejects(queryAs(db, 'alice', `CANCEL JOB ${rootJob.id}`), '42501', 'only admins can control jobs owned by other admins');
      assert.equal((await jobs.get(mine.id))!.status, 'running');

      // A member of the owning role may control the job; the owner may control their own.
      await queryAs(db, 'bob', `PAUSE JOB ${teamJob.id}`);
      assert.equal((await jobs.wait(teamJob.id)).status, 'paused');
      await queryAs(db, 'alice', `CANCEL JOB ${mine.id}`);
      assert.equal((await jobs.wait(mine.id)).status, 'canceled');
    } finally {
      for (const id of [rootJob.id, teamJob.id]) {
        await jobs.cancel(id);
        await jobs.wait(id);
      }
    }
  });
});

test('a job left running by a closed process resumes when the store is opened again', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-jobs-'));
  try {
    released = false;
    let db = await open({ path: dir, syncMode: 'none' });
    let jobs = jobRegistryFor(db.engine);
    const rec = await jobs.create(spec({ steps: 6, stepMs: 1, holdAt: 3 }));
    await until('hold', async () => (await jobs.get(rec.id))!.fractionCompleted >= 0.5);
    await jobs.stop();
    await rejects(jobs.create(spec({ steps: 1, stepMs: 1 })), '57P01', 'the job registry is shutting down');
    const left = (await jobs.get(rec.id))!;
    assert.equal(left.status, 'running');
    await db.close();

    released = true;
    db = await open({ path: dir, syncMode: 'none' });
    jobs = jobRegistryFor(db.engine);
    try {
      const done = await jobs.wait(rec.id, 10_000);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.numRuns, 2);
      assert.deepEqual(starts.get(rec.id.toString()), [0, 3]);
      const r = await db.query('SHOW JOBS');
      assert.equal(r.rows.find((x) => BigInt(x.job_id as bigint) === rec.id)!.status, 'succeeded');
    } finally {
      await jobs.stop();
      await db.close();
      released = false;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stop() abandons a job that never reaches a checkpoint after its timeout', { timeout: 30_000 }, async () => {
  registerJobType('TEST HANG', { run: () => new Promise(() => {}) });
  const db = await open();
  const jobs = jobRegistryFor(db.engine);
  const rec = await jobs.create({ type: 'TEST HANG', description: 'hang', statement: 'HANG', username: 'root', details: null });
  await until('started', async () => (await jobs.get(rec.id))!.numRuns === 1);
  const t0 = Date.now();
  await jobs.stop(100);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal((await jobs.get(rec.id))!.status, 'running');
  await db.close();
});

test('a job whose type is registered after the registry starts runs once the type arrives', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-jobs-'));
  try {
    let db = await open({ path: dir, syncMode: 'none' });
    const id = db.engine.uniqueRowId();
    await db.engine.kv.runTxn((txn) => insertJob(txn, {
      id, type: 'TEST LATE', description: 'late', statement: 'LATE', username: 'root', status: 'running',
      createdMicros: 1n, startedMicros: null, finishedMicros: null, modifiedMicros: 1n, fractionCompleted: 0,
      runningStatus: null, error: null, errorCode: null, details: null, progress: null, result: null, numRuns: 0,
      lastRunMicros: null, claimInstanceId: null, pauseReason: null,
    }));
    await db.close();
    db = await open({ path: dir, syncMode: 'none' });
    const jobs = jobRegistryFor(db.engine);
    try {
      await sleep(50);
      assert.equal((await jobs.get(id))!.status, 'running');
      assert.equal((await jobs.get(id))!.numRuns, 0);
      registerJobType('TEST LATE', { run: async (ctx) => ({ late: ctx.record.description }) });
      const done = await jobs.wait(id, 10_000);
      assert.equal(done.status, 'succeeded');
      assert.deepEqual(done.result, { late: 'late' });
    } finally {
      await jobs.stop();
      await db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
