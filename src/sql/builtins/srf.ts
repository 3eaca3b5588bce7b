// Owns the set-returning functions (generators): generate_series (ints and
// timestamps), unnest (one or several arrays, zipped), generate_subscripts,
// jsonb_object_keys, jsonb_array_elements(_text), jsonb_each(_text),
// regexp_split_to_table.
//
// Contract with the executor: resolveGenerator(name, argTypes) once at plan
// time gives the output columns and fn(args, ctx), which returns a lazy
// iterable of rows (Datum[] per row, one entry per column). With
// `strict`, a NULL argument yields no rows and fn is not called.

import { BurrowError } from '../../util/errors.js';
import type { Datum, Interval, Json } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, type SqlType } from '../types/types.js';
import { addIntervalToTimestamp, sortedJsonKeys } from './deps.js';
import { isJsonObject, jsonAsText } from './json-ops.js';
import { AnyArrayLooseT, AnyArrayT, pickOverload, unknownSignatureError, type ArgSpec, type Overload, type Volatility } from './overload.js';
import { regexpSplit } from './string-functions.js';
import { intervalToMicros } from '../types/datum.js';

export interface GeneratorColumn {
  name: string;
  type: SqlType;
}

export type GeneratorFn = (args: Datum[], ctx: EvalContext, argTypes: readonly SqlType[]) => Iterable<Datum[]>;

export interface GeneratorOverload {
  readonly args: ArgSpec;
  readonly columns: (argTypes: readonly SqlType[]) => GeneratorColumn[];
  readonly strict: boolean;
  readonly volatility: Volatility;
  readonly fn: GeneratorFn;
}

export interface GeneratorDef {
  readonly name: string;
  readonly overloads: readonly GeneratorOverload[];
}

export interface ResolvedGenerator {
  columns: GeneratorColumn[];
  /** Types the planner must cast the arguments to. */
  paramTypes: SqlType[];
  strict: boolean;
  volatility: Volatility;
  fn: (args: Datum[], ctx: EvalContext) => Iterable<Datum[]>;
}

function gen(args: ArgSpec, columns: GeneratorOverload['columns'], fn: GeneratorFn, strict = true): GeneratorOverload {
  return { args, columns, fn, strict, volatility: 'immutable' };
}

function single(name: string, type: SqlType | ((ts: readonly SqlType[]) => SqlType)): GeneratorOverload['columns'] {
  return (ts) => [{ name, type: typeof type === 'function' ? type(ts) : type }];
}

function stepZero(): BurrowError {
  return new BurrowError('22023', 'step cannot be 0');
}

// ----------------------------------------------------------- generate_series

function* intSeries(start: bigint, stop: bigint, step: bigint): Iterable<Datum[]> {
  if (step === 0n) throw stepZero();
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield [v];
}

function* timestampSeries(start: bigint, stop: bigint, step: Interval, tz: string | null): Iterable<Datum[]> {
  const sign = intervalToMicros(step);
  if (sign === 0n) throw stepZero();
  for (let v = start, i = 1; sign > 0n ? v <= stop : v >= stop; i++) {
    yield [v];
    v = addIntervalToTimestamp(start, { months: step.months * i, days: step.days * i, micros: step.micros * BigInt(i) }, tz);
  }
}

// ------------------------------------------------------------------- unnest

function* unnestArrays(arrays: Datum[]): Iterable<Datum[]> {
  const lists = arrays.map((a) => (a as Datum[] | null) ?? []);
  const n = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < n; i++) yield lists.map((l) => (i < l.length ? l[i]! : null));
}

function unnestColumns(ts: readonly SqlType[]): GeneratorColumn[] {
  return ts.map((t) => ({ name: 'unnest', type: t.family === 'array' ? t.elem! : T.unknown }));
}

function* subscripts(a: Datum[], dim: bigint): Iterable<Datum[]> {
  if (dim !== 1n) return;
  for (let i = 1; i <= a.length; i++) yield [BigInt(i)];
}

// --------------------------------------------------------------------- JSON

function jsonKindError(fn: string, v: Json['json']): BurrowError {
  const kind = Array.isArray(v) ? 'an array' : isJsonObject(v) ? 'an object' : 'a scalar';
  return new BurrowError('22023', `cannot call ${fn} on ${kind}`);
}

function* objectKeys(d: Datum): Iterable<Datum[]> {
  const v = (d as Json).json;
  if (!isJsonObject(v)) throw jsonKindError('jsonb_object_keys', v);
  for (const k of sortedJsonKeys(v)) yield [k];
}

function* arrayElements(d: Datum, asText: boolean): Iterable<Datum[]> {
  const v = (d as Json).json;
  if (!Array.isArray(v)) {
    throw new BurrowError('22023', `cannot extract elements from ${isJsonObject(v) ? 'an object' : 'a scalar'}`);
  }
  for (const e of v) yield [asText ? jsonAsText(e) : { json: e }];
}

function* objectEntries(d: Datum, asText: boolean, fn: string): Iterable<Datum[]> {
  const v = (d as Json).json;
  if (!isJsonObject(v)) throw jsonKindError(fn, v);
  for (const k of sortedJsonKeys(v)) yield [k, asText ? jsonAsText(v[k]!) : { json: v[k]! }];
}

function* splitRows(s: string, pattern: string, flags: string): Iterable<Datum[]> {
  for (const part of regexpSplit(s, pattern, flags)) yield [part];
}

// -------------------------------------------------------------- definitions

const I = T.int;
const S = T.string;
const J = T.jsonb;
const TS = T.timestamp;
const TZ = T.timestamptz;

const jsonEach = (name: string, text: boolean): GeneratorDef => ({
  name,
  overloads: [gen([J], () => [{ name: 'key', type: S }, { name: 'value', type: text ? S : J }],
    ([d]) => objectEntries(d!, text, name))],
});

const generatorList: GeneratorDef[] = [
  {
    name: 'generate_series',
    overloads: [
      gen([I, I], single('generate_series', I), ([a, b]) => intSeries(a as bigint, b as bigint, 1n)),
      gen([I, I, I], single('generate_series', I), ([a, b, s]) => intSeries(a as bigint, b as bigint, s as bigint)),
      gen([TS, TS, T.interval], single('generate_series', TS), ([a, b, s]) =>
        timestampSeries(a as bigint, b as bigint, s as Interval, null)),
      gen([TZ, TZ, T.interval], single('generate_series', TZ), ([a, b, s], ctx) =>
        timestampSeries(a as bigint, b as bigint, s as Interval, ctx.timezone)),
    ],
  },
  { name: 'unnest', overloads: [gen({ variadic: AnyArrayLooseT }, unnestColumns, (args) => unnestArrays(args), false)] },
  {
    name: 'generate_subscripts',
    overloads: [
      gen([AnyArrayT], single('generate_subscripts', I), ([a]) => subscripts(a as Datum[], 1n)),
      gen([AnyArrayT, I], single('generate_subscripts', I), ([a, d]) => subscripts(a as Datum[], d as bigint)),
    ],
  },
  ...['jsonb_object_keys', 'json_object_keys'].map((name) => ({
    name, overloads: [gen([J], single(name, S), ([d]) => objectKeys(d!))],
  })),
  ...['jsonb_array_elements', 'json_array_elements'].map((name) => ({
    name, overloads: [gen([J], single('value', J), ([d]) => arrayElements(d!, false))],
  })),
  ...['jsonb_array_elements_text', 'json_array_elements_text'].map((name) => ({
    name, overloads: [gen([J], single('value', S), ([d]) => arrayElements(d!, true))],
  })),
  jsonEach('jsonb_each', false),
  jsonEach('json_each', false),
  jsonEach('jsonb_each_text', true),
  jsonEach('json_each_text', true),
  // psql's \d asks for a relation's partition ancestors; Burrow has no partitions, so a relation is its only "ancestor" (as in PostgreSQL).
  {
    name: 'pg_partition_ancestors',
    overloads: [
      gen([T.oid], single('relid', T.oid), ([o]) => [[o!]]),
      // psql passes the OID as a quoted literal ('105').
      gen([S], single('relid', T.oid), ([s]) => {
        if (!/^\d+$/.test(s as string)) throw new BurrowError('22P02', `invalid input syntax for type oid: "${s as string}"`);
        return [[BigInt(s as string)]];
      }),
    ],
  },
  {
    name: 'regexp_split_to_table',
    overloads: [
      gen([S, S], single('regexp_split_to_table', S), ([s, p]) => splitRows(s as string, p as string, '')),
      gen([S, S, S], single('regexp_split_to_table', S), ([s, p, f]) => splitRows(s as string, p as string, f as string)),
    ],
  },
];

export const generators: ReadonlyMap<string, GeneratorDef> = new Map(generatorList.map((g) => [g.name, g]));

function asOverload(g: GeneratorOverload): Overload {
  return { args: g.args, returnType: T.unknown, strict: g.strict, volatility: g.volatility, fn: () => null };
}

/** Resolves a set-returning function call; throws 42883 for an unknown signature. */
export function resolveGenerator(qualifiedName: string, argTypes: readonly SqlType[]): ResolvedGenerator {
  // pg_catalog.generate_series and generate_series are the same function.
  const name = qualifiedName.toLowerCase().replace(/^pg_catalog\./, '');
  const def = generators.get(name);
  if (!def) throw new BurrowError('42883', `unknown function: ${name}()`);
  const found = pickOverload(def.overloads, asOverload, argTypes);
  if (found) {
    const { o, params: types } = found;
    return {
      columns: o.columns(types), paramTypes: types, strict: o.strict, volatility: o.volatility,
      fn: (args, ctx) => o.fn(args, ctx, types),
    };
  }
  throw unknownSignatureError(name, argTypes);
}
