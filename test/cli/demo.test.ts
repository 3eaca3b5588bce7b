// `burrow demo` with statements piped on stdin (or -e): it starts an in-memory
// server with the bank database, prints the connection string (on stderr
// when not interactive), runs the statements like `burrow sql`, and exits
// (stopping the server) with the shell's exit code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath } from '../support/server-process.js';

function demo(stdin: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'demo', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`burrow demo did not exit in 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

test('burrow demo runs piped (or -e) statements against the bank database', { timeout: 60_000 }, async () => {
  const r = await demo('SELECT count(*) FROM bank.accounts;\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'count\n100\n');
  assert.match(r.stderr, /\(sql\)\s+postgresql:\/\/root@127\.0\.0\.1:\d+\/bank\?sslmode=disable/);

  const e = await demo('', ['-e', 'SELECT id, name FROM accounts WHERE id <= 2 ORDER BY id']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stdout, 'id\tname\n1\tAna Silva\n2\tBo Silva\n');

  const q = await demo("INSERT INTO accounts VALUES (1, 0, 'dup');\n");
  assert.equal(q.code, 1);
  assert.equal(q.stdout, '');
  assert.match(q.stderr, /ERROR: duplicate key value violates unique constraint "accounts_pkey"\nSQLSTATE: 23505\n/);
});
