// Conformance tests every Engine must pass, run against both engines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BurrowError } from '../../src/util/errors.js';
import { writeBatch } from '../../src/storage/engine.js';
import { defaultLmdbOptions, openLmdbEngine } from '../../src/storage/lmdb-engine.js';
import { b, engineKinds, removeDir, tempDir, withEngine } from '../support/stores.js';

const keys = (it: Iterable<{ key: Buffer }>): string[] => [...it].map((e) => e.key.toString());

for (const kind of engineKinds) {
  test(`${kind}: get, put, delete and ordered scans`, async () => {
    await withEngine(kind, async (e) => {
      await writeBatch(e, ['b', 'a', 'd', 'c', 'e'].map((k) => ({ op: 'put' as const, key: b(k), value: b(k.toUpperCase()) })));
      assert.equal(e.get(b('c'))?.toString(), 'C');
      assert.equal(e.get(b('zz')), undefined);
      assert.deepEqual(keys(e.scan({})), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual(keys(e.scan({ start: b('b'), end: b('d') })), ['b', 'c']);
      assert.deepEqual(keys(e.scan({ start: b('b'), end: b('d'), reverse: true })), ['c', 'b']);
      assert.deepEqual(keys(e.scan({ reverse: true, limit: 2 })), ['e', 'd']);
      assert.deepEqual(keys(e.scan({ start: b('bb'), limit: 2 })), ['c', 'd']);
      assert.deepEqual(keys(e.scan({ end: b('c'), reverse: true })), ['b', 'a']);
      assert.deepEqual(keys(e.scan({ start: b('d'), end: b('b') })), []);
      await writeBatch(e, [{ op: 'del', key: b('c') }]);
      assert.deepEqual(keys(e.scan({})), ['a', 'b', 'd', 'e']);
    });
  });

  test(`${kind}: snapshots do not see later writes`, async () => {
    await withEngine(kind, async (e) => {
      await writeBatch(e, [{ op: 'put', key: b('k1'), value: b('v1') }]);
      const snap = e.snapshot();
      await writeBatch(e, [
        { op: 'put', key: b('k1'), value: b('v2') },
        { op: 'put', key: b('k2'), value: b('v2') },
      ]);
      assert.equal(snap.get(b('k1'))?.toString(), 'v1');
      assert.deepEqual(keys(snap.scan({})), ['k1']);
      snap.release();
      assert.equal(e.get(b('k1'))?.toString(), 'v2');
    });
  });

  test(`${kind}: a failing write rolls back alone`, async () => {
    await withEngine(kind, async (e) => {
      const results = await Promise.allSettled([
        e.write((w) => w.put(b('x1'), b('1'))),
        e.write((w) => {
          w.put(b('bad'), b('1'));
          throw new Error('boom');
        }),
        e.write((w) => w.put(b('x3'), b('3'))),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal(e.get(b('bad')), undefined);
      assert.deepEqual(keys(e.scan({})), ['x1', 'x3']);
    });
  });

  test(`${kind}: writes see their own earlier writes`, async () => {
    await withEngine(kind, async (e) => {
      await e.write((w) => {
        w.put(b('a'), b('1'));
        assert.equal(w.get(b('a'))?.toString(), '1');
        assert.deepEqual(keys(w.scan({})), ['a']);
      });
    });
  });

  test(`${kind}: keys over the engine limit fail with a clear error`, async () => {
    await withEngine(kind, async (e) => {
      await assert.rejects(
        e.write((w) => w.put(Buffer.alloc(1979, 7), b('v'))),
        (err: unknown) => err instanceof BurrowError && err.code === '54000' && /keys must be 1 to 1978 bytes/.test(err.message),
      );
      await e.write((w) => w.put(Buffer.alloc(1978, 7), b('v')));
      assert.equal(e.get(Buffer.alloc(1978, 7))?.toString(), 'v');
    });
  });
}

test('lmdb: a store directory open elsewhere gets a clear error naming it', async () => {
  const dir = tempDir();
  const e = openLmdbEngine({ ...defaultLmdbOptions, path: dir });
  try {
    assert.throws(
      () => openLmdbEngine({ ...defaultLmdbOptions, path: dir }),
      (err: unknown) => err instanceof BurrowError && err.message.includes(dir) && /already in use/.test(err.message),
    );
  } finally {
    await e.close();
  }
  const again = openLmdbEngine({ ...defaultLmdbOptions, path: dir });
  await again.close();
  removeDir(dir);
});

test('lmdb: concurrent durable writes share fsyncs (group commit)', async () => {
  const dir = tempDir();
  const e = openLmdbEngine({ ...defaultLmdbOptions, path: dir, syncMode: 'full' });
  try {
    await Promise.all(Array.from({ length: 64 }, (_, i) => e.write((w) => w.put(b(`k${i}`), b('v')))));
    const s = e.stats();
    assert.equal(s.writes, 64);
    assert.ok(s.flushes < 64, `expected fewer flushes than writes, got ${s.flushes}`);
  } finally {
    await e.close();
    removeDir(dir);
  }
});

test('lmdb: a store directory whose name contains a dot is still a directory', async () => {
  const parent = tempDir();
  const dir = `${parent}/store.v1`;
  const e = openLmdbEngine({ ...defaultLmdbOptions, path: dir, syncMode: 'none' });
  await e.write((w) => w.put(b('k'), b('v')));
  await e.close();
  const { statSync } = await import('node:fs');
  assert.ok(statSync(dir).isDirectory());
  assert.ok(statSync(`${dir}/data.mdb`).isFile());
  removeDir(parent);
});
