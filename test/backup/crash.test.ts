// BACKUP and RESTORE jobs against real server processes on disk stores:
// SIGKILL part-way (several times, at different points), CANCEL JOB, PAUSE
// and RESUME JOB. Invariants checked:
// - a backup folder is never listed (SHOW BACKUPS) or restorable before its
//   manifest is written, and a manifest never exists before every table is
//   exported; the killed job resumes after restart and completes; the folder
//   then holds exactly the lock, the manifest's data files, the manifest and
//   its checksum; a RESTORE of it equals the source as of the backup time
//   (per-table checksums of every row; writes after the statement excluded);
// - a restoring database is never visible half-restored; the killed RESTORE
//   resumes and completes with exactly the data a clean RESTORE produces;
// - CANCEL leaves no file of the folder (userfile rows, nodelocal files on
//   disk, temp files included) and no restored data; PAUSE shows nothing,
//   survives a restart, and RESUME completes.
//
// One store is seeded (6 tables x 50,000 rows, a full backup in
// nodelocal://1/seed) and copied for every test.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openStore } from '../../src/storage/store.js';
import { tableSpan } from '../../src/sql/rowenc/table-codec.js';
import { removeDir, tempDir } from '../support/stores.js';
import {
  copyStore, databases, killAllNodes, expectedLayerFiles, filesOnDisk, job, layerFolder, Node, orphanUserfileChunks, showBackups, sleep,
  tableSums, userfileNames, waitJobDone, waitUntil, type JobRow, type TableSum,
} from './crash-support.js';

const tables = 6;
const rowsPerTable = 50_000;
// Servers export every table in two parallel parts, so kills also land while two export threads run.
process.env.BURROW_TESTING_EXPORT_PARTS = '2';

let seedDir = '';
let seedSums: Record<string, TableSum> = {};
const dirs: string[] = [];

const rand = (n: number): number => Math.floor(Math.random() * n);

before(async () => {
  seedDir = tempDir('burrow-backup-seed-');
  const node = await Node.start(seedDir);
  try {
    await node.q('CREATE DATABASE bank');
    for (let i = 1; i <= tables; i++) {
      await node.q(`CREATE TABLE bank.t${i} (k INT PRIMARY KEY, v STRING, n DECIMAL, f FLOAT8, b BOOL${i === 1 ? ', INDEX t1_n (n)' : ''})`);
      await node.q(`INSERT INTO bank.t${i} SELECT g, 'row-' || g::STRING || '-' || repeat('x', 60), g * 1.25 + ${i},
        CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END, g % 2 = 0 FROM generate_series(1, ${rowsPerTable}) AS s(g)`);
    }
    await node.q(`BACKUP DATABASE bank INTO 'nodelocal://1/seed'`);
    seedSums = await tableSums(node.client, 'bank');
    assert.equal(Object.keys(seedSums).length, tables);
    for (const s of Object.values(seedSums)) assert.equal(s.rows, rowsPerTable);
  } finally {
    await node.stop();
  }
}, { timeout: 120_000 });

after(async () => {
  await killAllNodes();
  for (const d of [seedDir, ...dirs]) removeDir(d);
});

function freshCopy(): string {
  const d = copyStore(seedDir);
  dirs.push(d);
  return d;
}

/** Writes committed after a job's statement: a backup taken at the statement's time must not hold them. */
async function mutateSource(node: Node): Promise<void> {
  await node.q(`UPDATE bank.t1 SET v = 'changed', n = n + 1 WHERE k <= 1000`);
  await node.q(`DELETE FROM bank.t${tables} WHERE k > ${rowsPerTable - 500}`);
  await node.q(`INSERT INTO bank.t3 VALUES (${rowsPerTable + 1}, 'late', 1, 1, true)`);
}

/**
 * Polls the job until it is running at or past minFraction (checking
 * `onPoll` each time), waits extraMs, SIGKILLs the server. Returns the job
 * as last seen, or null if it finished first and allowDone.
 */
async function killWhen(node: Node, id: string, minFraction: number, extraMs: number, onPoll: () => Promise<void>, allowDone = false): Promise<JobRow | null> {
  const seen = await waitUntil(`job ${id} at ${minFraction}`, async () => {
    await onPoll();
    const j = await job(node.client, id);
    if (j.status === 'succeeded' && allowDone) return { j, done: true };
    assert.equal(j.status, 'running', `job ${id} is ${j.status} before the kill: ${j.error}`);
    return j.fraction >= minFraction ? { j, done: false } : undefined;
  }, 60_000, 5);
  if (seen.done) return null;
  if (extraMs > 0) await sleep(extraMs);
  await node.kill();
  return seen.j;
}

// ---------------------------------------------------------------- BACKUP + SIGKILL

/** Splits a folder listing into real files and nodelocal writer temp files (`.<name>.burrow-tmp-<hex>`), checked last so the other checks still run. */
function splitTemps(files: string[]): [string[], string[]] {
  const isTemp = (f: string): boolean => /(^|\/)\.[^/]*\.burrow-tmp-[0-9a-f]+$/.test(f);
  return [files.filter((f) => !isTemp(f)), files.filter(isTemp)];
}

async function backupSurvivesKills(coll: string, folderFiles: (node: Node, folder: string) => Promise<string[]>): Promise<void> {
  const node = await Node.start(freshCopy());
  try {
    const [row] = await node.q<{ job_id: string }>(`BACKUP DATABASE bank INTO '${coll}' WITH detached`);
    const id = row!.job_id;
    await mutateSource(node);
    const first = await job(node.client, id);
    const folder = layerFolder(first);
    const allTables = (first.details!['tableIds'] as number[]).length;
    assert.equal(allTables, tables);

    // Half state: a listed backup (or a manifest in the folder) only once every table is exported.
    const checkHalfState = async (): Promise<void> => {
      const listed = await showBackups(node.client, coll);
      const files = await folderFiles(node, folder);
      const j = await job(node.client, id);
      const done = ((j.progress?.['doneTableIds'] ?? []) as number[]).length;
      if (listed.length > 0 || files.includes('BACKUP_MANIFEST')) {
        assert.equal(done, allTables, `backup listed (${listed.join()}) / manifest present with only ${done} of ${allTables} tables exported`);
        for (const l of listed) assert.equal(l, folder);
      }
    };

    const kills = [{ f: 0, ms: 80 + rand(150) }, { f: 0.3, ms: rand(120) }, { f: 0.6, ms: rand(120) }];
    let last = -1;
    let killed = 0;
    for (const k of kills) {
      // Later rounds may find the job already finished (a fast run): at least two kills must land.
      const seen = await killWhen(node, id, Math.max(k.f, last + 0.01), k.ms, checkHalfState, killed >= 2);
      if (!seen) break;
      killed++;
      await node.restart();
      const j = await job(node.client, id);
      assert.ok(j.status === 'running' || j.status === 'succeeded', `after restart the job is ${j.status}: ${j.error}`);
      last = j.fraction;
      await checkHalfState();
      if (j.status === 'running' && ((j.progress?.['doneTableIds'] ?? []) as number[]).length < allTables) {
        // Not complete: nothing to list or restore.
        assert.deepEqual(await showBackups(node.client, coll), []);
        await assert.rejects(node.q(`RESTORE DATABASE bank FROM LATEST IN '${coll}' WITH new_db_name = 'early'`), (e: Error & { code?: string }) => {
          assert.equal(e.code, '58P01', e.message);
          assert.match(e.message, /path does not contain a completed latest backup/);
          return true;
        });
        assert.ok(!(await databases(node.client)).includes('early'));
      }
    }
    assert.equal(await waitJobDone(node.client, id), 'succeeded');
    assert.ok(killed >= 2, `only ${killed} kills landed`);
    const done = await job(node.client, id);
    assert.ok(done.numRuns >= 2 && done.numRuns <= killed + 1, `num_runs ${done.numRuns} after ${killed} kills`);
    assert.equal(done.fraction, 1);

    assert.deepEqual(await showBackups(node.client, coll), [folder]);
    const [real, temps] = splitTemps(await folderFiles(node, folder));
    assert.deepEqual(real, expectedLayerFiles(done, id), 'folder holds exactly lock, data files, manifest, checksum');
    const shown = await node.q<{ object_name: string; rows: string }>(`SELECT object_name, rows FROM [SHOW BACKUP FROM LATEST IN '${coll}' WITH check_files] WHERE object_type = 'table' ORDER BY object_name`);
    assert.deepEqual(shown.map((r) => [r.object_name, Number(r.rows)]), Object.entries(seedSums).map(([t, s]) => [t, s.rows]));

    await node.q(`RESTORE DATABASE bank FROM LATEST IN '${coll}' WITH new_db_name = 'r'`);
    assert.deepEqual(await tableSums(node.client, 'r'), seedSums, 'restored = source at the backup time');
    assert.deepEqual(temps, [], 'temp files of killed writers left in the completed backup folder');
  } finally {
    await node.stop();
  }
}

test('SIGKILL during BACKUP to userfile (3 kills): nothing listed early, the job resumes, the restore equals the source', { timeout: 120_000 }, async () => {
  await backupSurvivesKills('userfile:///cu', (node, folder) => userfileNames(node.client, `/cu/${folder}/`));
});

test('SIGKILL during BACKUP to nodelocal (3 kills): nothing listed early, the job resumes, the restore equals the source', { timeout: 120_000 }, async () => {
  await backupSurvivesKills('nodelocal://1/cn', async (node, folder) => filesOnDisk(path.join(node.dir, 'extern', 'cn', folder)));
});

// ---------------------------------------------------------------- RESTORE + SIGKILL

async function tableSizes(node: Node, db: string): Promise<Record<string, [number, number]>> {
  const rows = await node.q<{ table_name: string; live_bytes: string; total_bytes: string }>(
    `SELECT table_name, live_bytes, total_bytes FROM crdb_internal.table_sizes WHERE database_name = '${db}' ORDER BY table_name`);
  return Object.fromEntries(rows.map((r) => [r.table_name, [Number(r.live_bytes), Number(r.total_bytes)]]));
}

test('SIGKILL during RESTORE (3 kills): the database never appears half-restored; the job resumes; data equals a clean restore', { timeout: 120_000 }, async () => {
  const node = await Node.start(freshCopy());
  try {
    const [row] = await node.q<{ job_id: string }>(`RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/seed' WITH new_db_name = 'r', detached`);
    const id = row!.job_id;
    let verified = false;
    const checkVisible = async (): Promise<void> => {
      if (verified || !(await databases(node.client)).includes('r')) return;
      // Visible means published: every table complete.
      for (const [t, s] of Object.entries(seedSums)) {
        const [c] = await node.q<{ n: string }>(`SELECT count(*) AS n FROM r.${t}`);
        assert.equal(Number(c!.n), s.rows, `r.${t} visible with ${c!.n} of ${s.rows} rows`);
      }
      verified = true;
    };
    const kills = [{ f: 0.2, ms: rand(150) }, { f: 0.5, ms: rand(150) }, { f: 0.95, ms: 0 }];
    let last = -1;
    let killed = 0;
    for (const k of kills) {
      const seen = await killWhen(node, id, Math.max(k.f, last + 0.01), k.ms, checkVisible, k.f > 0.9);
      if (!seen) break;
      killed++;
      await node.restart();
      const j = await job(node.client, id);
      assert.ok(j.status === 'running' || j.status === 'succeeded', `after restart the job is ${j.status}: ${j.error}`);
      last = j.fraction;
      await checkVisible();
    }
    await waitUntil('restore to finish', async () => {
      await checkVisible();
      const j = await job(node.client, id);
      return j.status !== 'running' && j.status;
    }, 60_000, 20);
    assert.equal(await waitJobDone(node.client, id), 'succeeded', (await job(node.client, id)).error);
    assert.ok(killed >= 2, `only ${killed} kills landed`);
    assert.ok((await job(node.client, id)).numRuns >= 2);
    assert.deepEqual(await tableSums(node.client, 'r'), seedSums, 'restored = backup');

    // A second restore works, and the interrupted one left no extra versions or keys.
    await node.q(`RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/seed' WITH new_db_name = 'r2'`);
    const [c] = await node.q<{ n: string }>('SELECT count(*) AS n FROM r2.t4');
    assert.equal(Number(c!.n), rowsPerTable);
    assert.deepEqual(await tableSizes(node, 'r'), await tableSizes(node, 'r2'), 'live/total bytes of the resumed restore = a clean restore');
  } finally {
    await node.stop();
  }
});

// ---------------------------------------------------------------- CANCEL / PAUSE / RESUME

async function waitFraction(node: Node, id: string, f: number): Promise<JobRow> {
  return waitUntil(`job ${id} at ${f}`, async () => {
    const j = await job(node.client, id);
    assert.equal(j.status, 'running', `job ${id} is ${j.status}: ${j.error}`);
    return j.fraction >= f ? j : undefined;
  }, 60_000, 5);
}

/** SHOW JOB WHEN COMPLETE waits for succeeded/failed/canceled only (as CockroachDB's): poll for other statuses. */
async function waitStatus(node: Node, id: string, status: string): Promise<JobRow> {
  return waitUntil(`job ${id} ${status}`, async () => {
    const j = await job(node.client, id);
    return j.status === status ? j : undefined;
  }, 30_000, 20);
}

test('CANCEL JOB during BACKUP (userfile and nodelocal): canceled, no file of the folder left, SHOW BACKUPS unchanged', { timeout: 120_000 }, async () => {
  const node = await Node.start(freshCopy());
  const leaks: string[] = [];
  try {
    for (const [coll, files] of [
      ['userfile:///cc', (folder: string) => userfileNames(node.client, `/cc/${folder}/`)],
      ['nodelocal://1/cc', async (folder: string) => filesOnDisk(path.join(node.dir, 'extern', 'cc', folder))],
    ] as const) {
      await node.q(`BACKUP DATABASE bank INTO '${coll}'`);
      const before = await showBackups(node.client, coll);
      assert.equal(before.length, 1);
      const latestBefore = coll.startsWith('userfile') ? await userfileNames(node.client, '/cc/metadata/latest/') : filesOnDisk(path.join(node.dir, 'extern', 'cc', 'metadata', 'latest'));
      const [row] = await node.q<{ job_id: string }>(`BACKUP DATABASE bank INTO '${coll}' WITH detached`);
      const id = row!.job_id;
      const folder = layerFolder(await job(node.client, id));
      assert.notEqual(folder, before[0]);
      await waitFraction(node, id, 0.3);
      await sleep(rand(100)); // part-way into the next table's data file
      await node.q(`CANCEL JOB ${id}`);
      assert.equal(await waitJobDone(node.client, id), 'canceled', `${coll}: ${(await job(node.client, id)).error}`);
      assert.deepEqual(await showBackups(node.client, coll), before, coll);
      const [real, temps] = splitTemps(await files(folder));
      assert.deepEqual(real, [], `${coll}: files left in the canceled backup's folder`);
      leaks.push(...temps.map((f) => `${coll} ${folder}/${f}`));
      const latestAfter = coll.startsWith('userfile') ? await userfileNames(node.client, '/cc/metadata/latest/') : filesOnDisk(path.join(node.dir, 'extern', 'cc', 'metadata', 'latest'));
      assert.deepEqual(latestAfter, latestBefore, `${coll}: LATEST pointers`);
      const [shown] = await node.q<{ end_time: string }>(`SELECT DISTINCT end_time::STRING AS end_time FROM [SHOW BACKUP FROM LATEST IN '${coll}']`);
      assert.ok(shown, 'LATEST still resolves to the first backup');
    }
    assert.equal(await orphanUserfileChunks(node.client), 0, 'userfile payload chunks without a file');
    assert.deepEqual(leaks, [], 'temp files left by the canceled backups');
  } finally {
    await node.stop();
  }
});

test('CANCEL JOB during RESTORE: canceled, no database, no data left in the new spans; a second RESTORE works', { timeout: 120_000 }, async () => {
  const node = await Node.start(freshCopy());
  try {
    const [row] = await node.q<{ job_id: string }>(`RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/seed' WITH new_db_name = 'r', detached`);
    const id = row!.job_id;
    await waitFraction(node, id, 0.35);
    await sleep(rand(100));
    await node.q(`CANCEL JOB ${id}`);
    assert.equal(await waitJobDone(node.client, id), 'canceled', (await job(node.client, id)).error);
    assert.ok(!(await databases(node.client)).includes('r'));
    const idMap = (await job(node.client, id)).progress!['idMap'] as Record<string, number>;
    const newIds = Object.values(idMap);
    assert.ok(newIds.length >= tables + 2);
    await node.stop();

    // Offline: the spans the canceled restore wrote hold no key at all.
    const store = await openStore({ engine: 'lmdb', path: node.dir, syncMode: 'full' });
    try {
      const now = store.clock.now();
      for (const tid of newIds) {
        const span = tableSpan(tid);
        const page = store.exportPage({ start: span.start, end: span.end, endTs: now, allRevisions: true, maxKeys: 10 });
        assert.equal(page.entries.length, 0, `table id ${tid}: ${page.entries.length}+ keys left by the canceled restore`);
        assert.equal(store.stats(span.start, span.end).totalBytes, 0, `table id ${tid}: MVCC stats not cleared`);
      }
    } finally {
      await store.close();
    }

    await node.restart();
    await node.q(`RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/seed' WITH new_db_name = 'r'`);
    assert.deepEqual(await tableSums(node.client, 'r'), seedSums);
  } finally {
    await node.stop();
  }
});

test('PAUSE JOB then RESUME JOB: a paused BACKUP or RESTORE shows nothing, stays paused across a SIGKILL, and completes when resumed', { timeout: 120_000 }, async () => {
  const node = await Node.start(freshCopy());
  const coll = 'nodelocal://1/pr';
  try {
    const [row] = await node.q<{ job_id: string }>(`BACKUP DATABASE bank INTO '${coll}' WITH detached`);
    const bid = row!.job_id;
    await mutateSource(node);
    const folder = layerFolder(await job(node.client, bid));
    await waitFraction(node, bid, 0.3);
    await node.q(`PAUSE JOB ${bid}`);
    await waitStatus(node, bid, 'paused');
    const paused = await job(node.client, bid);
    assert.ok(paused.fraction > 0 && paused.fraction < 1);
    assert.deepEqual(await showBackups(node.client, coll), []);
    assert.ok(!filesOnDisk(path.join(node.dir, 'extern', 'pr', folder)).includes('BACKUP_MANIFEST'));
    await node.kill();
    await node.restart();
    await sleep(500);
    const still = await job(node.client, bid);
    assert.equal(still.status, 'paused', 'a paused job is not adopted at restart');
    assert.equal(still.fraction, paused.fraction);
    assert.deepEqual(await showBackups(node.client, coll), []);
    await node.q(`RESUME JOB ${bid}`);
    assert.equal(await waitJobDone(node.client, bid), 'succeeded', (await job(node.client, bid)).error);
    assert.deepEqual(await showBackups(node.client, coll), [folder]);
    const done = await job(node.client, bid);
    const [real, temps] = splitTemps(filesOnDisk(path.join(node.dir, 'extern', 'pr', folder)));
    assert.deepEqual(real, expectedLayerFiles(done, bid));

    const [r] = await node.q<{ job_id: string }>(`RESTORE DATABASE bank FROM LATEST IN '${coll}' WITH new_db_name = 'r', detached`);
    const rid = r!.job_id;
    await waitFraction(node, rid, 0.35);
    await node.q(`PAUSE JOB ${rid}`);
    await waitStatus(node, rid, 'paused');
    assert.ok(!(await databases(node.client)).includes('r'), 'a paused restore publishes nothing');
    await sleep(300);
    assert.ok(!(await databases(node.client)).includes('r'));
    await node.q(`RESUME JOB ${rid}`);
    assert.equal(await waitJobDone(node.client, rid), 'succeeded', (await job(node.client, rid)).error);
    assert.deepEqual(await tableSums(node.client, 'r'), seedSums, 'restored = source at the backup time');
    assert.deepEqual(temps, [], 'temp file of the writer open at PAUSE left in the backup folder');
  } finally {
    await node.stop();
  }
});
