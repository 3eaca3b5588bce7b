// `burrow userfile upload|list|get|delete` end to end: the built CLI against
// a spawned server on a disk store. Output lines are CockroachDB's; files
// round-trip byte for byte across the 4 MiB chunk boundaries; a killed
// upload leaves nothing under the destination name and a retry succeeds.
// A 1 GiB upload/get/delete checks the CLI's and the server's memory stay
// bounded (BURROW_SKIP_BIG_TESTS=1 skips it).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath, startServerProcess, type ServerProcess } from '../support/server-process.js';

const MiB = 1024 * 1024;
const chunk = 4 * MiB;

let server: ServerProcess;
let storeDir: string;
let work: string;
let sqlClient: pg.Client;

before(async () => {
  storeDir = tempDir('burrow-userfile-store-');
  work = tempDir('burrow-userfile-work-');
  server = await startServerProcess(storeDir);
  sqlClient = new pg.Client({ connectionString: server.url });
  await sqlClient.connect();
});

after(async () => {
  await sqlClient?.end().catch(() => undefined);
  await server?.stop();
  removeDir(storeDir);
  removeDir(work);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'userfile', ...args, '--url', server.url], { cwd: opts.cwd ?? work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`burrow userfile ${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `burrow userfile ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing on stderr when it is not a terminal');
  return r.stdout;
}

/** Runs independent commands a few at a time (each CLI process start costs a few hundred ms); outputs in order. */
async function okAll(runs: { args: string[]; cwd?: string }[], concurrency = 4): Promise<string[]> {
  const out: string[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      out[i] = await ok(runs[i]!.args, { cwd: runs[i]!.cwd });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Random bytes with the bytes COPY text escaping and C strings care about at the front. */
function randomContent(size: number): Buffer {
  const b = crypto.randomBytes(size);
  const special = [0x0a, 0x5c, 0x00, 0xff, 0x0d, 0x09];
  for (let i = 0; i < Math.min(size, 64); i++) b[i] = special[i % special.length]!;
  return b;
}

function localFile(name: string, content: Buffer | string): string {
  const p = path.join(work, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

const root = 'userfile://defaultdb.public.userfiles_root';

test('upload to every destination form prints the canonical URI; list shows each storage', { timeout: 60_000 }, async () => {
  const src = localFile('test-data.csv', 'a,b\n1,2\n');
  assert.equal(await ok(['upload', src]), `successfully uploaded to ${root}/test-data.csv\n`);
  const forms: [string, string][] = [
    ['/forms/leading-slash.csv', `${root}/forms/leading-slash.csv`],
    ['forms/plain.csv', `${root}/forms/plain.csv`],
    ['userfile:///forms/empty-host.csv', `${root}/forms/empty-host.csv`],
    ['userfile://defaultdb.public.userfiles_$user/forms/dollar-user.csv', `${root}/forms/dollar-user.csv`],
  ];
  const outs = await okAll(forms.map(([dest]) => ({ args: ['upload', src, dest] })));
  assert.deepEqual(outs, forms.map(([, uri]) => `successfully uploaded to ${uri}\n`));
  await sqlClient.query('CREATE DATABASE IF NOT EXISTS otherdb');
  await sqlClient.query('CREATE SCHEMA IF NOT EXISTS otherdb.sch');
  assert.equal(await ok(['upload', src, 'userfile://otherdb.sch.myfiles/q/full.csv']), 'successfully uploaded to userfile://otherdb.sch.myfiles/q/full.csv\n');
  assert.equal(await ok(['upload', src, 'userfile://otherdb.two/two-part.csv']), 'successfully uploaded to userfile://otherdb.public.two/two-part.csv\n');

  assert.equal(await ok(['list', 'forms']), [
    `${root}/forms/dollar-user.csv`, `${root}/forms/empty-host.csv`, `${root}/forms/leading-slash.csv`, `${root}/forms/plain.csv`, '',
  ].join('\n'));
  assert.equal(await ok(['ls', 'userfile://otherdb.sch.myfiles/']), 'userfile://otherdb.sch.myfiles/q/full.csv\n');
  assert.equal(await ok(['list', 'userfile://otherdb.sch.myfiles/q/*.csv']), 'userfile://otherdb.sch.myfiles/q/full.csv\n');
  assert.equal(await ok(['list', 'userfile://otherdb.public.two']), 'userfile://otherdb.public.two/two-part.csv\n');
  // The tables are CockroachDB's, with names stored with a leading '/'.
  const r = await sqlClient.query('SELECT filename, file_size FROM otherdb.sch.myfiles_upload_files');
  assert.deepEqual(r.rows, [{ filename: '/q/full.csv', file_size: '8' }]);
  // A storage with no tables yet lists nothing.
  assert.equal(await ok(['list', 'userfile://defaultdb.public.nothing_here/']), '');
});

test('files of 0, 1, 4 MiB - 1, 4 MiB, 4 MiB + 1 and 20 MiB bytes round-trip byte for byte', { timeout: 120_000 }, async () => {
  const sizes = [0, 1, chunk - 1, chunk, chunk + 1, 5 * chunk];
  const contents = new Map<number, Buffer>();
  for (const size of sizes) contents.set(size, randomContent(size));
  const ups = await okAll(sizes.map((size) => ({ args: ['upload', localFile(`sizes/src-${size}.bin`, contents.get(size)!), `sizes/f-${size}.bin`] })), 3);
  assert.deepEqual(ups, sizes.map((size) => `successfully uploaded to ${root}/sizes/f-${size}.bin\n`));
  const meta = await sqlClient.query(
    `SELECT f.filename, f.file_size, count(p.byte_offset) AS chunks, coalesce(max(p.byte_offset), -1) AS last
       FROM userfiles_root_upload_files f LEFT JOIN userfiles_root_upload_payload p ON p.file_id = f.file_id
      WHERE f.filename LIKE '/sizes/%' GROUP BY f.filename, f.file_size ORDER BY f.file_size`,
  );
  assert.deepEqual(
    meta.rows.map((r) => [r.filename, Number(r.file_size), Number(r.chunks), Number(r.last)]),
    sizes.map((s) => [`/sizes/f-${s}.bin`, s, Math.ceil(s / chunk), s === 0 ? -1 : (Math.ceil(s / chunk) - 1) * chunk]),
  );
  const out = path.join(work, 'sizes-out');
  fs.mkdirSync(out);
  const gets = await okAll(sizes.map((size) => ({ args: ['get', `sizes/f-${size}.bin`], cwd: out })), 3);
  assert.deepEqual(gets, sizes.map((size) => `downloaded sizes/f-${size}.bin to f-${size}.bin (${humanSize(size)})\n`));
  for (const size of sizes) {
    const got = fs.readFileSync(path.join(out, `f-${size}.bin`));
    assert.equal(got.length, size);
    assert.ok(got.equals(contents.get(size)!), `content of ${size} bytes differs`);
  }
  assert.deepEqual(fs.readdirSync(out).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
});

function humanSize(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n / 1024;
  const units = ['KiB', 'MiB', 'GiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

test('errors: existing destination, normalization, no match, never overwriting, missing source', { timeout: 60_000 }, async () => {
  const src = localFile('exists.csv', 'x\n');
  await ok(['upload', src, 'err/exists.csv']);
  // Independent failures, run together.
  const [dup, dupUri, dotdot, doubleSlash, noMatch, noTables, noSource, badPattern] = await Promise.all([
    cli(['upload', src, 'err/exists.csv']),
    cli(['upload', src, 'userfile:///err/exists.csv']),
    cli(['upload', src, 'err/../x.csv']),
    cli(['upload', src, 'userfile:///err//x.csv']),
    cli(['get', 'err/nothing*.csv']),
    cli(['get', 'userfile://defaultdb.public.no_tables/x']),
    cli(['upload', path.join(work, 'does-not-exist.csv')]),
    cli(['list', 'err/[']),
  ]);
  for (const r of [dup, dupUri, dotdot, doubleSlash, noMatch, noTables, noSource, badPattern]) {
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
  }
  assert.equal(dup.stderr, 'ERROR: destination file already exists for /err/exists.csv\n');
  assert.equal(dupUri.stderr, 'ERROR: destination file already exists for /err/exists.csv\n');
  assert.match(dotdot.stderr, /^ERROR: path \/err\/\.\.\/x\.csv changes after normalization to \/x\.csv\. userfile upload does not permit such path constructs\n/);
  assert.match(doubleSlash.stderr, /^ERROR: path \/err\/\/x\.csv changes after normalization to \/err\/x\.csv\./);
  assert.equal(noMatch.stderr, 'ERROR: no files matched requested path or path pattern\n');
  assert.equal(noTables.stderr, 'ERROR: no files matched requested path or path pattern\n');
  assert.match(noSource.stderr, /^ERROR: open .*does-not-exist\.csv: no such file or directory\n/);
  assert.equal(badPattern.stderr, 'ERROR: syntax error in pattern\n');
  assert.equal(await ok(['list', 'x.csv']), '', 'nothing was uploaded');

  const keep = localFile('keep/exists.csv', 'keep me');
  let r = await cli(['get', 'err/exists.csv'], { cwd: path.dirname(keep) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^ERROR: .*exists\.csv.*file exists/);
  r = await cli(['get', 'err/exists.csv', keep]);
  assert.equal(r.code, 1);
  assert.equal(fs.readFileSync(keep, 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(path.dirname(keep)), ['exists.csv'], 'no temp file left behind');
  // Into an existing directory: its base name there.
  fs.mkdirSync(path.join(work, 'into'));
  assert.equal(await ok(['get', 'err/exists.csv', path.join(work, 'into')]), `downloaded err/exists.csv to ${path.join(work, 'into', 'exists.csv')} (2 B)\n`);
  assert.equal(fs.readFileSync(path.join(work, 'into', 'exists.csv'), 'utf8'), 'x\n');
  // To a new name.
  await ok(['get', 'userfile:///err/exists.csv', path.join(work, 'into', 'renamed.csv')]);
  assert.equal(fs.readFileSync(path.join(work, 'into', 'renamed.csv'), 'utf8'), 'x\n');
});

test('recursive upload of a tree, then get of several matches keeps relative paths', { timeout: 60_000 }, async () => {
  const tree = path.join(work, 'tree');
  localFile('tree/a.txt', 'A');
  localFile('tree/sub/b.txt', 'BB');
  localFile('tree/sub/deeper/c.csv', 'CCC');
  localFile('tree/sub/e.txt', 'EEEE');
  const lines = (dest: string) => [
    'uploading: a.txt',
    `successfully uploaded to ${root}/${dest}/a.txt`,
    'uploading: sub/b.txt',
    `successfully uploaded to ${root}/${dest}/sub/b.txt`,
    'uploading: sub/deeper/c.csv',
    `successfully uploaded to ${root}/${dest}/sub/deeper/c.csv`,
    'uploading: sub/e.txt',
    `successfully uploaded to ${root}/${dest}/sub/e.txt`,
    'successfully uploaded all files in the subtree rooted at tree',
    '',
  ].join('\n');
  // Without a trailing '/', the directory itself goes under the destination (rsync).
  assert.equal(await ok(['upload', '-r', tree, 'up']), lines('up/tree'));
  // With one, its contents go directly under the destination.
  assert.equal(await ok(['upload', '--recursive', tree + '/', 'userfile:///flat']), lines('flat'));
  // No destination: the directory's name.
  assert.equal(await ok(['upload', '-r', 'tree'], { cwd: work }), lines('tree'));
  // Stops at the first error.
  const r = await cli(['upload', '-r', tree, 'up']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'uploading: a.txt\n');
  assert.equal(r.stderr, 'ERROR: destination file already exists for /up/tree/a.txt\n');

  // A directory-like prefix: every file under it, paths kept relative to its parent.
  const dest1 = path.join(work, 'got1');
  const out1 = await ok(['get', 'up/tree', dest1]);
  assert.equal(out1.split('\n')[0], `downloaded up/tree/a.txt to ${path.join(dest1, 'tree', 'a.txt')} (1 B)`);
  assert.equal(fs.readFileSync(path.join(dest1, 'tree', 'a.txt'), 'utf8'), 'A');
  assert.equal(fs.readFileSync(path.join(dest1, 'tree', 'sub', 'b.txt'), 'utf8'), 'BB');
  assert.equal(fs.readFileSync(path.join(dest1, 'tree', 'sub', 'deeper', 'c.csv'), 'utf8'), 'CCC');
  assert.equal(fs.readFileSync(path.join(dest1, 'tree', 'sub', 'e.txt'), 'utf8'), 'EEEE');
  // A glob: paths relative to the directory before the first wildcard, into the current directory.
  const dest2 = path.join(work, 'got2');
  fs.mkdirSync(dest2);
  assert.equal(await ok(['get', 'flat/*/*.txt'], { cwd: dest2 }), [
    `downloaded flat/sub/b.txt to ${path.join('sub', 'b.txt')} (2 B)`,
    `downloaded flat/sub/e.txt to ${path.join('sub', 'e.txt')} (4 B)`,
    '',
  ].join('\n'));
  assert.equal(fs.readFileSync(path.join(dest2, 'sub', 'e.txt'), 'utf8'), 'EEEE');
  assert.equal(await ok(['get', 'userfile:///flat/sub/*.txt', path.join(work, 'got3')]), [
    `downloaded flat/sub/b.txt to ${path.join(work, 'got3', 'b.txt')} (2 B)`,
    `downloaded flat/sub/e.txt to ${path.join(work, 'got3', 'e.txt')} (4 B)`,
    '',
  ].join('\n'));
  // One match goes to its base name, or to the destination name.
  assert.equal(await ok(['get', 'flat/sub/*/*.csv'], { cwd: dest2 }), 'downloaded flat/sub/deeper/c.csv to c.csv (3 B)\n');
  assert.equal(await ok(['get', 'flat/*', path.join(dest2, 'top')]), `downloaded flat/a.txt to ${path.join(dest2, 'top')} (1 B)\n`);
  assert.equal(fs.readFileSync(path.join(dest2, 'top'), 'utf8'), 'A');
  // '*' does not cross '/'.
  const none = await cli(['get', 'up/tree/s*', path.join(work, 'got5')]);
  assert.equal(none.stderr, 'ERROR: no files matched requested path or path pattern\n');
  // Several matches where one local file exists: the files before it are written, then an error.
  const dest6 = path.join(work, 'got6');
  localFile('got6/sub/e.txt', 'mine');
  const partial = await cli(['get', 'flat/*/*.txt', dest6]);
  assert.equal(partial.code, 1);
  assert.equal(fs.readFileSync(path.join(dest6, 'sub', 'b.txt'), 'utf8'), 'BB');
  assert.equal(fs.readFileSync(path.join(dest6, 'sub', 'e.txt'), 'utf8'), 'mine');
});

test('list patterns', { timeout: 60_000 }, async () => {
  const src = localFile('l.csv', 'l');
  const names = ['lst/a.csv', 'lst/b.csv', 'lst/c.txt', 'lst/1/numbers/n1.csv', 'lst/2/numbers/n2.csv', 'lst/2/words/w.csv', 'lst/star*.csv', 'lst/ünï.csv'];
  await okAll(names.map((p) => ({ args: ['upload', src, p] })));
  const u = (...ps: string[]) => ps.map((p) => `${root}/lst/${p}\n`).join('');
  const cases: [string, string][] = [
    ['lst', u('1/numbers/n1.csv', '2/numbers/n2.csv', '2/words/w.csv', 'a.csv', 'b.csv', 'c.txt', 'star*.csv', 'ünï.csv')],
    ['lst/', u('1/numbers/n1.csv', '2/numbers/n2.csv', '2/words/w.csv', 'a.csv', 'b.csv', 'c.txt', 'star*.csv', 'ünï.csv')],
    ['lst/*.csv', u('a.csv', 'b.csv', 'star*.csv', 'ünï.csv')],
    ['lst/*/numbers/*.csv', u('1/numbers/n1.csv', '2/numbers/n2.csv')],
    ['lst/[a-b].csv', u('a.csv', 'b.csv')],
    ['lst/[^a-b].*', u('c.txt')],
    ['lst/star\\*.csv', u('star*.csv')],
    ['lst/?.txt', u('c.txt')],
    ['lst/ün?.csv', u('ünï.csv')],
    ['userfile:///lst/2/*/*', u('2/numbers/n2.csv', '2/words/w.csv')],
    ['userfile://defaultdb.public.userfiles_root/lst/*/words', ''],
  ];
  const outs = await okAll(cases.map(([pattern]) => ({ args: ['list', pattern] })));
  for (let i = 0; i < cases.length; i++) assert.equal(outs[i], cases[i]![1], `list ${cases[i]![0]}`);
  const all = (await ok(['list'])).split('\n').filter(Boolean);
  assert.ok(all.includes(`${root}/lst/a.csv`) && all.includes(`${root}/test-data.csv`));
  assert.deepEqual(all, [...all].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), 'sorted');
});

test('delete by prefix and by pattern', { timeout: 60_000 }, async () => {
  const big = localFile('d.bin', randomContent(chunk + 10));
  const small = localFile('d.csv', 'd');
  await okAll([
    ...['bank-backup', 'bank-backup/x', 'bank-backup/y/z'].map((p) => ({ args: ['upload', big, p] })),
    ...['bank-backup2/q', 'del/a.csv', 'del/b.csv', 'del/c.txt'].map((p) => ({ args: ['upload', small, p] })),
  ]);
  const before = Number((await sqlClient.query('SELECT count(*) AS n FROM userfiles_root_upload_payload')).rows[0].n);
  assert.equal(await ok(['delete', 'bank-backup']), [`deleted ${root}/bank-backup`, `deleted ${root}/bank-backup/x`, `deleted ${root}/bank-backup/y/z`, ''].join('\n'));
  assert.equal(await ok(['list', 'bank-backup2']), `${root}/bank-backup2/q\n`);
  const afterRows = Number((await sqlClient.query('SELECT count(*) AS n FROM userfiles_root_upload_payload')).rows[0].n);
  assert.equal(before - afterRows, 3 * 2, 'payload rows of the deleted files are gone');
  assert.equal(await ok(['rm', 'userfile:///del/*.csv']), `deleted ${root}/del/a.csv\ndeleted ${root}/del/b.csv\n`);
  assert.equal(await ok(['list', 'del']), `${root}/del/c.txt\n`);
  assert.equal(await ok(['delete', 'del/nothing']), '');
});

/** Bytes of the destination's `.tmp` file the server has committed so far. */
async function tmpSize(name: string): Promise<number> {
  const r = await sqlClient.query('SELECT file_size FROM userfiles_root_upload_files WHERE filename = $1', [name]);
  return r.rows.length ? Number(r.rows[0].file_size) : 0;
}

test('kill -9 in the middle of a 100 MiB upload leaves no file under the destination; a retry succeeds', { timeout: 120_000 }, async () => {
  const content = randomContent(100 * MiB);
  const src = localFile('big.bin', content);
  const child = spawn(process.execPath, [cliPath, 'userfile', 'upload', src, 'kill/big.bin', '--url', server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let landed = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    landed = await tmpSize('/kill/big.bin.tmp');
    if (landed >= 2 * chunk) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(landed >= 2 * chunk, `the first chunks landed before the kill (${landed} bytes; ${stderr})`);
  child.kill('SIGKILL');
  await exited;
  assert.equal(await ok(['list', 'kill/big.bin']), '', 'nothing under the destination name');
  const rows = await sqlClient.query("SELECT filename FROM userfiles_root_upload_files WHERE filename = '/kill/big.bin'");
  assert.equal(rows.rows.length, 0);

  assert.equal(await ok(['upload', src, 'kill/big.bin'], { timeoutMs: 60_000 }), `successfully uploaded to ${root}/kill/big.bin\n`);
  assert.equal(await ok(['list', 'kill']), `${root}/kill/big.bin\n`, 'the stale .tmp is gone');
  const out = path.join(work, 'kill-out');
  fs.mkdirSync(out);
  await ok(['get', 'kill/big.bin'], { cwd: out, timeoutMs: 60_000 });
  const got = fs.readFileSync(path.join(out, 'big.bin'));
  assert.ok(got.equals(content), 'the retried upload is byte-identical');
});

/** Peak resident memory of a child process, sampled from /proc while it runs (0 where /proc is missing). */
/** Samples a process's resident memory: VmRSS, or RssAnon (heap and buffers, not LMDB's mapped file pages) with anon. */
function sampleRss(pid: number, into: { peak: number }, field: 'VmRSS' | 'RssAnon' = 'VmRSS'): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) into.peak = Math.max(into.peak, Number(m[1]) * 1024);
    } catch {
      // exited
    }
  }, 20);
}

async function runMeasured(args: string[], cwd: string): Promise<{ run: Run; peakRss: number; serverPeakAnon: number; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cliPath, 'userfile', ...args, '--url', server.url], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const peak = { peak: 0 };
  const serverPeak = { peak: 0 };
  const timer = sampleRss(child.pid!, peak);
  const serverTimer = sampleRss(server.child.pid!, serverPeak, 'RssAnon');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  clearInterval(serverTimer);
  return { run: { code, stdout, stderr }, peakRss: peak.peak, serverPeakAnon: serverPeak.peak, ms: performance.now() - t0 };
}

test('a 1 GiB upload, get and delete keep the CLI and server memory bounded', { skip: process.env.BURROW_SKIP_BIG_TESTS === '1' && 'BURROW_SKIP_BIG_TESTS=1', timeout: 600_000 }, async () => {
  const dir = tempDir('burrow-userfile-big-');
  try {
    const src = path.join(dir, 'gig.bin');
    const hash = crypto.createHash('sha256');
    const fd = fs.openSync(src, 'w');
    for (let i = 0; i < 1024; i++) {
      const b = crypto.randomBytes(MiB);
      hash.update(b);
      fs.writeSync(fd, b);
    }
    fs.closeSync(fd);
    const digest = hash.digest('hex');
    const up = await runMeasured(['upload', src, 'big/gig.bin'], dir);
    assert.equal(up.run.code, 0, up.run.stderr);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const get = await runMeasured(['get', 'big/gig.bin'], out);
    assert.equal(get.run.code, 0, get.run.stderr);
    const h2 = crypto.createHash('sha256');
    for await (const b of fs.createReadStream(path.join(out, 'gig.bin'))) h2.update(b as Buffer);
    assert.equal(h2.digest('hex'), digest);
    // A second file first, so the delete below must find its own chunks among another file's.
    const other = await runMeasured(['upload', src, 'big/other.bin'], dir);
    assert.equal(other.run.code, 0, other.run.stderr);
    const del = await runMeasured(['delete', 'big/gig.bin'], dir);
    assert.equal(del.run.code, 0, del.run.stderr);
    assert.match(del.run.stdout, /^deleted userfile:\/\/defaultdb\.public\.userfiles_root\/big\/gig\.bin$/m);
    const mb = (n: number) => (n / MiB).toFixed(0);
    console.log(
      `1 GiB: upload ${(up.ms / 1000).toFixed(1)} s, peak RSS ${mb(up.peakRss)} MiB (server anon ${mb(up.serverPeakAnon)} MiB); ` +
        `get ${(get.ms / 1000).toFixed(1)} s, peak RSS ${mb(get.peakRss)} MiB (server anon ${mb(get.serverPeakAnon)} MiB); ` +
        `second upload server anon ${mb(other.serverPeakAnon)} MiB; delete ${(del.ms / 1000).toFixed(1)} s (server anon ${mb(del.serverPeakAnon)} MiB)`,
    );
    // Bounded: a small fraction of the file's size. The CLI reads into a fixed socket buffer and three
    // reused 4 MiB chunk buffers (~75 MB measured, Node itself ~45 MB).
    if (up.peakRss > 0) assert.ok(up.peakRss < 160 * MiB, `upload peak RSS ${up.peakRss}`);
    if (get.peakRss > 0) assert.ok(get.peakRss < 160 * MiB, `get peak RSS ${get.peakRss}`);
    // The server's heap and buffers (not LMDB's mapped file pages): 115-160 MiB measured. Before
    // session 4 a GC page held 2 GiB of chunks, a scan page up to 1024 of them, and a delete read
    // every other file's chunks and copied each of its own into a version key: 1-5 GiB.
    for (const [what, v] of [['upload', up.serverPeakAnon], ['get', get.serverPeakAnon], ['second upload', other.serverPeakAnon], ['delete', del.serverPeakAnon]] as const) {
      if (v > 0) assert.ok(v < 384 * MiB, `server anonymous memory during ${what}: ${mb(v)} MiB`);
    }
  } finally {
    removeDir(dir);
  }
});
