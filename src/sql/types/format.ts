// Owns the PostgreSQL text output of every SQL type: what psql shows and
// what the wire protocol's text format sends (formatDatum), plus the value
// text the ::STRING cast produces where it differs (bools print 'true').
//
// Invariants: formatDatum is total for non-null datums of the given type
// and never throws for valid datums (time zone errors aside); its output
// is accepted by parseDatum for the same type (parse(format(x)) == x).

import { decimalToString, type Decimal } from '../../util/decimal.js';
import type { Datum, Interval, Json } from './datum.js';
import type { SqlType } from './types.js';
import { formatDate, formatTime, formatTimestamp, formatTimestampTz } from './datetime.js';
import { formatInterval } from './interval.js';
import { formatJson } from './json.js';

export interface FormatContext {
  timezone: string;
}

// ----------------------------------------------------------------- floats

/** Shortest decimal digits of |f| that round-trip at the float's width, and the exponent of the first digit. */
function shortestDigits(f: number, width: number): { digits: string; exp: number } {
  const abs = Math.abs(f);
  let text = abs.toExponential();
  if (width === 32) {
    for (let p = 1; p <= 9; p++) {
      const candidate = abs.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === abs) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa = '', exp = '0'] = text.split('e');
  return { digits: mantissa.replace('.', ''), exp: Number(exp) };
}

function fixedNotation(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function expNotation(digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
}

/**
 * PostgreSQL 12+ float8out/float4out: the shortest round-trip digits, in
 * fixed notation when the decimal exponent is in [-4, 15) (FLOAT8) or
 * [-4, 6) (FLOAT4), else `1e+20` / `1.5e-07`; NaN, Infinity, -Infinity, -0.
 */
export function formatFloat(f: number, width = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const { digits, exp } = shortestDigits(f, width);
  const sign = f < 0 ? '-' : '';
  const maxFixedExp = width === 32 ? 6 : 15;
  return sign + (exp < -4 || exp >= maxFixedExp ? expNotation(digits, exp) : fixedNotation(digits, exp));
}

// ------------------------------------------------------- bytes, containers

/** PostgreSQL's hex bytea output: `\x0a0b`. */
export function formatBytes(b: Buffer): string {
  return '\\x' + b.toString('hex');
}

function arrayElementNeedsQuotes(s: string): boolean {
  return s === '' || s.toUpperCase() === 'NULL' || /[{}",\\\s]/.test(s);
}

function quoteArrayElement(s: string): string {
  if (!arrayElementNeedsQuotes(s)) return s;
  return `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;
}

/** `{1,2,NULL}`, `{"a b","",NULL}`, `{{1,2},{3,4}}` as PostgreSQL's array_out. */
export function formatArray(items: readonly Datum[], elem: SqlType, ctx: FormatContext): string {
  const parts = items.map((e) => {
    if (e === null) return 'NULL';
    const text = formatDatum(e, elem, ctx);
    return elem.family === 'array' ? text : quoteArrayElement(text);
  });
  return `{${parts.join(',')}}`;
}

function quoteTupleField(s: string): string {
  if (s !== '' && !/[()",\\\s]/.test(s)) return s;
  return `"${s.replace(/["\\]/g, (c) => c + c)}"`;
}

/** `(1,abc)`, `(1,)` for NULL, `("a b","")` as PostgreSQL's record_out. */
export function formatTuple(items: readonly Datum[], fields: readonly SqlType[], ctx: FormatContext): string {
  const parts = items.map((e, i) => (e === null ? '' : quoteTupleField(formatDatum(e, fields[i]!, ctx))));
  return `(${parts.join(',')})`;
}

// ------------------------------------------------------------------ datums

/** PostgreSQL text output of a non-null datum of type t. */
export function formatDatum(d: Datum, t: SqlType, ctx: FormatContext): string {
  switch (t.family) {
    case 'bool': return d ? 't' : 'f';
    case 'int': case 'oid': return (d as bigint).toString();
    case 'float': return formatFloat(d as number, t.width);
    case 'decimal': return decimalToString(d as Decimal);
    case 'string': case 'uuid': case 'unknown': return d as string;
    case 'bytes': return formatBytes(d as Buffer);
    case 'date': return formatDate(d as number);
    case 'time': return formatTime(d as bigint);
    case 'timestamp': return formatTimestamp(d as bigint);
    case 'timestamptz': return formatTimestampTz(d as bigint, ctx.timezone);
    case 'interval': return formatInterval(d as Interval);
    case 'jsonb': return formatJson(d as Json);
    case 'array': return formatArray(d as Datum[], t.elem!, ctx);
    case 'tuple': return formatTuple(d as Datum[], t.fields!, ctx);
    case 'void': return '';
  }
}

/**
 * The text a ::STRING cast yields: formatDatum except that bools read
 * 'true' / 'false' (CockroachDB and PostgreSQL's bool::text).
 */
export function datumToText(d: Datum, t: SqlType, ctx: FormatContext): string {
  if (t.family === 'bool') return d ? 'true' : 'false';
  return formatDatum(d, t, ctx);
}
