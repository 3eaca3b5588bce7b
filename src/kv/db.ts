// Owns the transactional KV database over a Store: starting transactions,
// sequencing commits (validate read sets, take a commit timestamp, hand the
// writes to the engine's group commit), and running a transaction function
// with automatic retries on 40001.
//
// Sequencing is synchronous JavaScript between taking the commit timestamp
// and registering the commit as pending, so no two commits interleave their
// validation; engine durability then happens in the group commit, shared by
// every commit sequenced meanwhile.

import { BurrowError, SqlState } from '../util/errors.js';
import type { Timestamp } from '../util/hlc.js';
import { compareTimestamps } from '../util/hlc.js';
import type { Store } from '../storage/store.js';
import type { KeyWrite } from '../storage/mvcc-write.js';
import { sortedEntries, type SortedMap } from '../storage/sorted-map.js';
import {
  addPending, blockingCommits, blockingCommitsForKey, newPendingSet, pendingNewer, removePending, type PendingCommit,
} from './pending.js';
import { conflictError, newTxn, type ReadSet, type Txn } from './txn.js';

export interface BeginOptions {
  /** Read at this fixed timestamp (AS OF SYSTEM TIME); implies read-only. */
  readTs?: Timestamp;
  readOnly?: boolean;
}

export interface RetryOptions extends BeginOptions {
  maxAttempts?: number;
}

export interface KvDb {
  readonly store: Store;
  begin(opts?: BeginOptions): Txn;
  /** Runs fn in a transaction and commits, retrying the whole function on 40001. */
  runTxn<T>(fn: (txn: Txn) => Promise<T>, opts?: RetryOptions): Promise<T>;
  /** Commits sequenced but not yet durable (for tests and shutdown). */
  pendingCommits(): number;
  /** Waits until every sequenced commit is durable. */
  drain(): Promise<void>;
  /** Called synchronously when a commit is sequenced, with its written keys (sorted) and timestamp. */
  onCommit(listener: (keys: readonly Buffer[], ts: Timestamp) => void): void;
}

/** What a transaction needs from its database; not for other callers. */
export interface KvDbInternals {
  store: Store;
  waitForKey(key: Buffer, ts: Timestamp): Promise<void> | void;
  waitForSpan(start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): Promise<void> | void;
  commit(readTs: Timestamp, reads: ReadSet, writes: SortedMap<Buffer | null>): Promise<Timestamp>;
}

const defaultMaxAttempts = 100;

function settleAll(ps: Promise<void>[]): Promise<void> | void {
  if (ps.length === 0) return;
  return Promise.allSettled(ps).then(() => undefined);
}

export function openKv(store: Store): KvDb {
  const pending = newPendingSet();
  const listeners: ((keys: readonly Buffer[], ts: Timestamp) => void)[] = [];

  function validate(readTs: Timestamp, reads: ReadSet): void {
    for (const k of reads.points) {
      const latest = store.latestTimestamp(k);
      if (latest && compareTimestamps(latest, readTs) > 0) throw conflictError(readTs, `key ${k.toString('hex')}`);
      if (pendingNewer(pending, k, Buffer.concat([k, Buffer.from([0])]), readTs)) {
        throw conflictError(readTs, `key ${k.toString('hex')}`);
      }
    }
    for (const s of reads.spans) {
      try {
        store.checkReadable(s.start, s.end, readTs);
      } catch {
        throw conflictError(readTs, 'a span garbage collected since it was read');
      }
      if (store.anyNewer(s.start, s.end, readTs) || pendingNewer(pending, s.start, s.end, readTs)) {
        throw conflictError(readTs, `span [${s.start?.toString('hex') ?? ''}, ${s.end?.toString('hex') ?? ''})`);
      }
    }
  }

  const internals: KvDbInternals = {
    store,
    waitForKey: (key, ts) => (pending.list.length === 0 ? undefined : settleAll(blockingCommitsForKey(pending, key, ts))),
    waitForSpan: (start, end, ts) => (pending.list.length === 0 ? undefined : settleAll(blockingCommits(pending, start, end, ts))),
    commit(readTs, reads, writes) {
      validate(readTs, reads);
      const ts = store.clock.now();
      const list: KeyWrite[] = [];
      for (const [key, value] of sortedEntries(writes)) list.push({ key, value });
      const keys = list.map((w) => w.key);
      let resolveDone!: () => void;
      const entry: PendingCommit = {
        ts,
        keys,
        minKey: keys[0]!,
        maxKey: keys[keys.length - 1]!,
        done: new Promise<void>((r) => (resolveDone = r)),
      };
      addPending(pending, entry);
      for (const l of listeners) l(keys, ts);
      return store.commit(list, ts).then(
        () => {
          removePending(pending, entry);
          resolveDone();
          return ts;
        },
        (err: unknown) => {
          removePending(pending, entry);
          resolveDone();
          throw err;
        },
      );
    },
  };

  const db: KvDb = {
    store,
    begin(opts = {}) {
      if (opts.readTs) {
        const now = store.clock.now();
        if (compareTimestamps(opts.readTs, now) > 0) {
          throw new BurrowError(SqlState.InvalidParameterValue, 'AS OF SYSTEM TIME: cannot specify timestamp in the future');
        }
        return newTxn(internals, opts.readTs, true, true);
      }
      return newTxn(internals, store.clock.now(), !!opts.readOnly, false);
    },
    async runTxn(fn, opts = {}) {
      const maxAttempts = opts.maxAttempts ?? defaultMaxAttempts;
      for (let attempt = 1; ; attempt++) {
        const txn = db.begin(opts);
        try {
          const result = await fn(txn);
          await txn.commit();
          return result;
        } catch (err) {
          txn.rollback();
          const retryable = err instanceof BurrowError && err.code === SqlState.SerializationFailure;
          if (!retryable || attempt >= maxAttempts) throw err;
          await backoff(attempt);
        }
      }
    },
    pendingCommits: () => pending.list.length,
    onCommit: (l) => void listeners.push(l),
    async drain() {
      while (pending.list.length > 0) await Promise.allSettled(pending.list.map((p) => p.done));
    },
  };
  return db;
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** Math.min(attempt, 6) * Math.random() * 0.5);
  return new Promise((r) => setTimeout(r, ms));
}
