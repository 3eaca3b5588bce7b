// Test helpers for the builtins: typed argument constructors, calling a
// function/operator the way the executor will (strict NULL skipping,
// awaiting async builtins), and rendering results as PostgreSQL text so
// expectations read like SQL output.

import assert from 'node:assert/strict';
import { parseDecimal } from '../../../src/util/decimal.js';
import { BurrowError } from '../../../src/util/errors.js';
import type { Datum } from '../../../src/sql/types/datum.js';
import { staticEvalContext, type EvalContext } from '../../../src/sql/types/eval-context.js';
import { T, arrayOf, type SqlType } from '../../../src/sql/types/types.js';
import { parseDate, parseTime, parseTimestamp, parseTimestampTz } from '../../../src/sql/types/datetime.js';
import { parseInterval } from '../../../src/sql/types/interval.js';
import { parseJson } from '../../../src/sql/types/json.js';
import { formatDatum } from '../../../src/sql/types/format.js';
import { castDatum } from '../../../src/sql/types/cast.js';
import { resolveFunction } from '../../../src/sql/builtins/registry.js';
import {
  mustResolveBinaryOp, mustResolveComparison, mustResolveUnaryOp, type BinaryOpName, type ComparisonOpName,
  type UnaryOpName,
} from '../../../src/sql/builtins/operators.js';

export type Arg = [Datum, SqlType];

/** 2020-06-15 12:34:56.789 UTC. */
export const fixedNowMicros = 1_592_224_496_789_000n;

export function ctxWith(over: Partial<EvalContext> = {}): EvalContext {
  return staticEvalContext({
    txnTimestampMicros: fixedNowMicros,
    stmtTimestampMicros: fixedNowMicros + 1000n,
    clockMicros: () => fixedNowMicros + 2000n,
    ...over,
  });
}

export const utc = ctxWith();
export const newYork = ctxWith({ timezone: 'America/New_York' });

export const i = (v: number | bigint): Arg => [BigInt(v), T.int];
export const f = (v: number): Arg => [v, T.float];
export const d = (v: string): Arg => [parseDecimal(v), T.decimal];
export const s = (v: string): Arg => [v, T.string];
export const by = (hex: string): Arg => [Buffer.from(hex, 'hex'), T.bytes];
export const bool = (v: boolean): Arg => [v, T.bool];
export const date = (v: string): Arg => [parseDate(v), T.date];
export const time = (v: string): Arg => [parseTime(v), T.time];
export const ts = (v: string): Arg => [parseTimestamp(v), T.timestamp];
export const tstz = (v: string, tz = 'UTC'): Arg => [parseTimestampTz(v, tz), T.timestamptz];
export const iv = (v: string): Arg => [parseInterval(v), T.interval];
export const j = (v: string): Arg => [parseJson(v), T.jsonb];
export const nul = (t: SqlType = T.unknown): Arg => [null, t];
export const arr = (elem: SqlType, items: Datum[]): Arg => [items, arrayOf(elem)];
export const ints = (...v: (number | null)[]): Arg => arr(T.int, v.map((x) => (x === null ? null : BigInt(x))));
export const strs = (...v: (string | null)[]): Arg => arr(T.string, v);

/** PostgreSQL text of a result ('NULL' for SQL NULL). */
export function show(v: Datum, t: SqlType, ctx: EvalContext = utc): string {
  return v === null ? 'NULL' : formatDatum(v, t, { timezone: ctx.timezone });
}

/** Casts an argument to the parameter type resolution chose (the planner's job). */
export function castTo(a: Arg, to: SqlType, ctx: EvalContext = utc): Datum {
  if (a[0] === null || a[1].family === to.family || a[1].family === 'unknown') return a[0];
  return castDatum(a[0], a[1], to, { timezone: ctx.timezone });
}

/** Calls a scalar builtin as the executor does; returns the result text. */
export async function call(name: string, args: Arg[], ctx: EvalContext = utc): Promise<string> {
  const r = resolveFunction(name, args.map((a) => a[1]));
  if (r.strict && args.some((a) => a[0] === null)) return 'NULL';
  const values = args.map((a, k) => castTo(a, r.paramTypes[k]!, ctx));
  const v = await r.fn(values, ctx);
  return show(v, r.returnType, ctx);
}

export function binop(op: BinaryOpName, a: Arg, b: Arg, ctx: EvalContext = utc): string {
  const r = mustResolveBinaryOp(op, a[1], b[1]);
  if (r.strict && (a[0] === null || b[0] === null)) return 'NULL';
  return show(r.fn(a[0], b[0], ctx), r.returnType, ctx);
}

export function unop(op: UnaryOpName, a: Arg): string {
  const r = mustResolveUnaryOp(op, a[1]);
  return a[0] === null ? 'NULL' : show(r.fn(a[0]), r.returnType);
}

export function cmp(op: ComparisonOpName, a: Arg, b: Arg, ctx: EvalContext = utc): boolean {
  return mustResolveComparison(op, a[1], b[1])(a[0], b[0], ctx);
}

/** Asserts fn throws a BurrowError with this SQLSTATE (and message, when given). */
export async function rejects(fn: () => unknown, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (err: unknown) => {
    assert.ok(err instanceof BurrowError, `expected BurrowError, got ${String(err)}`);
    assert.equal(err.code, code, `code for: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** One named case: expected text of an async expression. */
export interface Case {
  name: string;
  run: () => string | Promise<string>;
  want: string;
}
