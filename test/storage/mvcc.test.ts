// MVCC behaviours named by the foundation issue, each shown directly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Timestamp } from '../../src/util/hlc.js';
import type { ExportEntry } from '../../src/storage/mvcc-export.js';
import { b, engineKinds, withStore } from '../support/stores.js';

const ts = (wall: number, logical = 0): Timestamp => ({ wall: BigInt(wall), logical });

for (const kind of engineKinds) {
  test(`${kind}: reads at T see the newest version at or before T; tombstones hide`, async () => {
    await withStore(kind, async (s) => {
      await s.commit([{ key: b('k'), value: b('v1') }], ts(10));
      await s.commit([{ key: b('k'), value: b('v2') }], ts(20));
      await s.commit([{ key: b('k'), value: null }], ts(30));
      await s.commit([{ key: b('k'), value: b('v4') }], ts(40, 1));
      assert.equal(s.get(b('k'), ts(5)), undefined);
      assert.equal(s.get(b('k'), ts(10))?.value.toString(), 'v1');
      assert.equal(s.get(b('k'), ts(25))?.value.toString(), 'v2');
      assert.equal(s.get(b('k'), ts(30)), undefined);
      assert.equal(s.get(b('k'), ts(40))?.value, undefined);
      assert.equal(s.get(b('k'), ts(40, 1))?.value.toString(), 'v4');
      assert.deepEqual(s.getVersion(b('k'), ts(35)), { ts: ts(30), value: null });
    });
  });

  test(`${kind}: GC drops shadowed versions and old tombstones; older reads then fail`, async () => {
    await withStore(kind, async (s) => {
      await s.commit([{ key: b('a'), value: b('1') }, { key: b('d'), value: b('x') }], ts(10));
      await s.commit([{ key: b('a'), value: b('2') }, { key: b('d'), value: null }], ts(20));
      await s.commit([{ key: b('a'), value: b('3') }], ts(30));
      const before = s.stats();
      const res = await s.gc(b('a'), b('z'), ts(25));
      assert.equal(res.versionsRemoved, 3); // a@10, d@10, d@20 (tombstone)
      const after = s.stats();
      assert.equal(before.totalBytes - after.totalBytes, res.bytesRemoved);
      assert.equal(after.liveBytes, before.liveBytes);
      assert.equal(after.keyCount, 1);
      assert.equal(s.get(b('a'), ts(26))?.value.toString(), '2');
      assert.equal(s.get(b('a'), ts(30))?.value.toString(), '3');
      assert.throws(
        () => s.get(b('a'), ts(25)),
        (err: Error & { code?: string }) =>
          err.message === 'batch timestamp 0.000000025,0 must be after replica GC threshold 0.000000025,0' && err.code === 'XXUUU',
      );
      assert.throws(() => s.scanPage({ start: b('a'), end: b('b'), ts: ts(24), maxRows: 10 }), /must be after replica GC threshold/);
      // Outside the GC'd span nothing changes.
      await s.commit([{ key: b('zz'), value: b('1') }], ts(40));
      assert.equal(s.get(b('zz'), ts(40))?.value.toString(), '1');
    });
  });

  test(`${kind}: GC keeps what a protected timestamp still needs`, async () => {
    await withStore(kind, async (s) => {
      await s.commit([{ key: b('a'), value: b('1') }], ts(10));
      await s.commit([{ key: b('a'), value: b('2') }], ts(20));
      const p = s.protect(ts(15));
      const res = await s.gc(b('a'), b('z'), ts(25));
      assert.ok(res.threshold.wall < 15n);
      assert.equal(s.get(b('a'), ts(15))?.value.toString(), '1');
      p.release();
      await s.gc(b('a'), b('z'), ts(25));
      assert.throws(() => s.get(b('a'), ts(15)), /GC threshold/);
    });
  });

  test(`${kind}: scans step, then seek, past long histories`, async () => {
    await withStore(kind, async (s) => {
      for (let i = 1; i <= 50; i++) await s.commit([{ key: b('hot'), value: b(`v${i}`) }, { key: b('x'), value: b(`x${i}`) }], ts(i * 10));
      await s.commit([{ key: b('cold'), value: b('c') }, { key: b('zed'), value: b('z') }], ts(5));
      const rows = s.scanPage({ ts: ts(255), maxRows: 100 }).rows.map((r) => `${r.key}=${r.value}`);
      assert.deepEqual(rows, ['cold=c', 'hot=v25', 'x=x25', 'zed=z']);
      const rev = s.scanPage({ ts: ts(1000), maxRows: 100, reverse: true }).rows.map((r) => `${r.key}=${r.value}`);
      assert.deepEqual(rev, ['zed=z', 'x=x50', 'hot=v50', 'cold=c']);
    });
  });

  test(`${kind}: export latest, incremental and all revisions; ingest round-trips with stats`, async () => {
    await withStore(kind, async (src) => {
      await src.commit([{ key: b('a'), value: b('1') }, { key: b('b'), value: b('1') }], ts(10));
      await src.commit([{ key: b('a'), value: b('2') }, { key: b('b'), value: null }, { key: b('c'), value: b('3') }], ts(20));
      const all = (req: Parameters<typeof src.exportPage>[0]) => src.exportPage(req).entries.map((e) => `${e.key}@${e.ts.wall}=${e.value ?? 'del'}`);
      assert.deepEqual(all({ endTs: ts(15), allRevisions: false, maxKeys: 100 }), ['a@10=1', 'b@10=1']);
      assert.deepEqual(all({ endTs: ts(20), allRevisions: false, maxKeys: 100 }), ['a@20=2', 'c@20=3']);
      assert.deepEqual(all({ startTs: ts(10), endTs: ts(20), allRevisions: false, maxKeys: 100 }), ['a@20=2', 'b@20=del', 'c@20=3']);
      assert.deepEqual(all({ endTs: ts(20), allRevisions: true, maxKeys: 100 }), ['a@20=2', 'a@10=1', 'b@20=del', 'b@10=1', 'c@20=3']);
      const entries: ExportEntry[] = src.exportPage({ endTs: ts(20), allRevisions: true, maxKeys: 100 }).entries;
      await withStore(kind, async (dst) => {
        await dst.ingest(entries);
        assert.deepEqual(dst.stats(), src.stats());
        assert.equal(dst.get(b('a'), ts(15))?.value.toString(), '1');
        assert.equal(dst.get(b('b'), ts(25)), undefined);
        // Ingest into a span that already has data merges version by version.
        await dst.ingest([{ key: b('a'), ts: ts(30), value: b('new') }, { key: b('a'), ts: ts(5), value: b('old') }]);
        assert.equal(dst.get(b('a'), ts(30))?.value.toString(), 'new');
        assert.equal(dst.get(b('a'), ts(25))?.value.toString(), '2');
        assert.equal(dst.get(b('a'), ts(7))?.value.toString(), 'old');
        assert.equal(dst.stats().valCount, src.stats().valCount + 2);
      });
      await assert.rejects(
        withStore(kind, (dst) => dst.ingest([{ key: b('b'), ts: ts(1), value: b('1') }, { key: b('a'), ts: ts(1), value: b('1') }])),
        /not sorted/,
      );
    });
  });

  test(`${kind}: keys containing zero bytes and prefixes of each other stay ordered`, async () => {
    await withStore(kind, async (s) => {
      const keys = [Buffer.from([0]), Buffer.from([0, 0]), Buffer.from([0, 1]), Buffer.from([1]), Buffer.from([1, 0]), Buffer.from([0xff])];
      await s.commit(keys.map((k) => ({ key: k, value: k })), ts(10));
      assert.deepEqual(s.scanPage({ ts: ts(10), maxRows: 100 }).rows.map((r) => r.key.toString('hex')), keys.map((k) => k.toString('hex')));
      assert.deepEqual(
        s.scanPage({ start: Buffer.from([0, 0]), end: Buffer.from([1, 0]), ts: ts(10), maxRows: 100 }).rows.map((r) => r.key.toString('hex')),
        ['0000', '0001', '01'],
      );
    });
  });

  test(`${kind}: keys too long for the engine fail with a clear error`, async () => {
    await withStore(kind, async (s) => {
      await assert.rejects(s.commit([{ key: Buffer.alloc(1970, 1), value: b('v') }], ts(10)), /keys must be 1 to 1978 bytes/);
      assert.equal(s.stats().keyCount, 0);
    });
  });
}

test('stats buckets follow util/encoding table prefixes', async () => {
  const { tablePrefix, encodeTableIndexPrefix } = await import('../../src/util/encoding.js');
  const { statsBucket } = await import('../../src/storage/mvcc-stats.js');
  for (const id of [0, 1, 52, 109, 110, 255, 256, 70000, 2 ** 40]) {
    const key = Buffer.concat([encodeTableIndexPrefix(id, 1), Buffer.from([0x12, 0x34])]);
    assert.deepEqual(statsBucket(key), tablePrefix(id), `table ${id}`);
  }
});
