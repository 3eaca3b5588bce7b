// Owns one serializable transaction: a read timestamp, a buffer of writes
// (read-your-writes), the keys and spans it read, savepoints, and commit.
//
// Commit (see kv/db.ts for the sequencing): a read-only transaction commits
// at its read timestamp without validation. Otherwise a commit timestamp is
// taken from the clock and every read key and span is validated: if anything
// was committed there after the read timestamp (or is sequenced to be), the
// transaction fails with a retryable 40001 error. Then all buffered writes
// go to the engine in one batch at the commit timestamp, durable before
// commit() resolves.
//
// scanVisit is scan()'s batch form for whole-span reads (SQL aggregation):
// rows go to a callback straight from the store's page walk, unless the
// transaction wrote into the span, where pages are merged as scan() does.
//
// Limits: buffered write bytes (maxTxnWriteBytes); recorded point reads are
// condensed into one covering span past maxTrackedPointReads.

import { BurrowError, SqlState, retryError } from '../util/errors.js';
import { maxTxnWriteBytes } from '../util/limits.js';
import type { Timestamp } from '../util/hlc.js';
import { timestampToDecimalString } from '../util/hlc.js';
import { keyAfter } from '../storage/mvcc-read.js';
import type { MvccRow } from '../storage/mvcc-read.js';
import {
  newSortedMap, sortedEntries, sortedFork, sortedGet, sortedSet, sortedSnapshot, type SortedMap,
} from '../storage/sorted-map.js';
import type { KvDbInternals } from './db.js';

export interface KvRow {
  key: Buffer;
  value: Buffer;
}

export interface ScanOptions {
  reverse?: boolean;
  /** Rows to return at most, over all pages. */
  limit?: number;
  /** Rows per page read from storage. */
  pageRows?: number;
}

/**
 * One row of scanVisit: key is the engine's MVCC key (decodeUserKey gives
 * the user key), or the user key itself when userKey is true (rows merged
 * from the transaction's own writes); the row's value bytes are
 * value[payloadAt..]. Buffers are valid during the call only.
 */
export type KvVisitor = (key: Buffer, value: Buffer, payloadAt: number, userKey?: boolean) => void;

export interface VisitOptions {
  /** Rows per page read from storage. */
  pageRows?: number;
  /** Awaited between pages (cancellation checks, yielding to the event loop). */
  between?: () => Promise<void>;
}

export interface Savepoint {
  writes: SortedMap<Buffer | null>;
  writeBytes: number;
}

export interface Txn {
  readonly readTs: Timestamp;
  readonly readOnly: boolean;
  /** True when the read timestamp was fixed by the caller (AS OF SYSTEM TIME). */
  readonly historical: boolean;
  get(key: Buffer): Promise<Buffer | undefined>;
  /** Pages of rows in [start, end), merged with this transaction's own writes. */
  scan(start: Buffer | undefined, end: Buffer | undefined, opts?: ScanOptions): AsyncGenerator<KvRow[]>;
  /**
   * Every row in [start, end) in key order, handed to visit without a row
   * object per row: scan()'s batch form (forward, no limit), with the same
   * own-write merging, pending-commit waits and read-set tracking.
   */
  scanVisit(start: Buffer | undefined, end: Buffer | undefined, visit: KvVisitor, opts?: VisitOptions): Promise<void>;
  put(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
  /** Adds key to the read set without reading it (the caller read it from a cache). */
  recordRead(key: Buffer): void;
  /** Whether this transaction has buffered a write in [start, end). */
  wroteInSpan(start: Buffer, end: Buffer): boolean;
  savepoint(): Savepoint;
  rollbackTo(sp: Savepoint): void;
  hasWrites(): boolean;
  /** Commits; resolves with the commit timestamp once durable. */
  commit(): Promise<Timestamp>;
  rollback(): void;
  readonly state: 'open' | 'committed' | 'aborted';
}

const maxTrackedPointReads = 10_000;
const defaultPageRows = 1024;
/**
 * A scan page also ends once it holds this many value bytes (at a row
 * boundary, at least one row): 1024 rows of 4 MiB userfile chunks would be a
 * 4 GiB page.
 */
const defaultPageBytes = 8 * 1024 * 1024;
const defaultVisitPageRows = 4096;

export interface ReadSet {
  points: Buffer[];
  spans: { start: Buffer | undefined; end: Buffer | undefined }[];
}

function condense(rs: ReadSet): void {
  let min = rs.points[0]!;
  let max = rs.points[0]!;
  for (const p of rs.points) {
    if (Buffer.compare(p, min) < 0) min = p;
    if (Buffer.compare(p, max) > 0) max = p;
  }
  rs.points = [];
  rs.spans.push({ start: min, end: keyAfter(max) });
}

export function newTxn(db: KvDbInternals, readTs: Timestamp, readOnly: boolean, historical: boolean): Txn {
  let writes = newSortedMap<Buffer | null>();
  let writeBytes = 0;
  // Bounds of every key ever buffered (not shrunk by savepoint rollbacks): a cheap overlap test.
  let minWrite: Buffer | null = null;
  let maxWrite: Buffer | null = null;
  const reads: ReadSet = { points: [], spans: [] };
  let state: Txn['state'] = 'open';

  const checkOpen = (): void => {
    if (state !== 'open') {
      throw new BurrowError(SqlState.InvalidTransactionState, `transaction is already ${state}`);
    }
  };
  const checkWritable = (): void => {
    checkOpen();
    if (readOnly) throw new BurrowError(SqlState.ReadOnlySqlTransaction, 'cannot write in a read-only transaction');
  };
  const bufferWrite = (key: Buffer, value: Buffer | null): void => {
    const prev = sortedGet(writes, key);
    writeBytes += key.length + (value ? value.length : 0) - (prev ? prev.length : 0);
    if (writeBytes > maxTxnWriteBytes) {
      throw new BurrowError(
        SqlState.ProgramLimitExceeded,
        `transaction writes exceed the limit of ${maxTxnWriteBytes} bytes`,
        { hint: 'Split the work into smaller transactions.' },
      );
    }
    const k = Buffer.from(key);
    sortedSet(writes, k, value === null ? null : Buffer.from(value));
    if (!minWrite || Buffer.compare(k, minWrite) < 0) minWrite = k;
    if (!maxWrite || Buffer.compare(k, maxWrite) > 0) maxWrite = k;
  };
  /** Whether a write is buffered in [start, end) (unbounded where undefined). */
  const ownWritesIn = (start: Buffer | undefined, end: Buffer | undefined): boolean => {
    if (writes.size === 0 || !minWrite || !maxWrite) return false;
    if ((end && Buffer.compare(minWrite, end) >= 0) || (start && Buffer.compare(maxWrite, start) < 0)) return false;
    for (const _ of sortedEntries(writes, { start, end })) return true;
    return false;
  };
  const recordPoint = (key: Buffer): void => {
    reads.points.push(key);
    if (reads.points.length > maxTrackedPointReads) condense(reads);
  };

  const txn: Txn = {
    readTs,
    readOnly,
    historical,
    get state() {
      return state;
    },
    async get(key) {
      checkOpen();
      const own = sortedGet(writes, key);
      if (own !== undefined) return own === null ? undefined : own;
      await db.waitForKey(key, readTs);
      if (!readOnly) recordPoint(Buffer.from(key));
      return db.store.get(key, readTs)?.value;
    },
    async *scan(start, end, opts = {}) {
      checkOpen();
      let left = opts.limit ?? Infinity;
      const pageRows = Math.max(1, Math.min(opts.pageRows ?? defaultPageRows, left));
      let span: { start: Buffer | undefined; end: Buffer | undefined } | undefined = { start, end };
      let lastKey: Buffer | undefined;
      let exhausted = false;
      try {
        while (span && left > 0) {
          await db.waitForSpan(span.start, span.end, readTs);
          const page = db.store.scanPage({ start: span.start, end: span.end, ts: readTs, reverse: !!opts.reverse, maxRows: pageRows, maxBytes: defaultPageBytes });
          const pageSpan = opts.reverse
            ? { start: page.resume ? page.resume.end : span.start, end: span.end }
            : { start: span.start, end: page.resume ? page.resume.start : span.end };
          const rows = mergeOwnWrites(page.rows, writes, pageSpan.start, pageSpan.end, !!opts.reverse);
          const out = rows.length > left ? rows.slice(0, left) : rows;
          left -= out.length;
          if (out.length > 0) lastKey = out[out.length - 1]!.key;
          span = page.resume ? { start: page.resume.start, end: page.resume.end } : undefined;
          if (!span && left > 0) exhausted = true;
          if (out.length > 0) yield out;
        }
        if (!span) exhausted = true;
      } finally {
        if (!readOnly) {
          if (exhausted || lastKey === undefined) reads.spans.push({ start, end });
          else if (opts.reverse) reads.spans.push({ start: lastKey, end });
          else reads.spans.push({ start, end: keyAfter(lastKey) });
        }
      }
    },
    async scanVisit(start, end, visit, opts = {}) {
      checkOpen();
      const pageRows = Math.max(1, opts.pageRows ?? defaultVisitPageRows);
      let span: { start: Buffer | undefined; end: Buffer | undefined } | undefined = { start, end };
      try {
        while (span) {
          await db.waitForSpan(span.start, span.end, readTs);
          let resume: { start?: Buffer | undefined; end?: Buffer | undefined } | undefined;
          if (ownWritesIn(span.start, span.end)) {
            // Own writes here: merge them as scan() does (rare: a statement reading what its transaction wrote).
            const page = db.store.scanPage({ start: span.start, end: span.end, ts: readTs, maxRows: pageRows });
            const rows = mergeOwnWrites(page.rows, writes, span.start, page.resume ? page.resume.start : span.end, false);
            for (const r of rows) visit(r.key, r.value, 0, true);
            resume = page.resume;
          } else {
            resume = db.store.visitPage({ start: span.start, end: span.end, ts: readTs, maxRows: pageRows }, visit).resume;
          }
          span = resume ? { start: resume.start, end: resume.end } : undefined;
          if (span && opts.between) await opts.between();
        }
      } finally {
        // The whole span, even when a visitor or between() threw: a wider read set is only more conservative.
        if (!readOnly) reads.spans.push({ start, end });
      }
    },
    put(key, value) {
      checkWritable();
      bufferWrite(key, value);
    },
    del(key) {
      checkWritable();
      bufferWrite(key, null);
    },
    recordRead(key) {
      if (!readOnly) recordPoint(key);
    },
    wroteInSpan(start, end) {
      if (!minWrite || !maxWrite || Buffer.compare(minWrite, end) >= 0 || Buffer.compare(maxWrite, start) < 0) return false;
      for (const _ of sortedEntries(writes, { start, end })) return true;
      return false;
    },
    savepoint: () => ({ writes: sortedSnapshot(writes), writeBytes }),
    rollbackTo(sp) {
      checkOpen();
      writes = sortedFork(sp.writes);
      writeBytes = sp.writeBytes;
    },
    hasWrites: () => writes.size > 0,
    async commit() {
      checkOpen();
      if (writes.size === 0) {
        state = 'committed';
        return readTs;
      }
      try {
        const ts = await db.commit(readTs, reads, writes);
        state = 'committed';
        return ts;
      } catch (err) {
        state = 'aborted';
        throw err;
      }
    },
    rollback() {
      if (state === 'open') state = 'aborted';
    },
  };
  return txn;
}

/** Applies buffered writes in [start, end) to a page of stored rows, keeping key order. */
function mergeOwnWrites(
  rows: MvccRow[],
  writes: SortedMap<Buffer | null>,
  start: Buffer | undefined,
  end: Buffer | undefined,
  reverse: boolean,
): KvRow[] {
  if (writes.size === 0) return rows;
  const own = [...sortedEntries(writes, { start, end, reverse })];
  if (own.length === 0) return rows;
  const out: KvRow[] = [];
  let i = 0;
  let j = 0;
  const before = (a: Buffer, b: Buffer): number => (reverse ? -Buffer.compare(a, b) : Buffer.compare(a, b));
  while (i < rows.length || j < own.length) {
    const c = i >= rows.length ? 1 : j >= own.length ? -1 : before(rows[i]!.key, own[j]![0]);
    if (c < 0) out.push(rows[i++]!);
    else {
      const [k, v] = own[j++]!;
      if (c === 0) i++;
      if (v !== null) out.push({ key: k, value: v });
    }
  }
  return out;
}

export function conflictError(readTs: Timestamp, what: string): BurrowError {
  return retryError(
    `TransactionRetryError: retry txn (RETRY_SERIALIZABLE - failed preemptive refresh due to a conflict: committed value on ${what})`,
    `read timestamp ${timestampToDecimalString(readTs)}`,
  );
}
