// Owns SQL operators: resolving a unary, binary or comparison operator from
// its operand types ONCE at plan time into a plain function the executor
// calls per row, with CockroachDB's overloads, promotions and errors.
//
// Contract with the executor:
// - resolveBinaryOp(...).fn(a, b, ctx) gets non-NULL operands when
//   `strict` is true (skip the call and yield NULL otherwise); the array
//   `||` overloads are not strict and handle NULL themselves.
// - Comparators get non-NULL operands (comparisons are NULL in, NULL out).
// - ctx is only read by time-zone dependent overloads (TIMESTAMPTZ
//   arithmetic, mixed TIMESTAMP/TIMESTAMPTZ/DATE comparisons, `||` text).
//
// CockroachDB semantics kept: INT / INT is DECIMAL (20 significant digits);
// `//` truncates toward zero; INT overflow is 22003 `integer out of range`;
// `/`, `//` by zero are 22012 `division by zero`, INT and DECIMAL `%` by
// zero 22012 `zero modulus`; shifts outside 0..63
// are 22023; there are no mixed INT/FLOAT arithmetic overloads (only
// comparisons mix them); a missing overload is 22023 `unsupported binary
// operator: <int> + <string>` (CockroachDB's code; PostgreSQL uses 42883).

import { BurrowError } from '../../util/errors.js';
import {
  addDecimal, compareDecimal, decimalFromBigInt, mulDecimal, negateDecimal, subDecimal, type Decimal,
} from '../../util/decimal.js';
import { compareDatums, type Datum, type Interval, type Json } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { microsPerDayBig, localToUtc, utcToLocal } from './calendar.js';
import {
  decimalFromNumber, decimalToNumber, divByZero, powDecimal, quoDecimal, quoIntegerDecimal, remDecimal, zeroModulus,
} from './decimal-math.js';
import {
  addIntervalToTimestamp, addIntervals, divInterval, formatDatumText, mulInterval, negateInterval, subIntervals,
  timestampDifference,
} from './deps.js';
import {
  jsonAsText, jsonConcat, jsonContains, jsonDeleteIndex, jsonDeleteKey, jsonDeletePath, jsonExists, jsonFetchIndex,
  jsonFetchKey, jsonFetchPath,
} from './json-ops.js';
import { crdbTypeName } from './overload.js';
import { compileLike, compileRegexMatch, compileSimilar } from './pattern.js';

export { compileLike, compileRegexMatch, compileSimilar } from './pattern.js';

export type BinaryOpName =
  | '+' | '-' | '*' | '/' | '//' | '%' | '^' | '&' | '|' | '#' | '<<' | '>>'
  | '||' | '->' | '->>' | '#>' | '#>>' | '#-';
export type UnaryOpName = '-' | '+' | '~' | 'not';
export type ComparisonOpName =
  | '=' | '<>' | '!=' | '<' | '>' | '<=' | '>='
  | '@>' | '<@' | '?' | '?|' | '?&' | '&&' | '~' | '~*' | '!~' | '!~*';

export type BinaryFn = (a: Datum, b: Datum, ctx: EvalContext) => Datum;
export type UnaryFn = (a: Datum) => Datum;
export type Comparator = (a: Datum, b: Datum, ctx: EvalContext) => boolean;

export interface ResolvedBinaryOp {
  returnType: SqlType;
  fn: BinaryFn;
  /** NULL operand → NULL result without calling fn. */
  strict: boolean;
}

export interface ResolvedUnaryOp {
  returnType: SqlType;
  fn: UnaryFn;
}

// ------------------------------------------------------------------ errors

export const int64Max = 2n ** 63n - 1n;
export const int64Min = -(2n ** 63n);

export function intOutOfRange(): BurrowError {
  return new BurrowError('22003', 'integer out of range');
}

export function checkInt64(v: bigint): bigint {
  if (v > int64Max || v < int64Min) throw intOutOfRange();
  return v;
}

/** CockroachDB's error for a binary operator without an overload (SQLSTATE 22023). */
export function unsupportedBinaryOpError(op: string, left: SqlType, right: SqlType): BurrowError {
  return new BurrowError('22023', `unsupported binary operator: <${crdbTypeName(left)}> ${op} <${crdbTypeName(right)}>`);
}

export function unsupportedUnaryOpError(op: string, t: SqlType): BurrowError {
  return new BurrowError('22023', `unsupported unary operator: ${op} <${crdbTypeName(t)}>`);
}

export function unsupportedComparisonError(op: string, left: SqlType, right: SqlType): BurrowError {
  return new BurrowError('22023', `unsupported comparison operator: <${crdbTypeName(left)}> ${op} <${crdbTypeName(right)}>`);
}

// ------------------------------------------------------------ int helpers

/** x ^ y on INT8 (CockroachDB: negative exponents other than for ±1 are out of range). */
export function intPow(x: bigint, y: bigint): bigint {
  if (y < 0n) {
    if (x === 0n) throw new BurrowError('2201F', 'zero raised to a negative power is undefined');
    if (x === 1n) return 1n;
    if (x === -1n) return y % 2n === 0n ? 1n : -1n;
    throw intOutOfRange();
  }
  if (x === 0n || x === 1n) return y === 0n ? 1n : x;
  if (x === -1n) return y % 2n === 0n ? 1n : -1n;
  if (y > 64n) throw intOutOfRange();
  return checkInt64(x ** y);
}

function shiftCount(b: bigint): bigint {
  if (b < 0n || b >= 64n) throw new BurrowError('22023', 'shift argument out of range');
  return b;
}

const intOps: Partial<Record<BinaryOpName, (a: bigint, b: bigint) => Datum>> = {
  '+': (a, b) => checkInt64(a + b),
  '-': (a, b) => checkInt64(a - b),
  '*': (a, b) => checkInt64(a * b),
  '/': (a, b) => {
    if (b === 0n) throw divByZero();
    return quoDecimal(decimalFromBigInt(a), decimalFromBigInt(b));
  },
  '//': (a, b) => {
    if (b === 0n) throw divByZero();
    return checkInt64(a / b);
  },
  '%': (a, b) => {
    if (b === 0n) throw zeroModulus();
    return a % b;
  },
  '^': intPow,
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '#': (a, b) => a ^ b,
  '<<': (a, b) => BigInt.asIntN(64, a << shiftCount(b)),
  '>>': (a, b) => a >> shiftCount(b),
};

function checkFloatDivisor(b: number): number {
  if (b === 0) throw divByZero();
  return b;
}

const floatOps: Partial<Record<BinaryOpName, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / checkFloatDivisor(b),
  '//': (a, b) => Math.trunc(a / checkFloatDivisor(b)),
  '%': (a, b) => a % checkFloatDivisor(b),
  '^': (a, b) => Math.pow(a, b),
};

const decimalOps: Partial<Record<BinaryOpName, (a: Decimal, b: Decimal) => Decimal>> = {
  '+': addDecimal,
  '-': subDecimal,
  '*': mulDecimal,
  '/': (a, b) => quoDecimal(a, b),
  '//': quoIntegerDecimal,
  '%': remDecimal,
  '^': powDecimal,
};

// ----------------------------------------------------- numeric resolution

function fam(t: SqlType): string {
  return t.family === 'oid' ? 'int' : t.family;
}

function numericBinary(op: BinaryOpName, l: SqlType, r: SqlType): ResolvedBinaryOp | undefined {
  const lf = fam(l);
  const rf = fam(r);
  if (lf === 'int' && rf === 'int') {
    const f = intOps[op];
    if (!f) return undefined;
    return { returnType: op === '/' ? T.decimal : T.int, fn: (a, b) => f(a as bigint, b as bigint), strict: true };
  }
  if (lf === 'float' && rf === 'float') {
    const f = floatOps[op];
    return f && { returnType: T.float, fn: (a, b) => f(a as number, b as number), strict: true };
  }
  const d = decimalOps[op];
  if (!d) return undefined;
  const toDec = (t: string): ((x: Datum) => Decimal) | undefined =>
    t === 'decimal' ? (x) => x as Decimal : t === 'int' ? (x) => decimalFromBigInt(x as bigint) : undefined;
  const ld = toDec(lf);
  const rd = toDec(rf);
  if (!ld || !rd || (lf === 'int' && rf === 'int')) return undefined;
  return { returnType: T.decimal, fn: (a, b) => d(ld(a), rd(b)), strict: true };
}

// -------------------------------------------------------- time resolution

type Entry = { returnType: SqlType; fn: BinaryFn };

function entry(returnType: SqlType, fn: BinaryFn): Entry {
  return { returnType, fn };
}

const dayMicros = microsPerDayBig;

function dateToMicros(d: Datum): bigint {
  return BigInt(d as number) * dayMicros;
}

function addDays(d: Datum, n: bigint): number {
  const days = (d as number) + Number(n);
  if (!Number.isSafeInteger(days)) throw new BurrowError('22008', 'date is out of range');
  return days;
}

function wrapTime(micros: bigint): bigint {
  const m = micros % dayMicros;
  return m < 0n ? m + dayMicros : m;
}

function tsDiff(a: bigint, b: bigint): Interval {
  return timestampDifference(a, b);
}

/** TIMESTAMPTZ → the wall clock in the session zone (for mixing with TIMESTAMP). */
function tzToLocal(a: Datum, ctx: EvalContext): bigint {
  return utcToLocal(a as bigint, ctx.timezone);
}

function iv(x: Datum): Interval {
  return x as Interval;
}

const timeTable: Record<string, Entry> = {
  'date+int': entry(T.date, (a, b) => addDays(a, b as bigint)),
  'int+date': entry(T.date, (a, b) => addDays(b, a as bigint)),
  'date-int': entry(T.date, (a, b) => addDays(a, -(b as bigint))),
  'date-date': entry(T.int, (a, b) => BigInt((a as number) - (b as number))),
  'date+interval': entry(T.timestamp, (a, b) => addIntervalToTimestamp(dateToMicros(a), iv(b), null)),
  'interval+date': entry(T.timestamp, (a, b) => addIntervalToTimestamp(dateToMicros(b), iv(a), null)),
  'date-interval': entry(T.timestamp, (a, b) => addIntervalToTimestamp(dateToMicros(a), negateInterval(iv(b)), null)),
  'date+time': entry(T.timestamp, (a, b) => dateToMicros(a) + (b as bigint)),
  'time+date': entry(T.timestamp, (a, b) => dateToMicros(b) + (a as bigint)),
  'date-time': entry(T.timestamp, (a, b) => dateToMicros(a) - (b as bigint)),
  'time+interval': entry(T.time, (a, b) => wrapTime((a as bigint) + iv(b).micros)),
  'interval+time': entry(T.time, (a, b) => wrapTime((b as bigint) + iv(a).micros)),
  'time-interval': entry(T.time, (a, b) => wrapTime((a as bigint) - iv(b).micros)),
  'time-time': entry(T.interval, (a, b) => ({ months: 0, days: 0, micros: (a as bigint) - (b as bigint) })),
  'timestamp+interval': entry(T.timestamp, (a, b) => addIntervalToTimestamp(a as bigint, iv(b), null)),
  'interval+timestamp': entry(T.timestamp, (a, b) => addIntervalToTimestamp(b as bigint, iv(a), null)),
  'timestamp-interval': entry(T.timestamp, (a, b) => addIntervalToTimestamp(a as bigint, negateInterval(iv(b)), null)),
  'timestamptz+interval': entry(T.timestamptz, (a, b, c) => addIntervalToTimestamp(a as bigint, iv(b), c.timezone)),
  'interval+timestamptz': entry(T.timestamptz, (a, b, c) => addIntervalToTimestamp(b as bigint, iv(a), c.timezone)),
  'timestamptz-interval': entry(T.timestamptz, (a, b, c) =>
    addIntervalToTimestamp(a as bigint, negateInterval(iv(b)), c.timezone)),
  'timestamp-timestamp': entry(T.interval, (a, b) => tsDiff(a as bigint, b as bigint)),
  'timestamptz-timestamptz': entry(T.interval, (a, b) => tsDiff(a as bigint, b as bigint)),
  'timestamptz-timestamp': entry(T.interval, (a, b, c) => tsDiff(tzToLocal(a, c), b as bigint)),
  'timestamp-timestamptz': entry(T.interval, (a, b, c) => tsDiff(a as bigint, tzToLocal(b, c))),
  'interval+interval': entry(T.interval, (a, b) => addIntervals(iv(a), iv(b))),
  'interval-interval': entry(T.interval, (a, b) => subIntervals(iv(a), iv(b))),
  'interval*int': entry(T.interval, (a, b) => mulInterval(iv(a), Number(b as bigint))),
  'int*interval': entry(T.interval, (a, b) => mulInterval(iv(b), Number(a as bigint))),
  'interval*float': entry(T.interval, (a, b) => mulInterval(iv(a), b as number)),
  'float*interval': entry(T.interval, (a, b) => mulInterval(iv(b), a as number)),
  'interval*decimal': entry(T.interval, (a, b) => mulInterval(iv(a), decimalToNumber(b as Decimal))),
  'decimal*interval': entry(T.interval, (a, b) => mulInterval(iv(b), decimalToNumber(a as Decimal))),
  'interval/int': entry(T.interval, (a, b) => divInterval(iv(a), Number(b as bigint) || throwDivByZero())),
  'interval/float': entry(T.interval, (a, b) => divInterval(iv(a), (b as number) || throwDivByZero())),
};

function throwDivByZero(): never {
  throw divByZero();
}

// ------------------------------------------------------- string and JSON

function jsonOf(d: Datum): Json['json'] {
  return (d as Json).json;
}

function jsonOrNull(v: Json['json'] | undefined): Datum {
  return v === undefined ? null : { json: v };
}

function pathOf(d: Datum): string[] {
  return (d as Datum[]).map((e) => (e === null ? '' : (e as string)));
}

const jsonTable: Record<string, Entry> = {
  'jsonb->string': entry(T.jsonb, (a, b) => jsonOrNull(jsonFetchKey(jsonOf(a), b as string))),
  'jsonb->int': entry(T.jsonb, (a, b) => jsonOrNull(jsonFetchIndex(jsonOf(a), Number(b as bigint)))),
  'jsonb->>string': entry(T.string, (a, b) => jsonAsText(jsonFetchKey(jsonOf(a), b as string))),
  'jsonb->>int': entry(T.string, (a, b) => jsonAsText(jsonFetchIndex(jsonOf(a), Number(b as bigint)))),
  'jsonb#>string[]': entry(T.jsonb, (a, b) => jsonOrNull(jsonFetchPath(jsonOf(a), b as Datum[]))),
  'jsonb#>>string[]': entry(T.string, (a, b) => jsonAsText(jsonFetchPath(jsonOf(a), b as Datum[]))),
  'jsonb-string': entry(T.jsonb, (a, b) => ({ json: jsonDeleteKey(jsonOf(a), b as string) })),
  'jsonb-int': entry(T.jsonb, (a, b) => ({ json: jsonDeleteIndex(jsonOf(a), Number(b as bigint)) })),
  'jsonb-string[]': entry(T.jsonb, (a, b) => ({ json: deleteKeys(jsonOf(a), b as Datum[]) })),
  'jsonb#-string[]': entry(T.jsonb, (a, b) => ({ json: jsonDeletePath(jsonOf(a), pathOf(b)) })),
  'jsonb||jsonb': entry(T.jsonb, (a, b) => ({ json: jsonConcat(jsonOf(a), jsonOf(b)) })),
  'string||string': entry(T.string, (a, b) => (a as string) + (b as string)),
  'bytes||bytes': entry(T.bytes, (a, b) => Buffer.concat([a as Buffer, b as Buffer])),
};

function deleteKeys(v: Json['json'], keys: Datum[]): Json['json'] {
  let out = v;
  for (const k of keys) if (k !== null) out = jsonDeleteKey(out, k as string);
  return out;
}

function tableKey(op: string, l: SqlType, r: SqlType): string {
  const name = (t: SqlType): string => (t.family === 'array' ? `${fam(t.elem!)}[]` : fam(t));
  return `${name(l)}${op}${name(r)}`;
}

function fromTable(op: BinaryOpName, l: SqlType, r: SqlType): ResolvedBinaryOp | undefined {
  const e = timeTable[tableKey(op, l, r)] ?? jsonTable[tableKey(op, l, r)];
  return e && { ...e, strict: true };
}

/** `string || any` and `any || string`: the other side is cast to STRING (not arrays). */
function textConcat(l: SqlType, r: SqlType): ResolvedBinaryOp | undefined {
  if (l.family === 'string' && r.family !== 'array') {
    return { returnType: T.string, strict: true, fn: (a, b, c) => (a as string) + formatDatumText(b, r, c.timezone) };
  }
  if (r.family === 'string' && l.family !== 'array') {
    return { returnType: T.string, strict: true, fn: (a, b, c) => formatDatumText(a, l, c.timezone) + (b as string) };
  }
  return undefined;
}

// ------------------------------------------------------------------ arrays

function sameElemFamily(a: SqlType, b: SqlType): boolean {
  if (a.family === 'unknown' || b.family === 'unknown') return true;
  if (fam(a) !== fam(b)) return false;
  return a.family !== 'array' || sameElemFamily(a.elem!, b.elem!);
}

function arrayConcat(l: SqlType, r: SqlType): ResolvedBinaryOp | undefined {
  if (l.family === 'array' && r.family === 'array' && sameElemFamily(l.elem!, r.elem!)) {
    const returnType = l.elem!.family === 'unknown' ? r : l;
    return {
      returnType, strict: false,
      fn: (a, b) => (a === null && b === null ? null : [...((a as Datum[]) ?? []), ...((b as Datum[]) ?? [])]),
    };
  }
  if (l.family === 'array' && sameElemFamily(l.elem!, r)) {
    return { returnType: l, strict: false, fn: (a, b) => [...((a as Datum[]) ?? []), b] };
  }
  if (r.family === 'array' && sameElemFamily(l, r.elem!)) {
    return { returnType: r, strict: false, fn: (a, b) => [a, ...((b as Datum[]) ?? [])] };
  }
  return undefined;
}

// ---------------------------------------------------------- binary public

/** Types tried for a NULL-literal operand when the other side's type has no overload. */
const nullOperandCandidates: SqlType[] = [T.string, T.int, arrayOf(T.string), T.interval, T.decimal, T.float, T.jsonb];

/** Resolves `left op right`; undefined when CockroachDB has no such overload. */
export function resolveBinaryOp(op: BinaryOpName, left: SqlType, right: SqlType): ResolvedBinaryOp | undefined {
  const direct = resolveTyped(op, left, right);
  if (direct || (left.family === 'unknown') === (right.family === 'unknown')) return direct;
  for (const c of nullOperandCandidates) {
    const r = left.family === 'unknown' ? resolveTyped(op, c, right) : resolveTyped(op, left, c);
    if (r) return r;
  }
  return undefined;
}

function resolveTyped(op: BinaryOpName, left: SqlType, right: SqlType): ResolvedBinaryOp | undefined {
  const l = left.family === 'unknown' ? right : left;
  const r = right.family === 'unknown' ? left : right;
  if (op === '||') {
    if (l.family === 'array' || r.family === 'array') return arrayConcat(left, right);
    return fromTable(op, l, r) ?? textConcat(l, r);
  }
  const numeric = isNumeric(l) && isNumeric(r) ? numericBinary(op, l, r) : undefined;
  return numeric ?? fromTable(op, l, r);
}

/** resolveBinaryOp, throwing CockroachDB's error when there is no overload. */
export function mustResolveBinaryOp(op: BinaryOpName, left: SqlType, right: SqlType): ResolvedBinaryOp {
  const r = resolveBinaryOp(op, left, right);
  if (!r) throw unsupportedBinaryOpError(op, left, right);
  return r;
}

function isNumeric(t: SqlType): boolean {
  const f = fam(t);
  return f === 'int' || f === 'float' || f === 'decimal';
}

// ----------------------------------------------------------------- unary

function negateIntChecked(a: Datum): Datum {
  return checkInt64(-(a as bigint));
}

/** Resolves a prefix operator; undefined when there is no overload. */
export function resolveUnaryOp(op: UnaryOpName, t: SqlType): ResolvedUnaryOp | undefined {
  const f = t.family === 'unknown' ? 'int' : fam(t);
  const type = t.family === 'unknown' ? T.int : t;
  switch (`${op}${f}`) {
    case '-int': return { returnType: T.int, fn: negateIntChecked };
    case '-float': return { returnType: type, fn: (a) => -(a as number) };
    case '-decimal': return { returnType: T.decimal, fn: (a) => negateDecimal(a as Decimal) };
    case '-interval': return { returnType: T.interval, fn: (a) => negateInterval(a as Interval) };
    case '+int': case '+float': case '+decimal': case '+interval': return { returnType: type, fn: (a) => a };
    case '~int': return { returnType: T.int, fn: (a) => ~(a as bigint) };
    case 'notbool': return { returnType: T.bool, fn: (a) => !(a as boolean) };
    default: return undefined;
  }
}

export function mustResolveUnaryOp(op: UnaryOpName, t: SqlType): ResolvedUnaryOp {
  const r = resolveUnaryOp(op, t);
  if (!r) throw unsupportedUnaryOpError(op, t);
  return r;
}

// ----------------------------------------------------------- comparisons

type Compare3 = (a: Datum, b: Datum, ctx: EvalContext) => number;

function compareIntFloat(a: bigint, b: number): number {
  if (Number.isNaN(b)) return 1;
  if (!Number.isFinite(b)) return b > 0 ? -1 : 1;
  const floor = Math.floor(b);
  const fb = BigInt(floor);
  if (a !== fb) return a < fb ? -1 : 1;
  return floor === b ? 0 : -1;
}

function compareFloatDecimal(a: number, b: Decimal): number {
  return compareDecimal(decimalFromNumber(a), b);
}

const mixedComparers: Record<string, Compare3> = {
  'int,float': (a, b) => compareIntFloat(a as bigint, b as number),
  'float,int': (a, b) => -compareIntFloat(b as bigint, a as number),
  'int,decimal': (a, b) => compareDecimal(decimalFromBigInt(a as bigint), b as Decimal),
  'decimal,int': (a, b) => compareDecimal(a as Decimal, decimalFromBigInt(b as bigint)),
  'float,decimal': (a, b) => compareFloatDecimal(a as number, b as Decimal),
  'decimal,float': (a, b) => -compareFloatDecimal(b as number, a as Decimal),
  'date,timestamp': (a, b) => cmpBig(dateToMicros(a), b as bigint),
  'timestamp,date': (a, b) => cmpBig(a as bigint, dateToMicros(b)),
  'date,timestamptz': (a, b, c) => cmpBig(localToUtc(dateToMicros(a), c.timezone), b as bigint),
  'timestamptz,date': (a, b, c) => cmpBig(a as bigint, localToUtc(dateToMicros(b), c.timezone)),
  'timestamp,timestamptz': (a, b, c) => cmpBig(localToUtc(a as bigint, c.timezone), b as bigint),
  'timestamptz,timestamp': (a, b, c) => cmpBig(a as bigint, localToUtc(b as bigint, c.timezone)),
};

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparable(l: SqlType, r: SqlType): boolean {
  if (fam(l) !== fam(r)) return false;
  if (l.family === 'array') return comparable(l.elem!, r.elem!) || l.elem!.family === 'unknown' || r.elem!.family === 'unknown';
  if (l.family === 'tuple') {
    return l.fields!.length === r.fields!.length && l.fields!.every((f, i) => comparable(f, r.fields![i]!) || f.family === 'unknown');
  }
  return true;
}

/** A three-way comparison of non-NULL values of the two types, or undefined. */
export function resolveCompare3(left: SqlType, right: SqlType): Compare3 | undefined {
  const l = left.family === 'unknown' ? right : left;
  const r = right.family === 'unknown' ? left : right;
  if (comparable(l, r)) return (a, b) => compareDatums(a, b, l);
  return mixedComparers[`${fam(l)},${fam(r)}`];
}

function orderComparator(op: string, cmp: Compare3): Comparator | undefined {
  switch (op) {
    case '=': return (a, b, c) => cmp(a, b, c) === 0;
    case '<>': case '!=': return (a, b, c) => cmp(a, b, c) !== 0;
    case '<': return (a, b, c) => cmp(a, b, c) < 0;
    case '>': return (a, b, c) => cmp(a, b, c) > 0;
    case '<=': return (a, b, c) => cmp(a, b, c) <= 0;
    case '>=': return (a, b, c) => cmp(a, b, c) >= 0;
    default: return undefined;
  }
}

function arrayHas(haystack: Datum[], needle: Datum, elem: SqlType): boolean {
  return needle !== null && haystack.some((h) => h !== null && compareDatums(h, needle, elem) === 0);
}

function arrayContainsAll(haystack: Datum[], needles: Datum[], elem: SqlType): boolean {
  return needles.every((n) => arrayHas(haystack, n, elem));
}

function arrayComparator(op: string, l: SqlType, r: SqlType): Comparator | undefined {
  if (l.family !== 'array' || r.family !== 'array' || !sameElemFamily(l.elem!, r.elem!)) return undefined;
  const elem = l.elem!.family === 'unknown' ? r.elem! : l.elem!;
  switch (op) {
    case '@>': return (a, b) => arrayContainsAll(a as Datum[], b as Datum[], elem);
    case '<@': return (a, b) => arrayContainsAll(b as Datum[], a as Datum[], elem);
    case '&&': return (a, b) => (a as Datum[]).some((x) => arrayHas(b as Datum[], x, elem));
    default: return undefined;
  }
}

function keysOf(d: Datum): string[] {
  return (d as Datum[]).filter((k) => k !== null) as string[];
}

function jsonComparator(op: string, l: SqlType, r: SqlType): Comparator | undefined {
  if (l.family !== 'jsonb') return undefined;
  const rk = r.family === 'array' ? `${fam(r.elem!)}[]` : fam(r);
  switch (`${op}${rk}`) {
    case '@>jsonb': return (a, b) => jsonContains(jsonOf(a), jsonOf(b));
    case '<@jsonb': return (a, b) => jsonContains(jsonOf(b), jsonOf(a));
    case '?string': return (a, b) => jsonExists(jsonOf(a), b as string);
    case '?|string[]': return (a, b) => keysOf(b).some((k) => jsonExists(jsonOf(a), k));
    case '?&string[]': return (a, b) => keysOf(b).every((k) => jsonExists(jsonOf(a), k));
    default: return undefined;
  }
}

function regexComparator(op: string, l: SqlType, r: SqlType): Comparator | undefined {
  if (l.family !== 'string' || r.family !== 'string') return undefined;
  const ci = op === '~*' || op === '!~*';
  const negate = op.startsWith('!');
  return (a, b) => compileRegexMatch(b as string, ci)(a as string) !== negate;
}

/** Resolves a comparison or containment operator to a predicate over non-NULL operands. */
export function resolveComparison(op: ComparisonOpName, left: SqlType, right: SqlType): Comparator | undefined {
  const l = left.family === 'unknown' ? right : left;
  const r = right.family === 'unknown' ? left : right;
  switch (op) {
    case '@>': case '<@': case '&&':
      return arrayComparator(op, l, r) ?? jsonComparator(op, l, r);
    case '?': case '?|': case '?&':
      return jsonComparator(op, l, r);
    case '~': case '~*': case '!~': case '!~*':
      return regexComparator(op, l, r);
    default: {
      const cmp = resolveCompare3(l, r);
      return cmp && orderComparator(op, cmp);
    }
  }
}

/** A comparison that may be NULL on non-NULL operands: row (tuple) comparisons with NULL elements. */
export type NullableComparator = (a: Datum, b: Datum, ctx: EvalContext) => boolean | null;
type NullableCompare3 = (a: Datum, b: Datum, ctx: EvalContext) => number | null;

function fieldPair(l: SqlType, r: SqlType): [SqlType, SqlType] {
  return [l.family === 'unknown' ? r : l, r.family === 'unknown' ? l : r];
}

/** Three-way comparison of rows, element by element left to right: NULL at the first NULL pair. */
function rowCompare3(l: SqlType, r: SqlType): NullableCompare3 | undefined {
  if (l.family !== 'tuple' || r.family !== 'tuple') {
    if (l.family === 'unknown' && r.family === 'unknown') return () => 0;
    const cmp = resolveCompare3(l, r);
    return cmp && ((a, b, c) => cmp(a, b, c));
  }
  if (l.fields!.length !== r.fields!.length) return undefined;
  const subs: NullableCompare3[] = [];
  for (let i = 0; i < l.fields!.length; i++) {
    const sub = rowCompare3(...fieldPair(l.fields![i]!, r.fields![i]!));
    if (!sub) return undefined;
    subs.push(sub);
  }
  return (a, b, c) => {
    const x = a as Datum[];
    const y = b as Datum[];
    for (let i = 0; i < subs.length; i++) {
      if (x[i] === null || y[i] === null) return null;
      const d = subs[i]!(x[i]!, y[i]!, c);
      if (d !== 0) return d;
    }
    return 0;
  };
}

/** Row equality: false if some pair differs, else NULL if some pair has a NULL, else true. */
function rowEquals(l: SqlType, r: SqlType): NullableComparator | undefined {
  if (l.family !== 'tuple' || r.family !== 'tuple') {
    if (l.family === 'unknown' && r.family === 'unknown') return () => true;
    const cmp = resolveCompare3(l, r);
    return cmp && ((a, b, c) => cmp(a, b, c) === 0);
  }
  if (l.fields!.length !== r.fields!.length) return undefined;
  const subs: NullableComparator[] = [];
  for (let i = 0; i < l.fields!.length; i++) {
    const sub = rowEquals(...fieldPair(l.fields![i]!, r.fields![i]!));
    if (!sub) return undefined;
    subs.push(sub);
  }
  return (a, b, c) => {
    const x = a as Datum[];
    const y = b as Datum[];
    let sawNull = false;
    for (let i = 0; i < subs.length; i++) {
      if (x[i] === null || y[i] === null) {
        sawNull = true;
        continue;
      }
      const e = subs[i]!(x[i]!, y[i]!, c);
      if (e === false) return false;
      if (e === null) sawNull = true;
    }
    return sawNull ? null : true;
  };
}

/**
 * Resolves a comparison as SQL evaluates it on non-NULL operands: like
 * resolveComparison, except that row comparisons follow PostgreSQL's rules
 * for NULL elements (`(1, NULL) = (1, 2)` is NULL, `(1, NULL) = (2, 2)` is
 * false, `(1, NULL) < (2, 1)` is true).
 */
export function mustResolveSqlComparison(op: ComparisonOpName, left: SqlType, right: SqlType): NullableComparator {
  const [l, r] = fieldPair(left, right);
  if (l.family === 'tuple' && r.family === 'tuple') {
    let c: NullableComparator | undefined;
    if (op === '=' || op === '<>' || op === '!=') {
      const eq = rowEquals(l, r);
      c = eq && (op === '=' ? eq : (a, b, x) => {
        const v = eq(a, b, x);
        return v === null ? null : !v;
      });
    } else {
      const cmp3 = rowCompare3(l, r);
      const test = cmp3 && orderComparator(op, (a, b) => a as unknown as number);
      c = cmp3 && test && ((a, b, x) => {
        const d = cmp3(a, b, x);
        return d === null ? null : test(d, 0, x);
      });
    }
    if (!c) throw unsupportedComparisonError(op, left, right);
    return c;
  }
  return mustResolveComparison(op, left, right);
}

export function mustResolveComparison(op: ComparisonOpName, left: SqlType, right: SqlType): Comparator {
  const c = resolveComparison(op, left, right);
  if (!c) throw unsupportedComparisonError(op, left, right);
  return c;
}

// ------------------------------------------------------------ LIKE family

/** `s [NOT] LIKE|ILIKE p [ESCAPE e]` for a per-row pattern (matchers are cached by pattern). */
export function likePredicate(caseInsensitive: boolean): (s: string, pattern: string, escape?: string) => boolean {
  return (s, pattern, escape = '\\') => compileLike(pattern, escape, caseInsensitive)(s);
}

export function similarPredicate(): (s: string, pattern: string, escape?: string) => boolean {
  return (s, pattern, escape = '\\') => compileSimilar(pattern, escape)(s);
}

/** The element type of `x op ANY (array)` right-hand sides, for the planner. */
export function arrayElemType(t: SqlType): SqlType {
  return t.family === 'array' ? t.elem! : t;
}

export const stringArrayType = arrayOf(T.string);
