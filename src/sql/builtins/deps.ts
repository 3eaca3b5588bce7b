// Owns the builtins' single seam to the shared type modules (interval
// arithmetic, timestamp arithmetic, datum text, datum -> JSON). Every
// builtin imports these helpers from here, so the shared modules can change
// shape with edits in one file.
//
// Invariants: these are thin adapters; semantics belong to
// sql/types/{interval,datetime,format,json}.ts (CockroachDB's).

import type { Datum, Interval, JsonValue } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import {
  addIntervalToTimestamp as sharedAddInterval, formatDate, formatTimestamp, formatTimestampTz, timestampDiff,
} from '../types/datetime.js';
import { datumToText } from '../types/format.js';
import {
  addIntervals as sharedAdd, divInterval as sharedDiv, formatInterval, mulInterval as sharedMul,
  negateInterval as sharedNegate, subIntervals as sharedSub, zeroInterval as sharedZero,
} from '../types/interval.js';
import { formatJson, sortedKeys, toJson } from '../types/json.js';

// ------------------------------------------------------------- intervals

export const zeroInterval: Interval = sharedZero;

export function addIntervals(a: Interval, b: Interval): Interval {
  return sharedAdd(a, b);
}

export function negateInterval(a: Interval): Interval {
  return sharedNegate(a);
}

export function subIntervals(a: Interval, b: Interval): Interval {
  return sharedSub(a, b);
}

/** iv × factor, fractions cascading months → days (30) → micros. */
export function mulInterval(iv: Interval, factor: number): Interval {
  return sharedMul(iv, factor);
}

/** iv / divisor (22012 on zero). */
export function divInterval(iv: Interval, divisor: number): Interval {
  return sharedDiv(iv, divisor);
}

/** a - b for timestamps: whole days plus the remaining time. */
export function timestampDifference(a: bigint, b: bigint): Interval {
  return timestampDiff(a, b);
}

/** ts + iv; with tz (TIMESTAMPTZ) months and days move the wall clock of tz. */
export function addIntervalToTimestamp(micros: bigint, iv: Interval, tz: string | null): bigint {
  return sharedAddInterval(micros, iv, tz);
}

// ------------------------------------------------------------ text forms

/** The text a STRING cast of d (of type t) produces; tz renders TIMESTAMPTZ. */
export function formatDatumText(d: Datum, t: SqlType, tz: string): string {
  if (d === null) return 'NULL';
  return datumToText(d, t, { timezone: tz });
}

export function formatDateText(days: number): string {
  return formatDate(days);
}

export function formatTimestampText(micros: bigint): string {
  return formatTimestamp(micros);
}

export function formatTimestampTzText(micros: bigint, tz: string): string {
  return formatTimestampTz(micros, tz);
}

export function formatIntervalText(iv: Interval): string {
  return formatInterval(iv);
}

// ------------------------------------------------------------------ JSON

/** JSON text as CockroachDB prints JSONB. */
export function formatJsonText(v: JsonValue): string {
  return formatJson({ json: v });
}

/** Object keys in CockroachDB's output order. */
export function sortedJsonKeys(obj: { [k: string]: JsonValue }): string[] {
  return sortedKeys(obj);
}

/** to_jsonb(d): numbers stay numbers, temporal values become ISO text, arrays arrays. */
export function datumToJson(d: Datum, t: SqlType, tz: string): JsonValue {
  return toJson(d, t, { timezone: tz }).json;
}
