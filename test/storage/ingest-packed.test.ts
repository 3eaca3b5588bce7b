// Packed ingest (RESTORE's form): on the main thread and in the ingest worker
// it leaves the same engine contents and MVCC stats as the entry-by-entry
// ingest; the producer may reuse its buffers after each batch; entries out
// of order fail with DataCorrupted (across batches too) and the worker ends;
// a reader on the main thread sees the worker's writes once it resolves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/storage/store.js';
import type { PackedEntries } from '../../src/storage/mvcc-ingest.js';
import type { ExportEntry } from '../../src/storage/mvcc-export.js';
import { encodeTableIndexPrefix } from '../../src/util/encoding.js';
import type { Timestamp } from '../../src/util/hlc.js';
import { removeDir, tempDir } from '../support/stores.js';

const tableId = 70;
const key = (i: number): Buffer => Buffer.concat([encodeTableIndexPrefix(tableId, 1), Buffer.from(String(i).padStart(9, '0'))]);
const value = (i: number): Buffer => Buffer.from(`v${i}`.repeat(1 + (i % 13)));

/** Packs entries [from, to) in batches of batchEntries, reusing one buffer set as RESTORE's producer does. */
async function* packed(from: number, to: number, batchEntries: number, ts: Timestamp, order: (i: number) => number = (i) => i): AsyncGenerator<PackedEntries> {
  const data = Buffer.alloc(1 << 20);
  const ends = new Uint32Array(2 * batchEntries);
  for (let i = from; i < to; i += batchEntries) {
    let at = 0;
    let count = 0;
    for (let j = i; j < Math.min(to, i + batchEntries); j++) {
      const n = order(j);
      at += key(n).copy(data, at);
      ends[2 * count] = at;
      at += value(n).copy(data, at);
      ends[2 * count + 1] = at;
      count++;
    }
    yield { data, ends, count, ts };
    data.fill(0xee); // the consumer must be done with the batch by now
  }
}

function dump(store: Store): string[] {
  const out: string[] = [];
  for (const e of store.engine.scan({})) out.push(`${e.key.toString('hex')}=${e.value.toString('hex')}`);
  return out;
}

async function withLmdb<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const dir = tempDir();
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'none' });
  try {
    return await fn(store);
  } finally {
    await store.close();
    removeDir(dir);
  }
}

test('packed ingest on the main thread and in the worker equals the entry ingest (contents and stats)', { timeout: 120_000 }, async () => {
  const n = 25_000;
  const ts: Timestamp = { wall: 1_000_000n, logical: 3 };
  const entries: ExportEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ key: key(i), ts, value: value(i) });
  const reference = await withLmdb(async (s) => {
    await s.ingest(entries);
    // Drop the clock key the store writes for itself (its value differs per store).
    return { rows: dump(s).filter((r) => !r.startsWith('01')), stats: s.stats() };
  });
  for (const thread of [false, true]) {
    await withLmdb(async (s) => {
      const r = await s.ingestPacked(packed(0, n, 1_000, ts), { thread });
      assert.deepEqual(r.entries, n, `thread=${thread}: entries`);
      assert.deepEqual(dump(s).filter((x) => !x.startsWith('01')), reference.rows, `thread=${thread}: engine contents`);
      assert.deepEqual(s.stats(), reference.stats, `thread=${thread}: MVCC stats`);
      const got = s.get(key(4242), { wall: 2_000_000n, logical: 0 });
      assert.ok(got?.value.equals(value(4242)), `thread=${thread}: a read on this thread sees the ingest`);
    });
  }
});

test('packed ingest refuses entries out of order, across batches too, in both modes', { timeout: 60_000 }, async () => {
  const ts: Timestamp = { wall: 5n, logical: 0 };
  for (const thread of [false, true]) {
    await withLmdb(async (s) => {
      // Batch 2 starts below where batch 1 ended.
      const order = (i: number): number => (i < 100 ? i + 1_000 : i);
      await assert.rejects(s.ingestPacked(packed(0, 300, 100, ts, order), { thread }), (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'XX001');
        assert.match(err.message ?? '', /not sorted/);
        return true;
      });
    });
  }
});
