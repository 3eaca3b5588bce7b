// Owns aggregate functions: resolution from argument types at plan time and
// the per-group accumulators the executor drives.
//
// Contract with the executor:
// - resolveAggregate(name, argTypes, distinct) once per plan; create(ctx)
//   once per group. add(args) receives EVERY row's evaluated arguments,
//   NULLs included: each accumulator applies its own NULL rule (most skip
//   NULL inputs; count(*) counts rows; array_agg/json_agg keep NULLs).
// - result() may be called any number of times, between adds too (window
//   frames that only grow reuse one accumulator), and never mutates state.
// - DISTINCT is withDistinct(): rows are deduplicated by rowKey before add.
//
// CockroachDB semantics kept: sum(INT) and avg(INT) are DECIMAL; sum_int
// is INT and overflows with 22003; avg of DECIMAL divides with 20
// significant digits; variance/stddev of INT or DECIMAL are DECIMAL (sample
// versions are NULL for fewer than two rows). Decimal sums keep one bigint
// coefficient at the smallest exponent seen (no per-row normalization), plus
// an exact double part for values added as (coef, exp) numbers
// (addDecimalParts, the executor's batch path: no Decimal or bigint per row).

import { BurrowError } from '../../util/errors.js';
import { decimalNaN, finiteDecimal, mulDecimal, pow10Big, subDecimal, type Decimal } from '../../util/decimal.js';
import { compareDatums, rowKey, type Datum, type Interval, type JsonValue } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { quoDecimal, sqrtDecimal } from './decimal-math.js';
import { addIntervals, datumToJson, divInterval, formatDatumText, zeroInterval } from './deps.js';
import { checkInt64 } from './operators.js';
import { AnyT, pickOverload, unknownFunctionError, unknownSignatureError, type Overload } from './overload.js';

export interface Accumulator {
  add(args: Datum[]): void;
  result(): Datum;
  /**
   * Optional, on accumulators of one DECIMAL argument (sum, avg): the same as
   * add([coef × 10^exp]) for a finite value whose coef is a safe integer,
   * without building the Decimal (batch aggregation over a scan).
   */
  addDecimalParts?(coef: number, exp: number): void;
}

export interface ResolvedAggregate {
  returnType: SqlType;
  /** Types the planner must cast the arguments to. */
  paramTypes: SqlType[];
  create(ctx?: EvalContext): Accumulator;
}

type Factory = (types: readonly SqlType[], ctx: EvalContext | undefined) => Accumulator;

interface AggOverload {
  args: readonly SqlType[];
  returnType: SqlType | ((types: readonly SqlType[]) => SqlType);
  create: Factory;
}

// ------------------------------------------------------------ decimal sum

/**
 * Exact running sum of DECIMALs: one bigint coefficient at the smallest
 * exponent seen, plus a pending part in a double for values added with
 * addParts at that exponent. The pending part stays within ±2^52 and each
 * added coefficient is an integer within ±2^52, so every double addition is
 * exact (results stay below 2^53); past 2^52 it moves into the bigint.
 */
export class DecimalSum {
  private coef = 0n;
  private exp = 0;
  /** Pending coefficient at exp, an exact integer with |small| <= 2^52. */
  private small = 0;
  private special: Decimal | null = null;
  count = 0;

  add(d: Decimal): void {
    this.count++;
    if (d.kind !== 'finite') {
      this.addSpecial(d);
      return;
    }
    this.addCoef(d.coef, d.exp);
  }

  /** Adds the finite value coef × 10^exp; coef must be a safe integer. Same result as add(), without bigints per call. */
  addParts(coef: number, exp: number): void {
    this.count++;
    if (this.count === 1) this.exp = exp;
    else if (exp !== this.exp) {
      this.addCoef(BigInt(coef), exp);
      return;
    }
    if (coef > smallLimit || coef < -smallLimit) {
      this.coef += BigInt(coef);
      return;
    }
    const s = this.small + coef;
    if (s > smallLimit || s < -smallLimit) {
      this.coef += BigInt(s);
      this.small = 0;
    } else this.small = s;
  }

  private addCoef(c: bigint, e: number): void {
    if (this.count === 1) {
      this.coef = c;
      this.exp = e;
    } else if (e === this.exp) {
      this.coef += c;
    } else if (e > this.exp) {
      this.coef += c * pow10Big(e - this.exp);
    } else {
      if (this.small !== 0) {
        this.coef += BigInt(this.small);
        this.small = 0;
      }
      this.coef = this.coef * pow10Big(this.exp - e) + c;
      this.exp = e;
    }
  }

  private addSpecial(d: Decimal): void {
    const s = this.special;
    if (d.kind === 'nan' || s?.kind === 'nan') this.special = decimalNaN;
    else if (s === null) this.special = d;
    else if (s.kind === 'inf' && d.kind === 'inf' && s.neg !== d.neg) this.special = decimalNaN;
  }

  /** The sum, or null when nothing was added. */
  value(): Decimal | null {
    if (this.count === 0) return null;
    return this.special ?? finiteDecimal(this.small === 0 ? this.coef : this.coef + BigInt(this.small), this.exp);
  }
}

const smallLimit = 2 ** 52;

// --------------------------------------------------------------- factories

function skipNull(add: (d: Datum) => void): (args: Datum[]) => void {
  return (args) => {
    const d = args[0]!;
    if (d !== null) add(d);
  };
}

// Counts are doubles (exact to 2^53 rows), converted to INT at result().
const countRows: Factory = () => {
  let n = 0;
  return { add: () => void n++, result: () => BigInt(n) };
};

const countValues: Factory = () => {
  let n = 0;
  return { add: skipNull(() => void n++), result: () => BigInt(n) };
};

const sumInt: Factory = () => {
  let sum: bigint | null = null;
  return {
    add: skipNull((d) => void (sum = (sum ?? 0n) + (d as bigint))),
    result: () => (sum === null ? null : finiteDecimal(sum, 0)),
  };
};

const sumIntChecked: Factory = () => {
  let sum: bigint | null = null;
  return { add: skipNull((d) => void (sum = checkInt64((sum ?? 0n) + (d as bigint)))), result: () => sum };
};

const sumDecimal: Factory = () => {
  const s = new DecimalSum();
  return { add: skipNull((d) => s.add(d as Decimal)), result: () => s.value(), addDecimalParts: (c, e) => s.addParts(c, e) };
};

const sumFloat: Factory = () => {
  let sum: number | null = null;
  return { add: skipNull((d) => void (sum = (sum ?? 0) + (d as number))), result: () => sum };
};

const sumInterval: Factory = () => {
  let sum: Interval | null = null;
  return { add: skipNull((d) => void (sum = addIntervals(sum ?? zeroInterval, d as Interval))), result: () => sum };
};

function avgOf(sumFactory: Factory, divide: (sum: Datum, n: number) => Datum): Factory {
  return (types, ctx) => {
    const inner = sumFactory(types, ctx);
    let n = 0;
    const acc: Accumulator = {
      add: (args) => {
        if (args[0] === null) return;
        n++;
        inner.add(args);
      },
      result: () => (n === 0 ? null : divide(inner.result(), n)),
    };
    const innerParts = inner.addDecimalParts;
    if (innerParts) {
      acc.addDecimalParts = (c, e) => {
        n++;
        innerParts(c, e);
      };
    }
    return acc;
  };
}

const avgDecimal = avgOf(sumDecimal, (s, n) => quoDecimal(s as Decimal, finiteDecimal(BigInt(n), 0)));
const avgInt = avgOf(sumInt, (s, n) => quoDecimal(s as Decimal, finiteDecimal(BigInt(n), 0)));
const avgFloat = avgOf(sumFloat, (s, n) => (s as number) / n);
const avgInterval = avgOf(sumInterval, (s, n) => divInterval(s as Interval, n));

function extreme(wantMax: boolean): Factory {
  return (types) => {
    const t = types[0]!;
    let best: Datum = null;
    return {
      add: skipNull((d) => {
        if (best === null) best = d;
        else {
          const c = compareDatums(d, best, t);
          if (wantMax ? c > 0 : c < 0) best = d;
        }
      }),
      result: () => best,
    };
  };
}

function boolAgg(isAnd: boolean): Factory {
  return () => {
    let acc: boolean | null = null;
    return {
      add: skipNull((d) => void (acc = acc === null ? (d as boolean) : isAnd ? acc && (d as boolean) : acc || (d as boolean))),
      result: () => acc,
    };
  };
}

function bitAgg(op: (a: bigint, b: bigint) => bigint): Factory {
  return () => {
    let acc: bigint | null = null;
    return { add: skipNull((d) => void (acc = acc === null ? (d as bigint) : op(acc, d as bigint))), result: () => acc };
  };
}

const stringAgg: Factory = () => {
  let out: string | null = null;
  return {
    add: (args) => {
      const [v, sep] = args as [string | null, string | null];
      if (v === null) return;
      out = out === null ? v : out + (sep ?? '') + v;
    },
    result: () => out,
  };
};

const bytesAgg: Factory = () => {
  const parts: Buffer[] = [];
  let seen = false;
  return {
    add: (args) => {
      const [v, sep] = args as [Buffer | null, Buffer | null];
      if (v === null) return;
      if (seen && sep !== null) parts.push(sep);
      parts.push(v);
      seen = true;
    },
    result: () => (seen ? Buffer.concat(parts) : null),
  };
};

const concatAgg: Factory = () => {
  let out: string | null = null;
  return { add: skipNull((d) => void (out = (out ?? '') + (d as string))), result: () => out };
};

const arrayAgg: Factory = () => {
  const items: Datum[] = [];
  let seen = false;
  return { add: (args) => void (items.push(args[0]!), (seen = true)), result: () => (seen ? items.slice() : null) };
};

const jsonAgg: Factory = (types, ctx) => {
  const items: JsonValue[] = [];
  const tz = ctx?.timezone ?? 'UTC';
  return {
    add: (args) => void items.push(datumToJson(args[0]!, types[0]!, tz)),
    result: () => (items.length === 0 ? null : { json: items.slice() }),
  };
};

const jsonObjectAgg: Factory = (types, ctx) => {
  const obj: { [k: string]: JsonValue } = {};
  let seen = false;
  const tz = ctx?.timezone ?? 'UTC';
  return {
    add: (args) => {
      if (args[0] === null) throw new BurrowError('22004', 'field name must not be null');
      obj[formatDatumText(args[0]!, types[0]!, tz)] = datumToJson(args[1]!, types[1]!, tz);
      seen = true;
    },
    result: () => (seen ? { json: { ...obj } } : null),
  };
};

// ---------------------------------------------------------------- variance

type Moment = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop';

/** Exact Σx and Σx² of decimals; variance = (nΣx² − (Σx)²) / (n(n−1) or n²), rounded to 20 digits. */
function decimalMoment(kind: Moment, fromInt: boolean): Factory {
  return () => {
    const sum = new DecimalSum();
    const sumSq = new DecimalSum();
    const add = (d: Decimal): void => {
      sum.add(d);
      sumSq.add(mulDecimal(d, d));
    };
    return {
      add: skipNull((d) => add(fromInt ? finiteDecimal(d as bigint, 0) : (d as Decimal))),
      result: () => decimalMomentResult(kind, sum, sumSq),
    };
  };
}

function decimalMomentResult(kind: Moment, sum: DecimalSum, sumSq: DecimalSum): Datum {
  const n = BigInt(sum.count);
  const sample = kind.endsWith('samp');
  if (n === 0n || (sample && n < 2n)) return null;
  const s = sum.value()!;
  const numerator = subDecimal(mulDecimal(finiteDecimal(n, 0), sumSq.value()!), mulDecimal(s, s));
  const variance = quoDecimal(numerator, finiteDecimal(sample ? n * (n - 1n) : n * n, 0));
  return kind.startsWith('stddev') ? sqrtDecimal(variance) : variance;
}

/** Welford's online variance for FLOAT. */
function floatMoment(kind: Moment): Factory {
  return () => {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    return {
      add: skipNull((d) => {
        const x = d as number;
        n++;
        const delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
      }),
      result: () => {
        const sample = kind.endsWith('samp');
        if (n === 0 || (sample && n < 2)) return null;
        const variance = m2 / (sample ? n - 1 : n);
        return kind.startsWith('stddev') ? Math.sqrt(variance) : variance;
      },
    };
  };
}

function momentOverloads(kind: Moment): AggOverload[] {
  return [
    agg([T.int], T.decimal, decimalMoment(kind, true)),
    agg([T.decimal], T.decimal, decimalMoment(kind, false)),
    agg([T.float], T.float, floatMoment(kind)),
  ];
}

// -------------------------------------------------------------- definitions

function agg(args: readonly SqlType[], returnType: AggOverload['returnType'], create: Factory): AggOverload {
  return { args, returnType, create };
}

const sameAsArg = (ts: readonly SqlType[]): SqlType => ts[0]!;

const aggregateList: Record<string, AggOverload[]> = {
  count: [agg([], T.int, countRows), agg([AnyT], T.int, countValues)],
  count_rows: [agg([], T.int, countRows)],
  sum: [
    agg([T.int], T.decimal, sumInt), agg([T.decimal], T.decimal, sumDecimal), agg([T.float], T.float, sumFloat),
    agg([T.interval], T.interval, sumInterval),
  ],
  sum_int: [agg([T.int], T.int, sumIntChecked)],
  avg: [
    agg([T.int], T.decimal, avgInt), agg([T.decimal], T.decimal, avgDecimal), agg([T.float], T.float, avgFloat),
    agg([T.interval], T.interval, avgInterval),
  ],
  min: [agg([AnyT], sameAsArg, extreme(false))],
  max: [agg([AnyT], sameAsArg, extreme(true))],
  bool_and: [agg([T.bool], T.bool, boolAgg(true))],
  every: [agg([T.bool], T.bool, boolAgg(true))],
  bool_or: [agg([T.bool], T.bool, boolAgg(false))],
  bit_and: [agg([T.int], T.int, bitAgg((a, b) => a & b))],
  bit_or: [agg([T.int], T.int, bitAgg((a, b) => a | b))],
  xor_agg: [agg([T.int], T.int, bitAgg((a, b) => a ^ b))],
  string_agg: [agg([T.string, T.string], T.string, stringAgg), agg([T.bytes, T.bytes], T.bytes, bytesAgg)],
  concat_agg: [agg([T.string], T.string, concatAgg)],
  array_agg: [agg([AnyT], (ts) => arrayOf(ts[0]!), arrayAgg)],
  json_agg: [agg([AnyT], T.jsonb, jsonAgg)],
  jsonb_agg: [agg([AnyT], T.jsonb, jsonAgg)],
  json_object_agg: [agg([T.string, AnyT], T.jsonb, jsonObjectAgg)],
  jsonb_object_agg: [agg([T.string, AnyT], T.jsonb, jsonObjectAgg)],
  variance: momentOverloads('var_samp'),
  var_samp: momentOverloads('var_samp'),
  var_pop: momentOverloads('var_pop'),
  stddev: momentOverloads('stddev_samp'),
  stddev_samp: momentOverloads('stddev_samp'),
  stddev_pop: momentOverloads('stddev_pop'),
};

export const aggregateNames: readonly string[] = Object.keys(aggregateList);

export function isAggregate(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(aggregateList, name);
}

function asOverload(o: AggOverload): Overload {
  return { args: o.args, returnType: T.unknown, strict: false, volatility: 'immutable', fn: () => null };
}

/** Wraps an accumulator so each distinct argument row is added once. */
export function withDistinct(acc: Accumulator, types: readonly SqlType[]): Accumulator {
  const seen = new Set<string>();
  return {
    add: (args) => {
      const key = rowKey(args, types);
      if (seen.has(key)) return;
      seen.add(key);
      acc.add(args);
    },
    result: () => acc.result(),
  };
}

/** Resolves an aggregate call; 42883 for unknown names or signatures. */
export function resolveAggregate(name: string, argTypes: readonly SqlType[], distinct = false): ResolvedAggregate {
  const overloads = aggregateList[name];
  if (!isAggregate(name) || !overloads) throw unknownFunctionError(name);
  const found = pickOverload(overloads, asOverload, argTypes);
  if (found) {
    const { o, params: types } = found;
    const returnType = typeof o.returnType === 'function' ? o.returnType(types) : o.returnType;
    return {
      returnType,
      paramTypes: types,
      create: (ctx) => (distinct ? withDistinct(o.create(types, ctx), types) : o.create(types, ctx)),
    };
  }
  throw unknownSignatureError(name, argTypes);
}
