// `burrow start-single-node` end to end through the built CLI: --background
// returns once the server accepts connections (exit 0, the usual startup lines
// plus its log file), leaves a detached server whose PID is in the store's
// LOCK file (and in --pid-file), which answers queries and stops cleanly on
// SIGTERM (log says so, LOCK released); a second server on the same store
// fails, in the foreground or the background, naming the store and the PID.
// An in-memory store in the background discards the server's output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cliPath, freePort } from '../support/server-process.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (a --background start returns once the server is ready). */
function burrow(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`burrow ${args.join(' ')} did not exit in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Alive and not a zombie (an orphaned server is reaped by whoever adopted it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!running(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !running(pid);
}

async function startArgs(store: string): Promise<string[]> {
  return ['start-single-node', '--insecure', `--store=${store}`, `--listen-addr=127.0.0.1:${await freePort()}`, '--http-addr=127.0.0.1:0'];
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

test('start-single-node --background: a detached server, ready on return, stopped by its PID', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-start-'));
  const store = path.join(dir, 'store');
  const pidFile = path.join(dir, 'burrow.pid');
  let pid = 0;
  try {
    const r = await burrow([...(await startArgs(store)), '--background', `--pid-file=${pidFile}`]);
    assert.equal(r.code, 0, r.stderr);
    const url = /^sql:\s+(postgresql:\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(url, r.stdout);
    assert.match(r.stdout, /^\* WARNING: ALL SECURITY CONTROLS HAVE BEEN DISABLED!$/m);
    const logFile = path.join(store, 'logs', 'burrow.log');
    assert.match(r.stdout, new RegExp(`^logs:\\s+${logFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(r.stdout, /^nodeID:\s+1$/m);

    pid = Number(fs.readFileSync(path.join(store, 'LOCK'), 'utf8').trim());
    assert.ok(pid > 0 && running(pid), `LOCK names a running server (${pid})`);
    assert.equal(fs.readFileSync(pidFile, 'utf8'), `${pid}\n`);

    // Ready on return: the first connection succeeds without retrying.
    assert.deepEqual(await query(url, 'SELECT 1 + 1 AS two'), [{ two: '2' }]); // INT8: a string in node-postgres
    await query(url, 'CREATE TABLE t (k INT PRIMARY KEY, v STRING)');
    await query(url, "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    assert.deepEqual(await query(url, 'SELECT v FROM t ORDER BY k'), [{ v: 'one' }, { v: 'two' }]);

    // The same store cannot be opened twice: a clear error, in the foreground and in the background.
    const message = new RegExp(`ERROR: store directory ${store.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is already in use by another Burrow process \\(pid ${pid}\\)`);
    const second = await burrow(await startArgs(store));
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stderr, message);
    const secondBg = await burrow([...(await startArgs(store)), '--background']);
    assert.equal(secondBg.code, 1, secondBg.stdout);
    assert.match(secondBg.stderr, message);
    assert.equal(secondBg.stdout, '');
    assert.ok(running(pid), 'the first server is untouched');
    assert.deepEqual(await query(url, 'SELECT count(*) AS n FROM t'), [{ n: '2' }]);

    // Stop it by its PID: a graceful shutdown, the store released.
    process.kill(pid, 'SIGTERM');
    assert.ok(await waitGone(pid, 20_000), `server ${pid} did not exit after SIGTERM`);
    pid = 0;
    const log = fs.readFileSync(logFile, 'utf8');
    assert.match(log, /^sql:\s+postgresql:/m);
    assert.match(log, /initiating graceful shutdown of server\nserver drained and shutdown completed\n/);
    assert.ok(!fs.existsSync(path.join(store, 'LOCK')), 'LOCK released');

    // The data survived, and the store opens again.
    const again = await burrow([...(await startArgs(store)), '--background']);
    assert.equal(again.code, 0, again.stderr);
    pid = Number(fs.readFileSync(path.join(store, 'LOCK'), 'utf8').trim());
    const url2 = /^sql:\s+(postgresql:\S+)$/m.exec(again.stdout)![1]!;
    assert.deepEqual(await query(url2, 'SELECT v FROM t ORDER BY k'), [{ v: 'one' }, { v: 'two' }]);
    process.kill(pid, 'SIGTERM');
    assert.ok(await waitGone(pid, 20_000));
    pid = 0;
  } finally {
    if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('start-single-node --background: in memory (output discarded), and a server that cannot start', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-start-'));
  const pidFile = path.join(dir, 'burrow.pid');
  let pid = 0;
  try {
    const r = await burrow([...(await startArgs('type=mem')), '--background', `--pid-file=${pidFile}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^logs:\s+discarded \(in-memory store\)$/m);
    assert.match(r.stdout, /^store\[0\]:\s+type=mem$/m);
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const url = /^sql:\s+(postgresql:\S+)$/m.exec(r.stdout)![1]!;
    assert.deepEqual(await query(url, 'SELECT 42 AS x'), [{ x: '42' }]);

    // Its port is taken: the background start reports the server's error.
    const port = new URL(url).port;
    const clash = await burrow(['start-single-node', '--insecure', '--store=type=mem', `--listen-addr=127.0.0.1:${port}`, '--http-addr=127.0.0.1:0', '--background']);
    assert.equal(clash.code, 1, clash.stdout);
    assert.match(clash.stderr, /^ERROR: .*EADDRINUSE/m);

    process.kill(pid, 'SIGTERM');
    assert.ok(await waitGone(pid, 20_000));
    pid = 0;
  } finally {
    if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
