// Owns the shapes the planner produces and the executor runs: output
// columns, relational nodes (each runs as an async stream of row batches),
// compiled expressions, and the per-statement execution context.
//
// Invariants: a RelNode's rows have exactly cols.length datums, in cols
// order. Batches are never empty. A compiled expression is either sync
// (eval) or, when it contains a subquery, async (evalAsync only).

import type { Txn } from '../../kv/txn.js';
import type { Datum, Row } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import type { SqlType } from '../types/types.js';

export interface OutCol {
  name: string;
  type: SqlType;
  /** Table alias the column can be qualified with, if any. */
  table: string | null;
  /** Left out of `*` (rowid, ORDER BY helpers). */
  hidden: boolean;
  /** Only reachable with a table qualifier (the per-side copies of a JOIN ... USING column). */
  qualifiedOnly?: boolean;
}

export interface ExecCtx {
  txn: Txn;
  evalCtx: EvalContext;
  /** Rows of enclosing queries, innermost first (correlated subqueries). */
  outer: Row[];
  /** Set when the statement is cancelled. */
  cancelled: () => boolean;
}

const yieldEveryMs = 20;
let lastYieldMs = performance.now();

/**
 * Lets the event loop run (other connections, cancel requests, timers) when
 * this process has been busy for a while; throws 57014 when cancelled.
 * Long-running operators call it once per batch.
 */
export async function checkpoint(ctx: ExecCtx): Promise<void> {
  if (ctx.cancelled()) {
    const { BurrowError } = await import('../../util/errors.js');
    throw new BurrowError('57014', 'query execution canceled');
  }
  const now = performance.now();
  if (now - lastYieldMs < yieldEveryMs) return;
  await new Promise((r) => setImmediate(r));
  lastYieldMs = performance.now();
  if (ctx.cancelled()) {
    const { BurrowError } = await import('../../util/errors.js');
    throw new BurrowError('57014', 'query execution canceled');
  }
}

export interface ExplainNode {
  name: string;
  details: string[];
  children: ExplainNode[];
}

export interface RelNode {
  cols: OutCol[];
  explain(): ExplainNode;
  run(ctx: ExecCtx): AsyncGenerator<Row[]>;
}

export interface CExpr {
  type: SqlType;
  /** Evaluates synchronously; undefined when the expression is async. */
  eval: ((row: Row, ctx: ExecCtx) => Datum) | undefined;
  evalAsync(row: Row, ctx: ExecCtx): Promise<Datum>;
  /** True when the value does not depend on the row or outer rows. */
  constant: boolean;
  /** For EXPLAIN. */
  text: string;
  /** Set when the expression is just the input row's column at this index (lets operators read it in bulk). */
  colIndex?: number;
}

export const batchRows = 256;

export function syncExpr(type: SqlType, fn: (row: Row, ctx: ExecCtx) => Datum, text: string, constant = false): CExpr {
  return { type, eval: fn, evalAsync: (r, c) => Promise.resolve(fn(r, c)), constant, text };
}

export function asyncExpr(type: SqlType, fn: (row: Row, ctx: ExecCtx) => Promise<Datum>, text: string): CExpr {
  return { type, eval: undefined, evalAsync: fn, constant: false, text };
}

/** Evaluates e, awaiting only if it is async. */
export function evalExpr(e: CExpr, row: Row, ctx: ExecCtx): Datum | Promise<Datum> {
  return e.eval ? e.eval(row, ctx) : e.evalAsync(row, ctx);
}
