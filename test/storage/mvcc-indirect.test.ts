// Large values are written at their version key with a pointer in the latest
// slot (mvcc-key.ts), so a newer version or a delete of a 4 MiB value writes
// a few bytes instead of moving 4 MiB. Shown at the engine level, with reads
// at every timestamp, stats, GC and ingest merging over both forms.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/storage/engine.js';
import type { Timestamp } from '../../src/util/hlc.js';
import { mvccGet } from '../../src/storage/mvcc-read.js';
import { encodeMvccKey, setIndirectThresholdBytesForTesting, tagIndirect, withTimestamp } from '../../src/storage/mvcc-key.js';
import { readStats } from '../../src/storage/mvcc-stats.js';
import { b, engineKinds, mvccCommit, withEngine, withStore } from '../support/stores.js';

const ts = (wall: number): Timestamp => ({ wall: BigInt(wall), logical: 0 });
const MiB = 1024 * 1024;

function storedValueBytes(e: Engine): number {
  let n = 0;
  for (const x of e.scan({ start: Buffer.from([0x02]), end: Buffer.from([0x03]) })) n += x.value.length;
  return n;
}

for (const kind of engineKinds) {
  test(`${kind}: a 4 MiB value lives at its version key; overwriting or deleting it moves none of its bytes`, async () => {
    await withEngine(kind, async (e) => {
      const big = Buffer.alloc(4 * MiB, 3);
      await mvccCommit(e, [{ key: b('chunk'), value: big }], ts(10));
      const latest = e.get(encodeMvccKey(b('chunk'), null))!;
      assert.equal(latest[0], tagIndirect);
      assert.equal(latest.length, 17);
      assert.ok(e.get(withTimestamp(encodeMvccKey(b('chunk'), null), ts(10)))!.subarray(1).equals(big));
      const before = storedValueBytes(e);
      await mvccCommit(e, [{ key: b('chunk'), value: null }], ts(20));
      assert.ok(storedValueBytes(e) - before < 64, 'a delete writes a tombstone, not a copy');
      assert.ok(mvccGet(e, b('chunk'), ts(15))!.value.equals(big));
      assert.equal(mvccGet(e, b('chunk'), ts(25)), undefined);
      await mvccCommit(e, [{ key: b('chunk'), value: b('small') }], ts(30));
      const big2 = Buffer.alloc(MiB, 9);
      await mvccCommit(e, [{ key: b('chunk'), value: big2 }], ts(40));
      assert.equal(mvccGet(e, b('chunk'), ts(9)), undefined);
      assert.ok(mvccGet(e, b('chunk'), ts(10))!.value.equals(big));
      assert.equal(mvccGet(e, b('chunk'), ts(20)), undefined);
      assert.equal(mvccGet(e, b('chunk'), ts(35))!.value.toString(), 'small');
      assert.ok(mvccGet(e, b('chunk'), ts(40))!.value.equals(big2));
      const s = readStats(e, undefined, undefined);
      const k = b('chunk').length + 12;
      assert.deepEqual(s, { liveBytes: k + MiB, liveCount: 1, keyCount: 1, valCount: 4, totalBytes: 4 * k + 4 * MiB + 5 + MiB });
    });
  });
}

for (const kind of engineKinds) {
  test(`${kind}: store reads, scans, GC and ingest merges over direct and indirect versions`, async () => {
    setIndirectThresholdBytesForTesting(3);
    try {
      await withStore(kind, async (s) => {
        await s.commit([{ key: b('a'), value: b('AAAA') }, { key: b('b'), value: b('bb') }], ts(10));
        await s.commit([{ key: b('a'), value: b('A2') }, { key: b('b'), value: b('BBBB') }], ts(20));
        await s.commit([{ key: b('a'), value: null }], ts(30));
        // Merge: older versions into existing keys, a newer one over an indirect slot, one at the same timestamp.
        await s.ingest([
          { key: b('a'), ts: ts(40), value: b('A4444') },
          { key: b('a'), ts: ts(5), value: b('A0') },
          { key: b('b'), ts: ts(20), value: b('Bsame') },
          { key: b('b'), ts: ts(15), value: b('B15') },
          { key: b('c'), ts: ts(12), value: b('CCCC') },
        ]);
        const at = (k: string, t: number) => s.get(b(k), ts(t))?.value.toString() ?? null;
        assert.deepEqual([at('a', 5), at('a', 10), at('a', 20), at('a', 30), at('a', 40)], ['A0', 'AAAA', 'A2', null, 'A4444']);
        assert.deepEqual([at('b', 10), at('b', 15), at('b', 20)], ['bb', 'B15', 'Bsame']);
        assert.deepEqual(s.scanPage({ ts: ts(50), maxRows: 10 }).rows.map((r) => `${r.key}=${r.value}`), ['a=A4444', 'b=Bsame', 'c=CCCC']);
        assert.deepEqual(s.scanPage({ ts: ts(16), maxRows: 10, reverse: true }).rows.map((r) => `${r.key}=${r.value}`), ['c=CCCC', 'b=B15', 'a=AAAA']);
        const before = s.stats();
        const res = await s.gc(b('a'), b('z'), ts(45));
        assert.equal(res.versionsRemoved, 6); // a@30 tombstone, a@20, a@10, a@5; b@15, b@10
        assert.equal(before.totalBytes - s.stats().totalBytes, res.bytesRemoved);
        assert.deepEqual(s.scanPage({ ts: ts(50), maxRows: 10 }).rows.map((r) => `${r.key}=${r.value}`), ['a=A4444', 'b=Bsame', 'c=CCCC']);
        assert.deepEqual(s.stats().valCount, 3);
      });
    } finally {
      setIndirectThresholdBytesForTesting(undefined);
    }
  });
}
