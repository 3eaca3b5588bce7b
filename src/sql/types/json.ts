// Owns JSONB values: parsing, CockroachDB's text output, the access
// operators (-> ->> #> #>>), containment (@>), typeof, building objects,
// and the conversion of SQL values to JSON (to_json / to_jsonb).
//
// Invariants: a Json is { json: JsonValue } (datum.ts); `json: null` is JSON
// null. Objects are plain objects without a prototype-reachable
// "__proto__" trap: every object this module builds has a null prototype,
// and keys are read with hasOwn only. Numbers are JS numbers (CockroachDB
// keeps decimals; integers up to 2^53 and doubles round-trip here).
// Output sorts object keys by their UTF-8 bytes, as CockroachDB stores them
// (PostgreSQL would sort shorter keys first); see jsonKeyCompare.

import { BurrowError } from '../../util/errors.js';
import { decimalToNumber, decimalToString, type Decimal } from '../../util/decimal.js';
import type { Datum, Interval, Json, JsonValue } from './datum.js';
import type { SqlType } from './types.js';
import { formatDate, formatTime, formatTimestampIso, tzOffsetSeconds } from './datetime.js';
import { formatInterval } from './interval.js';

type JsonObject = { [k: string]: JsonValue };

export function isJsonObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasKey(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function setKey(o: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

// --------------------------------------------------------------- parsing

/** Rebuilds parsed JSON with null-prototype objects (JSON.parse's own "__proto__" keys stay keys). */
function normalize(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(normalize);
  if (!isJsonObject(v)) return v;
  const out = newObject();
  for (const k of Object.keys(v)) setKey(out, k, normalize(v[k]!));
  return out;
}

/** Parses JSON text; invalid text is 22P02 `could not parse JSON: …`. */
export function parseJson(s: string): Json {
  let value: JsonValue;
  try {
    value = JSON.parse(s) as JsonValue;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BurrowError('22P02', `could not parse JSON: unable to decode JSON: ${reason}`);
  }
  return { json: normalize(value) };
}

// ------------------------------------------------------------ formatting

/** CockroachDB's object key order: plain UTF-8 byte order. */
export function jsonKeyCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sortedKeys(o: JsonObject): string[] {
  const keys = Object.keys(o);
  const ascii = keys.every((k) => /^[\x00-\x7f]*$/.test(k));
  return ascii ? keys.sort() : keys.sort(jsonKeyCompare);
}

/** Integers print without '.0' or exponent below 1e21; others use JS's shortest form with apd's 'E'. */
export function formatJsonNumber(n: number): string {
  if (!Number.isFinite(n)) return `"${n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN'}"`;
  const s = String(n + 0);
  return s.includes('e') ? s.replace('e', 'E') : s;
}

function formatValue(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return formatJsonNumber(v);
    case 'string': return JSON.stringify(v);
    default:
      if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
      return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}: ${formatValue(v[k]!)}`).join(', ')}}`;
  }
}

/** CockroachDB's JSONB text: `{"a": 1, "b": [1, 2]}` (a space after ':' and ','). */
export function formatJson(j: Json): string {
  return formatValue(j.json);
}

// ----------------------------------------------------------------- access

export function jsonFetchKey(j: Json, key: string): Json | null {
  const v = j.json;
  return isJsonObject(v) && hasKey(v, key) ? { json: v[key]! } : null;
}

/** Array element i (negative counts from the end); null when absent or not an array. */
export function jsonFetchIndex(j: Json, i: number): Json | null {
  const v = j.json;
  if (!Array.isArray(v)) return null;
  const at = i < 0 ? v.length + i : i;
  return at >= 0 && at < v.length ? { json: v[at]! } : null;
}

/** -> with a key or an index. */
export function jsonFetch(j: Json, k: string | number): Json | null {
  return typeof k === 'number' ? jsonFetchIndex(j, k) : jsonFetchKey(j, k);
}

/** The text form ->> returns: strings unquoted, JSON null as SQL NULL, others as JSON text. */
export function jsonAsText(j: Json | null): string | null {
  if (j === null || j.json === null) return null;
  return typeof j.json === 'string' ? j.json : formatValue(j.json);
}

/** ->> with a key or an index. */
export function jsonFetchText(j: Json, k: string | number): string | null {
  return jsonAsText(jsonFetch(j, k));
}

export function jsonFetchKeyText(j: Json, key: string): string | null {
  return jsonAsText(jsonFetchKey(j, key));
}

export function jsonFetchIndexText(j: Json, i: number): string | null {
  return jsonAsText(jsonFetchIndex(j, i));
}

/** #> : follows a path of keys (array steps must be integer text). */
export function jsonFetchPath(j: Json, path: readonly string[]): Json | null {
  let cur: Json | null = j;
  for (const step of path) {
    if (cur === null) return null;
    if (Array.isArray(cur.json)) cur = /^-?\d+$/.test(step) ? jsonFetchIndex(cur, Number(step)) : null;
    else cur = jsonFetchKey(cur, step);
  }
  return cur;
}

export function jsonFetchPathText(j: Json, path: readonly string[]): string | null {
  return jsonAsText(jsonFetchPath(j, path));
}

// ------------------------------------------------------------ containment

function isScalar(v: JsonValue): boolean {
  return v === null || typeof v !== 'object';
}

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  return a === b;
}

function arrayContains(a: JsonValue[], b: JsonValue[]): boolean {
  return b.every((be) => a.some((ae) => (isScalar(be) ? scalarEquals(ae, be) : deepContains(ae, be))));
}

function objectContains(a: JsonObject, b: JsonObject): boolean {
  return Object.keys(b).every((k) => hasKey(a, k) && deepContains(a[k]!, b[k]!));
}

function deepContains(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && arrayContains(a, b);
  if (isJsonObject(a)) return isJsonObject(b) && objectContains(a, b);
  return isScalar(b) && scalarEquals(a, b);
}

/**
 * a @> b with PostgreSQL's semantics: objects contain sub-objects, arrays
 * contain every element of b somewhere (order and duplicates ignored), and
 * a top-level array contains a bare scalar that is one of its elements.
 */
export function jsonContains(a: Json, b: Json): boolean {
  if (Array.isArray(a.json) && isScalar(b.json)) return a.json.some((e) => scalarEquals(e, b.json));
  return deepContains(a.json, b.json);
}

export function jsonTypeof(j: Json): string {
  const v = j.json;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v; // 'string' | 'number' | 'boolean'
}

/** json_build_object from (key, value) pairs; a repeated key keeps the last value. */
export function jsonBuildObject(pairs: ReadonlyArray<readonly [string, JsonValue]>): Json {
  const out = newObject();
  for (const [k, v] of pairs) setKey(out, k, v);
  return { json: out };
}

export function jsonBuildArray(values: readonly JsonValue[]): Json {
  return { json: [...values] };
}

// ---------------------------------------------------------- SQL -> JSON

function numberToJson(f: number): JsonValue {
  return Number.isFinite(f) ? f : f > 0 ? 'Infinity' : f < 0 ? '-Infinity' : 'NaN';
}

function decimalToJson(d: Decimal): JsonValue {
  return d.kind === 'finite' ? decimalToNumber(d) : decimalToString(d);
}

function temporalToJson(d: Datum, t: SqlType, timezone: string): JsonValue {
  switch (t.family) {
    case 'date': return formatDate(d as number);
    case 'time': return formatTime(d as bigint);
    case 'timestamp': return formatTimestampIso(d as bigint);
    case 'timestamptz': {
      const offset = tzOffsetSeconds(timezone, d as bigint);
      return formatTimestampIso((d as bigint) + BigInt(offset) * 1_000_000n, offset);
    }
    default: return formatInterval(d as Interval);
  }
}

function datumToJsonValue(d: Datum, t: SqlType, timezone: string): JsonValue {
  if (d === null) return null;
  switch (t.family) {
    case 'int': case 'oid': return Number(d as bigint);
    case 'float': return numberToJson(d as number);
    case 'decimal': return decimalToJson(d as Decimal);
    case 'bool': return d as boolean;
    case 'bytes': return '\\x' + (d as Buffer).toString('hex');
    case 'jsonb': return (d as Json).json;
    case 'date': case 'time': case 'timestamp': case 'timestamptz': case 'interval':
      return temporalToJson(d, t, timezone);
    case 'array': return (d as Datum[]).map((e) => datumToJsonValue(e, t.elem!, timezone));
    case 'tuple': return tupleToJson(d as Datum[], t, timezone);
    default: return String(d);
  }
}

function tupleToJson(values: Datum[], t: SqlType, timezone: string): JsonValue {
  const out = newObject();
  values.forEach((v, i) => setKey(out, `f${i + 1}`, datumToJsonValue(v, t.fields![i]!, timezone)));
  return out;
}

/**
 * to_jsonb(value): numbers stay numbers (non-finite floats become strings),
 * bytes become '\x…' strings, timestamps ISO 8601 with 'T' (TIMESTAMPTZ in
 * the session zone with 'Z' or '+05:30', as CockroachDB's RFC 3339 output),
 * arrays arrays, tuples objects keyed f1, f2, …
 */
export function toJson(d: Datum, t: SqlType, ctx: { timezone: string } = { timezone: 'UTC' }): Json {
  return { json: datumToJsonValue(d, t, ctx.timezone) };
}
