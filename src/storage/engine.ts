// Owns the Engine interface: an ordered map of byte keys to byte values with
// point reads, range scans both ways, consistent snapshots, atomic and
// group-committed writes, and close. Two implementations: lmdb-engine.ts (on
// disk, the default) and memory-engine.ts (tests, --store=type=mem).
//
// Engines may also offer visit(), a callback form of a forward scan.
//
// Invariants every engine keeps:
// - Ranges are half-open [start, end); a missing start/end means unbounded.
// - A reverse scan yields the same entries as a forward one, last first.
// - Iterators returned by scan() are consumed synchronously: callers must not
//   hold one across an await (the MVCC layer pages at key boundaries instead).
// - write() runs its apply function inside one atomic engine transaction; the
//   promise resolves only once that transaction is durable (in sync mode).
//   Concurrent write() calls are applied in call order and may share one
//   transaction and one fsync (group commit). An apply that throws is rolled
//   back alone and its promise rejects; the others still commit.

export interface EngineEntry {
  key: Buffer;
  value: Buffer;
}

export interface EngineRange {
  start?: Buffer | undefined;
  end?: Buffer | undefined;
  reverse?: boolean;
  limit?: number;
}

export interface EngineReader {
  get(key: Buffer): Buffer | undefined;
  scan(range: EngineRange): Iterable<EngineEntry>;
  /**
   * Optional forward walk of [start, end) calling fn per entry until it
   * returns true: a scan without an entry object per row (the memory engine
   * has it; MVCC reads fall back to scan() without it). Buffers passed to fn
   * are valid during the call only.
   */
  visit?(range: EngineRange, fn: (key: Buffer, value: Buffer) => boolean | void): void;
}

/** A reader that can count a range's entries without visiting them in JS (LMDB). */
export interface CountingReader extends EngineReader {
  count(range: EngineRange): number;
}

export interface EngineSnapshot extends EngineReader {
  release(): void;
}

export interface EngineWriter extends EngineReader {
  /**
   * Optional get without a copy: the result is valid only until the next call
   * on this writer (LMDB: lmdb-js's reused read buffer).
   */
  getTransient?(key: Buffer): Buffer | undefined;
  /** Copies key and value before returning: callers may reuse their buffers. */
  put(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
}

export type SyncMode = 'full' | 'none';

export interface EngineStats {
  /** Engine transactions committed (each group commit counts once). */
  flushes: number;
  /** write() calls committed. */
  writes: number;
}

/** What another thread of this process needs to open a reader on an LMDB engine (lmdb-thread-reader.ts). */
export interface ThreadShareableEngine {
  path: string;
  syncMode: SyncMode;
  mapSizeBytes: number;
  maxReaders: number;
}

export interface Engine extends EngineReader {
  readonly kind: 'lmdb' | 'memory';
  /** Set when worker threads of this process can read the engine (LMDB: they share its environment). */
  readonly threadShareable?: ThreadShareableEngine;
  /** With threadShareable: registers work close() awaits first (ending threads that hold the environment open). */
  onClose?(fn: () => Promise<void>): void;
  snapshot(): EngineSnapshot;
  write(apply: (w: EngineWriter) => void): Promise<void>;
  /**
   * Runs apply in its own engine transaction on the calling thread and
   * returns once it is durable. Blocks the event loop for the duration: for
   * bulk work (ingest) in batches of bounded size, not for commits.
   */
  writeSync(apply: (w: EngineWriter) => void): void;
  /** Resolves once everything written so far is durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
  stats(): EngineStats;
}

export type WriteOp = { op: 'put'; key: Buffer; value: Buffer } | { op: 'del'; key: Buffer };

/** Applies a plain batch of puts and deletes atomically. */
export function writeBatch(engine: Engine, ops: readonly WriteOp[]): Promise<void> {
  return engine.write((w) => {
    for (const o of ops) {
      if (o.op === 'put') w.put(o.key, o.value);
      else w.del(o.key);
    }
  });
}
