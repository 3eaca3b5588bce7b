// Owns the runtime representation of SQL values (datums) and the operations
// every layer needs on them regardless of type: comparison, equality keys for
// hashing (GROUP BY, DISTINCT, hash joins), and size estimates.
//
// Representation (the static SqlType always tells which applies; datums are
// not self-describing):
//   NULL        -> null (for every type)
//   int, oid    -> bigint
//   float       -> number
//   decimal     -> Decimal (util/decimal.ts)
//   string      -> string (JS string)
//   bytes       -> Buffer
//   bool        -> boolean
//   date        -> number: days since 1970-01-01
//   time        -> bigint: microseconds since midnight
//   timestamp,
//   timestamptz -> bigint: microseconds since 1970-01-01 00:00:00 UTC
//   interval    -> Interval { months, days, micros }
//   uuid        -> string: canonical lower-case 8-4-4-4-12 form
//   jsonb       -> Json { json } (the parsed JSON value; `json: null` is JSON null, not SQL NULL)
//   array,tuple -> Datum[] (array elements may be null)

import { compareDecimal, normalizeDecimal, decimalToString, type Decimal } from '../../util/decimal.js';
import type { SqlType } from './types.js';

export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface Json {
  readonly json: JsonValue;
}

export type Datum = null | bigint | number | Decimal | string | Buffer | boolean | Interval | Json | Datum[];

export type Row = Datum[];

export const microsPerDay = 86_400_000_000n;
/** PostgreSQL's interval comparison: a month is 30 days. */
export function intervalToMicros(iv: Interval): bigint {
  return BigInt(iv.months) * 30n * microsPerDay + BigInt(iv.days) * microsPerDay + iv.micros;
}

function compareNumbers(a: number, b: number): number {
  // NaN sorts before everything (CockroachDB's order), and equals itself.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareJson(a: JsonValue, b: JsonValue): number {
  // PostgreSQL's jsonb order: null < string < number < bool < array < object (approximately CockroachDB's).
  const rank = (v: JsonValue): number =>
    v === null ? 0 : typeof v === 'string' ? 1 : typeof v === 'number' ? 2 : typeof v === 'boolean' ? 3 : Array.isArray(v) ? 4 : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (typeof a === 'number') return compareNumbers(a, b as number);
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (Array.isArray(a)) {
    const bb = b as JsonValue[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareJson(a[i]!, bb[i]!);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  if (a === null) return 0;
  const sa = JSON.stringify(sortKeys(a));
  const sb = JSON.stringify(sortKeys(b));
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function sortKeys(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(sortKeys);
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
  return out;
}

function compareStrings(a: string, b: string): number {
  // Byte order of UTF-8, which is what the key encoding sorts by (C collation).
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Total order of two non-null datums of type t (NULL handling is the
 * caller's: SQL comparisons yield NULL, sorts put NULLs first).
 */
export function compareDatums(a: Datum, b: Datum, t: SqlType): number {
  switch (t.family) {
    case 'int': case 'oid': case 'time': case 'timestamp': case 'timestamptz':
      return compareBigints(a as bigint, b as bigint);
    case 'float': case 'date':
      return compareNumbers(a as number, b as number);
    case 'decimal':
      return compareDecimal(a as Decimal, b as Decimal);
    case 'string': case 'uuid':
      return compareStrings(a as string, b as string);
    case 'bytes':
      return Buffer.compare(a as Buffer, b as Buffer);
    case 'bool':
      return Number(a) - Number(b);
    case 'interval':
      return compareBigints(intervalToMicros(a as Interval), intervalToMicros(b as Interval));
    case 'jsonb':
      return compareJson((a as Json).json, (b as Json).json);
    case 'array':
      return compareLists(a as Datum[], b as Datum[], () => t.elem!);
    case 'tuple':
      return compareLists(a as Datum[], b as Datum[], (i) => t.fields![i]!);
    default:
      return 0;
  }
}

function compareLists(a: Datum[], b: Datum[], typeAt: (i: number) => SqlType): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1; // NULL elements sort last, as PostgreSQL's arrays do
    }
    const c = compareDatums(x, y, typeAt(i));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Compares with NULLs first (ascending sorts, CockroachDB's default). */
export function compareNullsFirst(a: Datum, b: Datum, t: SqlType): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compareDatums(a, b, t);
}

/**
 * A string that is equal for two datums of type t exactly when they are
 * equal as SQL values (1.0 = 1.00, -0 = 0), for hashing. NULL has its own key.
 */
export function datumKey(d: Datum, t: SqlType): string {
  if (d === null) return '\u0000N';
  switch (t.family) {
    case 'int': case 'oid': case 'time': case 'timestamp': case 'timestamptz':
      return (d as bigint).toString();
    case 'float': {
      const f = d as number;
      return Object.is(f, -0) ? '0' : String(f);
    }
    case 'date':
      return String(d);
    case 'decimal':
      return decimalToString(normalizeDecimal(d as Decimal));
    case 'string': case 'uuid':
      return d as string;
    case 'bytes':
      return (d as Buffer).toString('latin1');
    case 'bool':
      return d ? 't' : 'f';
    case 'interval':
      return intervalToMicros(d as Interval).toString();
    case 'jsonb':
      return JSON.stringify(sortKeys((d as Json).json));
    case 'array':
      return (d as Datum[]).map((e) => datumKey(e, t.elem!)).join('\u0001');
    case 'tuple':
      return (d as Datum[]).map((e, i) => datumKey(e, t.fields![i]!)).join('\u0001');
    default:
      return String(d);
  }
}

/** A hash key for a whole row of datums (GROUP BY keys, DISTINCT rows). */
export function rowKey(row: readonly Datum[], types: readonly SqlType[]): string {
  if (row.length === 1) return datumKey(row[0]!, types[0]!);
  let s = '';
  for (let i = 0; i < row.length; i++) s += datumKey(row[i]!, types[i]!) + '\u0002';
  return s;
}

/** Rough in-memory size of a datum, for memory accounting of sorts and hash tables. */
export function datumSizeBytes(d: Datum): number {
  if (d === null) return 8;
  switch (typeof d) {
    case 'bigint': case 'number': case 'boolean': return 16;
    case 'string': return 16 + d.length * 2;
    default:
      if (Buffer.isBuffer(d)) return 32 + d.length;
      if (Array.isArray(d)) return d.reduce((n: number, e) => n + datumSizeBytes(e), 32);
      return 64;
  }
}
