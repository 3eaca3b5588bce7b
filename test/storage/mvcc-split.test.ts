// Split keys for parallel export (mvcc-split.ts): cuts are ascending and
// inside (first, last]; on LMDB (native range counts) a table of
// variable-length encoded integer keys is cut within a few percent of its
// middle, where the plain byte midpoint would cut it at key 56 of 40,000;
// spans with fewer than two keys are not cut.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/storage/store.js';
import { appendTableIndexPrefix, encodeVarintAscending, keyCopy, newKeyWriter, resetKeyWriter } from '../../src/util/encoding.js';
import { tableSpan } from '../../src/sql/rowenc/table-codec.js';
import { removeDir, tempDir } from '../support/stores.js';

const tableId = 80;
const w = newKeyWriter();
const intKey = (i: number): Buffer => {
  resetKeyWriter(w);
  appendTableIndexPrefix(w, tableId, 1);
  encodeVarintAscending(w, i);
  return keyCopy(w);
};

async function fill(store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i += 5_000) {
    const writes = [];
    for (let j = i; j < Math.min(n, i + 5_000); j++) writes.push({ key: intKey(j), value: Buffer.from('x'.repeat(20)) });
    await store.commit(writes, store.clock.now());
  }
}

function rowsBelow(cut: Buffer, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (Buffer.compare(intKey(i), cut) < 0) c++;
  return c;
}

test('LMDB: the cut of a 40,000-row integer-keyed table is within 5% of its middle; 4 parts are balanced too', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'none' });
  try {
    const n = 40_000;
    await fill(store, n);
    const span = tableSpan(tableId);
    const [cut] = store.splitKeys(span.start, span.end, 2);
    assert.ok(cut, 'a cut');
    const below = rowsBelow(cut, n);
    assert.ok(Math.abs(below - n / 2) <= n * 0.05, `cut leaves ${below} of ${n} rows below it`);
    const four = store.splitKeys(span.start, span.end, 4);
    assert.equal(four.length, 3);
    for (let i = 1; i < four.length; i++) assert.ok(Buffer.compare(four[i - 1]!, four[i]!) < 0, 'ascending');
    const bounds = [0, ...four.map((k) => rowsBelow(k, n)), n];
    for (let i = 1; i < bounds.length; i++) assert.ok(Math.abs(bounds[i]! - bounds[i - 1]! - n / 4) <= n * 0.06, `part ${i}: ${bounds[i]! - bounds[i - 1]!} rows`);
  } finally {
    await store.close();
    removeDir(dir);
  }
});

test('memory engine: midpoint cuts stay inside (first, last]; one key or none: no cut', async () => {
  const store = await openStore({ engine: 'memory' });
  try {
    const span = tableSpan(tableId);
    assert.deepEqual(store.splitKeys(span.start, span.end, 2), []);
    await store.commit([{ key: intKey(7), value: Buffer.from('a') }], store.clock.now());
    assert.deepEqual(store.splitKeys(span.start, span.end, 2), []);
    await fill(store, 1_000);
    const cuts = store.splitKeys(span.start, span.end, 2);
    assert.equal(cuts.length, 1);
    assert.ok(Buffer.compare(cuts[0]!, intKey(0)) > 0 && Buffer.compare(cuts[0]!, intKey(999)) <= 0);
  } finally {
    await store.close();
  }
});
