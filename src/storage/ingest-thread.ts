// Owns running one packed ingest in the ingest worker (ingest-worker.ts):
// each batch the producer yields is copied into one of two buffers that
// rotate between this thread and the worker, so the worker writes batch N
// while the producer fills batch N+1. At most one batch is in the worker.
// Invariants: batches reach the worker in order; the result resolves after
// the last batch is durable; an error (the worker's or the producer's)
// rejects after the worker stopped, and the thread always ends.

import { Worker } from 'node:worker_threads';
import { BurrowError, SqlState } from '../util/errors.js';
import { endWorker, workerScriptUrl } from '../util/worker-thread.js';
import type { ThreadShareableEngine } from './engine.js';
import type { FromIngestWorker, ToIngestWorker } from './ingest-worker.js';
import type { IngestResult, PackedEntries } from './mvcc-ingest.js';

const closeTimeoutMs = 5_000;

export async function ingestPackedInThread(loc: ThreadShareableEngine, batches: AsyncIterable<PackedEntries>): Promise<IngestResult> {
  const worker = new Worker(workerScriptUrl('storage/ingest-worker.js'), { workerData: { engine: loc } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let waiting: { resolve: (m: FromIngestWorker) => void } | null = null;
  let dead: BurrowError | null = null;
  const inbox: FromIngestWorker[] = [];
  worker.on('message', (m: FromIngestWorker) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve(m);
    } else inbox.push(m);
  });
  const died = (why: string): void => {
    dead ??= new BurrowError(SqlState.InternalError, `internal error: ingest worker ${why}`);
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve({ t: 'error', code: SqlState.InternalError, message: dead.message });
    }
  };
  worker.on('error', (err) => died(`failed: ${err.message}`));
  worker.on('exit', () => died('exited'));
  const next = (): Promise<FromIngestWorker> => {
    const m = inbox.shift();
    if (m) return Promise.resolve(m);
    if (dead) return Promise.resolve({ t: 'error', code: dead.code, message: dead.message });
    return new Promise((resolve) => (waiting = { resolve }));
  };
  const spare: { data: ArrayBuffer; ends: ArrayBuffer }[] = [];
  let inWorker = false;
  let result: IngestResult = { entries: 0, payloadBytes: 0 };
  const settle = async (): Promise<void> => {
    if (!inWorker) return;
    inWorker = false;
    const m = await next();
    if (m.t === 'error') throw m.code && m.code !== SqlState.InternalError ? new BurrowError(m.code, m.message) : dead ?? new BurrowError(SqlState.InternalError, `internal error: ${m.message}`);
    if (m.t === 'done') {
      result = { ...m.result };
      spare.push({ data: m.data, ends: m.ends });
    }
  };
  try {
    for await (const b of batches) {
      if (b.count === 0) continue;
      const dataBytes = b.ends[2 * b.count - 1]!;
      const endsBytes = 2 * b.count * 4;
      await settle();
      let bufs = spare.pop();
      if (!bufs || bufs.data.byteLength < dataBytes || bufs.ends.byteLength < endsBytes) {
        bufs = { data: new ArrayBuffer(Math.max(dataBytes, bufs?.data.byteLength ?? 0)), ends: new ArrayBuffer(Math.max(endsBytes, bufs?.ends.byteLength ?? 0)) };
      }
      new Uint8Array(bufs.data).set(b.data.subarray(0, dataBytes));
      new Uint32Array(bufs.ends).set(b.ends.subarray(0, 2 * b.count));
      worker.postMessage({ t: 'batch', data: bufs.data, ends: bufs.ends, count: b.count, ts: b.ts } satisfies ToIngestWorker, [bufs.data, bufs.ends]);
      inWorker = true;
    }
    await settle();
    return result;
  } finally {
    // An error above leaves at most one batch in the worker: let it finish (or fail) before the thread ends.
    await settle().catch(() => undefined);
    await endWorker(worker, exited, closeTimeoutMs, dead ? undefined : async () => {
      const closed = next();
      worker.postMessage({ t: 'shutdown' } satisfies ToIngestWorker);
      await closed;
    });
  }
}
