// Owns the scalar array builtins: array_length/upper/lower, cardinality,
// array_append/prepend/cat, array_position(s), array_remove/replace,
// array_to_string, string_to_array.
//
// Invariants: arrays are one-dimensional Datum[] with 1-based SQL indexes;
// an empty array has NULL length/bounds (PostgreSQL); element equality for
// search/remove treats NULL as equal to NULL (IS NOT DISTINCT FROM).

import { compareDatums, type Datum } from '../types/datum.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { formatDatumText } from './deps.js';
import { AnyArrayT, AnyElementT, defineFunction, overload, type FunctionDef } from './overload.js';

const I = T.int;
const S = T.string;

function arr(d: Datum): Datum[] {
  return d as Datum[];
}

/** The array type of a call from its argument types (first array argument, else array of the element). */
function arrayTypeOf(types: readonly SqlType[]): SqlType {
  const a = types.find((t) => t.family === 'array' && t.elem!.family !== 'unknown');
  return a ?? arrayOf(types.find((t) => t.family !== 'array' && t.family !== 'unknown') ?? T.unknown);
}

function elemTypeOf(types: readonly SqlType[]): SqlType {
  return arrayTypeOf(types).elem!;
}

function sameElem(a: Datum, b: Datum, t: SqlType): boolean {
  if (a === null || b === null) return a === b;
  return compareDatums(a, b, t) === 0;
}

function dimLength(a: Datum[], dim: bigint): bigint | null {
  return dim === 1n && a.length > 0 ? BigInt(a.length) : null;
}

function position(a: Datum[], x: Datum, t: SqlType, start: number): bigint | null {
  for (let i = Math.max(start, 1) - 1; i < a.length; i++) if (sameElem(a[i]!, x, t)) return BigInt(i + 1);
  return null;
}

function positions(a: Datum[], x: Datum, t: SqlType): bigint[] {
  const out: bigint[] = [];
  a.forEach((e, i) => sameElem(e, x, t) && out.push(BigInt(i + 1)));
  return out;
}

function arrayToString(a: Datum[], t: SqlType, delim: string, nullText: string | null, tz: string): string {
  const parts: string[] = [];
  for (const e of a) {
    if (e !== null) parts.push(formatDatumText(e, t, tz));
    else if (nullText !== null) parts.push(nullText);
  }
  return parts.join(delim);
}

function stringToArray(s: string, delim: string | null, nullText: string | null): Datum[] {
  let parts: string[];
  if (s === '') parts = [];
  else if (delim === null) parts = Array.from(s);
  else if (delim === '') parts = [s];
  else parts = s.split(delim);
  return parts.map((p) => (nullText !== null && p === nullText ? null : p));
}

const nonStrict = { strict: false };

export const arrayFunctions: FunctionDef[] = [
  defineFunction('array_length', [overload([AnyArrayT, I], I, ([a, d]) => dimLength(arr(a), d as bigint))]),
  defineFunction('array_upper', [overload([AnyArrayT, I], I, ([a, d]) => dimLength(arr(a), d as bigint))]),
  defineFunction('array_lower', [
    overload([AnyArrayT, I], I, ([a, d]) => (d === 1n && arr(a).length > 0 ? 1n : null)),
  ]),
  defineFunction('cardinality', [overload([AnyArrayT], I, ([a]) => BigInt(arr(a).length))]),
  defineFunction('array_append', [
    overload([AnyArrayT, AnyElementT], arrayTypeOf, ([a, x]) => [...(arr(a) ?? []), x!], nonStrict),
  ]),
  defineFunction('array_prepend', [
    overload([AnyElementT, AnyArrayT], arrayTypeOf, ([x, a]) => [x!, ...(arr(a) ?? [])], nonStrict),
  ]),
  defineFunction('array_cat', [
    overload([AnyArrayT, AnyArrayT], arrayTypeOf, ([a, b]) =>
      (a === null && b === null ? null : [...(arr(a) ?? []), ...(arr(b) ?? [])]), nonStrict),
  ]),
  defineFunction('array_position', [
    overload([AnyArrayT, AnyElementT], I, ([a, x], _c, ts) =>
      (a === null ? null : position(arr(a), x!, elemTypeOf(ts), 1)), nonStrict),
    overload([AnyArrayT, AnyElementT, I], I, ([a, x, s], _c, ts) =>
      (a === null || s === null ? null : position(arr(a), x!, elemTypeOf(ts), Number(s as bigint))), nonStrict),
  ]),
  defineFunction('array_positions', [
    overload([AnyArrayT, AnyElementT], arrayOf(I), ([a, x], _c, ts) =>
      (a === null ? null : positions(arr(a), x!, elemTypeOf(ts))), nonStrict),
  ]),
  defineFunction('array_remove', [
    overload([AnyArrayT, AnyElementT], arrayTypeOf, ([a, x], _c, ts) =>
      (a === null ? null : arr(a).filter((e) => !sameElem(e, x!, elemTypeOf(ts)))), nonStrict),
  ]),
  defineFunction('array_replace', [
    overload([AnyArrayT, AnyElementT, AnyElementT], arrayTypeOf, ([a, x, y], _c, ts) =>
      (a === null ? null : arr(a).map((e) => (sameElem(e, x!, elemTypeOf(ts)) ? y! : e))), nonStrict),
  ]),
  defineFunction('array_to_string', [
    overload([AnyArrayT, S], S, ([a, d], ctx, ts) => arrayToString(arr(a), ts[0]!.elem!, d as string, null, ctx.timezone),
      { volatility: 'stable' }),
    overload([AnyArrayT, S, S], S, ([a, d, n], ctx, ts) =>
      (a === null || d === null ? null : arrayToString(arr(a), ts[0]!.elem!, d as string, n as string | null, ctx.timezone)),
    { strict: false, volatility: 'stable' }),
  ]),
  defineFunction('string_to_array', [
    overload([S, S], arrayOf(S), ([s, d]) => (s === null ? null : stringToArray(s as string, d as string | null, null)), nonStrict),
    overload([S, S, S], arrayOf(S), ([s, d, n]) =>
      (s === null ? null : stringToArray(s as string, d as string | null, n as string | null)), nonStrict),
  ]),
];
