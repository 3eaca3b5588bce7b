// COPY through a real server: pg-copy-streams (the raw protocol) for text
// and CSV in and out, atomicity (a bad row leaves nothing), and psql's \copy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { removeDir, tempDir } from '../support/stores.js';
import { startServerProcess } from '../support/server-process.js';

const exec = promisify(execFile);
const hasPsql = spawnSync('psql', ['--version']).status === 0;

test('COPY FROM STDIN and TO STDOUT', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  const c = new pg.Client({ connectionString: server.url });
  try {
    await c.connect();
    await c.query('CREATE TABLE t (id INT PRIMARY KEY, name STRING, bal DECIMAL DEFAULT 0)');
    await pipeline(Readable.from(['1\tann\t10.5\n2\t\\N\t20\n', '3\tsplit\\tval\t\\N']), c.query(copyFrom('COPY t FROM STDIN')));
    await pipeline(Readable.from(['id,name\n4,"with, comma"\n5,\n']), c.query(copyFrom("COPY t (id, name) FROM STDIN WITH (FORMAT csv, HEADER)")));
    assert.deepEqual((await c.query('SELECT id, name, bal FROM t ORDER BY id')).rows, [
      { id: '1', name: 'ann', bal: '10.5' },
      { id: '2', name: null, bal: '20' },
      { id: '3', name: 'split\tval', bal: null },
      { id: '4', name: 'with, comma', bal: '0' },
      { id: '5', name: null, bal: '0' },
    ]);
    await assert.rejects(pipeline(Readable.from(['9\tnew\t1\n1\tdup\t1\n']), c.query(copyFrom('COPY t FROM STDIN'))), /duplicate key value/);
    assert.deepEqual((await c.query('SELECT count(*) AS n FROM t')).rows, [{ n: '5' }], 'a failed COPY inserts nothing');
    const chunks: Buffer[] = [];
    const out = c.query(copyTo('COPY (SELECT id, name FROM t WHERE id < 4 ORDER BY id) TO STDOUT'));
    for await (const ch of out) chunks.push(ch as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), '1\tann\n2\t\\N\n3\tsplit\\tval\n');
    if (hasPsql) {
      const file = path.join(dir, 'in.csv');
      fs.writeFileSync(file, '6,psql,1\n7,copy,2\n');
      const r = await exec('psql', [server.url, '-X', '-c', `\\copy t FROM '${file}' WITH (FORMAT csv)`]);
      assert.match(r.stdout, /COPY 2/);
    }
  } finally {
    await c.end().catch(() => undefined);
    await server.stop();
    removeDir(dir);
  }
});
