// Owns helpers shared by the backup crash and consistency tests: a server
// process on a disk store with a node-postgres client that survives SIGKILL
// and restart, seeding a store once and copying it per test, per-table
// checksums of every row (optionally AS OF SYSTEM TIME), job inspection
// (status, fraction, the details and progress JSON in system.jobs) and
// listing what a collection folder really holds (nodelocal files on disk,
// hidden temp files included; userfile rows).

import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/stores.js';

export interface Row {
  [col: string]: unknown;
}

const live = new Set<Node>();

/** SIGKILLs every server still running (an after() hook: a timed-out test must not leave one keeping the runner alive). */
export async function killAllNodes(): Promise<void> {
  for (const n of [...live]) await n.kill().catch(() => {});
}

/** A server process on `dir` plus one client; kill() and restart() keep the store. */
export class Node {
  server!: ServerProcess;
  client!: pg.Client;
  private constructor(readonly dir: string) {}

  static async start(dir: string): Promise<Node> {
    const n = new Node(dir);
    await n.boot();
    return n;
  }

  private async boot(): Promise<void> {
    this.server = await startServerProcess(this.dir, 30_000);
    live.add(this);
    this.client = await this.connect();
  }

  async connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.server.url });
    c.on('error', () => {}); // the server may be SIGKILLed under it
    await c.connect();
    return c;
  }

  async q<T extends Row = Row>(sql: string, values?: unknown[]): Promise<T[]> {
    return (await this.client.query(sql, values as unknown[] | undefined)).rows as T[];
  }

  async kill(): Promise<void> {
    live.delete(this);
    await this.server.stop('SIGKILL');
    await this.client?.end().catch(() => {});
  }

  async stop(): Promise<void> {
    live.delete(this);
    await this.client?.end().catch(() => {});
    await this.server.stop('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.boot();
  }
}

/** A copy of a seeded store (the server must be stopped), so each test starts from the same data. */
export function copyStore(src: string): string {
  const dst = tempDir('burrow-backup-crash-');
  fs.cpSync(src, dst, { recursive: true });
  return dst;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------ checksums

export interface TableSum {
  rows: number;
  md5: string;
}

/**
 * Per table of `db`'s public schema: row count and the md5 of every row
 * (all columns as text, NULL as '~'), ordered by the first column (every
 * table in these tests has its primary key first). `asOf` is an AS OF SYSTEM
 * TIME expression (a decimal HLC string).
 */
export async function tableSums(c: pg.Client, db: string, asOf?: string): Promise<Record<string, TableSum>> {
  const aost = asOf ? ` AS OF SYSTEM TIME '${asOf}'` : '';
  const cols = (await c.query(
    `SELECT table_name, column_name FROM ${db}.information_schema.columns${aost} WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  )).rows as { table_name: string; column_name: string }[];
  const byTable = new Map<string, string[]>();
  for (const r of cols) {
    if (!byTable.has(r.table_name)) byTable.set(r.table_name, []);
    byTable.get(r.table_name)!.push(r.column_name);
  }
  const out: Record<string, TableSum> = {};
  for (const [t, cs] of [...byTable].sort()) {
    const expr = cs.map((x) => `COALESCE(${x}::STRING, '~')`).join(', ');
    const r = (await c.query(`SELECT count(*) AS n, md5(COALESCE(string_agg(concat_ws('|', ${expr}), ',' ORDER BY ${cs[0]}), '')) AS h FROM ${db}.public.${t}${aost}`)).rows[0] as { n: string; h: string };
    out[t] = { rows: Number(r.n), md5: r.h };
  }
  return out;
}

// ----------------------------------------------------------------------- jobs

export interface JobRow {
  status: string;
  fraction: number;
  error: string;
  numRuns: number;
  details: Record<string, unknown> | null;
  progress: Record<string, unknown> | null;
}

export async function job(c: pg.Client, id: string): Promise<JobRow> {
  const s = (await c.query(`SELECT status, fraction_completed::FLOAT8 AS f, COALESCE(error, '') AS error FROM [SHOW JOB ${id}]`)).rows[0] as { status: string; f: number; error: string };
  const raw = (await c.query('SELECT num_runs, payload, progress FROM system.jobs WHERE id = $1', [id])).rows[0] as { num_runs: string; payload: Buffer | null; progress: Buffer | null };
  const payload = raw.payload ? (JSON.parse(raw.payload.toString('utf8')) as { details?: Record<string, unknown> }) : null;
  const progress = raw.progress ? (JSON.parse(raw.progress.toString('utf8')) as { state?: Record<string, unknown> }) : null;
  return { status: s.status, fraction: Number(s.f), error: s.error, numRuns: Number(raw.num_runs), details: payload?.details ?? null, progress: progress?.state ?? null };
}

/** SHOW JOB WHEN COMPLETE, bounded: fails after timeoutMs instead of hanging the test. */
export async function waitJobDone(c: pg.Client, id: string, timeoutMs = 60_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SHOW JOB WHEN COMPLETE ${id} did not return in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const r = await Promise.race([c.query(`SELECT status FROM [SHOW JOB WHEN COMPLETE ${id}]`), timeout]);
    return (r.rows[0] as { status: string }).status;
  } finally {
    clearTimeout(timer);
  }
}

/** An HLC timestamp JSON ({wall, logical}) as the decimal AS OF SYSTEM TIME accepts. */
export function decimalTs(ts: { wall: string; logical: number }): string {
  return `${ts.wall}.${String(ts.logical).padStart(10, '0')}`;
}

/** The job's (BACKUP) layer folder, from its details. */
export function layerFolder(j: JobRow): string {
  return String(j.details!['layerFolder']);
}

// ---------------------------------------------------------------- collections

/** Every file under dir (recursively, hidden ones too), relative to dir; [] when dir is absent. */
export function filesOnDisk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Userfile names (relative to `/<coll>/<folder>/`) of the root user's default userfile tables. */
export async function userfileNames(c: pg.Client, prefix: string): Promise<string[]> {
  const exists = (await c.query(`SELECT count(*) AS n FROM [SHOW TABLES FROM defaultdb] WHERE table_name = 'userfiles_root_upload_files'`)).rows[0] as { n: string };
  if (Number(exists.n) === 0) return [];
  const rows = (await c.query(`SELECT filename FROM defaultdb.public.userfiles_root_upload_files WHERE filename LIKE $1 ORDER BY filename`, [`${prefix}%`])).rows as { filename: string }[];
  return rows.map((r) => r.filename.slice(prefix.length));
}

/** Payload chunks whose file row is gone (a leak). */
export async function orphanUserfileChunks(c: pg.Client): Promise<number> {
  const r = (await c.query('SELECT count(*) AS n FROM defaultdb.public.userfiles_root_upload_payload WHERE file_id NOT IN (SELECT file_id FROM defaultdb.public.userfiles_root_upload_files)')).rows[0] as { n: string };
  return Number(r.n);
}

export async function showBackups(c: pg.Client, coll: string): Promise<string[]> {
  return ((await c.query(`SHOW BACKUPS IN '${coll}'`)).rows as { path: string }[]).map((r) => r.path);
}

export async function databases(c: pg.Client): Promise<string[]> {
  return ((await c.query('SELECT database_name FROM [SHOW DATABASES]')).rows as { database_name: string }[]).map((r) => r.database_name);
}

/** What a backup layer folder must hold once complete: lock, data files of its manifest (progress), manifest and checksum. */
export function expectedLayerFiles(j: JobRow, jobId: string): string[] {
  const files = ((j.progress?.['files'] ?? []) as { path: string }[]).map((f) => f.path);
  return [`BACKUP-LOCK-${jobId}`, 'BACKUP_MANIFEST', 'BACKUP_MANIFEST-CHECKSUM', ...files].sort();
}
