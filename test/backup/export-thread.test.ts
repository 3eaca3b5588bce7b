// The BACKUP export worker (export-thread.ts / export-worker.ts): on an LMDB
// store it produces exactly the data files the main-thread export does
// (latest-only, incremental and revision-history spans, files cut and
// counted alike), encrypted files open with the key, a job error raised
// while answering the worker stops the export with that error and aborts the
// open file (a storage write failing does the same), and the thread serves
// later exports after a stop. Also: the background priority helper.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openStore, type Store } from '../../src/storage/store.js';
import { encodeTableIndexPrefix } from '../../src/util/encoding.js';
import type { Timestamp } from '../../src/util/hlc.js';
import { tableSpan } from '../../src/sql/rowenc/table-codec.js';
import { bufferSource, readDataFile, type DataFileSink } from '../../src/backup/data-file.js';
import { EncryptionKey } from '../../src/backup/encryption.js';
import { exportSpan, type ExportOutput, type SpanExport } from '../../src/backup/export-span.js';
import { acquireExportThread, releaseExportThread, startExportThread, type ExportThread } from '../../src/backup/export-thread.js';
import type { TableStats } from '../../src/backup/manifest.js';
import { lowerThreadPriority } from '../../src/util/thread-priority.js';
import { removeDir, tempDir } from '../support/stores.js';

const tableId = 60;
const rowKey = (i: number): Buffer => Buffer.concat([encodeTableIndexPrefix(tableId, 1), Buffer.from(String(i).padStart(8, '0'))]);
const indexKey = (i: number): Buffer => Buffer.concat([encodeTableIndexPrefix(tableId, 2), Buffer.from(`ix${String(i).padStart(8, '0')}`)]);

interface Captured {
  files: { bytes: Buffer; stats: TableStats; sha256: string }[];
  aborted: number;
  progress: number[];
}

function memoryOutput(opts: { failAtWrite?: number } = {}): { out: Omit<ExportOutput, 'pause'>; got: Captured } {
  const got: Captured = { files: [], aborted: 0, progress: [] };
  let chunks: Buffer[] = [];
  let writes = 0;
  return {
    got,
    out: {
      async openFile(): Promise<DataFileSink> {
        chunks = [];
        return {
          write: async (b) => {
            if (opts.failAtWrite !== undefined && ++writes >= opts.failAtWrite) throw new Error('storage failed');
            chunks.push(Buffer.from(b));
          },
        };
      },
      async closeFile(sum, stats) {
        got.files.push({ bytes: Buffer.concat(chunks), stats: { ...stats }, sha256: sum.sha256 });
      },
      async abortFile() {
        got.aborted++;
      },
      async progress(w) {
        got.progress.push(w);
      },
    },
  };
}

async function seed(store: Store, rows: number): Promise<{ t1: Timestamp; t2: Timestamp }> {
  const value = (i: number, gen: number): Buffer => Buffer.from(`value-${gen}-${i}-`.padEnd(90, 'x'));
  const batch = 2_000;
  for (let i = 0; i < rows; i += batch) {
    const writes = [];
    for (let j = i; j < Math.min(rows, i + batch); j++) writes.push({ key: rowKey(j), value: value(j, 1) }, { key: indexKey(j), value: Buffer.from([1]) });
    await store.commit(writes, store.clock.now());
  }
  const t1 = store.clock.now();
  // A second generation: updates and deletions (incremental and revision-history spans see them).
  const writes = [];
  for (let j = 0; j < rows; j += 7) writes.push({ key: rowKey(j), value: j % 2 ? null : value(j, 2) });
  await store.commit(writes, store.clock.now());
  return { t1, t2: store.clock.now() };
}

function span(startTs: Timestamp | undefined, endTs: Timestamp, revisionHistory: boolean): SpanExport {
  const s = tableSpan(tableId);
  return { start: s.start, end: s.end, primaryPrefix: encodeTableIndexPrefix(tableId, 1), startTs, endTs, revisionHistory, totalBytes: 1 };
}

/** A fresh LMDB store and an export thread on it, both closed (and the store removed) after fn. */
async function withLmdbThread(fn: (store: Store, thread: ExportThread) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'none' });
  const thread = startExportThread(store.engine.threadShareable!);
  try {
    await fn(store, thread);
  } finally {
    await thread.close();
    await store.close();
    removeDir(dir);
  }
}

test('the export worker writes the same data files as the main-thread export (latest, incremental, revision history)', { timeout: 120_000 }, async () => {
  await withLmdbThread(async (store, thread) => {
    const { t1, t2 } = await seed(store, 30_000);
    for (const [name, s] of [
      ['latest at t2', span(undefined, t2, false)],
      ['latest at t1', span(undefined, t1, false)],
      ['changes in (t1, t2]', span(t1, t2, false)],
      ['every revision up to t2', span(undefined, t2, true)],
    ] as const) {
      const main = memoryOutput();
      const mainStats = await exportSpan(store, s, undefined, { ...main.out, pause: async () => {} });
      const worker = memoryOutput();
      const workerStats = await thread.exportSpan(s, undefined, worker.out, () => {});
      assert.deepEqual(workerStats, mainStats, `${name}: table stats`);
      assert.equal(worker.got.files.length, main.got.files.length, `${name}: files`);
      assert.ok(worker.got.files.length >= 1, `${name}: at least one file`);
      for (let i = 0; i < main.got.files.length; i++) {
        assert.ok(worker.got.files[i]!.bytes.equals(main.got.files[i]!.bytes), `${name}: file ${i} bytes`);
        assert.deepEqual(worker.got.files[i]!.stats, main.got.files[i]!.stats, `${name}: file ${i} stats`);
        assert.equal(worker.got.files[i]!.sha256, crypto.createHash('sha256').update(worker.got.files[i]!.bytes).digest('hex'));
      }
    }
    const all = memoryOutput();
    const stats = await thread.exportSpan(span(undefined, t1, false), undefined, all.out, () => {});
    assert.deepEqual(stats, { rows: 30_000, indexEntries: 30_000, dataBytes: stats.dataBytes });
  });
});

test('an encrypted export from the worker opens with the key and only with it', { timeout: 60_000 }, async () => {
  await withLmdbThread(async (store, thread) => {
    const { t2 } = await seed(store, 3_000);
    const key = new EncryptionKey(crypto.randomBytes(32));
    const o = memoryOutput();
    await thread.exportSpan(span(undefined, t2, false), key, o.out, () => {});
    const file = o.got.files[0]!.bytes;
    let n = 0;
    for await (const batch of readDataFile(bufferSource('f.sst', file), { encryption: key })) n += batch.length;
    assert.equal(n, 6_000 - 214, 'rows and index entries at t2 (214 rows deleted)');
    await assert.rejects(async () => {
      for await (const _ of readDataFile(bufferSource('f.sst', file), { encryption: new EncryptionKey(crypto.randomBytes(32)) })) void _;
    });
  });
});

test('a job error while answering the worker stops the export with that error; the thread serves the next export', { timeout: 60_000 }, async () => {
  await withLmdbThread(async (store, thread) => {
    const { t2 } = await seed(store, 30_000);
    const stop = new Error('job paused');
    let checks = 0;
    const o = memoryOutput();
    await assert.rejects(thread.exportSpan(span(undefined, t2, false), undefined, o.out, () => {
      if (++checks === 3) throw stop;
    }), (err) => err === stop);
    assert.equal(o.got.files.length, 0, 'no file recorded');
    assert.equal(o.got.aborted, 1, 'the open file aborted');

    const failing = memoryOutput({ failAtWrite: 1 });
    await assert.rejects(thread.exportSpan(span(undefined, t2, false), undefined, failing.out, () => {}), /storage failed/);
    assert.equal(failing.got.aborted, 1);

    const ok = memoryOutput();
    const stats = await thread.exportSpan(span(undefined, t2, false), undefined, ok.out, () => {});
    assert.ok(stats.rows > 0 && ok.got.files.length === 1);
  });
});

test('the background priority helper lowers this thread on Linux and never throws', () => {
  const r = lowerThreadPriority(0);
  assert.equal(typeof r, 'boolean');
  if (process.platform === 'linux') assert.equal(r, true);
});

test('export threads are pooled per engine: released ones are reused, failed ones are not, all end when the store closes', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'none' });
  try {
    const engine = store.engine;
    const a = acquireExportThread(engine)!;
    const b = acquireExportThread(engine)!;
    assert.notEqual(a, b, 'two threads in use at once');
    await releaseExportThread(engine, a);
    await releaseExportThread(engine, b);
    const again = acquireExportThread(engine)!;
    assert.ok(again === a || again === b, 'an idle thread is reused');
    const { t2 } = await seed(store, 1_000);
    const o = memoryOutput();
    assert.ok((await again.exportSpan(span(undefined, t2, false), undefined, o.out, () => {})).rows > 0, 'a reused thread exports');
    await releaseExportThread(engine, again);
    const memory = await openStore({ engine: 'memory' });
    assert.equal(acquireExportThread(memory.engine), null, 'a memory store has no export threads');
    await memory.close();
  } finally {
    await store.close(); // ends the idle threads first (else this test file would not exit)
    removeDir(dir);
  }
});
