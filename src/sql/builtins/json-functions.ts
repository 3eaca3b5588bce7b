// Owns the scalar JSON builtins: jsonb_build_object/array, to_jsonb,
// jsonb_typeof, jsonb_array_length, jsonb_extract_path(_text),
// jsonb_pretty, jsonb_set, jsonb_strip_nulls, array_to_json (json_* names
// alias the jsonb_* ones: Burrow has one JSON type).
//
// Invariants: SQL values become JSON with datumToJson (numbers stay
// numbers, timestamps become ISO text); object keys are the text form of the
// key argument; NULL keys are 22004 as in CockroachDB.

import { BurrowError } from '../../util/errors.js';
import type { Datum, Json, JsonValue } from '../types/datum.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { datumToJson, formatDatumText, formatJsonText, sortedJsonKeys } from './deps.js';
import { isJsonObject, jsonAsText, jsonFetchPath, jsonSetPath, jsonTypeof } from './json-ops.js';
import { AnyArrayT, AnyT, defineFunction, overload, type FunctionDef } from './overload.js';

const J = T.jsonb;
const S = T.string;

function jsonOf(d: Datum): JsonValue {
  return (d as Json).json;
}

function buildObject(args: readonly Datum[], types: readonly SqlType[], tz: string): Json {
  if (args.length % 2 !== 0) throw new BurrowError('22023', 'argument list must have even number of elements');
  const out: { [k: string]: JsonValue } = {};
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]!;
    if (k === null) throw new BurrowError('22004', 'null value not allowed for object key');
    out[formatDatumText(k, types[i]!, tz)] = datumToJson(args[i + 1]!, types[i + 1]!, tz);
  }
  return { json: out };
}

function buildArray(args: readonly Datum[], types: readonly SqlType[], tz: string): Json {
  return { json: args.map((a, i) => datumToJson(a, types[i]!, tz)) };
}

function arrayLength(v: JsonValue): bigint {
  if (!Array.isArray(v)) {
    throw new BurrowError('22023', isJsonObject(v) ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
  }
  return BigInt(v.length);
}

/** PostgreSQL's jsonb_pretty layout: 4-space indents, one member per line. */
export function prettyJson(v: JsonValue, indent = ''): string {
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((e) => inner + prettyJson(e, inner)).join(',\n')}\n${indent}]`;
  }
  if (isJsonObject(v)) {
    const keys = sortedJsonKeys(v);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${prettyJson(v[k]!, inner)}`).join(',\n')}\n${indent}}`;
  }
  return formatJsonText(v);
}

function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isJsonObject(v)) return v;
  const out: { [k: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
  return out;
}

function pathStrings(d: Datum): string[] {
  return (d as Datum[]).map((e) => {
    if (e === null) throw new BurrowError('22004', 'path element cannot be null');
    return e as string;
  });
}

function fetchPath(j: Datum, path: readonly Datum[]): JsonValue | undefined {
  if (path.some((p) => p === null)) return undefined;
  return jsonFetchPath(jsonOf(j), path);
}

function aliased(names: string[], make: (name: string) => FunctionDef): FunctionDef[] {
  return names.map(make);
}

export const jsonFunctions: FunctionDef[] = [
  ...aliased(['jsonb_build_object', 'json_build_object'], (name) => defineFunction(name, [
    overload({ variadic: AnyT }, J, (args, ctx, types) => buildObject(args, types, ctx.timezone), { strict: false, volatility: 'stable' }),
  ])),
  ...aliased(['jsonb_build_array', 'json_build_array'], (name) => defineFunction(name, [
    overload({ variadic: AnyT }, J, (args, ctx, types) => buildArray(args, types, ctx.timezone), { strict: false, volatility: 'stable' }),
  ])),
  ...aliased(['to_jsonb', 'to_json'], (name) => defineFunction(name, [
    overload([AnyT], J, ([d], ctx, types) => ({ json: datumToJson(d!, types[0]!, ctx.timezone) }), { volatility: 'stable' }),
  ])),
  ...aliased(['array_to_json'], (name) => defineFunction(name, [
    overload([AnyArrayT], J, ([d], ctx, types) => ({ json: datumToJson(d!, types[0]!, ctx.timezone) }), { volatility: 'stable' }),
  ])),
  ...aliased(['jsonb_typeof', 'json_typeof'], (name) => defineFunction(name, [
    overload([J], S, ([j]) => jsonTypeof(jsonOf(j))),
  ])),
  ...aliased(['jsonb_array_length', 'json_array_length'], (name) => defineFunction(name, [
    overload([J], T.int, ([j]) => arrayLength(jsonOf(j))),
  ])),
  ...aliased(['jsonb_extract_path', 'json_extract_path'], (name) => defineFunction(name, [
    overload({ leading: [J], variadic: S }, J, (args) => {
      const v = fetchPath(args[0]!, args.slice(1));
      return v === undefined ? null : { json: v };
    }),
  ])),
  ...aliased(['jsonb_extract_path_text', 'json_extract_path_text'], (name) => defineFunction(name, [
    overload({ leading: [J], variadic: S }, S, (args) => jsonAsText(fetchPath(args[0]!, args.slice(1)))),
  ])),
  defineFunction('jsonb_pretty', [overload([J], S, ([j]) => prettyJson(jsonOf(j)))]),
  ...aliased(['jsonb_strip_nulls', 'json_strip_nulls'], (name) => defineFunction(name, [
    overload([J], J, ([j]) => ({ json: stripNulls(jsonOf(j)) })),
  ])),
  defineFunction('jsonb_set', [
    overload([J, arrayOf(S), J], J, ([j, p, v]) => ({ json: jsonSetPath(jsonOf(j), pathStrings(p!), jsonOf(v), true) })),
    overload([J, arrayOf(S), J, T.bool], J, ([j, p, v, c]) =>
      ({ json: jsonSetPath(jsonOf(j), pathStrings(p!), jsonOf(v), c as boolean) })),
  ]),
];
