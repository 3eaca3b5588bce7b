// Owns the datadriven runner for backup scenarios (test/backup/testdata/*),
// speaking the directives and output conventions of CockroachDB's backup
// datadriven tests (pkg/backup/testdata/backup-restore/*) against real
// server processes (dist/burrow.mjs), so such files run with few changes.
// Files are parsed and rewritten by ./datadriven.ts; BURROW_REWRITE=1
// rewrites expected outputs instead of comparing.
//
// Directives (`[x]` optional; cluster defaults to the current one, user to
// the cluster's default user, normally root):
// - new-cluster name=X [share-io-dir=Y] [user=U] [store=mem|disk] [bank]
//     Starts `burrow start-single-node --insecure --store=type=mem (or a temp
//     dir) --external-io-dir=DIR` and makes it current. Y names an existing
//     cluster (CockroachDB's meaning: use its io dir) or, if no cluster has
//     that name, a shared io-dir group: every cluster naming the same Y sees
//     the same `nodelocal://1/` files. Without share-io-dir the cluster gets
//     a fresh io dir. user=U creates U (CREATE USER) and makes it the
//     cluster's default user. `bank` creates CockroachDB's test fixture
//     `data.bank (id INT PRIMARY KEY, balance INT, payload STRING)` (empty),
//     which CockroachDB's runner creates in every cluster that does not share
//     an io dir; Burrow clusters start without it unless asked.
// - switch-cluster name=X
// - reset: stops every cluster and forgets connections and variables.
// - clear-conn-cache: closes cached connections.
// - exec-sql [cluster=X] [user=U] [expect-error-regex=RE] [expect-error-ignore]
//   [ignore-notice] [mask]
//     Runs the input (several statements allowed, simple protocol) on a
//     connection cached per (cluster, user). Output: notices as
//     `NOTICE: msg` (plus DETAIL:/HINT: lines; "waiting for job" notices
//     are dropped), then on error `pq: <message>` plus `DETAIL: ...` and
//     `HINT: ...` lines. expect-error-regex: the error must exist and match
//     RE (tested against both `pq: <message>` and `<message>`), printing
//     `regex matches error`; a missing error or a non-matching one prints
//     what happened instead, so the case fails. expect-error-ignore: an
//     error must happen; prints `ignoring expected error`.
//     Burrow additions: `code` prints `SQLSTATE: <code>` after the error
//     line (or after `regex matches error`); `hint-regex=RE` replaces the
//     HINT line with `HINT: matches RE` when the hint matches (and appends
//     it after `regex matches error`), printing the real hint, or `no HINT`,
//     otherwise, so a hint's presence and gist are checked, not its wording.
// - query-sql [cluster=X] [user=U] [regex=RE] [mask]
//     Rows one a line, columns separated by one space, NULL as `<nil>`,
//     values in the server's text format except bool (`true`/`false`) and
//     bytea (the bytes if valid UTF-8, else lower-case hex) as lib/pq + %v
//     print them. An error prints `pq: <message>` only. regex=RE prints
//     `true` or `false` for whether the output matches RE (unanchored);
//     after an unexpected `false` the runner adds the output it tested
//     (not when rewriting).
//     With several statements the last result set is printed.
// - let $a [$b ...] [cluster=X] [user=U]
//     Runs a query returning one row per variable; each variable is bound to
//     its row's output line. `$a` is replaced in the input of every later
//     directive; as in CockroachDB, it is also replaced in the expected
//     output before comparing (the file keeps `$a`).
// - sleep ms=N
// - cli [cluster=X] [user=U] [mask] [regex=RE] [quiet]
//     Burrow-specific. Each input line is a command line (sh-like quoting)
//     run as `node dist/burrow.mjs <args> --insecure --url <url>` with the
//     per-file temp dir `$TMP` as working directory. Output: stdout then
//     stderr, with the temp dir replaced by `$TMP`, then `exit code: N`
//     when N is non-zero. regex=RE prints `true`/`false` as query-sql does.
//     quiet drops stdout, so an empty expected output asserts success with
//     nothing on stderr.
//
// Regex arguments: a value with spaces is written in parentheses,
// `regex=(a b)` (CockroachDB's list syntax; the whole raw text up to the
// first `)` is the regex, so the regex itself cannot contain `)`). `$var`
// names bound by `let` are substituted in regex arguments too.
// `subtest <name>` / `subtest end` lines (CockroachDB files) are ignored
// and kept as they are on rewrite.
//
// Built-in variable: `$TMP`, a temp directory per file (removed at the end).
//
// Masking (only with the `mask` argument, so every masked case says so):
//   \d{4}/\d{2}/\d{2}-\d{6}\.\d{2}          backup folder    -> <folder>
//   8-4-4-4-12 hex UUIDs                   -> <uuid>
//   \d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(.fraction)(zone) -> <timestamp>
//   decimals with 18+ integer digits (HLC)  -> <hlc>
//   integers of 18+ digits (job ids >= 10^17) -> <id>
// Temp paths are always replaced by `$TMP` in cli output.
//
// Failures: every case runs; mismatches are reported together, each with
// `<file>:<line>`, the input and a line diff (- expected, + actual). A
// server that exits unexpectedly adds its exit status and output tail to
// the next directive's output.

import { AssertionError } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDataDriven, rewriteText, type DataDrivenTestCase } from './datadriven.js';
import { cliPath, freePort } from './server-process.js';

const startTimeoutMs = 20_000;
const queryTimeoutMs = 120_000;
const cliTimeoutMs = 120_000;

interface Cluster {
  name: string;
  port: number;
  child: ChildProcess;
  output: string;
  ioDir: string;
  storeDir: string | undefined;
  defaultUser: string;
  exit: string | null;
  stopping: boolean;
  reportedExit: boolean;
}

interface Conn {
  client: pg.Client;
  notices: string[];
  broken: boolean;
}

interface DbError extends Error {
  detail?: string;
  hint?: string;
  code?: string;
}

export interface BackupDataDrivenResult {
  cases: number;
  failures: number;
  rewritten: boolean;
}

/** The scenario files in a directory: every regular file not starting with `.`, sorted. */
export function listScenarioFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.endsWith('~'))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** Runs one scenario file; throws an AssertionError with diffs on mismatch (unless rewriting). */
export async function runBackupDataDrivenFile(file: string): Promise<BackupDataDrivenResult> {
  const original = fs.readFileSync(file, 'utf8');
  // `subtest` lines have no `----` block: hide them from the parser as comments (same line count).
  const text = original.split('\n').map((l) => (/^subtest(\s|$)/.test(l) ? `#${l}` : l)).join('\n');
  const cases = parseDataDriven(text, file);
  const rewrite = process.env['BURROW_REWRITE'] === '1';
  const lines = text.split('\n');
  const state = new ScenarioState(lines);
  const actuals: string[] = [];
  const mismatches: string[] = [];
  try {
    for (const tc of cases) {
      let actual: string;
      try {
        actual = (await state.run(tc)).replace(/\n+$/, '');
      } catch (err) {
        actual = `runner error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
      }
      const expected = state.substitute(tc.expected);
      if (actual === expected) actual = tc.expected;
      actuals.push(actual);
      if (actual !== tc.expected) mismatches.push(describeMismatch(tc, lines, state.substitute(tc.input), expected, actual));
    }
  } finally {
    await state.close();
  }
  if (rewrite) {
    const origLines = original.split('\n');
    const out = rewriteText(text, cases, actuals).split('\n')
      .map((l) => (l.startsWith('#subtest') && origLines.includes(l.slice(1)) ? l.slice(1) : l)).join('\n');
    if (out !== original) fs.writeFileSync(file, out);
    return { cases: cases.length, failures: 0, rewritten: true };
  }
  if (mismatches.length > 0) {
    throw new AssertionError({
      message: `${mismatches.length} of ${cases.length} backup datadriven cases failed in ${file}\n\n${mismatches.join('\n')}`,
    });
  }
  return { cases: cases.length, failures: 0, rewritten: false };
}

function describeMismatch(tc: DataDrivenTestCase, lines: string[], input: string, expected: string, actual: string): string {
  const directiveLine = lines[Number(tc.pos.slice(tc.pos.lastIndexOf(':') + 1)) - 1] ?? tc.directive;
  return `${tc.pos}: ${directiveLine}\n${indent(input)}\ndiff (- expected, + actual):\n${lineDiff(expected, actual)}\n`;
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

/** A minimal LCS line diff: unchanged lines with two spaces, removed with `- `, added with `+ `. */
export function lineDiff(a: string, b: string): string {
  const x = a === '' ? [] : a.split('\n');
  const y = b === '' ? [] : b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${x[i]}`);
      i++;
    } else {
      out.push(`+ ${y[j]}`);
      j++;
    }
  }
  if (out.length === 0) out.push('  (both empty)');
  return out.join('\n');
}

/** Applies the `mask` argument's replacements (see the header). */
export function maskVolatile(s: string): string {
  return s
    .replace(/\d{4}\/\d{2}\/\d{2}-\d{6}\.\d{2}/g, '<folder>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?( [+-]\d{4})?( UTC)?)?/g, '<timestamp>')
    .replace(/\b\d{18,}\.\d+\b/g, '<hlc>')
    .replace(/\b\d{18,}\b/g, '<id>');
}

/** Splits a command line: whitespace-separated words, '...' and "..." quoting, backslash escapes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        cur += line[j];
      }
      if (j >= line.length) throw new Error(`unterminated " in: ${line}`);
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Text-format values as lib/pq + fmt %v print them for the types that differ from text: bool and bytea. */
function valueParser(oid: number): (v: string) => string {
  if (oid === 16) return (v) => (v === 't' ? 'true' : v === 'f' ? 'false' : v);
  if (oid === 17) {
    return (v) => {
      if (!v.startsWith('\\x')) return v;
      const bytes = Buffer.from(v.slice(2), 'hex');
      const s = bytes.toString('utf8');
      return Buffer.from(s, 'utf8').equals(bytes) ? s : bytes.toString('hex');
    };
  }
  return (v) => v;
}

const rawTypes = { getTypeParser: ((oid: number) => valueParser(oid)) as unknown as pg.CustomTypesConfig['getTypeParser'] };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function formatDbError(err: unknown, withDetail: boolean): string[] {
  const e = err as DbError;
  if (!(e instanceof Error)) return [`error: ${String(err)}`];
  const isServerError = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  if (!isServerError) return [`error: ${e.message}`];
  const out = [`pq: ${e.message}`];
  if (withDetail && e.detail) out.push(`DETAIL: ${e.detail}`);
  if (withDetail && e.hint) out.push(`HINT: ${e.hint}`);
  return out;
}

class ScenarioState {
  private clusters = new Map<string, Cluster>();
  private ioGroups = new Map<string, string>();
  private conns = new Map<string, Conn>();
  private vars = new Map<string, string>();
  private current: string | undefined;
  private readonly tmp: string;
  private readonly tmpReal: string;
  private readonly owned: string[] = [];

  constructor(private readonly fileLines: string[]) {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-dd-tmp-'));
    this.tmpReal = fs.realpathSync(this.tmp);
    this.owned.push(this.tmp);
  }

  /** Replaces `$name` (longest names first) and `$TMP` in s. */
  substitute(s: string): string {
    const names = [...this.vars.keys()].sort((a, b) => b.length - a.length);
    for (const name of names) s = s.split(name).join(this.vars.get(name)!);
    return s.split('$TMP').join(this.tmp);
  }

  async run(tc: DataDrivenTestCase): Promise<string> {
    const input = this.substitute(tc.input);
    switch (tc.directive) {
      case 'new-cluster': return this.newCluster(tc);
      case 'switch-cluster': {
        const name = this.arg(tc, 'name');
        if (!name || !this.clusters.has(name)) return `no cluster named ${name}`;
        this.current = name;
        return '';
      }
      case 'reset':
        await this.stopAll();
        this.vars.clear();
        this.current = undefined;
        return '';
      case 'clear-conn-cache':
        await this.closeConns();
        return '';
      case 'exec-sql': return this.withServerState(() => this.execSql(tc, input));
      case 'query-sql': return this.withServerState(() => this.querySql(tc, input));
      case 'let': return this.withServerState(() => this.let(tc, input));
      case 'sleep': {
        const ms = Number(this.arg(tc, 'ms'));
        if (!Number.isFinite(ms) || ms < 0) return 'sleep needs ms=N';
        await sleep(ms);
        return '';
      }
      case 'cli': return this.withServerState(() => this.cli(tc, input));
      default:
        return `unknown command: ${tc.directive}`;
    }
  }

  /** The raw value of `key=...` on the directive line (parentheses and commas kept), or undefined. */
  private arg(tc: DataDrivenTestCase, key: string): string | undefined {
    const a = tc.args.find((x) => x.key === key);
    if (!a) return undefined;
    const lineNo = Number(tc.pos.slice(tc.pos.lastIndexOf(':') + 1)) - 1;
    const words = this.fileLines[lineNo]?.trim().match(/\S+?=\([^)]*\)|\S+/g) ?? [];
    const word = words.find((w) => w.startsWith(`${key}=`));
    if (word !== undefined) return word.slice(key.length + 1);
    return a.vals.join(',');
  }

  /** A regex argument, with `let` variables substituted. */
  private regexArg(tc: DataDrivenTestCase, key: string): RegExp {
    let src = this.arg(tc, key) ?? '';
    const names = [...this.vars.keys()].sort((a, b) => b.length - a.length);
    for (const name of names) src = src.split(name).join(this.vars.get(name)!);
    return new RegExp(src);
  }

  private regexResult(tc: DataDrivenTestCase, out: string): string {
    if (this.regexArg(tc, 'regex').test(out)) return 'true';
    const diagnose = tc.expected.trim() === 'true' && process.env['BURROW_REWRITE'] !== '1';
    return diagnose ? `false\n(tested output:)\n${out}` : 'false';
  }

  private has(tc: DataDrivenTestCase, key: string): boolean {
    return tc.args.some((x) => x.key === key);
  }

  private clusterFor(tc: DataDrivenTestCase): Cluster {
    const name = this.arg(tc, 'cluster') ?? this.arg(tc, 'server') ?? this.current;
    if (name === undefined) throw new Error('no cluster: use new-cluster first');
    const c = this.clusters.get(name);
    if (!c) throw new Error(`no cluster named ${name}`);
    return c;
  }

  /** Runs body, then appends an unexpected server exit (once) to its output. */
  private async withServerState(body: () => Promise<string>): Promise<string> {
    let out: string;
    try {
      out = await body();
    } catch (err) {
      out = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    const died = [...this.clusters.values()].filter((c) => c.exit !== null && !c.stopping && !c.reportedExit);
    for (const c of died) {
      c.reportedExit = true;
      const tail = c.output.split('\n').slice(-30).join('\n');
      out += `${out ? '\n' : ''}server ${c.name} ${c.exit}; last output:\n${tail}`;
    }
    return out;
  }

  private async newCluster(tc: DataDrivenTestCase): Promise<string> {
    const name = this.arg(tc, 'name');
    if (!name) return 'new-cluster needs name=X';
    if (this.clusters.has(name)) return `cluster ${name} already exists`;
    const share = this.arg(tc, 'share-io-dir');
    let ioDir: string;
    if (share !== undefined && this.clusters.has(share)) {
      ioDir = this.clusters.get(share)!.ioDir;
    } else if (share !== undefined && this.ioGroups.has(share)) {
      ioDir = this.ioGroups.get(share)!;
    } else {
      ioDir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-dd-io-'));
      this.owned.push(ioDir);
      if (share !== undefined) this.ioGroups.set(share, ioDir);
    }
    if (share === undefined) this.ioGroups.set(name, ioDir);
    const storeKind = this.arg(tc, 'store') ?? 'mem';
    let storeDir: string | undefined;
    if (storeKind === 'disk') {
      storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-dd-store-'));
      this.owned.push(storeDir);
    } else if (storeKind !== 'mem') {
      return `store must be mem or disk, not ${storeKind}`;
    }
    // One retry: a start can fail while another build rewrites dist/burrow.mjs.
    let cluster = await this.startServer(name, ioDir, storeDir);
    if (cluster.exit !== null) {
      await sleep(2_000);
      cluster = await this.startServer(name, ioDir, storeDir);
    }
    this.clusters.set(name, cluster);
    this.current = name;
    if (!cluster.output.includes('sql:')) {
      cluster.reportedExit = true;
      return `server ${name} ${cluster.exit ?? 'did not start'}:\n${cluster.output}`;
    }
    const setup: string[] = [];
    const user = this.arg(tc, 'user');
    if (user && user !== 'root') setup.push(`CREATE USER IF NOT EXISTS ${user}`);
    if (this.has(tc, 'bank')) {
      setup.push('CREATE DATABASE data', 'CREATE TABLE data.bank (id INT PRIMARY KEY, balance INT, payload STRING)');
    }
    for (const stmt of setup) {
      try {
        await (await this.conn(cluster, 'root')).client.query(stmt);
      } catch (err) {
        return `setting up ${name}: ${formatDbError(err, true).join('\n')}`;
      }
    }
    if (user) cluster.defaultUser = user;
    return '';
  }

  /** Spawns a server and waits for its `sql:` line, its exit, or the start timeout (then kills it). */
  private async startServer(name: string, ioDir: string, storeDir: string | undefined): Promise<Cluster> {
    const port = await freePort();
    const httpPort = await freePort();
    const child = spawn(process.execPath, [
      cliPath, 'start-single-node', '--insecure', `--store=${storeDir ?? 'type=mem'}`,
      `--listen-addr=127.0.0.1:${port}`, `--http-addr=127.0.0.1:${httpPort}`, `--external-io-dir=${ioDir}`,
      // Disk stores export every table in two parallel parts (by default only 64 MiB tables on 3+ cores), so every disk scenario covers the split.
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BURROW_TESTING_EXPORT_PARTS: '2' } });
    const cluster: Cluster = {
      name, port, child, output: '', ioDir, storeDir, defaultUser: 'root', exit: null, stopping: false, reportedExit: false,
    };
    child.stdout!.on('data', (d: Buffer) => (cluster.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (cluster.output += d.toString()));
    child.on('exit', (code, signal) => (cluster.exit = signal ? `killed by ${signal}` : `exited with code ${code}`));
    const t0 = Date.now();
    while (!cluster.output.includes('sql:') && cluster.exit === null) {
      if (Date.now() - t0 > startTimeoutMs) {
        cluster.output += `\n(no "sql:" line in ${startTimeoutMs} ms)`;
        await stopCluster(cluster);
        break;
      }
      await sleep(20);
    }
    return cluster;
  }

  private url(c: Cluster, user: string): string {
    return `postgresql://${encodeURIComponent(user)}@127.0.0.1:${c.port}/defaultdb?sslmode=disable`;
  }

  private async conn(c: Cluster, user: string): Promise<Conn> {
    const key = `${c.name}\u0000${user}`;
    const cached = this.conns.get(key);
    if (cached && !cached.broken) return cached;
    if (cached) {
      this.conns.delete(key);
      await cached.client.end().catch(() => undefined);
    }
    const client = new pg.Client({ connectionString: this.url(c, user), types: rawTypes, query_timeout: queryTimeoutMs });
    const conn: Conn = { client, notices: [], broken: false };
    client.on('notice', (n) => {
      if ((n.message ?? '').startsWith('waiting for job')) return;
      conn.notices.push(`${n.severity ?? 'NOTICE'}: ${n.message}`);
      if (n.detail) conn.notices.push(`DETAIL: ${n.detail}`);
      if (n.hint) conn.notices.push(`HINT: ${n.hint}`);
    });
    client.on('error', () => (conn.broken = true));
    client.on('end', () => (conn.broken = true));
    await client.connect();
    this.conns.set(key, conn);
    return conn;
  }

  private userFor(tc: DataDrivenTestCase, c: Cluster): string {
    return this.arg(tc, 'user') ?? c.defaultUser;
  }

  /** Runs sql; returns the result sets (array form) or the error. */
  private async query(conn: Conn, sql: string): Promise<{ results: pg.QueryArrayResult[]; error: unknown }> {
    try {
      const r = (await conn.client.query({ text: sql, rowMode: 'array' })) as unknown as pg.QueryArrayResult | pg.QueryArrayResult[];
      return { results: Array.isArray(r) ? r : [r], error: undefined };
    } catch (err) {
      const e = err as DbError;
      if (!(typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))) conn.broken = true;
      return { results: [], error: err };
    }
  }

  private async execSql(tc: DataDrivenTestCase, input: string): Promise<string> {
    const c = this.clusterFor(tc);
    const conn = await this.conn(c, this.userFor(tc, c));
    conn.notices = [];
    const { error } = await this.query(conn, input);
    const out = this.has(tc, 'ignore-notice') ? [] : [...conn.notices];
    const e = error as DbError | undefined;
    const codeLine = e && this.has(tc, 'code') ? [`SQLSTATE: ${e.code ?? '(none)'}`] : [];
    let hintLine: string | undefined;
    if (e && this.has(tc, 'hint-regex')) {
      const re = this.regexArg(tc, 'hint-regex');
      hintLine = !e.hint ? 'no HINT' : re.test(e.hint) ? `HINT: matches ${this.arg(tc, 'hint-regex')}` : `HINT: ${e.hint}`;
    }
    if (this.has(tc, 'expect-error-ignore')) {
      out.push(error === undefined ? 'expected an error, but the statement succeeded' : 'ignoring expected error');
    } else if (this.has(tc, 'expect-error-regex')) {
      const re = this.arg(tc, 'expect-error-regex')!;
      if (error === undefined) {
        out.push(`expected an error matching ${re}, but the statement succeeded`);
      } else {
        const msg = (error as Error).message ?? String(error);
        const pattern = this.regexArg(tc, 'expect-error-regex');
        if (pattern.test(`pq: ${msg}`) || pattern.test(msg)) out.push('regex matches error', ...codeLine);
        else out.push(`regex ${re} does not match error:`, ...formatDbError(error, true), ...codeLine);
        if (hintLine !== undefined) out.push(hintLine);
      }
    } else if (error !== undefined) {
      const lines = formatDbError(error, true);
      lines.splice(1, 0, ...codeLine);
      if (hintLine !== undefined) {
        const at = lines.findIndex((l) => l.startsWith('HINT: '));
        if (at >= 0) lines[at] = hintLine;
        else lines.push(hintLine);
      }
      out.push(...lines);
    }
    const text = out.join('\n');
    return this.has(tc, 'mask') ? maskVolatile(text) : text;
  }

  private rowsText(results: pg.QueryArrayResult[]): string {
    const withRows = results.filter((r) => Array.isArray(r.fields) && r.fields.length > 0);
    const r = withRows.length > 0 ? withRows[withRows.length - 1]! : undefined;
    if (!r) return '';
    return r.rows.map((row) => row.map((v) => (v === null || v === undefined ? '<nil>' : String(v))).join(' ')).join('\n');
  }

  private async querySql(tc: DataDrivenTestCase, input: string): Promise<string> {
    const c = this.clusterFor(tc);
    const conn = await this.conn(c, this.userFor(tc, c));
    const { results, error } = await this.query(conn, input);
    if (error !== undefined) return formatDbError(error, false).join('\n');
    let out = this.rowsText(results);
    if (this.has(tc, 'mask')) out = maskVolatile(out);
    if (this.has(tc, 'regex')) return this.regexResult(tc, out);
    return out;
  }

  private async let(tc: DataDrivenTestCase, input: string): Promise<string> {
    const names = tc.args.map((a) => a.key).filter((k) => k.startsWith('$'));
    if (names.length === 0) return 'let needs at least one $variable';
    if (names.includes('$TMP')) return '$TMP is reserved';
    const c = this.clusterFor(tc);
    const conn = await this.conn(c, this.userFor(tc, c));
    const { results, error } = await this.query(conn, input);
    if (error !== undefined) return formatDbError(error, false).join('\n');
    const text = this.rowsText(results).trim();
    const values = text === '' ? [] : text.split('\n');
    if (values.length !== names.length) return `let: expected ${names.length} row(s), found ${values.length}:\n${text}`;
    names.forEach((n, i) => this.vars.set(n, values[i]!));
    return '';
  }

  private async cli(tc: DataDrivenTestCase, input: string): Promise<string> {
    const c = this.clusterFor(tc);
    const user = this.userFor(tc, c);
    const outputs: string[] = [];
    for (const line of input.split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const args = splitCommandLine(line);
      const r = await this.spawnCli([...args, '--insecure', '--url', this.url(c, user)]);
      let out = (this.has(tc, 'quiet') ? '' : r.stdout) + r.stderr;
      out = out.split(this.tmpReal).join('$TMP').split(this.tmp).join('$TMP').replace(/\n+$/, '');
      if (r.code !== 0) out += `${out ? '\n' : ''}exit code: ${r.code}`;
      if (out !== '') outputs.push(out);
    }
    let text = outputs.join('\n');
    if (this.has(tc, 'mask')) text = maskVolatile(text);
    if (this.has(tc, 'regex')) return this.regexResult(tc, text);
    return text;
  }

  private spawnCli(args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, ...args], { cwd: this.tmp, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`burrow ${args.join(' ')} did not exit in ${cliTimeoutMs} ms:\n${stdout}${stderr}`));
      }, cliTimeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? `signal ${signal}`, stdout, stderr });
      });
    });
  }

  private async closeConns(): Promise<void> {
    const conns = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(conns.map((c) => c.client.end().catch(() => undefined)));
  }

  private async stopAll(): Promise<void> {
    await this.closeConns();
    const clusters = [...this.clusters.values()];
    this.clusters.clear();
    this.ioGroups.clear();
    await Promise.all(clusters.map((c) => stopCluster(c)));
  }

  async close(): Promise<void> {
    await this.stopAll();
    for (const dir of this.owned) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function stopCluster(c: Cluster): Promise<void> {
  c.stopping = true;
  if (c.exit !== null) return;
  const exited = new Promise<void>((resolve) => c.child.once('exit', () => resolve()));
  c.child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!killed) {
    c.child.kill('SIGKILL');
    await exited;
  }
}
