// Robustness: a fuzzer sends random bytes, truncated messages and bogus
// lengths on many connections; the server answers with an error or closes
// that connection, never crashes, and a healthy client keeps working
// throughout. Then a crash test: SIGKILL the server under a write load,
// restart it, and every acknowledged commit is there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { startServerProcess } from '../support/server-process.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function startup(): Buffer {
  const body = Buffer.from('user\0root\0database\0defaultdb\0\0');
  const b = Buffer.alloc(8 + body.length);
  b.writeInt32BE(8 + body.length, 0);
  b.writeInt32BE(196608, 4);
  body.copy(b, 8);
  return b;
}

function fuzzPayload(rnd: () => number): Buffer {
  const kind = Math.floor(rnd() * 5);
  const junk = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
  switch (kind) {
    case 0: return junk; // garbage before startup
    case 1: return Buffer.concat([startup(), junk]); // garbage after startup
    case 2: {
      const b = Buffer.alloc(5);
      b[0] = 0x51; // 'Q' with a huge length
      b.writeInt32BE(0x7fffffff, 1);
      return Buffer.concat([startup(), b]);
    }
    case 3: {
      const types = 'QPBDESCXHdcf';
      const t = types[Math.floor(rnd() * types.length)]!;
      const b = Buffer.alloc(5);
      b[0] = t.charCodeAt(0);
      b.writeInt32BE(4 + junk.length, 1);
      return Buffer.concat([startup(), b, junk]);
    }
    default: {
      const b = Buffer.alloc(8);
      b.writeInt32BE(Math.floor(rnd() * 100000) - 50, 0);
      b.writeInt32BE(Math.floor(rnd() * 2 ** 31), 4);
      return b;
    }
  }
}

async function fuzzOnce(port: number, payload: Buffer): Promise<void> {
  await new Promise<void>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(payload));
    s.on('data', () => undefined);
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 2000);
  });
}

test('fuzzed messages never take the server down', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  const healthy = new pg.Client({ connectionString: server.url });
  try {
    await healthy.connect();
    await healthy.query('CREATE TABLE f (k INT PRIMARY KEY)');
    const rnd = seeded(42);
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 15 }, () => fuzzOnce(server.port, fuzzPayload(rnd))));
      await healthy.query('INSERT INTO f VALUES ($1)', [round]);
    }
    assert.deepEqual((await healthy.query('SELECT count(*) AS n FROM f')).rows, [{ n: '20' }]);
    assert.equal(server.child.exitCode, null, server.output());
  } finally {
    await healthy.end().catch(() => undefined);
    await server.stop();
    removeDir(dir);
  }
});

test('SIGKILL under a write load loses no acknowledged commit', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const acked: number[] = [];
  for (let round = 0; round < 3; round++) {
    const server = await startServerProcess(dir);
    const clients = await Promise.all(Array.from({ length: 4 }, async () => {
      const c = new pg.Client({ connectionString: server.url });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    }));
    if (round === 0) await clients[0]!.query('CREATE TABLE w (k INT PRIMARY KEY, v STRING)');
    let stop = false;
    const writers = clients.map(async (c, i) => {
      for (let n = 0; !stop; n++) {
        const k = round * 1_000_000 + i * 100_000 + n;
        try {
          await c.query('INSERT INTO w VALUES ($1, $2)', [k, `v${k}`]);
          acked.push(k);
        } catch {
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300 + round * 150));
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
  const server = await startServerProcess(dir);
  try {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const rows = (await c.query('SELECT k FROM w')).rows.map((r: { k: string }) => Number(r.k));
    const present = new Set(rows);
    const missing = acked.filter((k) => !present.has(k));
    assert.deepEqual(missing, [], `${missing.length} acknowledged commits lost`);
    assert.ok(acked.length > 10);
    await c.end();
  } finally {
    await server.stop();
    removeDir(dir);
  }
});
