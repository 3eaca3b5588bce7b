// BACKUP consistency under a concurrent write load, against a real server
// process on a disk store. Writers on their own connections move money
// between accounts (two UPDATEs in one transaction: the total never
// changes) and insert and delete rows of another table in the same
// transactions, while full, incremental and revision_history backups run.
// Every restored copy must equal the source read AS OF SYSTEM TIME the
// layer's exact end time (the HLC time recorded in the job's details, also
// checked against SHOW BACKUP's end_time), compared with per-table checksums
// of every row; the total must be intact; and writers must keep committing
// while each backup runs (a backup never blocks writers).

import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { decimalTs, job, killAllNodes, Node, sleep, tableSums } from './crash-support.js';

const accounts = 5_000;
const initialBalance = 1_000;
const prefilledEvents = 60_000;
const fillerRows = 100_000;
const writerCount = 4;

let dir = '';
let node: Node;

before(async () => {
  dir = tempDir('burrow-backup-consistency-');
  node = await Node.start(dir);
  await node.q('CREATE DATABASE bank');
  await node.q('CREATE TABLE bank.accounts (id INT PRIMARY KEY, balance INT NOT NULL, updates INT NOT NULL DEFAULT 0)');
  await node.q('CREATE TABLE bank.events (id INT PRIMARY KEY, account INT NOT NULL, amount INT, note STRING, INDEX events_account (account))');
  await node.q('CREATE TABLE bank.filler (k INT PRIMARY KEY, v STRING)');
  await node.q(`INSERT INTO bank.accounts (id, balance) SELECT g, ${initialBalance} FROM generate_series(0, ${accounts - 1}) AS s(g)`);
  await node.q(`INSERT INTO bank.events SELECT g, g % ${accounts}, g % 97, 'seed-' || g::STRING FROM generate_series(1, ${prefilledEvents}) AS s(g)`);
  await node.q(`INSERT INTO bank.filler SELECT g, repeat(md5(g::STRING), 3) FROM generate_series(1, ${fillerRows}) AS s(g)`);
}, { timeout: 120_000 });

after(async () => {
  await node?.stop();
  await killAllNodes();
  removeDir(dir);
});

const rand = (n: number): number => Math.floor(Math.random() * n);

/** Bank-transfer writers on their own connections; `commits` holds the time each commit was acknowledged. */
class Writers {
  readonly commits: number[] = [];
  retries = 0;
  readonly errors: unknown[] = [];
  private stopping = false;
  private loops: Promise<void>[] = [];
  private clients: pg.Client[] = [];

  async start(n: Node): Promise<void> {
    for (let w = 0; w < writerCount; w++) this.clients.push(await n.connect());
    this.loops = this.clients.map((c, w) => this.loop(c, w));
  }

  private async loop(c: pg.Client, w: number): Promise<void> {
    let seq = 0;
    while (!this.stopping) {
      const a = rand(accounts);
      const b = (a + 1 + rand(accounts - 1)) % accounts;
      const x = 1 + rand(100);
      const eventId = 10_000_000 * (w + 1) + Date.now() % 1_000_000 * 10 + (seq++ % 10);
      try {
        await c.query('BEGIN');
        await c.query('UPDATE bank.accounts SET balance = balance - $1, updates = updates + 1 WHERE id = $2', [x, a]);
        await c.query('UPDATE bank.accounts SET balance = balance + $1, updates = updates + 1 WHERE id = $2', [x, b]);
        await c.query('INSERT INTO bank.events (id, account, amount, note) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [eventId, a, x, `w${w}`]);
        await c.query('DELETE FROM bank.events WHERE id = $1', [1 + rand(prefilledEvents)]);
        await c.query('COMMIT');
        this.commits.push(Date.now());
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        if ((e as { code?: string }).code === '40001') this.retries++;
        else this.errors.push(e);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    for (const c of this.clients) await c.end().catch(() => {});
  }

  committedBetween(t0: number, t1: number): number {
    return this.commits.filter((t) => t >= t0 && t <= t1).length;
  }
}

async function clusterTs(): Promise<string> {
  const [r] = await node.q<{ t: string }>('SELECT cluster_logical_timestamp()::STRING AS t');
  return r!.t;
}

/** Runs a (non-detached) BACKUP while the writers go on; returns the job's exact end time and the commits seen during it. */
async function backupUnderLoad(t: TestContext, w: Writers, sql: string): Promise<{ id: string; end: string; commits: number; ms: number }> {
  await sleep(150);
  const t0 = Date.now();
  const [row] = await node.q<{ job_id: string; status: string }>(sql);
  const t1 = Date.now();
  assert.equal(row!.status, 'succeeded');
  const id = row!.job_id;
  const j = await job(node.client, id);
  const end = decimalTs(j.details!['endTime'] as { wall: string; logical: number });
  const commits = w.committedBetween(t0, t1);
  const before = w.committedBetween(t0 - (t1 - t0), t0);
  t.diagnostic(`${sql}: ${t1 - t0} ms, ${commits} commits during it (${before} in as long before)`);
  assert.ok(commits > 0, `no writer committed during the ${t1 - t0} ms backup: the backup blocked writers`);
  return { id, end, commits, ms: t1 - t0 };
}

/** end_time of SHOW BACKUP (a TIMESTAMP) is the layer's HLC end time in microseconds. */
async function checkShownEndTime(coll: string, backupType: string, end: string, folder = 'LATEST'): Promise<void> {
  const rows = await node.q<{ e: string }>(`SELECT DISTINCT end_time::STRING AS e FROM [SHOW BACKUP FROM ${folder} IN '${coll}'] WHERE backup_type = '${backupType}' ORDER BY e DESC LIMIT 1`);
  const shown = rows[0]!.e;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(shown);
  assert.ok(m, `end_time ${shown}`);
  const micros = BigInt(Date.parse(`${m[1]}T${m[2]}Z`)) * 1000n + BigInt((m[3] ?? '').padEnd(6, '0'));
  const wantMicros = BigInt(end.split('.')[0]!) / 1000n;
  assert.equal(micros, wantMicros, `SHOW BACKUP end_time ${shown} vs job end time ${end}`);
}

/** RESTOREs into `db` and compares every table with the source AS OF SYSTEM TIME `at`; the total must hold. */
async function restoreAndCompare(restoreSql: string, db: string, at: string): Promise<void> {
  await node.q(restoreSql);
  const restored = await tableSums(node.client, db);
  const source = await tableSums(node.client, 'bank', at);
  assert.deepEqual(Object.keys(restored), ['accounts', 'events', 'filler']);
  assert.deepEqual(restored, source, `${db} differs from bank AS OF SYSTEM TIME '${at}'`);
  const [s] = await node.q<{ n: string; total: string }>(`SELECT count(*) AS n, sum(balance) AS total FROM ${db}.accounts`);
  assert.equal(Number(s!.n), accounts);
  assert.equal(Number(s!.total), accounts * initialBalance, `${db}: the bank total changed`);
  // The secondary index agrees with the table.
  const [ix] = await node.q<{ a: string; b: string }>(`SELECT (SELECT count(*) FROM ${db}.events@events_account WHERE account >= 0) AS a, (SELECT count(*) FROM ${db}.events) AS b`);
  assert.equal(ix!.a, ix!.b, `${db}: index entries vs rows`);
}

test('full and incremental BACKUP under concurrent transfers: restored = source AS OF the end time', { timeout: 120_000 }, async (t) => {
  const coll = 'nodelocal://1/c';
  const w = new Writers();
  await w.start(node);
  let full: Awaited<ReturnType<typeof backupUnderLoad>>;
  let inc: Awaited<ReturnType<typeof backupUnderLoad>>;
  try {
    full = await backupUnderLoad(t, w, `BACKUP DATABASE bank INTO '${coll}'`);
    // At least one change between the layers, whatever the writers managed on a loaded machine.
    await node.q('UPDATE bank.accounts SET updates = updates + 1 WHERE id = 0');
    inc = await backupUnderLoad(t, w, `BACKUP DATABASE bank INTO LATEST IN '${coll}'`);
  } finally {
    await w.stop();
  }
  // And after the incremental.
  await node.q('UPDATE bank.accounts SET updates = updates + 1 WHERE id = 1');
  assert.deepEqual(w.errors.map(String), []);
  t.diagnostic(`writers: ${w.commits.length} commits, ${w.retries} retries`);
  assert.ok(w.commits.length > 0);
  assert.notEqual(full.end, inc.end);

  await checkShownEndTime(coll, 'full', full.end);
  await checkShownEndTime(coll, 'incremental', inc.end);

  // The full layer alone (restored at its exact end time), then full + incremental.
  await restoreAndCompare(`RESTORE DATABASE bank FROM LATEST IN '${coll}' AS OF SYSTEM TIME '${full.end}' WITH new_db_name = 'bank_full'`, 'bank_full', full.end);
  await restoreAndCompare(`RESTORE DATABASE bank FROM LATEST IN '${coll}' WITH new_db_name = 'bank_inc'`, 'bank_inc', inc.end);
  // The source moved between and after the layers: the comparisons above are not vacuous.
  const sums = [await tableSums(node.client, 'bank', full.end), await tableSums(node.client, 'bank', inc.end), await tableSums(node.client, 'bank')];
  assert.notDeepEqual(sums[0], sums[1], 'writes between the full and the incremental layer');
  assert.notDeepEqual(sums[1], sums[2], 'writes after the incremental layer');
});

test('revision_history BACKUP (explicit AS OF SYSTEM TIME, then an incremental) under concurrent transfers: RESTORE to any time in it = source then', { timeout: 120_000 }, async (t) => {
  const coll = 'nodelocal://1/rh';
  const w = new Writers();
  await w.start(node);
  let mid = '';
  let end = '';
  let mid2 = '';
  let inc: Awaited<ReturnType<typeof backupUnderLoad>>;
  try {
    await sleep(300);
    mid = await clusterTs();
    await sleep(300);
    end = await clusterTs();
    await sleep(100);
    const full = await backupUnderLoad(t, w, `BACKUP DATABASE bank INTO '${coll}' AS OF SYSTEM TIME '${end}' WITH revision_history`);
    assert.equal(full.end, end, 'the backup ends exactly at the given AS OF SYSTEM TIME');
    await sleep(200);
    mid2 = await clusterTs();
    await sleep(200);
    inc = await backupUnderLoad(t, w, `BACKUP DATABASE bank INTO LATEST IN '${coll}' WITH revision_history`);
  } finally {
    await w.stop();
  }
  assert.deepEqual(w.errors.map(String), []);
  t.diagnostic(`writers: ${w.commits.length} commits, ${w.retries} retries`);
  await checkShownEndTime(coll, 'full', end);

  await restoreAndCompare(`RESTORE DATABASE bank FROM LATEST IN '${coll}' AS OF SYSTEM TIME '${mid}' WITH new_db_name = 'rh_mid'`, 'rh_mid', mid);
  await restoreAndCompare(`RESTORE DATABASE bank FROM LATEST IN '${coll}' AS OF SYSTEM TIME '${mid2}' WITH new_db_name = 'rh_mid2'`, 'rh_mid2', mid2);
  await restoreAndCompare(`RESTORE DATABASE bank FROM LATEST IN '${coll}' WITH new_db_name = 'rh_latest'`, 'rh_latest', inc.end);
});
