// Owns the date/time builtins: now() and friends, extract/date_part,
// date_trunc, age, to_timestamp, timezone, make_date/make_timestamp,
// justify_*, experimental_strftime and to_char.
//
// Invariants: TIMESTAMPTZ fields are read on the wall clock of the session
// time zone (ctx.timezone) unless a zone is passed explicitly; extract,
// date_part and date_trunc delegate to sql/types/datetime.ts (one owner of
// field semantics) and extract returns FLOAT as in CockroachDB; now()-style functions read the
// transaction/statement timestamps from ctx and are 'stable' (clock_timestamp
// and timeofday are 'volatile').

import { BurrowError } from '../../util/errors.js';
import type { Datum, Interval } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, type Family } from '../types/types.js';
import { dateTrunc, extract } from '../types/datetime.js';
import {
  checkTimeZone, dayOfWeek, daysFromCivil, daysInMonth, localFields, localToUtc, microsPerDayBig, splitDay, utcToLocal,
  type LocalFields,
} from './calendar.js';
import { formatDateText, formatIntervalText, formatTimestampText, formatTimestampTzText } from './deps.js';
import { defineFunction, overload, type FunctionDef } from './overload.js';

const S = T.string;
const TS = T.timestamp;
const TZ = T.timestamptz;
const F = T.float;
const I = T.int;
const IV = T.interval;

function roundMicros(micros: bigint, precision: bigint): bigint {
  if (precision < 0n || precision > 6n) {
    throw new BurrowError('22023', `precision ${precision} out of range`);
  }
  const unit = 10n ** (6n - precision);
  const r = ((micros % unit) + unit) % unit;
  return r * 2n >= unit ? micros - r + unit : micros - r;
}

function localNow(ctx: EvalContext, micros: bigint): bigint {
  return utcToLocal(micros, ctx.timezone);
}

/** Time of day of the transaction timestamp in the session zone (current_time has no TIMETZ here). */
function localTime(ctx: EvalContext, precision: bigint): bigint {
  const t = roundMicros(splitDay(localNow(ctx, ctx.txnTimestampMicros)).timeMicros, precision);
  return t % microsPerDayBig;
}

// --------------------------------------------------- extract / date_trunc

function extractOverloads(): ReturnType<typeof overload>[] {
  const at = (family: Family) => ([f, v]: Datum[], ctx: EvalContext): number => extract(f as string, v!, family, ctx.timezone);
  return [
    overload([S, TS], F, at('timestamp')),
    overload([S, TZ], F, at('timestamptz'), { volatility: 'stable' }),
    overload([S, T.date], F, at('date')),
    overload([S, T.time], F, at('time')),
    overload([S, IV], F, at('interval')),
  ];
}

const intervalFieldAliases: Record<string, string> = {
  microseconds: 'microsecond', us: 'microsecond', milliseconds: 'millisecond', ms: 'millisecond', seconds: 'second',
  sec: 'second', secs: 'second', minutes: 'minute', min: 'minute', mins: 'minute', hours: 'hour', days: 'day',
  months: 'month', mon: 'month', mons: 'month', years: 'year', decades: 'decade', centuries: 'century',
  millennia: 'millennium', millenniums: 'millennium', quarters: 'quarter',
};

function canonicalField(field: string): string {
  const lower = field.trim().toLowerCase();
  return intervalFieldAliases[lower] ?? lower;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function unsupportedTimespan(field: string): BurrowError {
  return new BurrowError('22023', `unsupported timespan: ${field}`);
}

const intervalUnitsMicros: Record<string, bigint> = {
  microsecond: 1n, millisecond: 1000n, second: 1_000_000n, minute: 60_000_000n, hour: 3_600_000_000n,
};

function truncateInterval(fieldText: string, iv: Interval): Interval {
  const field = canonicalField(fieldText);
  const unit = intervalUnitsMicros[field];
  if (unit !== undefined) return { ...iv, micros: iv.micros - (iv.micros % unit) };
  const monthsPer: Record<string, number> = { month: 1, quarter: 3, year: 12, decade: 120, century: 1200, millennium: 12000 };
  if (field === 'day') return { ...iv, micros: 0n };
  const m = monthsPer[field];
  if (m === undefined) throw unsupportedTimespan(fieldText);
  return { months: iv.months - (iv.months % m), days: 0, micros: 0n };
}

// -------------------------------------------------------------------- age

/** PostgreSQL's age(): field-wise difference with borrows, in years/months/days. */
export function ageBetween(endMicros: bigint, startMicros: bigint): Interval {
  if (endMicros < startMicros) {
    const r = ageBetween(startMicros, endMicros);
    return { months: -r.months, days: -r.days, micros: -r.micros };
  }
  const a = localFields(endMicros);
  const b = localFields(startMicros);
  let micros = (a.hour - b.hour) * 3_600_000_000 + (a.minute - b.minute) * 60_000_000 +
    (a.second - b.second) * 1_000_000 + (a.micros - b.micros);
  let days = a.day - b.day;
  let months = (a.year - b.year) * 12 + (a.month - b.month);
  if (micros < 0) {
    micros += 86_400_000_000;
    days -= 1;
  }
  if (days < 0) {
    days += daysInMonth(b.year, b.month);
    months -= 1;
  }
  return { months, days, micros: BigInt(micros) };
}

// ------------------------------------------------------------ constructors

function makeDate(y: bigint, m: bigint, d: bigint): number {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const astronomical = year < 0 ? year + 1 : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(astronomical, month)) {
    throw new BurrowError('22008', `date field value out of range: ${year}-${pad2(month)}-${pad2(day)}`);
  }
  return daysFromCivil(astronomical, month, day);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function makeTimestamp(args: Datum[]): bigint {
  const days = makeDate(args[0] as bigint, args[1] as bigint, args[2] as bigint);
  const h = Number(args[3] as bigint);
  const mi = Number(args[4] as bigint);
  const s = args[5] as number;
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    throw new BurrowError('22008', `time field value out of range: ${h}:${pad2(mi)}:${s}`);
  }
  return BigInt(days) * microsPerDayBig + BigInt(h * 3_600_000_000 + mi * 60_000_000) + BigInt(Math.round(s * 1e6));
}

function toTimestamp(seconds: number): bigint {
  if (!Number.isFinite(seconds)) throw new BurrowError('22008', 'timestamp cannot be NaN or infinite');
  return BigInt(Math.round(seconds * 1e6));
}

function justifyDays(iv: Interval): Interval {
  const months = Math.trunc(iv.days / 30);
  return { months: iv.months + months, days: iv.days - months * 30, micros: iv.micros };
}

function justifyHours(iv: Interval): Interval {
  const days = iv.micros / microsPerDayBig;
  return { months: iv.months, days: iv.days + Number(days), micros: iv.micros - days * microsPerDayBig };
}

// ---------------------------------------------------------------- strftime

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function strftime(micros: bigint, fmt: string, offsetSeconds: number): string {
  const f = localFields(micros);
  const dow = dayOfWeek(f.dayNumber);
  const doy = f.dayNumber - daysFromCivil(f.year, 1, 1) + 1;
  const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const codes: Record<string, () => string> = {
    Y: () => String(f.year), y: () => pad2(mod(f.year, 100)), m: () => pad2(f.month), d: () => pad2(f.day),
    e: () => String(f.day).padStart(2, ' '), H: () => pad2(f.hour), I: () => pad2(h12), M: () => pad2(f.minute),
    S: () => pad2(f.second), f: () => String(f.micros).padStart(6, '0'), p: () => (f.hour < 12 ? 'AM' : 'PM'),
    b: () => monthNames[f.month - 1]!.slice(0, 3), B: () => monthNames[f.month - 1]!, a: () => dayNames[dow]!.slice(0, 3),
    A: () => dayNames[dow]!, j: () => String(doy).padStart(3, '0'), w: () => String(dow), '%': () => '%',
    z: () => zoneText(offsetSeconds), Z: () => (offsetSeconds === 0 ? 'UTC' : zoneText(offsetSeconds)),
    F: () => `${f.year}-${pad2(f.month)}-${pad2(f.day)}`, T: () => `${pad2(f.hour)}:${pad2(f.minute)}:${pad2(f.second)}`,
  };
  return fmt.replace(/%(.)/g, (m, c: string) => codes[c]?.() ?? m);
}

function zoneText(offsetSeconds: number): string {
  const abs = Math.abs(offsetSeconds);
  return `${offsetSeconds < 0 ? '-' : '+'}${pad2(Math.floor(abs / 3600))}${pad2(Math.floor(abs / 60) % 60)}`;
}

// ----------------------------------------------------------------- to_char

const toCharPatterns: [string, (f: LocalFields) => string][] = [
  ['HH24', (f) => pad2(f.hour)], ['HH12', (f) => pad2(f.hour % 12 || 12)], ['HH', (f) => pad2(f.hour % 12 || 12)],
  ['MI', (f) => pad2(f.minute)], ['SS', (f) => pad2(f.second)], ['MS', (f) => String(Math.floor(f.micros / 1000)).padStart(3, '0')],
  ['US', (f) => String(f.micros).padStart(6, '0')], ['AM', (f) => (f.hour < 12 ? 'AM' : 'PM')], ['PM', (f) => (f.hour < 12 ? 'AM' : 'PM')],
  ['YYYY', (f) => String(f.year).padStart(4, '0')], ['YY', (f) => pad2(mod(f.year, 100))],
  ['Month', (f) => monthNames[f.month - 1]!.padEnd(9)], ['Mon', (f) => monthNames[f.month - 1]!.slice(0, 3)],
  ['MM', (f) => pad2(f.month)], ['Day', (f) => dayNames[dayOfWeek(f.dayNumber)]!.padEnd(9)],
  ['Dy', (f) => dayNames[dayOfWeek(f.dayNumber)]!.slice(0, 3)], ['DDD', (f) => String(f.dayNumber - daysFromCivil(f.year, 1, 1) + 1).padStart(3, '0')],
  ['DD', (f) => pad2(f.day)], ['D', (f) => String(dayOfWeek(f.dayNumber) + 1)],
];

function toChar(micros: bigint, fmt: string): string {
  const f = localFields(micros);
  let out = '';
  for (let i = 0; i < fmt.length;) {
    const hit = toCharPatterns.find(([p]) => fmt.startsWith(p, i));
    if (hit) {
      out += hit[1](f);
      i += hit[0].length;
    } else {
      out += fmt[i++];
    }
  }
  return out;
}

// ------------------------------------------------------------ definitions

function timezoneOverloads(): ReturnType<typeof overload>[] {
  return [
    overload([S, TZ], TS, ([tz, v]) => (checkTimeZone(tz as string), utcToLocal(v as bigint, tz as string))),
    overload([S, TS], TZ, ([tz, v]) => (checkTimeZone(tz as string), localToUtc(v as bigint, tz as string))),
  ];
}

function nowFunction(name: string, pick: (ctx: EvalContext) => bigint, volatility: 'stable' | 'volatile' = 'stable'): FunctionDef {
  return defineFunction(name, [
    overload([], TZ, (_a, ctx) => pick(ctx), { volatility }),
    overload([I], TZ, ([p], ctx) => roundMicros(pick(ctx), p as bigint), { volatility }),
  ]);
}

export const datetimeFunctions: FunctionDef[] = [
  nowFunction('now', (c) => c.txnTimestampMicros),
  nowFunction('current_timestamp', (c) => c.txnTimestampMicros),
  nowFunction('transaction_timestamp', (c) => c.txnTimestampMicros),
  nowFunction('statement_timestamp', (c) => c.stmtTimestampMicros),
  nowFunction('clock_timestamp', (c) => c.clockMicros(), 'volatile'),
  defineFunction('localtimestamp', [
    overload([], TS, (_a, ctx) => localNow(ctx, ctx.txnTimestampMicros), { volatility: 'stable' }),
    overload([I], TS, ([p], ctx) => roundMicros(localNow(ctx, ctx.txnTimestampMicros), p as bigint), { volatility: 'stable' }),
  ]),
  ...['localtime', 'current_time'].map((name) => defineFunction(name, [
    overload([], T.time, (_a, ctx) => localTime(ctx, 6n), { volatility: 'stable' }),
    overload([I], T.time, ([p], ctx) => localTime(ctx, p as bigint), { volatility: 'stable' }),
  ])),
  defineFunction('current_date', [
    overload([], T.date, (_a, ctx) => splitDay(localNow(ctx, ctx.txnTimestampMicros)).dayNumber, { volatility: 'stable' }),
  ]),
  defineFunction('timeofday', [
    overload([], S, (_a, ctx) => formatTimestampTzText(ctx.clockMicros(), ctx.timezone), { volatility: 'volatile' }),
  ]),
  defineFunction('extract', extractOverloads()),
  defineFunction('date_part', extractOverloads()),
  defineFunction('date_trunc', [
    overload([S, TS], TS, ([f, v], ctx) => dateTrunc(f as string, v as bigint, 'timestamp', ctx.timezone)),
    overload([S, TZ], TZ, ([f, v], ctx) => dateTrunc(f as string, v as bigint, 'timestamptz', ctx.timezone),
      { volatility: 'stable' }),
    overload([S, T.date], TZ, ([f, v], ctx) =>
      dateTrunc(f as string, localToUtc(BigInt(v as number) * microsPerDayBig, ctx.timezone), 'timestamptz', ctx.timezone),
    { volatility: 'stable' }),
    overload([S, T.time], IV, ([f, v], ctx) => ({ months: 0, days: 0, micros: dateTrunc(f as string, v as bigint, 'time', ctx.timezone) })),
    overload([S, IV], IV, ([f, v]) => truncateInterval(f as string, v as Interval)),
  ]),
  defineFunction('age', [
    overload([TZ], IV, ([v], ctx) => ageBetween(localNow(ctx, ctx.txnTimestampMicros), utcToLocal(v as bigint, ctx.timezone)),
      { volatility: 'stable' }),
    overload([TZ, TZ], IV, ([a, b], ctx) =>
      ageBetween(utcToLocal(a as bigint, ctx.timezone), utcToLocal(b as bigint, ctx.timezone)), { volatility: 'stable' }),
    overload([TS, TS], IV, ([a, b]) => ageBetween(a as bigint, b as bigint)),
  ]),
  defineFunction('to_timestamp', [overload([F], TZ, ([s]) => toTimestamp(s as number))]),
  defineFunction('timezone', timezoneOverloads()),
  defineFunction('make_date', [overload([I, I, I], T.date, (args) => makeDate(args[0] as bigint, args[1] as bigint, args[2] as bigint))]),
  defineFunction('make_timestamp', [overload([I, I, I, I, I, F], TS, (args) => makeTimestamp(args))]),
  defineFunction('make_timestamptz', [
    overload([I, I, I, I, I, F], TZ, (args, ctx) => localToUtc(makeTimestamp(args), ctx.timezone), { volatility: 'stable' }),
    overload([I, I, I, I, I, F, S], TZ, (args) => localToUtc(makeTimestamp(args), args[6] as string)),
  ]),
  defineFunction('justify_days', [overload([IV], IV, ([v]) => justifyDays(v as Interval))]),
  defineFunction('justify_hours', [overload([IV], IV, ([v]) => justifyHours(v as Interval))]),
  defineFunction('justify_interval', [overload([IV], IV, ([v]) => justifyDays(justifyHours(v as Interval)))]),
  defineFunction('experimental_strftime', [
    overload([TS, S], S, ([v, f]) => strftime(v as bigint, f as string, 0)),
    overload([T.date, S], S, ([v, f]) => strftime(BigInt(v as number) * microsPerDayBig, f as string, 0)),
    overload([TZ, S], S, ([v, f]) => strftime(v as bigint, f as string, 0)),
  ]),
  defineFunction('to_char', [
    overload([TS], S, ([v]) => formatTimestampText(v as bigint)),
    overload([TZ], S, ([v], ctx) => formatTimestampTzText(v as bigint, ctx.timezone), { volatility: 'stable' }),
    overload([T.date], S, ([v]) => formatDateText(v as number)),
    overload([IV], S, ([v]) => formatIntervalText(v as Interval)),
    overload([TS, S], S, ([v, f]) => toChar(v as bigint, f as string)),
    overload([TZ, S], S, ([v, f], ctx) => toChar(utcToLocal(v as bigint, ctx.timezone), f as string), { volatility: 'stable' }),
    overload([T.date, S], S, ([v, f]) => toChar(BigInt(v as number) * microsPerDayBig, f as string)),
  ]),
];

