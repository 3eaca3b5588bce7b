// MVCC GC pages: bounded by the value bytes they read, holding no values, and
// a span whose statistics show no garbage is not walked at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Timestamp } from '../../src/util/hlc.js';
import { mvccGcPage } from '../../src/storage/mvcc-gc.js';
import { walkHistories } from '../../src/storage/mvcc-history.js';
import type { StatsDeltas } from '../../src/storage/mvcc-stats.js';
import { b, engineKinds, mvccCommit, withEngine, withStore } from '../support/stores.js';

const ts = (wall: number): Timestamp => ({ wall: BigInt(wall), logical: 0 });
const MiB = 1024 * 1024;

for (const kind of engineKinds) {
  test(`${kind}: a history walk without values keeps sizes and tombstones only, and stops after maxValueBytes`, async () => {
    await withEngine(kind, async (e) => {
      const big = Buffer.alloc(3 * MiB, 7);
      await mvccCommit(e, ['k1', 'k2', 'k3', 'k4'].map((k) => ({ key: b(k), value: big })), ts(10));
      await mvccCommit(e, [{ key: b('k2'), value: null }], ts(20));
      const walk = walkHistories(e, undefined, undefined, { maxKeys: 100, maxValueBytes: 5 * MiB, keepValues: false });
      // k1 (3 MiB) is under the bound, k2 (its tombstone and 3 MiB) crosses it; the page ends at k3.
      assert.deepEqual(walk.histories.map((h) => h.key.toString()), ['k1', 'k2']);
      assert.equal(walk.resume?.toString(), 'k3');
      const [k1, k2] = walk.histories;
      assert.equal(k1!.versions[0]!.value!.length, 0);
      assert.equal(k1!.versions[0]!.valueBytes, 3 * MiB);
      assert.deepEqual(k2!.versions.map((v) => [v.value === null, v.valueBytes]), [[true, 0], [false, 3 * MiB]]);
      const kept = walkHistories(e, undefined, b('k2'), { maxKeys: 100 });
      assert.ok(kept.histories[0]!.versions[0]!.value!.equals(big));
    });
  });

  test(`${kind}: a GC page ends after its value-byte bound and accounts the removed bytes`, async () => {
    await withEngine(kind, async (e) => {
      const big = Buffer.alloc(2 * MiB, 1);
      const keys = ['a', 'b', 'c', 'd', 'e'];
      await mvccCommit(e, keys.map((k) => ({ key: b(k), value: big })), ts(10));
      await mvccCommit(e, keys.map((k) => ({ key: b(k), value: b('small') })), ts(20));
      let from: Buffer | undefined;
      let pages = 0;
      let removed = 0;
      do {
        const deltas: StatsDeltas = new Map();
        let page: ReturnType<typeof mvccGcPage> | undefined;
        await e.write((w) => {
          page = mvccGcPage(w, from, undefined, ts(30), { maxKeys: 512, maxValueBytes: 3 * MiB }, deltas);
        });
        removed += page!.bytesRemoved;
        from = page!.resume;
        pages++;
      } while (from && pages < 10);
      assert.equal(pages, 3); // two keys (4 MiB of old versions) per page
      assert.equal(removed, keys.length * (1 + 12 + 2 * MiB));
    });
  });
}

for (const kind of engineKinds) {
  test(`${kind}: store GC does not walk a span whose statistics show one live version per key`, async () => {
    await withStore(kind, async (s) => {
      await s.commit([{ key: b('a'), value: b('1') }, { key: b('b'), value: b('2') }], ts(10));
      const quiet = await s.gc(b('a'), b('z'), ts(25));
      assert.deepEqual([quiet.pagesWalked, quiet.versionsRemoved, quiet.bytesRemoved], [0, 0, 0]);
      // The threshold still moves: older reads fail as after any GC.
      assert.throws(() => s.get(b('a'), ts(20)), /GC threshold/);
      await s.commit([{ key: b('a'), value: b('3') }], ts(30));
      const res = await s.gc(b('a'), b('z'), ts(35));
      assert.deepEqual([res.pagesWalked, res.versionsRemoved], [1, 1]);
      // A tombstone is garbage too, once it is older than the threshold.
      await s.commit([{ key: b('b'), value: null }], ts(40));
      const tomb = await s.gc(b('a'), b('z'), ts(45));
      assert.deepEqual([tomb.pagesWalked, tomb.versionsRemoved], [1, 2]);
      const after = await s.gc(b('a'), b('z'), ts(50));
      assert.equal(after.pagesWalked, 0);
    });
  });
}
