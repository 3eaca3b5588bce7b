// Owns opening an LMDB engine from a worker thread of the process that
// opened it. lmdb-js keeps one environment per path per process and hands it
// to every thread that opens the same path, so the worker sees exactly what
// the main thread's engine committed, with its own read transactions, and
// its synchronous write transactions take the same LMDB writer lock as the
// engine's (one writer at a time, durable as the engine's options say).
// Invariants: only a thread of the process holding the store lock may open
// one (the store-lock file is not taken again here); close() drops this
// thread's handle, not the shared environment.

import { open, type RootDatabase } from 'lmdb';
import type { EngineReader, EngineWriter, ThreadShareableEngine } from './engine.js';
import { lmdbOpenOptions, readerFor, writerFor } from './lmdb-engine.js';

export interface ThreadReader {
  reader: EngineReader;
  close(): Promise<void>;
}

export interface ThreadWriter {
  /** Runs apply in one synchronous, durable engine transaction on this thread. */
  writeSync(apply: (w: EngineWriter) => void): void;
  close(): Promise<void>;
}

function openDb(loc: ThreadShareableEngine): RootDatabase<Buffer, Buffer> {
  return open<Buffer, Buffer>(lmdbOpenOptions(loc) as never) as RootDatabase<Buffer, Buffer>;
}

export function openLmdbThreadReader(loc: ThreadShareableEngine): ThreadReader {
  const db = openDb(loc);
  return { reader: readerFor(db), close: () => db.close() };
}

export function openLmdbThreadWriter(loc: ThreadShareableEngine): ThreadWriter {
  const db = openDb(loc);
  const writer = writerFor(db);
  return {
    writeSync(apply) {
      db.transactionSync(() => apply(writer));
    },
    close: () => db.close(),
  };
}
