// Owns the main thread's side of the export worker (export-worker.ts): starts
// the thread, sends it one table export at a time, and answers its output
// calls with the job's ExportOutput (opening, writing, closing data files in
// the collection's storage, progress). The job's pause/cancel reaches the
// worker as an error reply to its next call, after which it stops; the error
// the job raised is the one the export rethrows.
// Invariants: one export in flight per thread; calls are answered in order,
// each after its work finished (the worker's backpressure); a worker that
// dies fails the export with an internal error, never hangs it; close()
// ends the thread (terminating it if it does not end within closeTimeoutMs).

import { Worker } from 'node:worker_threads';
import type { Engine, ThreadShareableEngine } from '../storage/engine.js';
import { BurrowError, SqlState } from '../util/errors.js';
import { foregroundCounter } from '../util/foreground-activity.js';
import { endWorker, workerScriptUrl } from '../util/worker-thread.js';
import type { DataFileSink, DataFileSummary } from './data-file.js';
import type { EncryptionKey } from './encryption.js';
import type { ExportOutput, SpanExport } from './export-span.js';
import type { ExportWorkerData, FromWorker, ToWorker, WireError } from './export-worker-protocol.js';
import type { TableStats } from './manifest.js';

const closeTimeoutMs = 5_000;

export interface ExportThread {
  /**
   * Exports one span in the worker; check() runs before each answer and throws to stop the export. `parts`:
   * how many threads export the table at once (they share the CPU left to background work).
   */
  exportSpan(s: SpanExport, key: EncryptionKey | undefined, out: Omit<ExportOutput, 'pause'>, check: () => void, parts?: number): Promise<TableStats>;
  /** False once the worker failed or exited: such a thread is closed, never reused. */
  healthy(): boolean;
  /** An idle thread does not keep the process alive. */
  setIdle(idle: boolean): void;
  /** Keys cutting [start, end) into up to `parts` parts of similar size, computed in the worker. */
  splitKeys(start: Buffer, end: Buffer, parts: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

function workerFailed(why: string): BurrowError {
  return new BurrowError(SqlState.InternalError, `internal error: backup export worker ${why}`);
}

function fromWire(e: WireError): BurrowError {
  return new BurrowError(e.code ?? SqlState.InternalError, e.code ? e.message : `internal error: ${e.message}`, { detail: e.detail, hint: e.hint });
}

export function startExportThread(engine: ThreadShareableEngine): ExportThread {
  const data: ExportWorkerData = { engine, foreground: foregroundCounter() };
  const worker = new Worker(workerScriptUrl('backup/export-worker.js'), { workerData: data });
  let current: ((m: FromWorker) => void) | null = null;
  let failed: BurrowError | null = null;
  let closed: (() => void) | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const send = (m: ToWorker): void => worker.postMessage(m);

  let splitting: ((m: Extract<FromWorker, { t: 'split' }> | null) => void) | null = null;
  worker.on('message', (m: FromWorker) => {
    if (m.t === 'closed') closed?.();
    else if (m.t === 'split') splitting?.(m);
    else current?.(m);
  });
  worker.on('error', (err) => {
    failed = workerFailed(`failed: ${err.message}`);
    current?.({ t: 'done', stats: null, error: null });
  });
  worker.on('exit', () => {
    failed ??= workerFailed('exited');
    current?.({ t: 'done', stats: null, error: null });
    splitting?.(null);
  });

  return {
    healthy: () => !failed,
    setIdle(idle) {
      if (idle) worker.unref();
      else worker.ref();
    },
    exportSpan(s, key, out, check, parts = 1) {
      if (failed) return Promise.reject(failed);
      if (current) return Promise.reject(workerFailed('is busy'));
      return new Promise<TableStats>((resolve, reject) => {
        let sink: DataFileSink | null = null;
        let jobError: unknown = null;
        let chain = Promise.resolve();
        const answer = async (m: Extract<FromWorker, { call: number }>): Promise<void> => {
          try {
            if (jobError) throw jobError;
            check();
            switch (m.t) {
              case 'open':
                sink = await out.openFile();
                break;
              case 'write':
                await sink!.write(Buffer.from(m.bytes));
                break;
              case 'close':
                sink = null;
                await out.closeFile(m.sum as DataFileSummary, m.stats);
                break;
              case 'abort':
                sink = null;
                await out.abortFile();
                break;
              case 'progress':
                await out.progress(m.withinTable);
                break;
            }
            send({ t: 'reply', call: m.call, error: false });
          } catch (err) {
            jobError ??= err;
            send({ t: 'cancel' });
            send({ t: 'reply', call: m.call, error: true });
          }
        };
        current = (m) => {
          if (m.t === 'done') {
            current = null;
            // Answers still running finish first (an abort after an error).
            void chain.then(async () => {
              if (jobError || failed || m.error) {
                if (sink) await out.abortFile().catch(() => undefined);
                reject(jobError ?? failed ?? fromWire(m.error!));
              } else resolve(m.stats!);
            });
          } else if (m.t !== 'closed' && m.t !== 'split') {
            chain = chain.then(() => answer(m));
          }
        };
        const span = { start: s.start, end: s.end, primaryPrefix: s.primaryPrefix, startTs: s.startTs, endTs: s.endTs, revisionHistory: s.revisionHistory, totalBytes: s.totalBytes };
        send({ t: 'export', span, key: key ? key.keyObject : null, parts });
      });
    },
    splitKeys(start, end, parts) {
      if (failed) return Promise.reject(failed);
      if (current || splitting) return Promise.reject(workerFailed('is busy'));
      return new Promise<Buffer[]>((resolve, reject) => {
        splitting = (m) => {
          splitting = null;
          if (!m || m.error !== null || !m.keys) reject(failed ?? workerFailed(`could not split a span: ${m?.error ?? 'exited'}`));
          else resolve(m.keys.map((k) => Buffer.from(k.buffer, k.byteOffset, k.length)));
        };
        send({ t: 'split', start, end, parts });
      });
    },
    close: () =>
      endWorker(worker, exited, closeTimeoutMs, failed ? undefined : () => {
        const done = new Promise<void>((r) => (closed = r));
        send({ t: 'shutdown' });
        return done;
      }),
  };
}

// ---- the pool ----
// Starting a worker (a new isolate loading the export modules, lmdb, and its
// compression thread) takes 100-200 ms, a tenth of a 1M-row BACKUP: idle
// threads are kept per engine for idleCloseMs, unref'd, and all are ended
// before the engine closes.

/** How long an idle export thread is kept for the next BACKUP. */
const idleCloseMs = 30_000;
/** Idle threads kept per engine at most. */
const maxIdleThreads = 4;

interface Idle {
  thread: ExportThread;
  timer: NodeJS.Timeout;
}

const pools = new WeakMap<Engine, Idle[]>();

/** An idle export thread of this engine, or a new one (null: the engine is not thread-shareable). */
export function acquireExportThread(engine: Engine): ExportThread | null {
  if (!engine.threadShareable) return null;
  let pool = pools.get(engine);
  if (!pool) {
    const fresh: Idle[] = [];
    pool = fresh;
    pools.set(engine, fresh);
    engine.onClose?.(async () => {
      const all = fresh.splice(0);
      for (const i of all) clearTimeout(i.timer);
      await Promise.all(all.map((i) => i.thread.close()));
    });
  }
  for (let idle = pool.pop(); idle; idle = pool.pop()) {
    clearTimeout(idle.timer);
    if (idle.thread.healthy()) {
      idle.thread.setIdle(false);
      return idle.thread;
    }
    void idle.thread.close();
  }
  return startExportThread(engine.threadShareable);
}

/** Gives a thread back after its export: kept idle for the next one, or closed. */
export async function releaseExportThread(engine: Engine, thread: ExportThread): Promise<void> {
  const pool = pools.get(engine);
  if (!pool || !thread.healthy() || pool.length >= maxIdleThreads) {
    await thread.close();
    return;
  }
  thread.setIdle(true);
  const idle: Idle = {
    thread,
    timer: setTimeout(() => {
      const i = pool.indexOf(idle);
      if (i >= 0) pool.splice(i, 1);
      void thread.close();
    }, idleCloseMs),
  };
  idle.timer.unref();
  pool.push(idle);
}
