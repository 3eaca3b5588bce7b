// End to end: the built CLI starts a real server; node-postgres (simple and
// prepared queries, errors with SQLSTATE, transaction status) and psql talk
// to it; SIGTERM shuts it down cleanly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import net from 'node:net';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath, startServerProcess } from '../support/server-process.js';

const exec = promisify(execFile);
const hasPsql = spawnSync('psql', ['--version']).status === 0;

test('node-postgres and psql against a real server process', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  try {
    assert.match(server.output(), /sql:\s+postgresql:\/\/root@127\.0\.0\.1:\d+\/defaultdb\?sslmode=disable/);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('CREATE TABLE accounts (id INT PRIMARY KEY, balance DECIMAL NOT NULL, owner STRING)');
    const ins = await c.query('INSERT INTO accounts VALUES (1, 100.50, $1), (2, 20, $2)', ['ann', 'bo']);
    assert.equal(ins.command, 'INSERT');
    assert.equal(ins.rowCount, 2);
    const sel = await c.query({ name: 'byid', text: 'SELECT id, balance, owner FROM accounts WHERE id = $1', values: [1] });
    assert.deepEqual(sel.rows, [{ id: '1', balance: '100.50', owner: 'ann' }]);
    const again = await c.query({ name: 'byid', text: 'SELECT id, balance, owner FROM accounts WHERE id = $1', values: [2] });
    assert.deepEqual(again.rows, [{ id: '2', balance: '20', owner: 'bo' }]);
    await assert.rejects(c.query('INSERT INTO accounts VALUES (1, 1, NULL)'), (err: Error & { code?: string; detail?: string }) => {
      assert.equal(err.code, '23505');
      assert.equal(err.message, 'duplicate key value violates unique constraint "accounts_pkey"');
      assert.equal(err.detail, 'Key (id)=(1) already exists.');
      return true;
    });
    await c.query('BEGIN');
    await c.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
    await assert.rejects(c.query('SELECT 1/0'), /division by zero/);
    await assert.rejects(c.query('SELECT 1'), (err: Error & { code?: string }) => err.code === '25P02');
    await c.query('ROLLBACK');
    assert.deepEqual((await c.query('SELECT balance FROM accounts WHERE id = 1')).rows, [{ balance: '100.50' }]);
    await c.end();

    const cli = await exec(process.execPath, [cliPath, 'sql', '--insecure', `--url=${server.url}`, '-e', 'SELECT id, owner FROM accounts ORDER BY id']);
    assert.equal(cli.stdout, 'id\towner\n1\tann\n2\tbo\n');
    await assert.rejects(exec(process.execPath, [cliPath, 'sql', `--url=${server.url}`, '-e', 'SELECT * FROM nope']), (err: { stderr: string; code: number }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /^ERROR: relation "nope" does not exist\nSQLSTATE: 42P01\n/);
      return true;
    });

    if (hasPsql) {
      const out = await exec('psql', [server.url, '-X', '-A', '-t', '-c', 'SELECT owner FROM accounts ORDER BY id']);
      assert.equal(out.stdout, 'ann\nbo\n');
    }
  } finally {
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0, server.output());
    removeDir(dir);
  }
});

test('a CancelRequest stops the running statement', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  try {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const started = Date.now();
    const running = c.query('SELECT count(*) FROM generate_series(1, 1000000000)').then(() => null, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    // A CancelRequest on a new connection, carrying the target's process ID and secret key.
    const key = c as unknown as { processID: number; secretKey: number };
    const msg = Buffer.alloc(16);
    msg.writeInt32BE(16, 0);
    msg.writeInt32BE(80877102, 4);
    msg.writeInt32BE(key.processID, 8);
    msg.writeInt32BE(key.secretKey, 12);
    await new Promise<void>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => s.end(msg));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    const err = (await running) as (Error & { code?: string }) | null;
    assert.equal(err?.code, '57014', String(err));
    assert.ok(Date.now() - started < 20_000);
    assert.deepEqual((await c.query('SELECT 1 AS one')).rows, [{ one: '1' }]);
    await c.end();
  } finally {
    await server.stop();
    removeDir(dir);
  }
});

test('idle_in_transaction_session_timeout closes a connection left idle inside a transaction', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  try {
    const c = new pg.Client({ connectionString: server.url });
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    await c.query("SET idle_in_transaction_session_timeout = '300ms'");
    assert.deepEqual((await c.query('SHOW idle_in_transaction_session_timeout')).rows, [{ idle_in_transaction_session_timeout: '300' }]);
    await c.query('SELECT 1'); // outside a transaction: no timeout
    await new Promise((r) => setTimeout(r, 500));
    await c.query('BEGIN');
    await new Promise((r) => setTimeout(r, 800));
    await assert.rejects(c.query('SELECT 1'));
    assert.ok(errors.some((e) => /idle-in-transaction timeout/.test(e.message)) || errors.length > 0, errors.map((e) => e.message).join('; '));
    const again = new pg.Client({ connectionString: server.url });
    await again.connect();
    assert.deepEqual((await again.query('SELECT 1 AS one')).rows, [{ one: '1' }]);
    await again.end();
  } finally {
    await server.stop();
    removeDir(dir);
  }
});
