// Owns EvalContext: what evaluating an expression may need from the session
// and transaction (time, time zone, user, ID generators, sequences,
// settings). Built per statement by the session; builtins read it and never
// reach into sessions or storage themselves.

import type { Datum } from './datum.js';

export interface EvalContext {
  /** The session's time zone name or offset, e.g. 'UTC', 'America/New_York', '+02:00'. */
  timezone: string;
  /** Transaction timestamp (now(), current_timestamp), microseconds since the epoch. */
  txnTimestampMicros: bigint;
  /** Statement timestamp (statement_timestamp()), microseconds since the epoch. */
  stmtTimestampMicros: bigint;
  /** Wall clock at the moment of the call (clock_timestamp()), microseconds. */
  clockMicros(): bigint;
  /** cluster_logical_timestamp() as its decimal text. */
  clusterLogicalTimestamp(): string;
  user: string;
  database: string;
  searchPath: string[];
  applicationName: string;
  /** A fresh unique_rowid(). */
  uniqueRowId(): bigint;
  /** Sequence access by (possibly qualified) name; async because it writes. */
  nextval(seqName: string): Promise<bigint>;
  currval(seqName: string): Promise<bigint>;
  setval(seqName: string, value: bigint, isCalled: boolean): Promise<bigint>;
  /** Session variable by name (current_setting()). */
  sessionVar(name: string): string | undefined;
  /** Server version string for version(). */
  version: string;
  /** Placeholder values ($1...), already typed. */
  params: Datum[];
}

/** A context with fixed values, for tests and constant folding. */
export function staticEvalContext(over: Partial<EvalContext> = {}): EvalContext {
  let rowId = 0n;
  const nowMicros = BigInt(Date.now()) * 1000n;
  return {
    timezone: 'UTC',
    txnTimestampMicros: nowMicros,
    stmtTimestampMicros: nowMicros,
    clockMicros: () => BigInt(Date.now()) * 1000n,
    clusterLogicalTimestamp: () => `${nowMicros * 1000n}.0000000000`,
    user: 'root',
    database: 'defaultdb',
    searchPath: ['public'],
    applicationName: '',
    uniqueRowId: () => ++rowId,
    nextval: () => Promise.reject(new Error('no sequences in a static context')),
    currval: () => Promise.reject(new Error('no sequences in a static context')),
    setval: () => Promise.reject(new Error('no sequences in a static context')),
    sessionVar: () => undefined,
    version: 'CockroachDB CCL v23.2.0 (Burrow)',
    params: [],
    ...over,
  };
}
