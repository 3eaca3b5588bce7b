// Owns the `backup` benchmark suite: BACKUP and RESTORE of a 1,000,000-row
// `bank.accounts` table in a Burrow server process (the built CLI,
// `start-single-node` on an LMDB store in a temp dir, real fsync) against
// pg_dump / pg_restore of the same rows in PostgreSQL 15 on the same machine,
// in the same run. Process and cluster helpers come from ./pgwire.ts.
//
// Data: `accounts (id INT8 PRIMARY KEY, balance DECIMAL, name STRING/TEXT,
// created TIMESTAMPTZ)`, about 90 bytes a row in COPY text form, generated
// deterministically (names from small word lists plus a random token, random
// balances and timestamps: gzip-6 compresses it about 3x, brotli-1 about
// 2.9x, close to REFERENCE-FIGURES' table). Loaded with COPY FROM STDIN into
// both (not timed).
//
// Results (all rates, higher is better; medians of `rounds` (5) rounds after
// one warm-up of each side, `writerRounds` (3) for the writer; rounds
// interleave ours and the reference):
// - BACKUP DATABASE bank INTO 'nodelocal://1/bench' vs `pg_dump -Fc bank -f
//   <file>` (default compression, gzip 6): rows/s, target 1.5.
// - BACKUP DATABASE bank INTO 'userfile:///bench' vs the same pg_dump runs
//   (one pg_dump per round serves both): target 1.
// - RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/bench' WITH
//   new_db_name = 'bank2' vs `pg_restore -d bank2 <file>` into a freshly
//   created database: target 1. The same from userfile (target 1; the issue
//   names only the nodelocal one). Every restored table (ours and
//   PostgreSQL's) is checked: count(*) and sum(balance) equal the source's.
//   The restored database is dropped after each round (not timed).
// - a writer on its own connection doing single-row UPSERTs (each its own
//   durable commit; same values as the row already has, so the checksums stay
//   valid) into bank.accounts, first alone for `writerAloneMs`, then during a
//   BACKUP (backups repeated back to back until `minBackupWindowMs` has
//   passed): ratio = rate during / rate alone, target 0.7. Nodelocal is the
//   measured one; userfile is reported too (its backup writes into the same
//   store as the writer).
// pg_dump and pg_restore run as the PostgreSQL user (see pgwire.ts) and are
// timed from spawn to exit; our statements from send to answer over one
// node-postgres connection.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { makeTempDir, median, removeTempDir, type BenchResult, type Sample, type Suite } from './harness.js';
import {
  connectWhenReady,
  ensurePostgres,
  initPostgres,
  installExitHook,
  notePostmaster,
  pgLog,
  pgRun,
  spawnBurrow,
  startPostgres,
  stopPostgres,
  type BurrowServer,
  type PgCluster,
} from './pgwire.js';

export const accountRows = 1_000_000;
/** Rounds of the BACKUP and RESTORE pairs (the machine is shared and noisy: 5, not 3). */
const rounds = 5;
/** Rounds of the writer measurement (alone, then during BACKUP). */
const writerRounds = 3;
const copyChunkRows = 10_000;
const writerAloneMs = 4_000;
const minBackupWindowMs = 3_000;
const startTimeoutMs = 30_000;

export const burrowSchema = 'CREATE TABLE bank.accounts (id INT8 PRIMARY KEY, balance DECIMAL, name STRING, created TIMESTAMPTZ)';
const pgSchema = 'CREATE TABLE accounts (id INT8 PRIMARY KEY, balance DECIMAL, name TEXT, created TIMESTAMPTZ)';

const log = (l: string): void => console.log(l);

// ---- data ----

const firstNames = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley'];
const lastNames = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young'];
const baseMs = Date.UTC(2021, 0, 1);

/** A 32-bit integer hash (murmur3's finaliser): deterministic "random" per row. */
function mix(x: number): number {
  x = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Row i's values as COPY text / query parameters: [id, balance, name, created]. */
export function accountRow(i: number): [string, string, string, string] {
  const a = mix(i);
  const b = mix(i + 0x55555555);
  const c = mix(i * 3 + 7);
  const first = firstNames[a & 31]!;
  const last = lastNames[(a >>> 5) & 31]!;
  const balance = ((b % 10_000_000) / 100).toFixed(2);
  const name = `${first} ${last} ${(b >>> 8).toString(36)} ${first.toLowerCase()}.${last.toLowerCase()}@example.com`;
  const created = new Date(baseMs + (c % (3 * 365 * 86_400)) * 1000 + ((a >>> 10) % 1000)).toISOString().replace('T', ' ').replace('Z', '+00');
  return [String(i), balance, name, created];
}

function* copyText(rows: number): Generator<string> {
  for (let b = 0; b < rows; b += copyChunkRows) {
    let s = '';
    for (let i = b; i < Math.min(rows, b + copyChunkRows); i++) s += accountRow(i).join('\t') + '\n';
    yield s;
  }
}

/** COPY ... FROM STDIN of the generated rows; returns the bytes sent. */
export async function copyAccounts(client: pg.Client, table: string, rows = accountRows): Promise<number> {
  let bytes = 0;
  const counted = Readable.from((function* () {
    for (const s of copyText(rows)) {
      bytes += Buffer.byteLength(s);
      yield s;
    }
  })());
  await pipeline(counted, client.query(copyFrom(`COPY ${table} FROM STDIN`)));
  return bytes;
}

interface Checksum {
  count: string;
  sum: string;
}

/** count(*) and sum(balance), normalised (no trailing zeros) so both servers' texts compare. */
async function checksum(client: pg.Client, table: string): Promise<Checksum> {
  const r = await client.query(`SELECT count(*) AS n, sum(balance) AS s FROM ${table}`);
  const norm = (x: unknown): string => {
    const s = String(x);
    return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  };
  return { count: String(r.rows[0].n), sum: norm(r.rows[0].s) };
}

function sameChecksum(what: string, got: Checksum, want: Checksum): void {
  if (got.count !== want.count || got.sum !== want.sum) {
    throw new Error(`${what}: restored table has count ${got.count}, sum(balance) ${got.sum}; the source has count ${want.count}, sum ${want.sum}`);
  }
}

// ---- helpers ----

async function timedMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function rowsPerSecond(ms: number): number {
  return (accountRows * 1000) / ms;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function result(name: string, unit: string, ours: number[], reference: string, refs: number[], target: number): BenchResult {
  const value = median(ours);
  const referenceValue = median(refs);
  return { name, unit, value: round3(value), reference, referenceValue: round3(referenceValue), ratio: round3(value / referenceValue), target };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Bytes of the newest backup folder (<yyyy>/<mm>/<dd-hhmmss.ss>) of a nodelocal collection. */
function latestNodelocalBackupBytes(collection: string): number {
  const newest = (dir: string): string => {
    const names = fs.readdirSync(dir).filter((n) => /^\d/.test(n)).sort();
    if (names.length === 0) throw new Error(`no backup folder under ${dir}`);
    return path.join(dir, names[names.length - 1]!);
  };
  return dirBytes(newest(newest(newest(collection))));
}

/** Data file bytes of the latest backup in a collection (SHOW BACKUP ... WITH check_files). */
async function backupFileBytes(client: pg.Client, uri: string): Promise<number> {
  const r = await client.query(`SHOW BACKUP FROM LATEST IN '${uri}' WITH check_files`);
  return r.rows.reduce((a: number, row: { file_bytes: unknown }) => a + Number(row.file_bytes ?? 0), 0);
}

interface WriterSample extends Sample {
  /** Latency of each UPSERT, ms. */
  latencies: number[];
}

/** Single-row UPSERTs (same values as the row has) until stop() or the time is up. */
async function upsertLoop(client: pg.Client, stop: () => boolean, seed: number): Promise<WriterSample> {
  const latencies: number[] = [];
  const t0 = performance.now();
  while (!stop()) {
    const id = ((seed + latencies.length) * 7919) % accountRows;
    const q0 = performance.now();
    await client.query({ name: 'bench-upsert', text: 'UPSERT INTO bank.accounts (id, balance, name, created) VALUES ($1, $2, $3, $4)', values: accountRow(id) });
    latencies.push(performance.now() - q0);
  }
  return { ops: latencies.length, durationMs: performance.now() - t0, latencies };
}

function latencyText(l: number[]): string {
  return `p50 ${median(l).toFixed(1)} ms, max ${Math.max(...l).toFixed(0)} ms`;
}

// ---- the suite ----

export const backupSuite: Suite = {
  name: 'backup',
  description: 'BACKUP to nodelocal/userfile vs pg_dump -Fc, RESTORE vs pg_restore (1M-row bank.accounts, Burrow server vs PostgreSQL 15), writer throughput during BACKUP',
  maxDurationMs: 15 * 60_000,
  async run(): Promise<BenchResult[]> {
    installExitHook();
    const install = ensurePostgres();
    const pgName = `PostgreSQL ${install.version}`;
    const cluster: PgCluster = await initPostgres(install);
    const store = makeTempDir('store');
    let burrow: BurrowServer | null = null;
    let pgStarted = false;
    const clients: pg.Client[] = [];
    const results: BenchResult[] = [];
    try {
      // ---- servers and data ----
      burrow = await spawnBurrow(store);
      const b = burrow;
      const ours = await connectWhenReady(b.cfg, performance.now() + startTimeoutMs, () => b.output());
      clients.push(ours);
      startPostgres(cluster).on('error', () => {});
      pgStarted = true;
      const pgAdmin = await connectWhenReady(cluster.cfg, performance.now() + startTimeoutMs, () => pgLog(cluster));
      clients.push(pgAdmin);
      notePostmaster(cluster);
      log(`${pgName} from ${install.bin}, data dir ${cluster.data}, run as ${cluster.user?.name ?? 'the current user'}; Burrow store ${store}`);

      await ours.query('CREATE DATABASE bank');
      await ours.query(burrowSchema);
      let copyBytes = 0;
      const oursLoadMs = await timedMs(async () => (copyBytes = await copyAccounts(ours, 'bank.accounts')));
      await pgAdmin.query('CREATE DATABASE bank');
      const pgBank = new pg.Client({ ...cluster.cfg, database: 'bank' });
      pgBank.on('error', () => {});
      await pgBank.connect();
      clients.push(pgBank);
      await pgBank.query(pgSchema);
      const pgLoadMs = await timedMs(() => copyAccounts(pgBank, 'accounts'));
      await pgBank.query('VACUUM ANALYZE accounts');
      await pgAdmin.query('CHECKPOINT');
      const source = await checksum(ours, 'bank.accounts');
      const pgSource = await checksum(pgBank, 'accounts');
      sameChecksum('PostgreSQL source vs Burrow source', pgSource, source);
      log(
        `loaded ${fmt(accountRows)} rows (${mb(copyBytes)} of COPY text, ${(copyBytes / accountRows).toFixed(1)} B/row): ` +
          `Burrow ${(oursLoadMs / 1000).toFixed(1)} s, PostgreSQL ${(pgLoadMs / 1000).toFixed(1)} s; count ${source.count}, sum(balance) ${source.sum}`,
      );

      // ---- BACKUP vs pg_dump ----
      const dumpFile = path.join(cluster.dir, 'bank.dump');
      const nodelocalUri = 'nodelocal://1/bench';
      const userfileUri = 'userfile:///bench';
      const backupTo = (uri: string) => timedMs(() => ours.query(`BACKUP DATABASE bank INTO '${uri}'`));
      const pgDump = () => {
        fs.rmSync(dumpFile, { force: true });
        return timedMs(() => pgRun(cluster, 'pg_dump', ['-Fc', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-f', dumpFile, 'bank']));
      };
      const backupNl: number[] = [];
      const backupUf: number[] = [];
      const dumps: number[] = [];
      {
        const w = [await backupTo(nodelocalUri), await pgDump(), await backupTo(userfileUri)];
        log(`  warm-up: BACKUP nodelocal ${w[0]!.toFixed(0)} ms, pg_dump ${w[1]!.toFixed(0)} ms, BACKUP userfile ${w[2]!.toFixed(0)} ms`);
      }
      for (let r = 0; r < rounds; r++) {
        const a = await backupTo(nodelocalUri);
        const d = await pgDump();
        const u = await backupTo(userfileUri);
        backupNl.push(rowsPerSecond(a));
        dumps.push(rowsPerSecond(d));
        backupUf.push(rowsPerSecond(u));
        log(`  backup round ${r + 1}/${rounds}: BACKUP nodelocal ${a.toFixed(0)} ms (${fmt(rowsPerSecond(a))} rows/s), pg_dump -Fc ${d.toFixed(0)} ms (${fmt(rowsPerSecond(d))} rows/s), BACKUP userfile ${u.toFixed(0)} ms (${fmt(rowsPerSecond(u))} rows/s)`);
      }
      const dumpRef = `${pgName}: pg_dump -Fc bank (gzip 6), same pg_dump runs for both BACKUPs`;
      results.push(result("BACKUP DATABASE bank INTO 'nodelocal://1/bench' (1M rows)", 'rows/s', backupNl, dumpRef, dumps, 1.5));
      results.push(result("BACKUP DATABASE bank INTO 'userfile:///bench' (1M rows)", 'rows/s', backupUf, dumpRef, dumps, 1));

      const dumpBytes = fs.statSync(dumpFile).size;
      const nlFolderBytes = latestNodelocalBackupBytes(path.join(store, 'extern', 'bench'));
      const nlDataBytes = await backupFileBytes(ours, nodelocalUri);
      const ufDataBytes = await backupFileBytes(ours, userfileUri);
      log(
        `data sizes: pg_dump -Fc file ${mb(dumpBytes)}; Burrow backup data files ${mb(nlDataBytes)} (nodelocal), ${mb(ufDataBytes)} (userfile); ` +
          `nodelocal backup folder ${mb(nlFolderBytes)}; COPY text ${mb(copyBytes)}; Burrow store ${mb(dirBytes(store))}`,
      );

      // ---- RESTORE vs pg_restore ----
      const restoreFrom = async (uri: string, db: string): Promise<number> => {
        const ms = await timedMs(() => ours.query(`RESTORE DATABASE bank FROM LATEST IN '${uri}' WITH new_db_name = '${db}'`));
        sameChecksum(`RESTORE from ${uri}`, await checksum(ours, `${db}.accounts`), source);
        await ours.query(`DROP DATABASE ${db} CASCADE`);
        return ms;
      };
      const pgRestore = async (): Promise<number> => {
        await pgAdmin.query('DROP DATABASE IF EXISTS bank2');
        await pgAdmin.query('CREATE DATABASE bank2');
        const ms = await timedMs(() => pgRun(cluster, 'pg_restore', ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-d', 'bank2', dumpFile]));
        const c = new pg.Client({ ...cluster.cfg, database: 'bank2' });
        c.on('error', () => {});
        await c.connect();
        try {
          sameChecksum('pg_restore', await checksum(c, 'accounts'), pgSource);
        } finally {
          await c.end().catch(() => undefined);
        }
        await pgAdmin.query('DROP DATABASE bank2');
        return ms;
      };
      const restoreNl: number[] = [];
      const restoreUf: number[] = [];
      const restores: number[] = [];
      {
        const w = [await restoreFrom(nodelocalUri, 'bank2'), await pgRestore(), await restoreFrom(userfileUri, 'bank3')];
        log(`  warm-up: RESTORE nodelocal ${w[0]!.toFixed(0)} ms, pg_restore ${w[1]!.toFixed(0)} ms, RESTORE userfile ${w[2]!.toFixed(0)} ms`);
      }
      for (let r = 0; r < rounds; r++) {
        const a = await restoreFrom(nodelocalUri, 'bank2');
        const p = await pgRestore();
        const u = await restoreFrom(userfileUri, 'bank3');
        restoreNl.push(rowsPerSecond(a));
        restores.push(rowsPerSecond(p));
        restoreUf.push(rowsPerSecond(u));
        log(`  restore round ${r + 1}/${rounds}: RESTORE nodelocal ${a.toFixed(0)} ms (${fmt(rowsPerSecond(a))} rows/s), pg_restore ${p.toFixed(0)} ms (${fmt(rowsPerSecond(p))} rows/s), RESTORE userfile ${u.toFixed(0)} ms (${fmt(rowsPerSecond(u))} rows/s) - all verified`);
      }
      log(`Burrow store after the restores (restored databases dropped): ${mb(dirBytes(store))}`);
      const restoreRef = `${pgName}: pg_restore -d <new database> of the pg_dump -Fc file`;
      results.push(result("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/bench' WITH new_db_name (1M rows, verified)", 'rows/s', restoreNl, restoreRef, restores, 1));
      results.push(result("RESTORE DATABASE bank FROM LATEST IN 'userfile:///bench' WITH new_db_name (1M rows, verified; not named by the issue)", 'rows/s', restoreUf, restoreRef, restores, 1));

      // ---- writer throughput during BACKUP ----
      const writer = new pg.Client(b.cfg);
      writer.on('error', () => {});
      await writer.connect();
      clients.push(writer);
      let seed = 0;
      const alone = async (): Promise<WriterSample> => {
        const t0 = performance.now();
        const s = await upsertLoop(writer, () => performance.now() - t0 >= writerAloneMs, seed);
        seed += s.ops;
        return s;
      };
      const during = async (uri: string): Promise<{ s: WriterSample; backups: number; backupMs: number }> => {
        let stopped = false;
        let backups = 0;
        const t0 = performance.now();
        const backupsDone = (async () => {
          try {
            do {
              await ours.query(`BACKUP DATABASE bank INTO '${uri}'`);
              backups++;
            } while (performance.now() - t0 < minBackupWindowMs);
          } finally {
            stopped = true;
          }
        })();
        const s = await upsertLoop(writer, () => stopped, seed);
        const backupMs = performance.now() - t0;
        await backupsDone;
        seed += s.ops;
        return { s, backups, backupMs };
      };
      const rate = (s: Sample) => (s.ops * 1000) / s.durationMs;
      for (const [label, uri] of [['nodelocal', nodelocalUri], ['userfile', userfileUri]] as const) {
        const aloneRates: number[] = [];
        const duringRates: number[] = [];
        await alone(); // warm-up (the prepared statement, the pages it touches)
        for (let r = 0; r < writerRounds; r++) {
          const a = await alone();
          const d = await during(uri);
          aloneRates.push(rate(a));
          duringRates.push(rate(d.s));
          log(
            `  writer round ${r + 1}/${writerRounds} (${label}): alone ${fmt(rate(a))} UPSERTs/s (${a.ops} in ${a.durationMs.toFixed(0)} ms; ${latencyText(a.latencies)}), ` +
              `during ${d.backups} BACKUP(s) ${fmt(rate(d.s))} UPSERTs/s (${d.s.ops} in ${d.s.durationMs.toFixed(0)} ms; ${latencyText(d.s.latencies)}; backup window ${d.backupMs.toFixed(0)} ms)`,
          );
        }
        results.push(result(
          `single-row UPSERT writer during BACKUP INTO '${uri}' (ratio = during / alone)${label === 'userfile' ? ' (not named by the issue)' : ''}`,
          'UPSERTs/s', duringRates, 'the same writer alone, same run', aloneRates, 0.7,
        ));
      }
      sameChecksum('source after the writer rounds', await checksum(ours, 'bank.accounts'), source);
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await burrow?.stop();
      removeTempDir(store);
      if (pgStarted) stopPostgres(cluster);
      removeTempDir(cluster.dir);
    }
    return results;
  },
};
