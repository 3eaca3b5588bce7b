// Owns reading an LMDB engine from a worker thread of the process that opened
// it. lmdb-js keeps one environment per path per process and hands it to
// every thread that opens the same path, so the worker sees exactly what the
// main thread's engine committed, with its own read transactions.
// Invariants: only a thread of the process holding the store lock may open
// one (the store-lock file is not taken again here); the reader never
// writes; close() drops this thread's handle, not the shared environment.

import { open, type RootDatabase } from 'lmdb';
import type { EngineReader, ThreadShareableEngine } from './engine.js';
import { lmdbOpenOptions, readerFor } from './lmdb-engine.js';

export interface ThreadReader {
  reader: EngineReader;
  close(): Promise<void>;
}

export function openLmdbThreadReader(loc: ThreadShareableEngine): ThreadReader {
  const db = open<Buffer, Buffer>(lmdbOpenOptions(loc) as never) as RootDatabase<Buffer, Buffer>;
  return { reader: readerFor(db), close: () => db.close() };
}
