// A server killed (SIGKILL) in the middle of `burrow userfile upload`: the
// CLI fails, and after a restart on the same store nothing looks complete
// under the destination name (only the partial `.tmp`, which lists do not
// match as the file), and a retry of the same command succeeds with the file
// byte-identical.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath, startServerProcess } from '../support/server-process.js';

const MiB = 1024 * 1024;

function run(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

async function tmpBytes(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const r = await c.query("SELECT file_size FROM userfiles_root_upload_files WHERE filename = '/k/big.bin.tmp'");
    return r.rows.length ? Number(r.rows[0].file_size) : 0;
  } catch {
    return 0;
  } finally {
    await c.end().catch(() => undefined);
  }
}

test('SIGKILL of the server during an upload: nothing complete-looking, the retry succeeds', { timeout: 180_000 }, async () => {
  const store = tempDir('burrow-ufkill-store-');
  const work = tempDir('burrow-ufkill-work-');
  const data = crypto.randomBytes(80 * MiB);
  const src = path.join(work, 'big.bin');
  fs.writeFileSync(src, data);
  let server = await startServerProcess(store);
  try {
    const upload = spawn(process.execPath, [cliPath, 'userfile', 'upload', src, 'k/big.bin', '--url', server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = run(upload);
    let landed = 0;
    for (let i = 0; i < 600 && landed < 8 * MiB; i++) {
      await new Promise((r) => setTimeout(r, 50));
      landed = await tmpBytes(server.url);
    }
    assert.ok(landed >= 8 * MiB, `chunks landed before the kill (${landed})`);
    await server.stop('SIGKILL');
    const r = await done;
    assert.notEqual(r.code, 0, `the CLI fails when its server dies: ${r.out}`);
    server = await startServerProcess(store);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      const names = (await c.query("SELECT filename FROM userfiles_root_upload_files WHERE filename LIKE '/k/%' ORDER BY filename")).rows.map((x) => x.filename);
      assert.ok(!names.includes('/k/big.bin'), `no file under the destination name: ${names}`);
    } finally {
      await c.end();
    }
    const retry = await run(spawn(process.execPath, [cliPath, 'userfile', 'upload', src, 'k/big.bin', '--url', server.url], { stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(retry.code, 0, retry.out);
    assert.equal(retry.out, 'successfully uploaded to userfile://defaultdb.public.userfiles_root/k/big.bin\n');
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    const get = await run(spawn(process.execPath, [cliPath, 'userfile', 'get', 'k/big.bin', '--url', server.url], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(get.code, 0, get.out);
    assert.ok(fs.readFileSync(path.join(out, 'big.bin')).equals(data), 'byte-identical after the retry');
  } finally {
    await server.stop();
    removeDir(store);
    removeDir(work);
  }
});
