// `burrow userfile get` over TLS: the CLI hands node-postgres a socket that
// reads into a fixed buffer, TLS then reads the connection itself, and the
// payload reader must fall back to the TLS socket's 'data' events. A 9 MiB
// file (three chunks, the last partial) round-trips byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath, freePort } from '../support/server-process.js';

const run = promisify(execFile);

test('userfile upload and get over a TLS connection', { timeout: 120_000 }, async () => {
  const dir = tempDir('burrow-userfile-tls-');
  const certs = path.join(dir, 'certs');
  const caKey = path.join(dir, 'ca.key');
  const burrow = (args: string[], cwd = dir) => run(process.execPath, [cliPath, ...args], { cwd });
  const port = await freePort();
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await burrow(['cert', 'create-ca', `--certs-dir=${certs}`, `--ca-key=${caKey}`]);
    await burrow(['cert', 'create-node', 'localhost', '127.0.0.1', `--certs-dir=${certs}`, `--ca-key=${caKey}`]);
    await burrow(['cert', 'create-client', 'root', `--certs-dir=${certs}`, `--ca-key=${caKey}`]);
    server = spawn(process.execPath, [cliPath, 'start-single-node', `--certs-dir=${certs}`, '--store=type=mem', `--listen-addr=127.0.0.1:${port}`, '--http-addr=127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('sql:')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
    });
    const conn = [`--host=127.0.0.1:${port}`, `--certs-dir=${certs}`];
    const content = crypto.randomBytes(9 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, 'f.bin'), content);
    const up = await burrow(['userfile', 'upload', 'f.bin', 'tls/f.bin', ...conn]);
    assert.equal(up.stdout, 'successfully uploaded to userfile://defaultdb.public.userfiles_root/tls/f.bin\n');
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    const get = await burrow(['userfile', 'get', 'tls/f.bin', ...conn], outDir);
    assert.equal(get.stdout, 'downloaded tls/f.bin to f.bin (9.0 MiB)\n');
    assert.ok(fs.readFileSync(path.join(outDir, 'f.bin')).equals(content));
  } finally {
    server?.kill('SIGTERM');
    removeDir(dir);
  }
});
