// Owns the ingest worker thread: packed batches (mvcc-ingest.ts
// PackedEntries, RESTORE's form) are written into the LMDB store here, each
// in one synchronous durable transaction, so the main thread keeps reading
// and decoding the next batch meanwhile and its event loop never waits on
// those puts and fsyncs. One ingest per thread: entries stay sorted across
// batches (the cursor carries over).
// Messages: in `batch` (buffers transferred) and `shutdown`; out `done`
// (the batch's buffers handed back for reuse, the running totals) or
// `error` (then the thread takes no more batches), and `closed`.

import { parentPort, workerData } from 'node:worker_threads';
import { BurrowError } from '../util/errors.js';
import type { Timestamp } from '../util/hlc.js';
import type { ThreadShareableEngine } from './engine.js';
import { openLmdbThreadWriter } from './lmdb-thread-reader.js';
import { ingestPackedBatch, newPackedIngest, type IngestResult } from './mvcc-ingest.js';

export type ToIngestWorker =
  | { t: 'batch'; data: ArrayBuffer; ends: ArrayBuffer; count: number; ts: Timestamp }
  | { t: 'shutdown' };

export type FromIngestWorker =
  | { t: 'done'; data: ArrayBuffer; ends: ArrayBuffer; result: IngestResult }
  | { t: 'error'; code: string | undefined; message: string }
  | { t: 'closed' };

const port = parentPort!;
const engine = openLmdbThreadWriter((workerData as { engine: ThreadShareableEngine }).engine);
const st = newPackedIngest();
let failed = false;

port.on('message', (m: ToIngestWorker) => {
  if (m.t === 'shutdown') {
    void engine.close().finally(() => {
      port.postMessage({ t: 'closed' } satisfies FromIngestWorker);
      port.close();
    });
    return;
  }
  if (failed) return;
  try {
    ingestPackedBatch(engine, st, { data: Buffer.from(m.data), ends: new Uint32Array(m.ends), count: m.count, ts: m.ts });
    port.postMessage({ t: 'done', data: m.data, ends: m.ends, result: st.result } satisfies FromIngestWorker, [m.data, m.ends]);
  } catch (err) {
    failed = true;
    port.postMessage({ t: 'error', code: err instanceof BurrowError ? err.code : undefined, message: String((err as Error)?.message ?? err) } satisfies FromIngestWorker);
  }
});
