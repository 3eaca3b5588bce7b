// The userfile ExternalStorage through a real engine: chunking at 4 MiB
// boundaries, reads from an offset, list with a delimiter, delete, replacing
// a file, the tables' names, columns and grants, isolation between users,
// admins reading anyone's files, and the upload COPY byte decoders.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, type Database } from '../../src/server/embedded.js';
import { openUserfileStorage } from '../../src/cloud/userfile/userfile-storage.js';
import type { ExternalStorage } from '../../src/cloud/external-storage.js';
import { newBinaryUploadDecoder, newTextUploadDecoder } from '../../src/cloud/copy-upload-format.js';
import { startGcLoop } from '../../src/sql/gc/gc-loop.js';

const MiB = 1024 * 1024;

function storageFor(db: Database, user: string, uri: string): ExternalStorage {
  const s = db.engine.newSession(user, 'defaultdb');
  return openUserfileStorage({ user, kv: db.engine.kv, runInternal: (fn) => s.runInternal(fn) }, uri);
}

async function readAllOf(s: ExternalStorage, name: string, offset?: number, length?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of s.read(name, offset, length)) parts.push(b);
  return Buffer.concat(parts);
}

test('userfile storage: round trips at chunk boundaries, offsets, list, delete', { timeout: 60_000 }, async () => {
  const db = await open();
  try {
    const s = storageFor(db, 'root', 'userfile:///dir');
    for (const size of [0, 1, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, 9 * MiB + 7]) {
      const data = randomBytes(size);
      const w = await s.write(`f${size}`);
      for (let off = 0; off < size; off += 777_777) await w.write(data.subarray(off, off + 777_777));
      await w.close();
      assert.equal(await s.size(`f${size}`), size);
      assert.ok((await readAllOf(s, `f${size}`)).equals(data), `size ${size}`);
      if (size > 4 * MiB) {
        const off = 4 * MiB - 3;
        assert.ok((await readAllOf(s, `f${size}`, off, 10)).equals(data.subarray(off, off + 10)));
        assert.ok((await readAllOf(s, `f${size}`, 5 * MiB)).equals(data.subarray(5 * MiB)));
      }
    }
    await s.writeAll('sub/a', Buffer.from('a'));
    await s.writeAll('sub/b', Buffer.from('bb'));
    await s.writeAll('sub/deeper/c', Buffer.from('ccc'));
    assert.deepEqual((await s.list('sub/')).map((f) => f.name), ['sub/a', 'sub/b', 'sub/deeper/c']);
    assert.deepEqual((await s.list('sub/', '/')).map((f) => f.name), ['sub/a', 'sub/b', 'sub/deeper/']);
    assert.deepEqual((await s.list('', '/')).map((f) => f.name).slice(-1), ['sub/']);
    await s.writeAll('sub/a', Buffer.from('replaced'));
    assert.equal((await s.readAll('sub/a')).toString(), 'replaced');
    await s.delete('sub/a');
    assert.equal(await s.exists('sub/a'), false);
    await assert.rejects(s.readAll('sub/a'), (e: Error & { code?: string }) => {
      assert.equal(e.message, 'file /dir/sub/a does not exist in the UserFileTableSystem');
      assert.equal(e.code, '58P01');
      return true;
    });
    const rows = (await db.query("SELECT filename, file_size FROM defaultdb.public.userfiles_root_upload_files WHERE filename LIKE '/dir/sub/%' ORDER BY filename")).rows;
    assert.deepEqual(rows, [{ filename: '/dir/sub/b', file_size: 2 }, { filename: '/dir/sub/deeper/c', file_size: 3 }]);
    const chunks = (await db.query('SELECT byte_offset, length(payload) AS n FROM userfiles_root_upload_payload p JOIN userfiles_root_upload_files f USING (file_id) WHERE filename = $1 ORDER BY byte_offset', [`/dir/f${9 * MiB + 7}`])).rows;
    assert.deepEqual(chunks, [{ byte_offset: 0, n: 4 * MiB }, { byte_offset: 4 * MiB, n: 4 * MiB }, { byte_offset: 8 * MiB, n: MiB + 7 }]);
    const w = await s.write('aborted');
    await w.write(randomBytes(5 * MiB));
    await w.abort();
    assert.equal(await s.exists('aborted'), false);
    const orphans = (await db.query('SELECT count(*) AS n FROM userfiles_root_upload_payload WHERE file_id NOT IN (SELECT file_id FROM userfiles_root_upload_files)')).rows;
    assert.deepEqual(orphans, [{ n: 0 }]);
  } finally {
    await db.close();
  }
});

test('userfile storage: tables, grants, user isolation, admin access', { timeout: 60_000 }, async () => {
  const db = await open();
  try {
    await db.exec("CREATE USER alice; CREATE USER bob; CREATE USER carol; GRANT admin TO carol; GRANT CREATE ON DATABASE defaultdb TO alice, bob");
    const alice = storageFor(db, 'alice', 'userfile:///x');
    await alice.writeAll('secret.txt', Buffer.from('alice data'));
    const cols = (await db.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'userfiles_alice_upload_files' ORDER BY ordinal_position")).rows;
    assert.deepEqual(cols.map((c) => c.column_name), ['filename', 'file_id', 'file_size', 'username', 'upload_time']);
    const grants = (await db.query('SHOW GRANTS ON TABLE defaultdb.public.userfiles_alice_upload_payload')).rows
      .map((r) => `${r.grantee}:${r.privilege_type}`).sort();
    // alice owns both tables (SHOW GRANTS shows an owner's privileges as ALL).
    assert.ok(grants.includes('alice:ALL') || ['SELECT', 'INSERT', 'DELETE', 'DROP'].every((p) => grants.includes(`alice:${p}`)), grants.join(','));
    const owner = (await db.query("SELECT tableowner FROM pg_catalog.pg_tables WHERE tablename = 'userfiles_alice_upload_files'")).rows;
    assert.deepEqual(owner, [{ tableowner: 'alice' }]);
    assert.ok(!grants.some((g) => g.startsWith('bob:') || g.startsWith('public:')), grants.join(','));
    // bob, not an admin, cannot read alice's files through a qualified URI.
    const bobOnAlice = storageFor(db, 'bob', 'userfile://defaultdb.public.userfiles_alice/x');
    await assert.rejects(bobOnAlice.readAll('secret.txt'), (e: Error & { code?: string }) => e.code === '42501');
    await assert.rejects(bobOnAlice.delete('secret.txt'), (e: Error & { code?: string }) => e.code === '42501');
    // bob's own default storage is separate.
    const bob = storageFor(db, 'bob', 'userfile://defaultdb.public.userfiles_$user/x');
    assert.equal(await bob.exists('secret.txt'), false);
    await bob.writeAll('secret.txt', Buffer.from('bob data'));
    assert.equal((await alice.readAll('secret.txt')).toString(), 'alice data');
    // carol, an admin, reads and deletes alice's.
    const carolOnAlice = storageFor(db, 'carol', 'userfile://defaultdb.public.userfiles_alice/x');
    assert.equal((await carolOnAlice.readAll('secret.txt')).toString(), 'alice data');
    await carolOnAlice.delete('secret.txt');
    assert.equal(await alice.exists('secret.txt'), false);
    const bobSql = db.engine.newSession('bob', 'defaultdb');
    await assert.rejects(bobSql.query('SELECT * FROM userfiles_alice_upload_files'), (e: Error & { code?: string }) => e.code === '42501');
  } finally {
    await db.close();
  }
});

test('upload COPY decoders: binary and text, split anywhere', () => {
  const data = Buffer.concat([randomBytes(3000), Buffer.from('\n\\\t\r\0\xff', 'latin1')]);
  const pieces = [data.subarray(0, 1000), data.subarray(1000)];
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const tuples = pieces.map((p) => {
    const h = Buffer.alloc(6);
    h.writeInt16BE(1, 0);
    h.writeInt32BE(p.length, 2);
    return Buffer.concat([h, p]);
  });
  const bin = Buffer.concat([header, ...tuples, Buffer.from([0xff, 0xff])]);
  const escape = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t'), 'latin1');
  const text = Buffer.concat([...pieces.map((p) => Buffer.concat([escape(p), Buffer.from('\n')])), Buffer.from('\\.\n')]);
  for (const [name, make, stream] of [['binary', newBinaryUploadDecoder, bin], ['text', newTextUploadDecoder, text]] as const) {
    for (const step of [1, 7, 1000, stream.length]) {
      const d = make();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...d.feed(Buffer.from(stream.subarray(i, i + step))));
      out.push(...d.end());
      assert.ok(Buffer.concat(out).equals(data), `${name} step ${step}`);
    }
  }
  const d = newBinaryUploadDecoder();
  d.feed(bin.subarray(0, bin.length - 5));
  assert.throws(() => d.end(), /ended inside a tuple/);
  assert.throws(() => newBinaryUploadDecoder().feed(Buffer.from('NOTCOPY....................')), /signature/);
});

test('userfile storage: deleted bytes stay as history until gc.ttlseconds, then GC frees them', { timeout: 60_000 }, async () => {
  const db = await open();
  const gc = startGcLoop(db.engine, { intervalMs: 3_600_000 });
  try {
    const s = storageFor(db, 'root', 'userfile:///gc');
    await s.writeAll('big', randomBytes(6 * MiB));
    await db.exec('ALTER TABLE userfiles_root_upload_payload CONFIGURE ZONE USING gc.ttlseconds = 1');
    const sizes = async () => (await db.query("SELECT live_bytes, total_bytes FROM crdb_internal.table_sizes WHERE table_name = 'userfiles_root_upload_payload'")).rows[0] as { live_bytes: number; total_bytes: number };
    const before = await sizes();
    assert.ok(before.live_bytes >= 6 * MiB && before.total_bytes >= 6 * MiB, JSON.stringify(before));
    await s.delete('big');
    const deleted = await sizes();
    assert.ok(deleted.live_bytes < MiB, `live bytes drop at once: ${JSON.stringify(deleted)}`);
    assert.ok(deleted.total_bytes >= 6 * MiB, `history keeps the bytes: ${JSON.stringify(deleted)}`);
    await new Promise((r) => setTimeout(r, 1_300));
    await gc.runOnce();
    const after = await sizes();
    assert.ok(after.total_bytes < MiB, `GC frees them after the TTL: ${JSON.stringify(after)}`);
  } finally {
    await gc.stop();
    await db.close();
  }
});
