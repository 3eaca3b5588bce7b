// Owns the export worker thread: a BACKUP's table exports (export-span.ts:
// reading export pages, encoding, compressing, encrypting data files) run
// here, off the main thread, so a backup takes no event-loop time from the
// connections serving queries. It reads the LMDB store through its own
// reader on the shared environment (lmdb-thread-reader.ts); the files'
// bytes go back to the main thread, which writes them to the collection's
// storage (export-worker-protocol.ts).
// Invariants: one export at a time; every output call waits for the main
// thread's reply before the export goes on; a cancel stops the export at its
// next page; the reader is closed before the thread ends.

import { parentPort, workerData } from 'node:worker_threads';
import { BurrowError } from '../util/errors.js';
import { mvccExportPage, mvccExportVisitPage } from '../storage/mvcc-export.js';
import { openLmdbThreadReader } from '../storage/lmdb-thread-reader.js';
import { mvccSplitKeys } from '../storage/mvcc-split.js';
import type { DataFileSink } from './data-file.js';
import { lowerThreadPriority } from '../util/thread-priority.js';
import { foregroundWatcher } from '../util/foreground-activity.js';
import { startCompressThread, type CompressThread } from './compress-thread.js';
import { EncryptionKey } from './encryption.js';
import { exportSpan, type ExportOutput, type ExportSource } from './export-span.js';
import { workerChunkBytes, writeWindowBytes, type ExportWorkerData, type FromWorker, type ToWorker, type WireSpanExport, type WorkerCall } from './export-worker-protocol.js';

/** Longest stretch of page reads before the worker turns its event loop (replies, compressed blocks, a cancel). */
const messageCheckMs = 2;
/** The share of one core all of a table's export threads together take while the foreground is busy. */
const busyCoreShare = 0.25;
/** The foreground counts as busy for this long after its last activity. */
const foregroundQuietMs = 50;

const port = parentPort!;
// Background work: the export gives way to the threads serving queries.
lowerThreadPriority();
const data = workerData as ExportWorkerData;
const { reader, close } = openLmdbThreadReader(data.engine);
const foreground = foregroundWatcher(data.foreground, foregroundQuietMs);
// Started now, so it boots while the first export reads its first pages; a dead one is replaced for the next export.
let compressor: CompressThread = startCompressThread();
const compressBlock = (raw: Buffer): Promise<Buffer> => {
  if (!compressor.alive()) compressor = startCompressThread();
  return compressor.compress(raw);
};
const source: ExportSource = {
  exportPage: (req) => mvccExportPage(reader, req),
  exportVisitPage: (req, visit) => mvccExportVisitPage(reader, req, visit),
};

let nextCall = 1;
const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
let cancelled = false;

class StopExport extends Error {}

function post(m: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(m, transfer ?? []);
}

function call(c: WorkerCall, transfer?: ArrayBuffer[]): Promise<void> {
  const id = nextCall++;
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    post({ ...c, call: id } as FromWorker, transfer);
  });
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.length);

/**
 * A sink that batches the writer's pieces into messages of up to
 * workerChunkBytes and keeps up to writeWindowBytes of them unanswered, so
 * the export does not wait for each round trip to the main thread.
 */
function batchingSink(): DataFileSink & { flush(): Promise<void> } {
  let parts: Buffer[] = [];
  let size = 0;
  const unanswered: { bytes: number; reply: Promise<void> }[] = [];
  let unansweredBytes = 0;
  const settleOldest = async (): Promise<void> => {
    const w = unanswered.shift()!;
    unansweredBytes -= w.bytes;
    await w.reply;
  };
  const send = async (): Promise<void> => {
    if (size === 0) return;
    const ab = new ArrayBuffer(size);
    const view = new Uint8Array(ab);
    let at = 0;
    for (const p of parts) {
      view.set(p, at);
      at += p.length;
    }
    const bytes = size;
    parts = [];
    size = 0;
    const reply = call({ t: 'write', bytes: ab }, [ab]);
    reply.catch(() => undefined); // awaited in order below
    unanswered.push({ bytes, reply });
    unansweredBytes += bytes;
    while (unansweredBytes > writeWindowBytes) await settleOldest();
  };
  return {
    async write(chunk) {
      // The writer may reuse its buffers once write resolves: keep a copy.
      parts.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= workerChunkBytes) await send();
    },
    /** Sends what is batched and waits until the main thread has written everything. */
    async flush() {
      await send();
      while (unanswered.length > 0) await settleOldest();
    },
  };
}

async function runExport(span: WireSpanExport, key: EncryptionKey | undefined, parts: number): Promise<void> {
  cancelled = false;
  let sink: ReturnType<typeof batchingSink> | null = null;
  let lastCheckMs = Date.now();
  const out: ExportOutput = {
    async openFile() {
      await call({ t: 'open' });
      sink = batchingSink();
      return sink;
    },
    async closeFile(sum, stats) {
      await sink!.flush();
      sink = null;
      await call({ t: 'close', sum: { sha256: sum.sha256, sizeBytes: sum.sizeBytes, entries: sum.entries }, stats });
    },
    async abortFile() {
      sink = null;
      await call({ t: 'abort' });
    },
    progress: (withinTable) => call({ t: 'progress', withinTable }),
    async pause() {
      if (Date.now() - lastCheckMs >= messageCheckMs) {
        // While queries are being served a table's export threads take a quarter of a core between them (nice
        // alone left a single-row writer ~0.65-0.8 of its rate on two cores; at this duty ~0.8-1.0); alone
        // they run flat out. One thread: 2 ms of work, then 6 ms asleep; two: 2 ms, then 14 ms.
        const sleepMs = foreground.busy() ? messageCheckMs * (parts / busyCoreShare - 1) : 0;
        await new Promise<void>((r) => (sleepMs > 0 ? setTimeout(r, sleepMs) : setImmediate(r)));
        lastCheckMs = Date.now();
      }
      if (cancelled) throw new StopExport('export cancelled');
    },
  };
  try {
    const stats = await exportSpan(
      source,
      {
        start: asBuffer(span.start),
        end: asBuffer(span.end),
        primaryPrefix: asBuffer(span.primaryPrefix),
        startTs: span.startTs,
        endTs: span.endTs,
        revisionHistory: span.revisionHistory,
        totalBytes: span.totalBytes,
      },
      key,
      out,
      compressBlock,
    );
    post({ t: 'done', stats, error: null });
  } catch (err) {
    const e = err as Partial<BurrowError> & { message?: string };
    post({ t: 'done', stats: null, error: { code: err instanceof BurrowError ? err.code : undefined, message: String(e?.message ?? err), detail: e?.detail, hint: e?.hint } });
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'reply': {
      const p = pending.get(m.call);
      pending.delete(m.call);
      if (!p) return;
      if (m.error) p.reject(new StopExport('stopped by the job'));
      else p.resolve();
      return;
    }
    case 'export':
      void runExport(m.span, m.key ? new EncryptionKey(m.key) : undefined, Math.max(1, m.parts));
      return;
    case 'split':
      try {
        const keys = mvccSplitKeys(reader, asBuffer(m.start), asBuffer(m.end), m.parts);
        post({ t: 'split', keys, error: null });
      } catch (err) {
        post({ t: 'split', keys: null, error: String((err as Error)?.message ?? err) });
      }
      return;
    case 'cancel':
      cancelled = true;
      return;
    case 'shutdown':
      void Promise.all([close(), compressor.close()]).finally(() => {
        post({ t: 'closed' });
        port.close();
      });
      return;
  }
});
