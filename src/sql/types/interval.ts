// Owns INTERVAL values: text input (PostgreSQL's verbose forms, ISO 8601
// durations, and the Go duration forms CockroachDB accepts), PostgreSQL's
// 'postgres' IntervalStyle output, and interval arithmetic.
//
// Invariants: an Interval is { months, days, micros } (datum.ts), kept as
// given: nothing is normalized between the three parts (1 day 25:00:00
// stays so), months and days are safe integers, and there is no -0.
// Fractions cascade the PostgreSQL way: a fraction of a year becomes
// (rounded) months, a fraction of a month becomes days at 30 days a month,
// and a fraction of a day becomes µs at 24 hours a day.

import { BurrowError } from '../../util/errors.js';
import type { Interval } from './datum.js';

const microsPerSecond = 1_000_000n;
const microsPerMinute = 60_000_000n;
const microsPerHour = 3_600_000_000n;
const microsPerDay = 86_400_000_000n;
const daysPerMonth = 30;

export const zeroInterval: Interval = { months: 0, days: 0, micros: 0n };

export function makeInterval(months: number, days: number, micros: bigint): Interval {
  if (!Number.isSafeInteger(months) || !Number.isSafeInteger(days)) {
    throw new BurrowError('22008', 'interval out of range');
  }
  return { months: months + 0, days: days + 0, micros };
}

export function intervalFromMicros(micros: bigint): Interval {
  return { months: 0, days: 0, micros };
}

// --------------------------------------------------------------- parsing

function parseError(s: string, reason: string): BurrowError {
  return new BurrowError('22007', `could not parse "${s}" as type interval: interval: ${reason}`);
}

/** A decimal number as text, split exactly: sign, integer part, fraction digits. */
interface NumberText {
  negative: boolean;
  whole: bigint;
  frac: string;
}

function numberText(text: string): NumberText {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const [whole = '', frac = ''] = body.split('.');
  return { negative, whole: BigInt(whole === '' ? '0' : whole), frac };
}

/** n × unit rounded half away from zero, exactly. */
function scaleExact(n: NumberText, unit: bigint): bigint {
  const den = 10n ** BigInt(n.frac.length);
  const fracUnits = n.frac === '' ? 0n : BigInt(n.frac) * unit;
  const fracRounded = (fracUnits * 2n + den) / (2n * den);
  const total = n.whole * unit + fracRounded;
  return n.negative ? -total : total;
}

function fractionOf(n: NumberText): number {
  const f = n.frac === '' ? 0 : Number(`0.${n.frac}`);
  return n.negative ? -f : f;
}

function wholeOf(n: NumberText): number {
  const w = Number(n.whole);
  return n.negative ? -w : w;
}

interface Acc {
  months: number;
  days: number;
  micros: bigint;
}

/** Adds a fraction of a day (PostgreSQL's AdjustFractDays cascade with scale days). */
function addFractionalDays(acc: Acc, fracDays: number): void {
  const whole = Math.trunc(fracDays);
  acc.days += whole;
  acc.micros += BigInt(Math.round((fracDays - whole) * 86_400e6));
}

const timeUnits: Record<string, bigint> = {
  microsecond: 1n, microseconds: 1n, us: 1n, usec: 1n, usecs: 1n, µs: 1n, μs: 1n,
  millisecond: 1000n, milliseconds: 1000n, ms: 1000n, msec: 1000n, msecs: 1000n,
  second: microsPerSecond, seconds: microsPerSecond, s: microsPerSecond, sec: microsPerSecond, secs: microsPerSecond,
  minute: microsPerMinute, minutes: microsPerMinute, m: microsPerMinute, min: microsPerMinute, mins: microsPerMinute,
  hour: microsPerHour, hours: microsPerHour, h: microsPerHour, hr: microsPerHour, hrs: microsPerHour,
};
const dayUnits: Record<string, number> = { day: 1, days: 1, d: 1, week: 7, weeks: 7, w: 7 };
const monthUnits: Record<string, number> = {
  month: 1, months: 1, mon: 1, mons: 1,
  year: 12, years: 12, y: 12, yr: 12, yrs: 12,
  decade: 120, decades: 120, century: 1200, centuries: 1200,
  millennium: 12000, millennia: 12000, millenniums: 12000,
};

function addUnit(acc: Acc, n: NumberText, unit: string): boolean {
  const micros = timeUnits[unit];
  if (micros !== undefined) {
    acc.micros += scaleExact(n, micros);
    return true;
  }
  const days = dayUnits[unit];
  if (days !== undefined) {
    acc.days += wholeOf(n) * days;
    addFractionalDays(acc, fractionOf(n) * days);
    return true;
  }
  const months = monthUnits[unit];
  if (months === undefined) return false;
  acc.months += wholeOf(n) * months;
  if (months === 1) addFractionalDays(acc, fractionOf(n) * daysPerMonth);
  else acc.months += Math.round(fractionOf(n) * months);
  return true;
}

/** 'hh:mm', 'hh:mm:ss[.frac]', or 'mm:ss.frac', with an optional sign. */
function timeTokenMicros(token: string): bigint {
  const negative = token.startsWith('-');
  const [clock = '', frac = ''] = token.replace(/^[+-]/, '').split('.');
  const parts = clock.split(':').map((p) => BigInt(p));
  const fracMicros = scaleExact({ negative: false, whole: 0n, frac }, microsPerSecond);
  let total: bigint;
  if (parts.length === 2 && token.includes('.')) total = parts[0]! * microsPerMinute + parts[1]! * microsPerSecond;
  else total = parts[0]! * microsPerHour + parts[1]! * microsPerMinute + (parts[2] ?? 0n) * microsPerSecond;
  total += fracMicros;
  return negative ? -total : total;
}

type Token = { kind: 'number' | 'time' | 'word'; text: string };

const tokenPattern = /\s+|,|([+-]?\d+:\d+(?::\d+)?(?:\.\d*)?)|([+-]?(?:\d+(?:\.\d*)?|\.\d+))|([a-zµμ]+)/y;

function tokenize(s: string, original: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < s.length) {
    const start = tokenPattern.lastIndex;
    const m = tokenPattern.exec(s);
    if (m === null || tokenPattern.lastIndex === start) throw parseError(original, 'invalid input syntax');
    if (m[1] !== undefined) tokens.push({ kind: 'time', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3] });
  }
  return tokens;
}

function applyToken(acc: Acc, tok: Token, pending: NumberText | null, original: string): NumberText | null {
  if (tok.kind === 'number') {
    if (pending !== null) throw parseError(original, 'missing unit');
    return numberText(tok.text);
  }
  if (tok.kind === 'time') {
    if (pending !== null) addUnit(acc, pending, 'day');
    acc.micros += timeTokenMicros(tok.text);
    return null;
  }
  if (pending === null) throw parseError(original, `missing number before "${tok.text}"`);
  if (!addUnit(acc, pending, tok.text)) throw parseError(original, `unknown unit "${tok.text}"`);
  return null;
}

function parsePostgres(s: string): Interval {
  let text = s.trim().toLowerCase().replace(/^@\s*/, '');
  const ago = /\s*\bago$/.test(text);
  if (ago) text = text.replace(/\s*\bago$/, '');
  const tokens = tokenize(text, s);
  if (tokens.length === 0) throw parseError(s, 'invalid input syntax');
  const acc: Acc = { months: 0, days: 0, micros: 0n };
  let pending: NumberText | null = null;
  for (const tok of tokens) pending = applyToken(acc, tok, pending, s);
  if (pending !== null) addUnit(acc, pending, 'second');
  const iv = makeInterval(acc.months, acc.days, acc.micros);
  return ago ? negateInterval(iv) : iv;
}

const goDurationPattern = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const goUnitNanos: Record<string, bigint> = {
  ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

function parseGoDuration(s: string): Interval {
  let nanos = 0n;
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    nanos += scaleExact(numberText(m[1]!), goUnitNanos[m[2]!]!);
  }
  const micros = (nanos + 500n) / 1000n;
  return intervalFromMicros(s.startsWith('-') ? -micros : micros);
}

const isoNumber = '([+-]?\\d+(?:[.,]\\d+)?)';
const isoPattern = new RegExp(
  `^p(?:${isoNumber}y)?(?:${isoNumber}m)?(?:${isoNumber}w)?(?:${isoNumber}d)?(?:t(?:${isoNumber}h)?(?:${isoNumber}m)?(?:${isoNumber}s)?)?$`,
  'i',
);
const isoUnits = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];

function parseIso8601(s: string): Interval {
  const m = isoPattern.exec(s.trim());
  if (m === null || /t$/i.test(s.trim()) || m.slice(1).every((g) => g === undefined)) {
    throw parseError(s, 'invalid ISO 8601 duration');
  }
  const acc: Acc = { months: 0, days: 0, micros: 0n };
  m.slice(1).forEach((g, i) => {
    if (g !== undefined) addUnit(acc, numberText(g.replace(',', '.')), isoUnits[i]!);
  });
  return makeInterval(acc.months, acc.days, acc.micros);
}

/**
 * Parses interval input as CockroachDB does: 'P…' is ISO 8601
 * ('P1Y2M3DT4H5M6S'); text without spaces or colons that is a Go duration
 * ('-10s', '1h30m', '500ms', '1us') is one; everything else uses
 * PostgreSQL's syntax ('1 year 2 mons 3 days 04:05:06.5', '2 hours 30
 * minutes', '1 day ago', '1 2:03:04' = 1 day 02:03:04, a bare number = seconds).
 */
export function parseInterval(s: string): Interval {
  const trimmed = s.trim();
  if (trimmed === '') throw parseError(s, 'invalid input syntax');
  if (/^p/i.test(trimmed)) return parseIso8601(s);
  if (!/[\s:]/.test(trimmed) && goDurationPattern.test(trimmed)) return parseGoDuration(trimmed);
  return parsePostgres(s);
}

// ------------------------------------------------------------ formatting

function pad2(n: bigint): string {
  return n.toString().padStart(2, '0');
}

interface PartState {
  out: string;
  isZero: boolean;
  isBefore: boolean;
}

/** PostgreSQL's AddPostgresIntPart: '+' marks a positive part after a negative one. */
function addPart(st: PartState, value: number, unit: string): void {
  if (value === 0) return;
  const sep = st.isZero ? '' : ' ';
  const plus = st.isBefore && value > 0 ? '+' : '';
  st.out += `${sep}${plus}${value} ${unit}${value !== 1 ? 's' : ''}`;
  st.isBefore = value < 0;
  st.isZero = false;
}

function clockText(micros: bigint): string {
  const abs = micros < 0n ? -micros : micros;
  const hours = abs / microsPerHour;
  const minutes = (abs % microsPerHour) / microsPerMinute;
  const seconds = (abs % microsPerMinute) / microsPerSecond;
  const frac = abs % microsPerSecond;
  const fracText = frac === 0n ? '' : '.' + frac.toString().padStart(6, '0').replace(/0+$/, '');
  return `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${fracText}`;
}

/**
 * PostgreSQL's 'postgres' IntervalStyle: '1 year 2 mons 3 days 04:05:06.5',
 * '-00:00:10', '00:00:00', '-1 days +02:00:00'.
 */
export function formatInterval(iv: Interval): string {
  const st: PartState = { out: '', isZero: true, isBefore: false };
  addPart(st, Math.trunc(iv.months / 12), 'year');
  addPart(st, iv.months % 12, 'mon');
  addPart(st, iv.days, 'day');
  if (st.isZero || iv.micros !== 0n) {
    const sign = iv.micros < 0n ? '-' : st.isBefore ? '+' : '';
    st.out += `${st.isZero ? '' : ' '}${sign}${clockText(iv.micros)}`;
  }
  return st.out;
}

// ------------------------------------------------------------ arithmetic

export function addIntervals(a: Interval, b: Interval): Interval {
  return makeInterval(a.months + b.months, a.days + b.days, a.micros + b.micros);
}

export function negateInterval(iv: Interval): Interval {
  return { months: 0 - iv.months + 0, days: 0 - iv.days + 0, micros: -iv.micros };
}

export function subIntervals(a: Interval, b: Interval): Interval {
  return addIntervals(a, negateInterval(b));
}

/** Builds an interval from fractional months/days/µs, cascading fractions down (30-day months). */
function cascade(monthsF: number, daysF: number, microsF: number): Interval {
  if (![monthsF, daysF, microsF].every(Number.isFinite)) throw new BurrowError('22008', 'interval out of range');
  const months = Math.trunc(monthsF);
  const allDays = daysF + (monthsF - months) * daysPerMonth;
  const days = Math.trunc(allDays);
  const micros = Math.round(microsF + (allDays - days) * 86_400e6);
  return makeInterval(months, days, BigInt(micros));
}

/** iv × f as CockroachDB's Duration.MulFloat (and PostgreSQL's interval_mul). */
export function mulInterval(iv: Interval, f: number): Interval {
  return cascade(iv.months * f, iv.days * f, Number(iv.micros) * f);
}

/** iv / f; division by zero is a 22012 error. */
export function divInterval(iv: Interval, f: number): Interval {
  if (f === 0) throw new BurrowError('22012', 'division by zero');
  return cascade(iv.months / f, iv.days / f, Number(iv.micros) / f);
}

/** Total seconds with 30-day months (CockroachDB's Duration.AsFloat64, used by casts to FLOAT). */
export function intervalToSeconds(iv: Interval): number {
  const days = iv.months * daysPerMonth + iv.days;
  return days * 86_400 + Number(iv.micros) / 1e6;
}

/** Total µs with 30-day months (for casts to INT and DECIMAL). */
export function intervalTotalMicros(iv: Interval): bigint {
  return BigInt(iv.months * daysPerMonth + iv.days) * microsPerDay + iv.micros;
}
