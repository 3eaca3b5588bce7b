// Crash test: a child process commits transactions and prints each
// acknowledgement; the parent SIGKILLs it at random moments, 20 rounds on the
// same store. After each kill the store reopens (taking over the dead
// child's lock), every acknowledged commit is present, and no transaction is
// partly visible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/storage/store.js';
import { removeDir, tempDir } from '../support/stores.js';

const childPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.js');
const rounds = 20;

function runAndKill(dir: string, round: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childPath, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const safety = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(safety);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('ack ')));
    });
  });
}

test('acknowledged commits survive SIGKILL and no transaction is half visible (20 rounds)', { timeout: 180_000 }, async () => {
  const dir = tempDir();
  const acked: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const killAfterMs = 20 + Math.floor(Math.random() * 250);
      const acks = await runAndKill(dir, round, killAfterMs);
      for (const line of acks) {
        const [, r, w, n] = line.split(' ');
        acked.push(`${r}/${w}/${n}`);
      }
      const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'full' });
      try {
        const ts = store.clock.now();
        for (const id of acked) {
          for (const part of ['a', 'b', 'c']) {
            assert.equal(store.get(Buffer.from(`txn/${id}/${part}`), ts)?.value.toString(), id, `acknowledged ${id}/${part} lost`);
          }
        }
        // Atomicity: every transaction present is complete.
        const seen = new Map<string, number>();
        let span: { start?: Buffer | undefined; end?: Buffer | undefined } | undefined = { start: Buffer.from('txn/'), end: Buffer.from('txn0') };
        while (span) {
          const page = store.scanPage({ start: span.start, end: span.end, ts, maxRows: 5000 });
          for (const r of page.rows) seen.set(r.value.toString(), (seen.get(r.value.toString()) ?? 0) + 1);
          span = page.resume;
        }
        for (const [id, count] of seen) assert.equal(count, 3, `transaction ${id} is partly visible`);
        assert.ok(seen.size >= acked.length);
      } finally {
        await store.close();
      }
    }
    assert.ok(acked.length > rounds, `expected many acknowledged commits, got ${acked.length}`);
  } finally {
    removeDir(dir);
  }
});
