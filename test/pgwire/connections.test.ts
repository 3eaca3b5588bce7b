// Many idle connections: 1,000 raw sockets complete the startup handshake
// (up to ReadyForQuery) against a real server process and stay open; the
// server's resident memory stays bounded, a fresh client still gets
// answers, and then every connection closes cleanly (Terminate) and the
// server shuts down with exit code 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { startServerProcess } from '../support/server-process.js';

const idleConnections = 1_000;
const connectBatch = 100;
const rssLimitMb = 400;

function startupMessage(): Buffer {
  const body = Buffer.from('user\0root\0database\0defaultdb\0application_name\0idle\0\0');
  const b = Buffer.alloc(8 + body.length);
  b.writeInt32BE(8 + body.length, 0);
  b.writeInt32BE(196608, 4); // protocol 3.0
  body.copy(b, 8);
  return b;
}

const terminate = Buffer.from([0x58, 0, 0, 0, 4]); // 'X'

/** Connects and completes startup: resolves once ReadyForQuery ('Z') arrives. */
function idleConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no ReadyForQuery within 20 s'));
    }, 20_000);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      // Walk the messages: type byte, int32 length (including itself), body.
      let at = 0;
      while (buf.length - at >= 5) {
        const type = String.fromCharCode(buf[at]!);
        const len = buf.readInt32BE(at + 1);
        if (buf.length - at < 1 + len) break;
        if (type === 'E') {
          clearTimeout(timer);
          s.destroy();
          reject(new Error(`startup error: ${buf.subarray(at + 5, at + 1 + len).toString('latin1')}`));
          return;
        }
        if (type === 'Z') {
          clearTimeout(timer);
          s.off('data', onData);
          s.off('error', onError);
          s.on('error', () => {});
          resolve(s);
          return;
        }
        at += 1 + len;
      }
      buf = buf.subarray(at);
    };
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    s.on('data', onData);
    s.on('error', onError);
    s.on('connect', () => s.write(startupMessage()));
  });
}

function vmRssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'VmRSS in /proc/<pid>/status');
  return Number(m[1]) / 1024;
}

test(`${idleConnections} idle connections: bounded memory, the server keeps answering`, { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  const sockets: net.Socket[] = [];
  try {
    const pid = server.child.pid!;
    const before = vmRssMb(pid);
    const t0 = performance.now();
    for (let i = 0; i < idleConnections; i += connectBatch) {
      const n = Math.min(connectBatch, idleConnections - i);
      sockets.push(...(await Promise.all(Array.from({ length: n }, () => idleConnection(server.port)))));
    }
    const connectMs = performance.now() - t0;
    assert.equal(sockets.length, idleConnections);
    await new Promise((r) => setTimeout(r, 500));
    const after = vmRssMb(pid);
    console.log(
      `server VmRSS: ${before.toFixed(1)} MB after startup, ${after.toFixed(1)} MB with ${idleConnections} idle connections ` +
        `(${(((after - before) * 1024) / idleConnections).toFixed(1)} KB each; connected in ${connectMs.toFixed(0)} ms)`,
    );
    assert.ok(after < rssLimitMb, `server VmRSS ${after.toFixed(1)} MB with ${idleConnections} idle connections, limit ${rssLimitMb} MB`);

    // A fresh client is served while all of them are open.
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('CREATE TABLE t (id INT PRIMARY KEY, v STRING)');
    await c.query('INSERT INTO t VALUES (1, $1), (2, $2)', ['a', 'b']);
    assert.deepEqual((await c.query({ name: 'byid', text: 'SELECT v FROM t WHERE id = $1', values: [2] })).rows, [{ v: 'b' }]);
    assert.deepEqual((await c.query('SELECT count(*) AS n FROM t')).rows, [{ n: '2' }]);
    await c.end();

    // Close them all: Terminate, then wait for the server to close each socket.
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.once('close', () => resolve());
            s.end(terminate);
          }),
      ),
    );
    sockets.length = 0;
    const c2 = new pg.Client({ connectionString: server.url });
    await c2.connect();
    assert.deepEqual((await c2.query('SELECT 1 AS one')).rows, [{ one: '1' }]);
    await c2.end();
  } finally {
    for (const s of sockets) s.destroy();
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0, server.output());
    removeDir(dir);
  }
});
