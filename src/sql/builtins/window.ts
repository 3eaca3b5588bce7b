// Owns window functions (row_number, rank, dense_rank, percent_rank,
// cume_dist, ntile, lag, lead, first_value, last_value, nth_value) and
// aggregates used OVER a window.
//
// Contract with the executor (it owns partitioning, sorting and frames):
// 1. resolveWindow(name, argTypes) once per plan.
// 2. Per partition, sort rows by the window's ORDER BY and build a
//    WindowPartition: rowCount; args(i) = the function's evaluated
//    arguments for row i; peerEnds[i] = index one past the last peer of row
//    i (rows with equal ORDER BY values; with no ORDER BY every row is a
//    peer: all rowCount; peerEndsFromKeys builds it); frames[i] = the
//    half-open [start, end) row range of row i's frame (defaultFrames gives
//    RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW; rowsFrames gives
//    ROWS offsets; other modes are the executor's to compute).
// 3. evaluate(partition) returns one result per row, in partition order.
// Ranking functions ignore frames; first/last/nth_value and aggregates use
// them. A frame with start >= end is empty (NULL for value functions).

import { BurrowError } from '../../util/errors.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, type SqlType } from '../types/types.js';
import { isAggregate, resolveAggregate, type Accumulator } from './aggregates.js';
import { AnyElementT, AnyT, pickOverload, unknownFunctionError, unknownSignatureError, type Overload } from './overload.js';

export interface WindowFrameBounds {
  /** First row index in the frame (inclusive). */
  start: number;
  /** One past the last row index in the frame. */
  end: number;
}

export interface WindowPartition {
  readonly rowCount: number;
  args(i: number): Datum[];
  readonly peerEnds: readonly number[];
  readonly frames: readonly WindowFrameBounds[];
}

export interface WindowFunc {
  evaluate(p: WindowPartition): Datum[];
}

export interface ResolvedWindow {
  returnType: SqlType;
  paramTypes: SqlType[];
  /** True when results depend on frames (value functions and aggregates). */
  usesFrame: boolean;
  create(ctx?: EvalContext): WindowFunc;
}

// ------------------------------------------------------- executor helpers

/** peerEnds from each row's ORDER BY key (rowKey of the sort columns), rows already sorted. */
export function peerEndsFromKeys(keys: readonly string[]): number[] {
  const ends = new Array<number>(keys.length);
  let end = keys.length;
  for (let i = keys.length - 1; i >= 0; i--) {
    if (i < keys.length - 1 && keys[i] !== keys[i + 1]) end = i + 1;
    ends[i] = end;
  }
  return ends;
}

/** RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the default frame). */
export function defaultFrames(peerEnds: readonly number[]): WindowFrameBounds[] {
  return peerEnds.map((end) => ({ start: 0, end }));
}

/**
 * ROWS BETWEEN <start> AND <end>: offsets relative to the current row
 * (negative = preceding), null = unbounded on that side.
 */
export function rowsFrames(rowCount: number, startOffset: number | null, endOffset: number | null): WindowFrameBounds[] {
  const out: WindowFrameBounds[] = [];
  for (let i = 0; i < rowCount; i++) {
    const start = startOffset === null ? 0 : Math.min(Math.max(i + startOffset, 0), rowCount);
    const end = endOffset === null ? rowCount : Math.min(Math.max(i + endOffset + 1, 0), rowCount);
    out.push({ start, end: Math.max(start, end) });
  }
  return out;
}

function peerStarts(peerEnds: readonly number[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < peerEnds.length; i++) {
    starts.push(i === 0 || peerEnds[i - 1] !== peerEnds[i] ? i : starts[i - 1]!);
  }
  return starts;
}

// -------------------------------------------------------------- rankings

type Evaluate = (p: WindowPartition) => Datum[];

const rowNumber: Evaluate = (p) => Array.from({ length: p.rowCount }, (_v, i) => BigInt(i + 1));

const rank: Evaluate = (p) => peerStarts(p.peerEnds).map((s) => BigInt(s + 1));

const denseRank: Evaluate = (p) => {
  const starts = peerStarts(p.peerEnds);
  let groups = 0n;
  return starts.map((s, i) => (s === i ? ++groups : groups));
};

const percentRank: Evaluate = (p) =>
  peerStarts(p.peerEnds).map((s) => (p.rowCount <= 1 ? 0 : s / (p.rowCount - 1)));

const cumeDist: Evaluate = (p) => p.peerEnds.map((e) => e / p.rowCount);

const ntile: Evaluate = (p) => {
  const out: Datum[] = [];
  for (let i = 0; i < p.rowCount; i++) {
    const nArg = p.args(i)[0]!;
    if (nArg === null) {
      out.push(null);
      continue;
    }
    const n = nArg as bigint;
    if (n <= 0n) throw new BurrowError('22014', 'argument of ntile() must be greater than zero');
    out.push(ntileBucket(i, p.rowCount, Number(n > BigInt(p.rowCount) ? BigInt(p.rowCount) : n)));
  }
  return out;
};

/** PostgreSQL's ntile: the first (rows % buckets) buckets get one extra row. */
function ntileBucket(row: number, rows: number, buckets: number): bigint {
  const per = Math.floor(rows / buckets);
  const extra = rows % buckets;
  const bigRows = extra * (per + 1);
  if (row < bigRows) return BigInt(Math.floor(row / (per + 1)) + 1);
  return BigInt(extra + Math.floor((row - bigRows) / per) + 1);
}

// ------------------------------------------------------------ lag / lead

function shifted(direction: 1 | -1): Evaluate {
  return (p) => {
    const out: Datum[] = [];
    for (let i = 0; i < p.rowCount; i++) {
      const args = p.args(i);
      const offset = args.length > 1 ? args[1]! : 1n;
      if (offset === null) {
        out.push(null);
        continue;
      }
      const j = i + direction * Number(offset as bigint);
      out.push(j >= 0 && j < p.rowCount ? p.args(j)[0]! : args.length > 2 ? args[2]! : null);
    }
    return out;
  };
}

// ---------------------------------------------------------- frame values

function frameValue(pick: (f: WindowFrameBounds, i: number, p: WindowPartition) => number | null): Evaluate {
  return (p) => p.frames.map((f, i) => {
    const j = pick(f, i, p);
    return j === null || j < f.start || j >= f.end ? null : p.args(j)[0]!;
  });
}

const firstValue = frameValue((f) => f.start);
const lastValue = frameValue((f) => f.end - 1);
const nthValue = frameValue((f, i, p) => {
  const n = p.args(i)[1]!;
  if (n === null) return null;
  if ((n as bigint) <= 0n) throw new BurrowError('22016', 'argument of nth_value() must be greater than zero');
  return f.start + Number(n as bigint) - 1;
});

// ------------------------------------------------------- aggregates OVER

function framesOnlyGrow(frames: readonly WindowFrameBounds[]): boolean {
  return frames.every((f, i) => f.start === 0 && (i === 0 || f.end >= frames[i - 1]!.end));
}

/** Aggregate per frame: one running accumulator when frames only grow, else one per row. */
function aggregateOverFrames(create: () => Accumulator): Evaluate {
  return (p) => {
    if (framesOnlyGrow(p.frames)) {
      const acc = create();
      let added = 0;
      return p.frames.map((f) => {
        for (; added < f.end; added++) acc.add(p.args(added));
        return acc.result();
      });
    }
    return p.frames.map((f) => {
      const acc = create();
      for (let j = f.start; j < f.end; j++) acc.add(p.args(j));
      return acc.result();
    });
  };
}

// ------------------------------------------------------------ definitions

interface WindowOverload {
  args: readonly SqlType[];
  returnType: (ts: readonly SqlType[]) => SqlType;
  usesFrame: boolean;
  evaluate: Evaluate;
}

function win(args: readonly SqlType[], ret: SqlType | 'arg', evaluate: Evaluate, usesFrame = false): WindowOverload {
  return { args, returnType: (ts) => (ret === 'arg' ? ts[0]! : ret), evaluate, usesFrame };
}

const windowList: Record<string, WindowOverload[]> = {
  row_number: [win([], T.int, rowNumber)],
  rank: [win([], T.int, rank)],
  dense_rank: [win([], T.int, denseRank)],
  percent_rank: [win([], T.float, percentRank)],
  cume_dist: [win([], T.float, cumeDist)],
  ntile: [win([T.int], T.int, ntile)],
  lag: [win([AnyT], 'arg', shifted(-1)), win([AnyT, T.int], 'arg', shifted(-1)),
    win([AnyElementT, T.int, AnyElementT], 'arg', shifted(-1))],
  lead: [win([AnyT], 'arg', shifted(1)), win([AnyT, T.int], 'arg', shifted(1)),
    win([AnyElementT, T.int, AnyElementT], 'arg', shifted(1))],
  first_value: [win([AnyT], 'arg', firstValue, true)],
  last_value: [win([AnyT], 'arg', lastValue, true)],
  nth_value: [win([AnyT, T.int], 'arg', nthValue, true)],
};

export function isWindowFunction(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(windowList, name);
}

export const windowFunctionNames: readonly string[] = Object.keys(windowList);

function asOverload(o: WindowOverload): Overload {
  return { args: o.args, returnType: T.unknown, strict: false, volatility: 'immutable', fn: () => null };
}

/** Resolves `name(args) OVER (...)`: a window function or any aggregate. */
export function resolveWindow(name: string, argTypes: readonly SqlType[]): ResolvedWindow {
  if (!isWindowFunction(name)) {
    if (!isAggregate(name)) throw unknownFunctionError(name);
    const a = resolveAggregate(name, argTypes, false);
    return {
      returnType: a.returnType, paramTypes: a.paramTypes, usesFrame: true,
      create: (ctx) => ({ evaluate: aggregateOverFrames(() => a.create(ctx)) }),
    };
  }
  const found = pickOverload(windowList[name]!, asOverload, argTypes);
  if (found) {
    const { o, params: types } = found;
    return { returnType: o.returnType(types), paramTypes: types, usesFrame: o.usesFrame, create: () => ({ evaluate: o.evaluate }) };
  }
  throw unknownSignatureError(name, argTypes);
}
