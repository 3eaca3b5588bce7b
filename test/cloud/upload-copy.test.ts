// The file-upload COPY hooks through a real server and node-postgres:
// CockroachDB's own text form (one escaped row per piece) and our binary
// form land byte-identical; the final name must not exist yet; a COPY that
// fails part-way leaves no file; nodelocal uploads need admin.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { removeDir, tempDir } from '../support/stores.js';
import { startServerProcess } from '../support/server-process.js';

function textRows(pieces: Buffer[]): Buffer[] {
  const esc = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t'), 'latin1');
  return pieces.map((p) => Buffer.concat([esc(p), Buffer.from('\n')]));
}

function binaryStream(pieces: Buffer[]): Buffer[] {
  const out: Buffer[] = [Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])];
  for (const p of pieces) {
    const h = Buffer.alloc(6);
    h.writeInt16BE(1, 0);
    h.writeInt32BE(p.length, 2);
    out.push(h, p);
  }
  out.push(Buffer.from([0xff, 0xff]));
  return out;
}

async function fileBytes(c: pg.Client, name: string): Promise<Buffer> {
  const r = await c.query({
    text: 'SELECT payload FROM defaultdb.public.userfiles_root_upload_payload p JOIN defaultdb.public.userfiles_root_upload_files f USING (file_id) WHERE f.filename = $1 ORDER BY byte_offset',
    values: [name],
  });
  return Buffer.concat(r.rows.map((x) => x.payload as Buffer));
}

test('upload COPY: text and binary forms, existing destination, failure cleanup, nodelocal admin only', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  const c = new pg.Client({ connectionString: server.url });
  try {
    await c.connect();
    const data = randomBytes(9 * 1024 * 1024 + 123);
    const pieces = [data.subarray(0, 3_000_000), data.subarray(3_000_000, 8_000_000), data.subarray(8_000_000)];
    await pipeline(Readable.from(textRows(pieces)), c.query(copyFrom("COPY crdb_internal.user_file_upload FROM STDIN WITH destination = 'userfile:///up/text.bin'")));
    assert.ok((await fileBytes(c, '/up/text.bin')).equals(data), 'text form round trip');
    await pipeline(Readable.from(binaryStream(pieces)), c.query(copyFrom("COPY crdb_internal.user_file_upload FROM STDIN WITH (FORMAT binary, destination = 'userfile://defaultdb.public.userfiles_$user/up/bin.bin')")));
    assert.ok((await fileBytes(c, '/up/bin.bin')).equals(data), 'binary form round trip');
    const sizes = (await c.query('SELECT filename, file_size, username FROM userfiles_root_upload_files ORDER BY filename')).rows;
    assert.deepEqual(sizes, [
      { filename: '/up/bin.bin', file_size: String(data.length), username: 'root' },
      { filename: '/up/text.bin', file_size: String(data.length), username: 'root' },
    ]);
    await assert.rejects(
      pipeline(Readable.from(binaryStream([data.subarray(0, 10)])), c.query(copyFrom("COPY crdb_internal.user_file_upload FROM STDIN WITH (FORMAT binary, destination = 'userfile:///up/bin.bin.tmp')"))),
      /destination file already exists for \/up\/bin\.bin$/,
    );
    await assert.rejects(
      pipeline(Readable.from(binaryStream([data]).slice(0, 2).concat([Buffer.from([0, 1, 0xff, 0xff, 0xff, 0x00])])), c.query(copyFrom("COPY crdb_internal.user_file_upload FROM STDIN WITH (FORMAT binary, destination = 'userfile:///up/broken')"))),
      /invalid file upload data/,
    );
    assert.deepEqual((await c.query("SELECT count(*) AS n FROM userfiles_root_upload_files WHERE filename = '/up/broken'")).rows, [{ n: '0' }]);
    await assert.rejects(c.query("COPY crdb_internal.user_file_upload FROM STDIN"), /destination required/);
    await assert.rejects(
      pipeline(Readable.from(textRows([Buffer.from('x')])), c.query(copyFrom("COPY crdb_internal.user_file_upload FROM STDIN WITH destination = 'userfile:///a/../b'"))),
      /path \/a\/\.\.\/b changes after normalization to \/b\. userfile upload does not permit such path constructs/,
    );
    await pipeline(Readable.from(textRows([Buffer.from('hello nodelocal')])), c.query(copyFrom("COPY crdb_internal.nodelocal_file_upload FROM STDIN WITH destination = 'nodelocal://1/n/hello.txt'")));
    await c.query('CREATE USER plain');
    const u = new pg.Client({ connectionString: server.url.replace('root@', 'plain@') });
    await u.connect();
    try {
      await assert.rejects(
        pipeline(Readable.from(textRows([Buffer.from('x')])), u.query(copyFrom("COPY crdb_internal.nodelocal_file_upload FROM STDIN WITH destination = 'nodelocal://1/n/x'"))),
        /admin/,
      );
    } finally {
      await u.end();
    }
    assert.equal(fs.readFileSync(path.join(dir, 'extern', 'n', 'hello.txt'), 'utf8'), 'hello nodelocal');
    assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, '1', 'the connection still works');
  } finally {
    await c.end().catch(() => undefined);
    await server.stop();
    removeDir(dir);
  }
});
