// Owns the messages between a BACKUP job (main thread, export-thread.ts) and
// its export worker (export-worker.ts). Plain structured-clone data: Buffers
// arrive as Uint8Arrays, timestamps keep their bigint wall time, the
// encryption key travels as its KeyObject.
//
// Flow: main sends `export`; the worker answers with calls (`open`, `write`,
// `close`, `abort`, `progress`), each answered by a `reply` with the same
// call number, in order; the worker waits for each reply before going on,
// except for `write`s, of which up to writeWindowBytes may be unanswered.
// It ends with `done`. `cancel` asks the worker to stop at
// its next page; `shutdown` closes its reader and ends the thread. `split`
// (between exports) answers with the keys cutting a span into parts
// (store splitKeys: its native range counts stay off the main thread).

import type crypto from 'node:crypto';
import type { ThreadShareableEngine } from '../storage/engine.js';
import type { Timestamp } from '../util/hlc.js';
import type { TableStats } from './manifest.js';

/** File bytes are sent in messages of about this size. */
export const workerChunkBytes = 1024 * 1024;
/** File bytes the worker may have sent and not yet seen written. */
export const writeWindowBytes = 4 * 1024 * 1024;

export interface ExportWorkerData {
  engine: ThreadShareableEngine;
  /** util/foreground-activity.ts's shared counter: the worker slows down while queries are being served. */
  foreground: Int32Array;
}

export interface WireSpanExport {
  start: Uint8Array;
  end: Uint8Array;
  primaryPrefix: Uint8Array;
  startTs: Timestamp | undefined;
  endTs: Timestamp;
  revisionHistory: boolean;
  totalBytes: number;
}

export type ToWorker =
  | { t: 'export'; span: WireSpanExport; key: crypto.KeyObject | null; parts: number }
  | { t: 'reply'; call: number; error: boolean }
  | { t: 'split'; start: Uint8Array; end: Uint8Array; parts: number }
  | { t: 'cancel' }
  | { t: 'shutdown' };

export interface WireFileSummary {
  sha256: string;
  sizeBytes: number;
  entries: number;
}

export interface WireError {
  code: string | undefined;
  message: string;
  detail: string | undefined;
  hint: string | undefined;
}

export type WorkerCall =
  | { t: 'open' }
  | { t: 'write'; bytes: ArrayBuffer }
  | { t: 'close'; sum: WireFileSummary; stats: TableStats }
  | { t: 'abort' }
  | { t: 'progress'; withinTable: number };

export type FromWorker =
  | (WorkerCall & { call: number })
  | { t: 'done'; stats: TableStats | null; error: WireError | null }
  | { t: 'split'; keys: Uint8Array[] | null; error: string | null }
  | { t: 'closed' };
