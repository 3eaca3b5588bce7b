// Owns HLC timestamps and the process clock. A timestamp is wall-clock
// nanoseconds since the Unix epoch (bigint) plus a logical counter. The clock
// never hands out the same or a smaller timestamp twice in a process, and,
// through a persisted high-water mark, never goes backwards across restarts.
// Nothing else in Burrow reads the wall clock for ordering.

import { BurrowError, SqlState } from './errors.js';

export interface Timestamp {
  readonly wall: bigint; // nanoseconds since the Unix epoch
  readonly logical: number; // uint32
}

export const zeroTimestamp: Timestamp = { wall: 0n, logical: 0 };
export const maxWallNs = (1n << 64n) - 1n;
export const maxLogical = 0xffffffff;
/** Larger than any timestamp a clock hands out; used as "read everything". */
export const maxTimestamp: Timestamp = { wall: maxWallNs - 1n, logical: maxLogical };

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  return a.logical - b.logical;
}

export function tsLess(a: Timestamp, b: Timestamp): boolean {
  return compareTimestamps(a, b) < 0;
}

export function tsMax(a: Timestamp, b: Timestamp): Timestamp {
  return compareTimestamps(a, b) >= 0 ? a : b;
}

export function isZero(ts: Timestamp): boolean {
  return ts.wall === 0n && ts.logical === 0;
}

/** The next timestamp after ts (logical + 1, carrying into wall). */
export function tsNext(ts: Timestamp): Timestamp {
  if (ts.logical < maxLogical) return { wall: ts.wall, logical: ts.logical + 1 };
  return { wall: ts.wall + 1n, logical: 0 };
}

/** The previous timestamp before ts. */
export function tsPrev(ts: Timestamp): Timestamp {
  if (ts.logical > 0) return { wall: ts.wall, logical: ts.logical - 1 };
  if (ts.wall === 0n) return zeroTimestamp;
  return { wall: ts.wall - 1n, logical: maxLogical };
}

/** Decimal rendering as cluster_logical_timestamp() prints it: `<wall ns>.<10-digit logical>`. */
export function timestampToDecimalString(ts: Timestamp): string {
  return `${ts.wall}.${ts.logical.toString().padStart(10, '0')}`;
}

/** CockroachDB's debug form used in error messages: `<secs>.<9-digit ns>,<logical>`. */
export function timestampToDebugString(ts: Timestamp): string {
  const secs = ts.wall / 1_000_000_000n;
  const ns = ts.wall % 1_000_000_000n;
  return `${secs}.${ns.toString().padStart(9, '0')},${ts.logical}`;
}

/** Parses `<wall ns>[.<logical>]` (the decimal HLC form). */
export function parseDecimalTimestamp(text: string): Timestamp {
  const m = /^(\d+)(?:\.(\d{1,10}))?$/.exec(text.trim());
  if (!m) {
    throw new BurrowError(SqlState.SyntaxError, `could not parse "${text}" as an HLC timestamp`);
  }
  const wall = BigInt(m[1]!);
  const logical = m[2] === undefined ? 0 : Number(m[2].padEnd(10, '0'));
  if (wall > maxWallNs || logical > maxLogical) {
    throw new BurrowError(SqlState.SyntaxError, `HLC timestamp ${text} out of range`);
  }
  return { wall, logical };
}

export function timestampFromDate(d: Date): Timestamp {
  return { wall: BigInt(d.getTime()) * 1_000_000n, logical: 0 };
}

export function timestampToDate(ts: Timestamp): Date {
  return new Date(Number(ts.wall / 1_000_000n));
}

export interface ClockOptions {
  /** Wall time in ns never to go below (the persisted high-water mark). */
  minWallNs?: bigint;
  /** Reads physical time; injectable for tests. */
  physicalNowNs?: () => bigint;
  /**
   * Restart safety: the wall time handed out stays below ceilingNs, the
   * durably persisted high-water mark (its owner raises it in the
   * background); if physical time outruns it, logical ticks absorb the wait.
   */
  ceiling?: { ceilingNs: bigint };
}

export interface Clock {
  /** A fresh timestamp, strictly greater than every one handed out before. */
  now(): Timestamp;
  /** Physical time only, for display and AS OF SYSTEM TIME arithmetic. */
  physicalNowNs(): bigint;
  /** Moves the clock forward so later timestamps exceed ts (for timestamps seen from storage). */
  update(ts: Timestamp): void;
  /** The largest timestamp handed out so far. */
  last(): Timestamp;
}

/** Physical wall clock in ns with sub-millisecond resolution, monotonic within the process. */
export function makePhysicalClock(): () => bigint {
  const epochBaseNs = BigInt(Date.now()) * 1_000_000n;
  const hrBase = process.hrtime.bigint();
  return () => epochBaseNs + (process.hrtime.bigint() - hrBase);
}

export function newClock(opts: ClockOptions = {}): Clock {
  const physical = opts.physicalNowNs ?? makePhysicalClock();
  let lastTs: Timestamp = { wall: opts.minWallNs ?? 0n, logical: 0 };
  const ceiling = opts.ceiling;
  return {
    now() {
      let wall = physical();
      if (ceiling && wall >= ceiling.ceilingNs) wall = ceiling.ceilingNs - 1n;
      lastTs = wall > lastTs.wall ? { wall, logical: 0 } : tsNext(lastTs);
      return lastTs;
    },
    physicalNowNs: physical,
    update(ts) {
      if (compareTimestamps(ts, lastTs) > 0) lastTs = ts;
    },
    last: () => lastTs,
  };
}
