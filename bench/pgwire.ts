// Owns the `pgwire` benchmark suite: a Burrow server process (the built CLI,
// `start-single-node` on an LMDB store in a temp dir, real fsync) against
// PostgreSQL 15 on the same machine, in the same run, through the same
// node-postgres client code.
//
// Results:
// - named prepared point SELECT by primary key on a 10,000-row
//   `accounts (id INT8 PRIMARY KEY, balance DECIMAL, name TEXT)` table with
//   1 connection (reported, no target) and 8 connections (target: 0.8 of
//   PostgreSQL's rate). Each run issues a fixed number of queries spread over
//   the connections (each connection takes the next key as it finishes).
// - time from process start to the first query answered: spawn
//   `burrow start-single-node` on a fresh store and retry connect + `SELECT 1`
//   until it answers; the reference is `pg_ctl start` on an initdb'd data
//   directory -> first `SELECT 1`. ratio = 300 ms / ours (target 1).
// - memory when idle after startup with 100 idle connections: the server's
//   VmRSS from /proc/<pid>/status; ratio = 100 MB / ours (target 1). The
//   reference is PostgreSQL's postmaster plus all its processes (one per
//   connection), summed as PSS (/proc/<pid>/smaps_rollup) so shared memory
//   counts once.
// The startup and memory figures come from the same rounds: start, first
// query, open the other 99 connections, wait idleWaitMs, read memory, stop.
//
// PostgreSQL: binaries are looked up in /usr/lib/postgresql/15/bin, then
// /usr/local/bin, then any /usr/lib/postgresql/<v>/bin; if none is found and
// we run as root with apt-get, `apt-get install -y postgresql` (Debian's
// current PostgreSQL) is run once. PostgreSQL refuses to run as root, so as
// root initdb/pg_ctl are spawned with the uid/gid of the `postgres` user (as
// `runuser -u postgres --` would, without its PAM session cost on the timed
// start), or of `nobody` when there is no such user, on a temp data dir owned
// by that user. initdb -A trust -U postgres; the server listens on a free
// loopback port with everything else at its defaults (fsync on,
// synchronous_commit on, max_connections 100, shared_buffers 128MB).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../test/support/server-process.js';
import { makeTempDir, measurePair, median, removeTempDir, type BenchResult, type RunContext, type Sample, type Suite } from './harness.js';

const tableRows = 10_000;
const schema = 'CREATE TABLE accounts (id INT8 PRIMARY KEY, balance DECIMAL, name TEXT)';
const pointSql = 'SELECT id, balance, name FROM accounts WHERE id = $1';
const loadBatchRows = 1_000;
const pointQueries = { 1: 15_000, 8: 30_000 } as const;
const warmupQueries = 3_000;
const rounds = 5;
const startupRounds = 5;
const idleConnections = 100;
/** How long the 100 connections stay idle before memory is read. */
const idleWaitMs = 1_000;
const startupTargetMs = 300;
const memoryTargetMb = 100;
const startTimeoutMs = 30_000;

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../burrow.mjs');
const log = (l: string): void => console.log(l);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- processes to clean up on a hard exit ----

const liveChildren = new Set<ChildProcess>();
const livePostmasters = new Set<number>();
/** Data directories of clusters that may be running (their postmaster.pid names the postmaster). */
const liveDataDirs = new Set<string>();
let exitHookInstalled = false;

export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Prepended: runs before the harness removes the temp dirs, while postmaster.pid files still exist.
  process.prependListener('exit', () => {
    for (const c of liveChildren) c.kill('SIGKILL');
    const pids = new Set(livePostmasters);
    for (const data of liveDataDirs) {
      try {
        pids.add(Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]));
      } catch {
        // not running
      }
    }
    // SIGQUIT: PostgreSQL's immediate shutdown.
    for (const pid of pids) {
      try {
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  });
}

/** Connects and runs SELECT 1, retrying every millisecond until it answers; returns the client. */
export async function connectWhenReady(cfg: pg.ClientConfig, deadlineMs: number, describe: () => string): Promise<pg.Client> {
  for (;;) {
    const c = new pg.Client(cfg);
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('SELECT 1');
      return c;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (performance.now() > deadlineMs) throw new Error(`no answer to SELECT 1 within ${startTimeoutMs} ms (${(err as Error).message}):\n${describe()}`);
      await sleep(1);
    }
  }
}

async function connectAll(cfg: pg.ClientConfig, n: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  // In groups so a burst does not overrun a listen backlog.
  for (let i = 0; i < n; i += 20) {
    const group = Array.from({ length: Math.min(20, n - i) }, () => new pg.Client(cfg));
    await Promise.all(group.map((c) => c.connect()));
    for (const c of group) c.on('error', () => {});
    clients.push(...group);
  }
  return clients;
}

async function endAll(clients: pg.Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
}

// ---- memory ----

function procField(pid: number, file: string, field: string): number {
  const text = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/${file}`);
  return Number(m[1]) / 1024;
}

function vmRssMb(pid: number): number {
  return procField(pid, 'status', 'VmRSS');
}

/** The PIDs of pid's children (from /proc/<n>/stat). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** PSS in MB of a process tree (shared pages divided among their users, so the sum counts them once). */
function treePssMb(pid: number): { mb: number; processes: number } {
  const pids = [pid, ...childPids(pid)];
  let mb = 0;
  for (const p of pids) {
    try {
      mb += procField(p, 'smaps_rollup', 'Pss');
    } catch {
      // exited meanwhile
    }
  }
  return { mb, processes: pids.length };
}

// ---- Burrow ----

export interface BurrowServer {
  child: ChildProcess;
  port: number;
  cfg: pg.ClientConfig;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns the built CLI on `store`; resolves right after spawning (the port is known, not yet open). */
export async function spawnBurrow(store: string): Promise<BurrowServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'start-single-node', '--insecure', `--store=${store}`, `--listen-addr=127.0.0.1:${port}`, '--http-addr=127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    cfg: { host: '127.0.0.1', port, user: 'root', database: 'defaultdb' },
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      liveChildren.delete(child);
    },
  };
}

// ---- PostgreSQL ----

export interface PgInstall {
  bin: string;
  version: string;
}

function findPostgres(): PgInstall | null {
  const candidates = ['/usr/lib/postgresql/15/bin', '/usr/local/bin'];
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // not a Debian layout
  }
  for (const bin of candidates) {
    if (!['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(bin, b)))) continue;
    const v = spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
    if (v.status === 0) return { bin, version: v.stdout.trim().replace(/^postgres \(PostgreSQL\) /, '') };
  }
  return null;
}

export function ensurePostgres(): PgInstall {
  const found = findPostgres();
  if (found) return found;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    throw new Error('PostgreSQL binaries (initdb, pg_ctl, postgres) not found; install PostgreSQL 15 (e.g. apt-get install -y postgresql)');
  }
  log('PostgreSQL not found: running apt-get install -y postgresql');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', 'postgresql'], { stdio: 'inherit', env });
  const after = r.status === 0 ? findPostgres() : null;
  if (!after) throw new Error('apt-get install -y postgresql did not provide initdb/pg_ctl/postgres');
  return after;
}

export interface PgUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user PostgreSQL runs as: null when we are not root (run as ourselves). */
function pgUser(): PgUser | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists (create one: useradd --system postgres)');
}

export interface PgCluster {
  install: PgInstall;
  user: PgUser | null;
  dir: string;
  data: string;
  port: number;
  cfg: pg.ClientConfig;
  postmasterPid: number;
}

export function pgSpawnOptions(c: { user: PgUser | null; dir: string }) {
  return { cwd: c.dir, ...(c.user ? { uid: c.user.uid, gid: c.user.gid } : {}) };
}

export function pgRun(c: { install: PgInstall; user: PgUser | null; dir: string }, tool: string, args: string[]): void {
  const r = spawnSync(path.join(c.install.bin, tool), args, { ...pgSpawnOptions(c), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

export async function initPostgres(install: PgInstall): Promise<PgCluster> {
  const user = pgUser();
  const dir = makeTempDir('postgres');
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const c: PgCluster = { install, user, dir, data, port: 0, cfg: {}, postmasterPid: 0 };
  liveDataDirs.add(data);
  pgRun(c, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
  c.port = await freePort();
  c.cfg = { host: '127.0.0.1', port: c.port, user: 'postgres', database: 'postgres' };
  return c;
}

/** `pg_ctl start` without waiting; the caller polls with connectWhenReady. */
export function startPostgres(c: PgCluster): ChildProcess {
  return spawn(path.join(c.install.bin, 'pg_ctl'), ['start', '-D', c.data, '-l', path.join(c.dir, 'log'), '-o', `-p ${c.port} -h 127.0.0.1 -k ${c.dir}`], {
    ...pgSpawnOptions(c),
    stdio: 'ignore',
  });
}

export function notePostmaster(c: PgCluster): void {
  c.postmasterPid = Number(fs.readFileSync(path.join(c.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  livePostmasters.add(c.postmasterPid);
}

export function stopPostgres(c: PgCluster): void {
  pgRun(c, 'pg_ctl', ['stop', '-D', c.data, '-m', 'fast', '-w']);
  livePostmasters.delete(c.postmasterPid);
}

export function pgLog(c: PgCluster): string {
  try {
    return fs.readFileSync(path.join(c.dir, 'log'), 'utf8');
  } catch {
    return '';
  }
}

// ---- workloads ----

async function loadAccounts(client: pg.Client): Promise<void> {
  await client.query('DROP TABLE IF EXISTS accounts');
  await client.query(schema);
  for (let b = 0; b < tableRows; b += loadBatchRows) {
    const vals: string[] = [];
    for (let i = b; i < Math.min(tableRows, b + loadBatchRows); i++) vals.push(`(${i}, ${i % 1000}.25, 'name${i}')`);
    await client.query(`INSERT INTO accounts VALUES ${vals.join(', ')}`);
  }
  const n = await client.query('SELECT count(*) AS n FROM accounts');
  if (Number(n.rows[0].n) !== tableRows) throw new Error(`loaded ${n.rows[0].n} rows, expected ${tableRows}`);
}

/** `count` named prepared point SELECTs spread over `clients` (each takes the next key when free). */
async function pointSelects(clients: pg.Client[], count: number, ctx: RunContext): Promise<Sample> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < count && !ctx.deadline.expired()) {
        const id = ((next++) * 7919) % tableRows;
        const r = await c.query({ name: 'point', text: pointSql, values: [id] });
        if (r.rows.length !== 1 || Number(r.rows[0].id) !== id) throw new Error(`point select ${id}: wrong answer ${JSON.stringify(r.rows)}`);
        done++;
      }
    }),
  );
  return { ops: done, durationMs: performance.now() - t0 };
}

// ---- startup and memory rounds ----

interface StartSample {
  firstQueryMs: number;
  memoryMb: number;
  detail: string;
}

async function burrowStartRound(): Promise<StartSample> {
  const store = makeTempDir('store');
  let server: BurrowServer | null = null;
  const clients: pg.Client[] = [];
  try {
    const t0 = performance.now();
    server = await spawnBurrow(store);
    const s = server;
    clients.push(await connectWhenReady(s.cfg, t0 + startTimeoutMs, () => s.output()));
    const firstQueryMs = performance.now() - t0;
    clients.push(...(await connectAll(s.cfg, idleConnections - 1)));
    await sleep(idleWaitMs);
    const memoryMb = vmRssMb(s.child.pid!);
    return { firstQueryMs, memoryMb, detail: `VmRSS ${memoryMb.toFixed(1)} MB` };
  } finally {
    await endAll(clients);
    await server?.stop();
    removeTempDir(store);
  }
}

async function postgresStartRound(c: PgCluster): Promise<StartSample> {
  const clients: pg.Client[] = [];
  let started = false;
  try {
    const t0 = performance.now();
    const ctl = startPostgres(c);
    started = true;
    ctl.on('error', () => {});
    clients.push(await connectWhenReady(c.cfg, t0 + startTimeoutMs, () => pgLog(c)));
    const firstQueryMs = performance.now() - t0;
    notePostmaster(c);
    clients.push(...(await connectAll(c.cfg, idleConnections - 1)));
    await sleep(idleWaitMs);
    const { mb, processes } = treePssMb(c.postmasterPid);
    return { firstQueryMs, memoryMb: mb, detail: `PSS ${mb.toFixed(1)} MB over ${processes} processes, postmaster VmRSS ${vmRssMb(c.postmasterPid).toFixed(1)} MB` };
  } finally {
    await endAll(clients);
    if (started) stopPostgres(c);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const pgwireSuite: Suite = {
  name: 'pgwire',
  description: 'Burrow server process vs PostgreSQL 15 over the wire (node-postgres): prepared point SELECT with 1 and 8 connections, start to first query, idle memory with 100 connections',
  maxDurationMs: 10 * 60_000,
  async run(): Promise<BenchResult[]> {
    installExitHook();
    if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} not found: build first (npx tsc -p .)`);
    const install = ensurePostgres();
    const pgName = `PostgreSQL ${install.version}`;
    const cluster = await initPostgres(install);
    log(`${pgName} from ${install.bin}, data dir ${cluster.data}, run as ${cluster.user?.name ?? 'the current user'}, port ${cluster.port}`);
    const results: BenchResult[] = [];
    try {
      // ---- point selects: both servers up for the whole section ----
      const store = makeTempDir('store');
      const burrow = await spawnBurrow(store);
      const ours: pg.Client[] = [];
      const ref: pg.Client[] = [];
      let pgStarted = false;
      try {
        ours.push(await connectWhenReady(burrow.cfg, performance.now() + startTimeoutMs, () => burrow.output()));
        startPostgres(cluster).on('error', () => {});
        pgStarted = true;
        ref.push(await connectWhenReady(cluster.cfg, performance.now() + startTimeoutMs, () => pgLog(cluster)));
        notePostmaster(cluster);
        await loadAccounts(ours[0]!);
        await loadAccounts(ref[0]!);
        await ref[0]!.query('VACUUM ANALYZE accounts');
        ours.push(...(await connectAll(burrow.cfg, 7)));
        ref.push(...(await connectAll(cluster.cfg, 7)));
        for (const conns of [1, 8] as const) {
          const n = pointQueries[conns];
          const runner = (clients: pg.Client[]) => (ctx: RunContext) => pointSelects(clients.slice(0, conns), ctx.warmup ? warmupQueries : n, ctx);
          results.push(await measurePair({
            name: conns === 1
              ? 'node-postgres named prepared point SELECT by PK, 10,000 rows, 1 connection (no target: target 0)'
              : 'node-postgres named prepared point SELECT by PK, 10,000 rows, 8 connections',
            unit: 'queries/s',
            reference: `${pgName}, same client code`,
            target: conns === 1 ? 0 : 0.8,
            rounds,
            maxRunMs: 60_000,
            log,
            ours: runner(ours),
            ref: runner(ref),
          }));
        }
      } finally {
        await endAll(ours);
        await endAll(ref);
        await burrow.stop();
        removeTempDir(store);
        if (pgStarted) stopPostgres(cluster);
      }

      // ---- start to first query, then memory with 100 idle connections ----
      const oursStart: StartSample[] = [];
      const refStart: StartSample[] = [];
      await burrowStartRound(); // warm-up: file system caches for node, the CLI and PostgreSQL
      await postgresStartRound(cluster);
      for (let r = 0; r < startupRounds; r++) {
        const a = await burrowStartRound();
        const b = await postgresStartRound(cluster);
        oursStart.push(a);
        refStart.push(b);
        log(
          `  startup round ${r + 1}/${startupRounds}: ours first query ${a.firstQueryMs.toFixed(0)} ms, ${a.detail}; ` +
            `reference first query ${b.firstQueryMs.toFixed(0)} ms, ${b.detail}`,
        );
      }
      const oursMs = median(oursStart.map((s) => s.firstQueryMs));
      const refMs = median(refStart.map((s) => s.firstQueryMs));
      results.push({
        name: `time from process start to first query answered (fresh store; ratio = ${startupTargetMs} ms / ours)`,
        unit: 'ms',
        value: round3(oursMs),
        reference: `${pgName}: pg_ctl start on an initdb'd data dir -> first SELECT 1`,
        referenceValue: round3(refMs),
        ratio: round3(startupTargetMs / oursMs),
        target: 1,
      });
      const oursMb = median(oursStart.map((s) => s.memoryMb));
      const refMb = median(refStart.map((s) => s.memoryMb));
      results.push({
        name: `server VmRSS idle after startup with ${idleConnections} idle connections (ratio = ${memoryTargetMb} MB / ours)`,
        unit: 'MB',
        value: round3(oursMb),
        reference: `${pgName}: PSS summed over postmaster and its processes`,
        referenceValue: round3(refMb),
        ratio: round3(memoryTargetMb / oursMb),
        target: 1,
      });
    } finally {
      liveDataDirs.delete(cluster.data);
      removeTempDir(cluster.dir);
    }
    return results;
  },
};
