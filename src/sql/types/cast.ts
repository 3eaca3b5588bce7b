// Owns conversions between SQL types: explicit casts (CAST, ::), the
// assignment casts INSERT/UPDATE apply when writing a column, and the
// question of which casts exist. Semantics follow CockroachDB's
// eval/cast.go: FLOAT -> INT rounds half to even, DECIMAL -> INT half away
// from zero; INT <-> TIMESTAMP counts seconds; INTERVAL <-> numbers counts
// seconds with 30-day months; explicit casts to STRING(n)/VARCHAR(n)/CHAR(n)
// truncate while assignments fail with 22001; CHAR drops trailing spaces.
//
// Invariants: castDatum(null, …) is null (canCast is the static check); a
// cast of a non-null value that does not exist is 42846 `invalid cast:
// <from> -> <to>` (typeName() spellings); results are fitted to the
// target's parameters (parse.ts fitToType). assignmentCast checks types
// even for NULL, as CockroachDB checks a column write's type statically.

import { BurrowError } from '../../util/errors.js';
import {
  decimalFromBigInt, decimalFromNumber, decimalToNumber, finiteDecimal, roundDecimal, type Decimal,
} from '../../util/decimal.js';
import type { Datum, Interval, Json } from './datum.js';
import { type Family, type SqlType } from './types.js';
import {
  checkDateBounds, checkTimestampBounds, dateFromTimestamp, localToUtcMicros, microsPerDay, microsPerSecond,
  timestampFromDate, utcToLocalMicros,
} from './datetime.js';
import { intervalFromMicros, intervalToSeconds, intervalTotalMicros } from './interval.js';
import { jsonTypeof } from './json.js';
import { datumToText } from './format.js';
import { crdbTypeName, fitToType, parseDatum, uuidFromBytes, uuidToBytes, type FitMode } from './parse.js';

export interface CastContext {
  timezone: string;
  /** The statement's time for 'now', 'today'… in string casts (defaults to the wall clock). */
  nowMicros?: bigint;
}

// ------------------------------------------------------------ cast table

const numeric: Family[] = ['int', 'float', 'decimal'];
const timeLike: Family[] = ['date', 'timestamp', 'timestamptz', 'interval'];
const text: Family[] = ['string', 'unknown'];

/** For each target family, the source families an explicit cast accepts. */
const explicitSources: Partial<Record<Family, readonly Family[]>> = {
  int: [...numeric, ...text, ...timeLike, 'bool', 'oid', 'jsonb'],
  float: [...numeric, ...text, ...timeLike, 'bool', 'jsonb'],
  decimal: [...numeric, ...text, ...timeLike, 'bool', 'jsonb'],
  bool: [...numeric, ...text, 'bool', 'jsonb'],
  bytes: [...text, 'bytes', 'uuid'],
  date: [...text, 'date', 'int', 'timestamp', 'timestamptz'],
  time: [...text, 'time', 'timestamp', 'timestamptz', 'interval'],
  timestamp: [...text, 'date', 'int', 'timestamp', 'timestamptz'],
  timestamptz: [...text, 'date', 'int', 'timestamp', 'timestamptz'],
  interval: [...text, ...numeric, 'interval', 'time'],
  uuid: [...text, 'uuid', 'bytes'],
  jsonb: [...text, 'jsonb'],
  oid: [...text, 'int', 'oid'],
  array: text,
  tuple: text,
  void: text,
  unknown: ['unknown'],
};

/** Whether CAST(x AS to) exists for a value of type from. */
export function canCast(from: SqlType, to: SqlType): boolean {
  if (to.family === 'string') return true;
  if (from.family === 'array' && to.family === 'array') return canCast(from.elem!, to.elem!);
  if (from.family === 'tuple' && to.family === 'tuple') return tupleCastable(from, to, canCast);
  return explicitSources[to.family]?.includes(from.family) ?? false;
}

function tupleCastable(from: SqlType, to: SqlType, can: (a: SqlType, b: SqlType) => boolean): boolean {
  const a = from.fields ?? [];
  const b = to.fields ?? [];
  return a.length === b.length && a.every((f, i) => can(f, b[i]!));
}

const assignablePairs = new Set([
  'date>timestamp', 'date>timestamptz', 'timestamp>timestamptz', 'timestamptz>timestamp', 'timestamp>date',
  'timestamptz>date', 'timestamp>time', 'timestamptz>time', 'time>interval', 'interval>time', 'int>oid', 'oid>int',
]);

/**
 * Whether a value of type from may be written to a column of type to:
 * same family, numeric to numeric, anything to a string type, untyped
 * literals (unknown) to anything, and PostgreSQL's date/time assignment casts.
 */
export function canAssignmentCast(from: SqlType, to: SqlType): boolean {
  if (from.family === 'unknown' || to.family === 'string') return true;
  if (from.family === 'array' && to.family === 'array') return canAssignmentCast(from.elem!, to.elem!);
  if (from.family === 'tuple' && to.family === 'tuple') return tupleCastable(from, to, canAssignmentCast);
  if (from.family === to.family) return true;
  if (numeric.includes(from.family) && numeric.includes(to.family)) return true;
  return assignablePairs.has(`${from.family}>${to.family}`);
}

function invalidCast(from: SqlType, to: SqlType): BurrowError {
  return new BurrowError('42846', `invalid cast: ${crdbTypeName(from)} -> ${crdbTypeName(to)}`);
}

// ------------------------------------------------------------- numbers

const intOutOfRange = (): BurrowError => new BurrowError('22003', 'integer out of range');
const floatOutOfRange = (): BurrowError => new BurrowError('22003', 'float out of range');
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
const two63 = 2 ** 63;

function checkInt64(v: bigint): bigint {
  if (v < int64Min || v > int64Max) throw intOutOfRange();
  return v;
}

/** Go's math.RoundToEven. */
function roundHalfEven(f: number): number {
  const r = Math.round(f);
  return Math.abs(f % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function floatToInt(f: number): bigint {
  if (Number.isNaN(f) || f <= -two63 || f >= two63) throw intOutOfRange();
  return BigInt(roundHalfEven(f));
}

function decimalToInt(d: Decimal): bigint {
  if (d.kind !== 'finite') throw intOutOfRange();
  const r = roundDecimal(d, 0);
  return checkInt64((r as Extract<Decimal, { kind: 'finite' }>).coef);
}

function failedCastFromJson(j: Json, to: SqlType): BurrowError {
  return new BurrowError('22023', `cannot cast jsonb ${jsonTypeof(j)} to type ${crdbTypeName(to)}`);
}

function jsonNumber(j: Json, to: SqlType): number {
  if (typeof j.json !== 'number') throw failedCastFromJson(j, to);
  return j.json;
}

function secondsFloor(micros: bigint): bigint {
  const q = micros / microsPerSecond;
  return micros % microsPerSecond < 0n ? q - 1n : q;
}

function dateToInt(days: number): bigint {
  if (!Number.isFinite(days)) throw intOutOfRange();
  return BigInt(days);
}

function toInt(d: Datum, from: SqlType, to: SqlType): bigint | undefined {
  switch (from.family) {
    case 'int': case 'oid': return d as bigint;
    case 'bool': return d ? 1n : 0n;
    case 'float': return floatToInt(d as number);
    case 'decimal': return decimalToInt(d as Decimal);
    case 'timestamp': case 'timestamptz': return secondsFloor(d as bigint);
    case 'date': return dateToInt(d as number);
    case 'interval': return checkInt64(intervalTotalMicros(d as Interval) / microsPerSecond);
    case 'jsonb': {
      const n = jsonNumber(d as Json, to);
      return Number.isInteger(n) ? checkInt64(BigInt(n)) : decimalToInt(decimalFromNumber(n));
    }
    default: return undefined;
  }
}

function decimalToFloat(d: Decimal): number {
  const f = decimalToNumber(d);
  if (d.kind === 'finite' && !Number.isFinite(f)) throw floatOutOfRange();
  return f;
}

function microsToSecondsFloat(micros: bigint): number {
  const s = secondsFloor(micros);
  return Number(s) + Number(micros - s * microsPerSecond) * 1e-6;
}

function toFloat(d: Datum, from: SqlType, to: SqlType): number | undefined {
  switch (from.family) {
    case 'int': return Number(d as bigint);
    case 'bool': return d ? 1 : 0;
    case 'float': return d as number;
    case 'decimal': return decimalToFloat(d as Decimal);
    case 'timestamp': case 'timestamptz': return microsToSecondsFloat(d as bigint);
    case 'date': return d as number;
    case 'interval': return intervalToSeconds(d as Interval);
    case 'jsonb': return jsonNumber(d as Json, to);
    default: return undefined;
  }
}

function toDecimal(d: Datum, from: SqlType, to: SqlType): Decimal | undefined {
  switch (from.family) {
    case 'int': return decimalFromBigInt(d as bigint);
    case 'bool': return decimalFromBigInt(d ? 1n : 0n);
    case 'float': return decimalFromNumber(d as number);
    case 'decimal': return d as Decimal;
    case 'timestamp': case 'timestamptz': return finiteDecimal(d as bigint, -6);
    case 'date': return decimalFromNumber(d as number);
    case 'interval': return finiteDecimal(intervalTotalMicros(d as Interval) * 1000n, -9);
    case 'jsonb': return decimalFromNumber(jsonNumber(d as Json, to));
    default: return undefined;
  }
}

function toBool(d: Datum, from: SqlType, to: SqlType): boolean | undefined {
  switch (from.family) {
    case 'bool': return d as boolean;
    case 'int': return (d as bigint) !== 0n;
    case 'float': return (d as number) !== 0;
    case 'decimal': return !((d as Decimal).kind === 'finite' && (d as { coef: bigint }).coef === 0n);
    case 'jsonb': {
      const j = d as Json;
      if (typeof j.json !== 'boolean') throw failedCastFromJson(j, to);
      return j.json;
    }
    default: return undefined;
  }
}

// ---------------------------------------------------------- date and time

function floorModDay(micros: bigint): bigint {
  const r = micros % microsPerDay;
  return r < 0n ? r + microsPerDay : r;
}

function secondsToMicros(seconds: bigint): bigint {
  return checkTimestampBounds(seconds * microsPerSecond);
}

function toDate(d: Datum, from: SqlType, ctx: CastContext): number | undefined {
  switch (from.family) {
    case 'date': return d as number;
    case 'int': return checkDateBounds(Number(d as bigint));
    case 'timestamp': return dateFromTimestamp(d as bigint);
    case 'timestamptz': return dateFromTimestamp(utcToLocalMicros(d as bigint, ctx.timezone));
    default: return undefined;
  }
}

function toTime(d: Datum, from: SqlType, ctx: CastContext): bigint | undefined {
  switch (from.family) {
    case 'time': return d as bigint;
    case 'timestamp': return floorModDay(d as bigint);
    case 'timestamptz': return floorModDay(utcToLocalMicros(d as bigint, ctx.timezone));
    case 'interval': return floorModDay((d as Interval).micros);
    default: return undefined;
  }
}

function toTimestamp(d: Datum, from: SqlType, ctx: CastContext): bigint | undefined {
  switch (from.family) {
    case 'timestamp': return d as bigint;
    case 'timestamptz': return utcToLocalMicros(d as bigint, ctx.timezone);
    case 'date': return timestampFromDate(d as number);
    case 'int': return secondsToMicros(d as bigint);
    default: return undefined;
  }
}

function toTimestampTz(d: Datum, from: SqlType, ctx: CastContext): bigint | undefined {
  switch (from.family) {
    case 'timestamptz': return d as bigint;
    case 'timestamp': return checkTimestampBounds(localToUtcMicros(d as bigint, ctx.timezone));
    case 'date': return checkTimestampBounds(localToUtcMicros(timestampFromDate(d as number), ctx.timezone));
    case 'int': return secondsToMicros(d as bigint);
    default: return undefined;
  }
}

function intervalOutOfRange(): BurrowError {
  return new BurrowError('22008', 'interval out of range');
}

function decimalSecondsToMicros(d: Decimal): bigint {
  if (d.kind !== 'finite') throw intervalOutOfRange();
  const micros = roundDecimal(finiteDecimal(d.coef, d.exp + 6), 0);
  return (micros as { coef: bigint }).coef;
}

function toInterval(d: Datum, from: SqlType): Interval | undefined {
  switch (from.family) {
    case 'interval': return d as Interval;
    case 'int': return intervalFromMicros((d as bigint) * microsPerSecond);
    case 'float': {
      if (!Number.isFinite(d as number)) throw intervalOutOfRange();
      return intervalFromMicros(BigInt(Math.round((d as number) * 1e6)));
    }
    case 'decimal': return intervalFromMicros(decimalSecondsToMicros(d as Decimal));
    case 'time': return intervalFromMicros(d as bigint);
    default: return undefined;
  }
}

// ------------------------------------------------------------ the rest

function toBytes(d: Datum, from: SqlType): Buffer | undefined {
  if (from.family === 'bytes') return d as Buffer;
  if (from.family === 'uuid') return uuidToBytes(d as string);
  return undefined;
}

function toUuid(d: Datum, from: SqlType): string | undefined {
  if (from.family === 'uuid') return d as string;
  if (from.family === 'bytes') return uuidFromBytes(d as Buffer);
  return undefined;
}

function toOid(d: Datum, from: SqlType): bigint | undefined {
  if (from.family === 'oid') return d as bigint;
  if (from.family !== 'int') return undefined;
  const v = d as bigint;
  if (v < -(2n ** 31n) || v >= 2n ** 32n) throw new BurrowError('22003', 'OID out of range');
  return v < 0n ? v + 2n ** 32n : v;
}

function toTuple(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, mode: FitMode): Datum[] | undefined {
  if (from.family !== 'tuple') return undefined;
  const items = d as Datum[];
  const fields = to.fields ?? [];
  if (items.length !== fields.length) throw new BurrowError('42846', 'cannot cast tuple; wrong number of columns');
  return items.map((e, i) => castValue(e, from.fields![i]!, fields[i]!, ctx, mode));
}

function toArray(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, mode: FitMode): Datum[] | undefined {
  if (from.family !== 'array') return undefined;
  return (d as Datum[]).map((e) => castValue(e, from.elem!, to.elem!, ctx, mode));
}

/** Family conversion without fitting; undefined when this pair has no conversion. */
function convert(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, mode: FitMode): Datum | undefined {
  if (to.family === 'string') return datumToText(d, from, ctx);
  // Text uses the target's input syntax: for BYTES the '\x…' / escape forms (plain text is its UTF-8).
  if (from.family === 'string' || from.family === 'unknown') return parseDatum(d as string, to, ctx);
  switch (to.family) {
    case 'int': return toInt(d, from, to);
    case 'float': return toFloat(d, from, to);
    case 'decimal': return toDecimal(d, from, to);
    case 'bool': return toBool(d, from, to);
    case 'date': return toDate(d, from, ctx);
    case 'time': return toTime(d, from, ctx);
    case 'timestamp': return toTimestamp(d, from, ctx);
    case 'timestamptz': return toTimestampTz(d, from, ctx);
    case 'interval': return toInterval(d, from);
    case 'bytes': return toBytes(d, from);
    case 'uuid': return toUuid(d, from);
    case 'oid': return toOid(d, from);
    case 'array': return toArray(d, from, to, ctx, mode);
    case 'tuple': return toTuple(d, from, to, ctx, mode);
    case 'jsonb': case 'unknown': return from.family === to.family ? d : undefined;
    default: return undefined;
  }
}

function castValue(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, mode: FitMode): Datum {
  if (d === null) return null;
  const converted = convert(d, from, to, ctx, mode);
  if (converted === undefined) throw invalidCast(from, to);
  return fitToType(converted, to, mode);
}

/**
 * CAST(d AS to) for a value d of type from, in the session's time zone
 * (date <-> timestamptz, timestamptz -> string/time/timestamp). NULL casts
 * to NULL without a check; use canCast to type-check a cast up front.
 */
export function castDatum(d: Datum, from: SqlType, to: SqlType, ctx: CastContext): Datum {
  if (d === null) return null;
  if (!canCast(from, to)) throw invalidCast(from, to);
  return castValue(d, from, to, ctx, 'explicit');
}

/**
 * The cast INSERT/UPDATE apply to a value written to column columnName:
 * types must be assignment-compatible (else 42804 `value type X doesn't
 * match type Y of column "c"`), strings too long fail with 22001
 * `value too long for type VARCHAR(3)` instead of truncating, and the
 * other checks are the explicit cast's (`integer out of range for type
 * int2`, DECIMAL precision). CockroachDB's messages name no column there.
 */
export function assignmentCast(d: Datum, from: SqlType, to: SqlType, ctx: CastContext, columnName: string): Datum {
  if (!canAssignmentCast(from, to)) {
    throw new BurrowError('42804', `value type ${crdbTypeName(from)} doesn't match type ${crdbTypeName(to)} of column "${columnName}"`, {
      hint: 'you will need to rewrite or cast the expression',
    });
  }
  return castValue(d, from, to, ctx, 'assignment');
}
