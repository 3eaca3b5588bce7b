// Owns dates, times and timestamps: the proleptic Gregorian calendar,
// time zones (offsets and IANA names through Intl), text input and output
// in PostgreSQL's ISO style, range limits, calendar arithmetic, extract()
// and date_trunc().
//
// Invariants (the datum contract in datum.ts):
// - date: a number of days since 1970-01-01; ±Infinity are the dates
//   'infinity' / '-infinity'. Valid finite days lie in [minDateDays, maxDateDays].
// - time: bigint µs since midnight, 0 ..= 24:00:00.
// - timestamp / timestamptz: bigint µs since 1970-01-01 00:00:00 UTC (for
//   TIMESTAMP the wall-clock reading taken as UTC). Valid values lie in
//   [minTimestampMicros, maxTimestampMicros] (CockroachDB's supported range,
//   4714-11-24 BC .. 294276-12-31); the two sentinels just outside it are
//   'infinity' and '-infinity'.
// - Years are astronomical internally (0 = 1 BC); text uses the BC suffix.
// - Time zones: 'UTC'/'GMT'/'Z', ISO offsets ('+02', '-08:00', '+5:30', '3.5',
//   east of UTC is positive), POSIX 'UTC+3' (west is positive, so -03:00),
//   or IANA names. A local time that a zone skips or repeats (DST) resolves
//   as PostgreSQL does: to the later of the candidate UTC instants.

import { BurrowError } from '../../util/errors.js';
import type { Datum, Interval } from './datum.js';
import type { Family } from './types.js';

export const microsPerSecond = 1_000_000n;
export const microsPerMinute = 60_000_000n;
export const microsPerHour = 3_600_000_000n;
export const microsPerDay = 86_400_000_000n;
const secondsPerDay = 86_400;

// ------------------------------------------------------------- calendar

export interface CivilDate {
  readonly year: number; // astronomical: 0 is 1 BC
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : monthLengths[month - 1]!;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function floorModBig(a: bigint, b: bigint): bigint {
  return a - floorDivBig(a, b) * b;
}

/** Splits µs since the epoch into whole days and µs into that day. */
export function splitMicros(micros: bigint): { days: number; timeMicros: bigint } {
  const days = floorDivBig(micros, microsPerDay);
  return { days: Number(days), timeMicros: micros - days * microsPerDay };
}

// ---------------------------------------------------------------- limits

/** 4714-11-24 00:00:00 BC (Julian day 0), CockroachDB's MinSupportedTime. */
export const minTimestampMicros = -210_866_803_200_000_000n;
/** 294276-12-31 23:59:59.999999, CockroachDB's MaxSupportedTime. */
export const maxTimestampMicros = 9_224_318_015_999_999_999n;
/** Sentinels for 'infinity' / '-infinity' timestamps: one day beyond the range. */
export const timestampInfinityMicros = maxTimestampMicros + microsPerDay;
export const timestampNegInfinityMicros = minTimestampMicros - microsPerDay;
export const minDateDays = -2_440_588; // 4714-11-24 BC
export const maxDateDays = daysFromCivil(5874897, 12, 31); // PostgreSQL's last date

export function isInfiniteTimestamp(micros: bigint): boolean {
  return micros === timestampInfinityMicros || micros === timestampNegInfinityMicros;
}

/** Throws 22008 unless micros is a supported timestamp (or an infinity sentinel). */
export function checkTimestampBounds(micros: bigint): bigint {
  if (isInfiniteTimestamp(micros)) return micros;
  if (micros < minTimestampMicros || micros > maxTimestampMicros) {
    throw new BurrowError('22008', `timestamp "${formatTimestamp(micros)}" exceeds supported timestamp bounds`);
  }
  return micros;
}

/** Throws 22008 unless days is a supported date (or ±Infinity). */
export function checkDateBounds(days: number): number {
  if (days === Infinity || days === -Infinity) return days;
  if (!Number.isSafeInteger(days) || days < minDateDays || days > maxDateDays) {
    throw new BurrowError('22008', 'date is out of range');
  }
  return days;
}

export function dateAddDays(days: number, n: number): number {
  if (!Number.isFinite(days)) return days;
  return checkDateBounds(days + n);
}

/** Date of a timestamp's wall clock (floor), keeping the infinities. */
export function dateFromTimestamp(localMicros: bigint): number {
  if (localMicros === timestampInfinityMicros) return Infinity;
  if (localMicros === timestampNegInfinityMicros) return -Infinity;
  return splitMicros(localMicros).days;
}

/** Midnight of a date as µs, keeping the infinities. */
export function timestampFromDate(days: number): bigint {
  if (days === Infinity) return timestampInfinityMicros;
  if (days === -Infinity) return timestampNegInfinityMicros;
  return checkTimestampBounds(BigInt(days) * microsPerDay);
}

/** Rounds µs half up to `precision` fraction digits (-1 or >= 6 keeps µs). */
export function roundMicrosToPrecision(micros: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6) return micros;
  const unit = 10n ** BigInt(6 - precision);
  return floorDivBig(micros + unit / 2n, unit) * unit;
}

// ------------------------------------------------------------ time zones

type Zone =
  | { readonly kind: 'fixed'; readonly offsetSeconds: number }
  | { readonly kind: 'named'; readonly name: string; readonly formatter: Intl.DateTimeFormat };

const zoneCache = new Map<string, Zone>();
const utcAliases = new Set(['utc', 'gmt', 'z', 'zulu', 'uct', 'universal', 'greenwich', 'etc/utc', 'etc/gmt', 'etc/uct']);
const maxOffsetSeconds = 24 * 3600;

function invalidZone(tz: string): BurrowError {
  return new BurrowError('22023', `invalid value for parameter "timezone": "${tz}"`);
}

/** Seconds of an ISO offset '+05', '-0800', '+5:30', '+05:30:15'; undefined if s is not one. */
export function parseOffsetSeconds(s: string): number | undefined {
  const m = /^([+-]?)(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(s);
  if (m === null) return undefined;
  const abs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -abs : abs;
}

function parseZoneSpec(tz: string): Zone {
  const s = tz.trim();
  if (utcAliases.has(s.toLowerCase())) return { kind: 'fixed', offsetSeconds: 0 };
  let offset = parseOffsetSeconds(s);
  if (offset === undefined && /^[+-]?\d+\.\d+$/.test(s)) offset = Math.round(Number(s) * 3600);
  const posix = /^(?:utc|gmt)([+-].+)$/i.exec(s);
  if (offset === undefined && posix !== null) {
    const west = parseOffsetSeconds(posix[1]!);
    offset = west === undefined ? undefined : -west;
  }
  if (offset !== undefined) {
    if (Math.abs(offset) > maxOffsetSeconds) throw invalidZone(tz);
    return { kind: 'fixed', offsetSeconds: offset + 0 };
  }
  return namedZone(tz, s);
}

function namedZone(tz: string, name: string): Zone {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) throw invalidZone(tz);
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    return { kind: 'named', name, formatter };
  } catch {
    throw invalidZone(tz);
  }
}

function resolveZone(tz: string): Zone {
  let zone = zoneCache.get(tz);
  if (zone === undefined) {
    zone = parseZoneSpec(tz);
    if (zoneCache.size > 1000) zoneCache.clear();
    zoneCache.set(tz, zone);
  }
  return zone;
}

/** Throws 22023 for a time zone Burrow cannot interpret; for SET TIME ZONE. */
export function validateTimeZone(tz: string): void {
  resolveZone(tz);
}

// Intl only covers years 1..275760 reliably; before 1800 every zone is on
// local mean time (constant), and beyond 9999 the DST rules repeat with the
// 400-year Gregorian cycle, so lookups are clamped into [1800, 9999].
const intlLowSeconds = daysFromCivil(1800, 1, 1) * secondsPerDay;
const intlHighSeconds = daysFromCivil(9999, 1, 1) * secondsPerDay;
const gregorianCycleSeconds = 146097 * secondsPerDay;

function clampForIntl(seconds: number): number {
  if (seconds < intlLowSeconds) return intlLowSeconds;
  if (seconds < intlHighSeconds) return seconds;
  return seconds - (Math.floor((seconds - intlHighSeconds) / gregorianCycleSeconds) + 1) * gregorianCycleSeconds;
}

const offsetCache = new Map<string, number>();

function intlOffsetSeconds(formatter: Intl.DateTimeFormat, utcSeconds: number): number {
  const parts = formatter.formatToParts(new Date(utcSeconds * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  const local = daysFromCivil(get('year'), get('month'), get('day')) * secondsPerDay
    + get('hour') * 3600 + get('minute') * 60 + get('second');
  return local - utcSeconds;
}

function namedOffsetSeconds(zone: Extract<Zone, { kind: 'named' }>, utcSeconds: number): number {
  const minuteStart = Math.floor(clampForIntl(utcSeconds) / 60) * 60;
  const key = `${zone.name}\u0000${minuteStart}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = intlOffsetSeconds(zone.formatter, minuteStart);
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/** The zone's UTC offset (seconds east of UTC) at the instant utcMicros. */
export function tzOffsetSeconds(timezone: string, utcMicros: bigint): number {
  const zone = resolveZone(timezone);
  if (zone.kind === 'fixed') return zone.offsetSeconds;
  return namedOffsetSeconds(zone, Number(floorDivBig(utcMicros, microsPerSecond)));
}

/** The wall-clock reading (as µs "in UTC") of instant utcMicros in the zone. */
export function utcToLocalMicros(utcMicros: bigint, timezone: string): bigint {
  if (isInfiniteTimestamp(utcMicros)) return utcMicros;
  return utcMicros + BigInt(tzOffsetSeconds(timezone, utcMicros)) * microsPerSecond;
}

/**
 * The instant whose wall clock in the zone reads localMicros. Skipped and
 * repeated wall times resolve to the later candidate instant, as in
 * PostgreSQL ('2021-03-14 02:30' New York is 03:30 EDT; '2021-11-07 01:30' is EST).
 */
export function localToUtcMicros(localMicros: bigint, timezone: string): bigint {
  if (isInfiniteTimestamp(localMicros)) return localMicros;
  const zone = resolveZone(timezone);
  if (zone.kind === 'fixed') return localMicros - BigInt(zone.offsetSeconds) * microsPerSecond;
  const offsetBefore = tzOffsetSeconds(timezone, localMicros - microsPerDay);
  const offsetAfter = tzOffsetSeconds(timezone, localMicros + microsPerDay);
  const before = localMicros - BigInt(offsetBefore) * microsPerSecond;
  const after = localMicros - BigInt(offsetAfter) * microsPerSecond;
  const beforeValid = tzOffsetSeconds(timezone, before) === offsetBefore;
  const afterValid = tzOffsetSeconds(timezone, after) === offsetAfter;
  if (beforeValid && !afterValid) return before;
  if (afterValid && !beforeValid) return after;
  return before > after ? before : after;
}

// --------------------------------------------------------------- parsing

type DateTimeKind = 'date' | 'time' | 'timestamp' | 'timestamptz';

type ZoneInText = { kind: 'offset'; seconds: number } | { kind: 'name'; name: string };

interface DateTimeFields {
  date: CivilDate | null;
  hour: number;
  minute: number;
  second: number;
  micros: number; // fraction of the second, may be 1_000_000 after rounding
  hasTime: boolean;
  zone: ZoneInText | null;
}

type Special = 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday' | 'allballs';
const specials = new Set<string>(['epoch', 'infinity', '+infinity', '-infinity', 'now', 'today', 'tomorrow', 'yesterday', 'allballs']);

function syntaxError(kind: DateTimeKind, s: string): BurrowError {
  return new BurrowError('22007', `parsing as type ${kind}: could not parse "${s}"`);
}

function fieldRangeError(kind: DateTimeKind, field: string, value: number): BurrowError {
  return new BurrowError('22008', `parsing as type ${kind}: field ${field} value ${value} is out of range`, {
    hint: 'Perhaps you need a different "datestyle" setting.',
  });
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const fullMonthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
  'october', 'november', 'december'];

function monthFromName(name: string): number | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  let i = fullMonthNames.indexOf(lower);
  if (i < 0 && lower.length === 3) i = monthNames.indexOf(lower);
  if (i < 0 && lower === 'sept') i = 8;
  return i < 0 ? undefined : i + 1;
}

/** A year as written: 2-digit years map to 1970..2069 as PostgreSQL does. */
function yearFromText(text: string): number {
  const y = Number(text);
  if (text.length <= 2) return y < 70 ? 2000 + y : 1900 + y;
  return y;
}

interface RawDate {
  y: string;
  m: string | number;
  d: string;
}

type DateMatcher = (rest: string) => { raw: RawDate; length: number } | null;

const dateMatchers: DateMatcher[] = [
  (r) => at(/^(\d{4,})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/.exec(r), (m) => ({ y: m[1]!, m: m[3]!, d: m[4]! })),
  (r) => at(/^(\d{4})(\d{2})(\d{2})(?=$|[\sT])/i.exec(r), (m) => ({ y: m[1]!, m: m[2]!, d: m[3]! })),
  (r) => at(/^(\d{1,2})([-/.])(\d{1,2})\2(\d{1,5})(?!\d)/.exec(r), (m) => ({ y: m[4]!, m: m[1]!, d: m[3]! })),
  (r) => at(/^([a-z]{3,9}\.?)[\s-]+(\d{1,2})(?:st|nd|rd|th)?(?:,\s*|[\s-]+)(\d{1,5})(?!\d)/i.exec(r),
    (m) => ({ y: m[3]!, m: m[1]!, d: m[2]! })),
  (r) => at(/^(\d{1,2})[\s-]+([a-z]{3,9}\.?),?[\s-]+(\d{1,5})(?!\d)/i.exec(r), (m) => ({ y: m[3]!, m: m[2]!, d: m[1]! })),
  (r) => at(/^(\d{4,})[\s-]+([a-z]{3,9}\.?)[\s-]+(\d{1,2})(?!\d)/i.exec(r), (m) => ({ y: m[1]!, m: m[2]!, d: m[3]! })),
];

function at(m: RegExpExecArray | null, f: (m: RegExpExecArray) => RawDate): { raw: RawDate; length: number } | null {
  return m === null ? null : { raw: f(m), length: m[0].length };
}

function matchDate(rest: string): { raw: RawDate; length: number } | null {
  for (const matcher of dateMatchers) {
    const found = matcher(rest);
    if (found !== null) return found;
  }
  return null;
}

function civilFromRaw(raw: RawDate, bc: boolean, kind: DateTimeKind): CivilDate {
  const month = typeof raw.m === 'number' ? raw.m : /^\d+$/.test(raw.m) ? Number(raw.m) : monthFromName(raw.m);
  if (month === undefined) throw new BurrowError('22007', `parsing as type ${kind}: unknown month "${raw.m}"`);
  let year = yearFromText(raw.y);
  if (bc) {
    if (year < 1) throw fieldRangeError(kind, 'year', year);
    year = 1 - year;
  }
  const day = Number(raw.d);
  if (month < 1 || month > 12) throw fieldRangeError(kind, 'month', month);
  if (day < 1 || day > daysInMonth(year, month)) throw fieldRangeError(kind, 'day', day);
  return { year, month, day };
}

/** µs for a fraction written after the decimal point, rounded half up. */
function fractionMicros(digits: string): number {
  const seven = Number((digits + '0000000').slice(0, 7));
  return Math.floor(seven / 10) + (seven % 10 >= 5 ? 1 : 0);
}

const timePattern = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d*))?)?/;
const meridianPattern = /^\s*([ap])\.?m\.?(?![a-z])/i;
const abbreviations: Record<string, number> = {
  est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7, cet: 1, cest: 2, eet: 2, eest: 3,
  bst: 1, jst: 9, msk: 3,
};

function matchZone(rest: string): { zone: ZoneInText; length: number } | null {
  let m = /^\s*([+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)(?![\d:])/.exec(rest);
  if (m !== null) return { zone: { kind: 'offset', seconds: parseOffsetSeconds(m[1]!)! }, length: m[0].length };
  m = /^\s*(z|zulu|utc|gmt|ut)(?![a-z/])/i.exec(rest);
  if (m !== null) return { zone: { kind: 'offset', seconds: 0 }, length: m[0].length };
  m = /^\s*([a-z]{3,4})(?![a-z/])/i.exec(rest);
  const abbrev = m === null ? undefined : abbreviations[m[1]!.toLowerCase()];
  if (m !== null && abbrev !== undefined) return { zone: { kind: 'offset', seconds: abbrev * 3600 }, length: m[0].length };
  m = /^\s*([a-z][a-z0-9_+-]*(?:\/[a-z0-9_+-]+)+)/i.exec(rest);
  if (m !== null) return { zone: { kind: 'name', name: m[1]! }, length: m[0].length };
  return null;
}

interface TimeMatch {
  hour: number;
  minute: number;
  second: number;
  micros: number;
  length: number;
}

function matchTime(rest: string, kind: DateTimeKind): TimeMatch | null {
  const m = timePattern.exec(rest);
  if (m === null) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3] ?? 0);
  const micros = m[4] ? fractionMicros(m[4]) : 0;
  let length = m[0].length;
  const mer = meridianPattern.exec(rest.slice(length));
  if (mer !== null) {
    if (hour < 1 || hour > 12) throw fieldRangeError(kind, 'hour', hour);
    hour = (hour % 12) + (mer[1]!.toLowerCase() === 'p' ? 12 : 0);
    length += mer[0].length;
  }
  checkTimeFields(kind, hour, minute, second, micros);
  return { hour, minute, second, micros, length };
}

function checkTimeFields(kind: DateTimeKind, hour: number, minute: number, second: number, micros: number): void {
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0 || micros > 0))) throw fieldRangeError(kind, 'hour', hour);
  if (minute > 59) throw fieldRangeError(kind, 'minute', minute);
  if (second > 60) throw fieldRangeError(kind, 'second', second);
}

function stripEra(s: string): { text: string; bc: boolean } {
  const m = /\s*\b(bc|bce|ad|ce)$/i.exec(s);
  if (m === null) return { text: s, bc: false };
  return { text: s.slice(0, m.index), bc: m[1]!.toLowerCase().startsWith('b') };
}

function extractFields(s: string, kind: DateTimeKind): DateTimeFields {
  const { text, bc } = stripEra(s.trim().replace(/^(sun|mon|tue|wed|thu|fri|sat)[a-z]*\.?,?\s+/i, ''));
  let rest = text;
  const fields: DateTimeFields = { date: null, hour: 0, minute: 0, second: 0, micros: 0, hasTime: false, zone: null };
  const dateMatch = matchDate(rest);
  if (dateMatch !== null) {
    fields.date = civilFromRaw(dateMatch.raw, bc, kind);
    rest = rest.slice(dateMatch.length).replace(/^(?:\s*t\s*|\s+)/i, '');
  } else if (bc) {
    throw syntaxError(kind, s);
  }
  const time = matchTime(rest, kind);
  if (time !== null) {
    Object.assign(fields, { hour: time.hour, minute: time.minute, second: time.second, micros: time.micros, hasTime: true });
    rest = rest.slice(time.length);
  }
  const zone = matchZone(rest);
  if (zone !== null) {
    fields.zone = zone.zone;
    rest = rest.slice(zone.length);
  }
  if (rest.trim() !== '' || (fields.date === null && !fields.hasTime)) throw syntaxError(kind, s);
  return fields;
}

function specialOf(s: string): Special | undefined {
  const lower = s.trim().toLowerCase();
  if (!specials.has(lower)) return undefined;
  return (lower === '+infinity' ? 'infinity' : lower) as Special;
}

function localMicrosOfFields(f: DateTimeFields): bigint {
  const days = f.date === null ? 0 : daysFromCivil(f.date.year, f.date.month, f.date.day);
  return BigInt(days) * microsPerDay + BigInt(f.hour) * microsPerHour + BigInt(f.minute) * microsPerMinute
    + BigInt(f.second) * microsPerSecond + BigInt(f.micros);
}

function nowMicrosOr(nowMicros: bigint | undefined): bigint {
  return nowMicros ?? BigInt(Date.now()) * 1000n;
}

/** Local wall-clock µs of a relative special ('now', 'today'...) in the zone. */
function specialLocalMicros(sp: Special, timezone: string, nowMicros: bigint | undefined): bigint {
  const local = utcToLocalMicros(nowMicrosOr(nowMicros), timezone);
  if (sp === 'now') return local;
  const midnight = floorDivBig(local, microsPerDay) * microsPerDay;
  return midnight + (sp === 'tomorrow' ? microsPerDay : sp === 'yesterday' ? -microsPerDay : 0n);
}

/**
 * Parses date input: ISO '2021-03-24', '20210324', '2021/03/24', MDY
 * '03/24/2021', 'March 24, 2021', '24-Mar-2021', a trailing time (ignored;
 * 24:00 moves to the next day), 'BC', and the specials epoch, infinity,
 * -infinity, today, now, tomorrow, yesterday (in `timezone`).
 */
export function parseDate(s: string, timezone = 'UTC', nowMicros?: bigint): number {
  const sp = specialOf(s);
  if (sp === 'infinity') return Infinity;
  if (sp === '-infinity') return -Infinity;
  if (sp === 'epoch') return 0;
  if (sp !== undefined && sp !== 'allballs') return splitMicros(specialLocalMicros(sp, timezone, nowMicros)).days;
  const f = extractFields(s, 'date');
  if (f.date === null) throw syntaxError('date', s);
  return checkDateBounds(splitMicros(localMicrosOfFields(f)).days);
}

/** Parses time input ('04:05', '04:05:06.789', '4:05 PM', a full timestamp); any zone is ignored. */
export function parseTime(s: string, timezone = 'UTC', nowMicros?: bigint): bigint {
  const sp = specialOf(s);
  if (sp === 'allballs') return 0n;
  if (sp === 'now') return floorModBig(specialLocalMicros('now', timezone, nowMicros), microsPerDay);
  if (sp !== undefined) throw syntaxError('time', s);
  const f = extractFields(s, 'time');
  if (!f.hasTime) throw syntaxError('time', s);
  const micros = localMicrosOfFields({ ...f, date: null });
  return micros > microsPerDay ? micros - microsPerDay : micros;
}

function parseTimestampFields(s: string, kind: 'timestamp' | 'timestamptz'): DateTimeFields {
  const f = extractFields(s, kind);
  if (f.date === null) throw syntaxError(kind, s);
  return f;
}

function specialTimestamp(sp: Special, timezone: string, nowMicros: bigint | undefined, tz: boolean): bigint | undefined {
  if (sp === 'infinity') return timestampInfinityMicros;
  if (sp === '-infinity') return timestampNegInfinityMicros;
  if (sp === 'epoch') return 0n;
  if (sp === 'allballs') return undefined;
  if (sp === 'now' && tz) return nowMicrosOr(nowMicros);
  const local = specialLocalMicros(sp, timezone, nowMicros);
  return tz ? localToUtcMicros(local, timezone) : local;
}

/**
 * Parses TIMESTAMP input: ISO with ' ' or 'T', fractional seconds (rounded to
 * µs), and any zone offset or name, which is dropped (CockroachDB and
 * PostgreSQL both read '2021-03-24 10:00+02' as 10:00).
 */
export function parseTimestamp(s: string, timezone = 'UTC', nowMicros?: bigint): bigint {
  const sp = specialOf(s);
  const special = sp === undefined ? undefined : specialTimestamp(sp, timezone, nowMicros, false);
  if (special !== undefined) return special;
  return checkTimestampBounds(localMicrosOfFields(parseTimestampFields(s, 'timestamp')));
}

/** Parses TIMESTAMPTZ input; text without a zone is read in `timezone`. */
export function parseTimestampTz(s: string, timezone: string, nowMicros?: bigint): bigint {
  const sp = specialOf(s);
  const special = sp === undefined ? undefined : specialTimestamp(sp, timezone, nowMicros, true);
  if (special !== undefined) return special;
  const f = parseTimestampFields(s, 'timestamptz');
  const local = localMicrosOfFields(f);
  return checkTimestampBounds(zonedToUtc(local, f.zone, timezone));
}

function zonedToUtc(local: bigint, zone: ZoneInText | null, sessionZone: string): bigint {
  if (zone === null) return localToUtcMicros(local, sessionZone);
  if (zone.kind === 'offset') return local - BigInt(zone.seconds) * microsPerSecond;
  return localToUtcMicros(local, zone.name);
}

// ------------------------------------------------------------ formatting

function pad(n: number | bigint, width = 2): string {
  return String(n).padStart(width, '0');
}

function yearText(year: number): string {
  return pad(year > 0 ? year : 1 - year, 4);
}

function civilText(c: CivilDate): string {
  return `${yearText(c.year)}-${pad(c.month)}-${pad(c.day)}`;
}

/** '2021-03-24', '0044-03-15 BC', 'infinity'. */
export function formatDate(days: number): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const c = civilFromDays(days);
  return civilText(c) + (c.year <= 0 ? ' BC' : '');
}

/** '.53' for 530000 µs, '' for 0: PostgreSQL's trimmed fraction. */
function fractionText(micros: bigint): string {
  if (micros === 0n) return '';
  return '.' + pad(micros, 6).replace(/0+$/, '');
}

/** 'HH:MM:SS[.ffffff]' with trailing fraction zeros trimmed; 24:00:00 allowed. */
export function formatTime(micros: bigint): string {
  const hours = micros / microsPerHour;
  const minutes = (micros % microsPerHour) / microsPerMinute;
  const seconds = (micros % microsPerMinute) / microsPerSecond;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fractionText(micros % microsPerSecond)}`;
}

function formatLocal(localMicros: bigint, zoneSuffix: string): string {
  const { days, timeMicros } = splitMicros(localMicros);
  const c = civilFromDays(days);
  return `${civilText(c)} ${formatTime(timeMicros)}${zoneSuffix}${c.year <= 0 ? ' BC' : ''}`;
}

/** PostgreSQL ISO output: '2021-03-24 21:05:32.53'. */
export function formatTimestamp(micros: bigint): string {
  if (micros === timestampInfinityMicros) return 'infinity';
  if (micros === timestampNegInfinityMicros) return '-infinity';
  return formatLocal(micros, '');
}

/** '+00', '+05:30', '-04:56:02'. */
export function formatOffset(offsetSeconds: number): string {
  const abs = Math.abs(offsetSeconds);
  const sign = offsetSeconds < 0 ? '-' : '+';
  const hm = `${sign}${pad(Math.floor(abs / 3600))}`;
  const minutes = Math.floor((abs % 3600) / 60);
  const seconds = abs % 60;
  if (seconds !== 0) return `${hm}:${pad(minutes)}:${pad(seconds)}`;
  return minutes !== 0 ? `${hm}:${pad(minutes)}` : hm;
}

/** '2021-03-24 21:05:32.53+00' in the zone, with the zone's offset at that instant. */
export function formatTimestampTz(micros: bigint, timezone: string): string {
  if (isInfiniteTimestamp(micros)) return formatTimestamp(micros);
  const offset = tzOffsetSeconds(timezone, micros);
  return formatLocal(micros + BigInt(offset) * microsPerSecond, formatOffset(offset));
}

/** ISO 8601 form for JSON: '2021-03-24T21:05:32.53' (+ 'Z' or '+05:30' when offsetSeconds is given). */
export function formatTimestampIso(localMicros: bigint, offsetSeconds?: number): string {
  const { days, timeMicros } = splitMicros(localMicros);
  const c = civilFromDays(days);
  const zone = offsetSeconds === undefined ? '' : offsetSeconds === 0 ? 'Z' : isoOffset(offsetSeconds);
  return `${civilText(c)}T${formatTime(timeMicros)}${zone}`;
}

function isoOffset(offsetSeconds: number): string {
  const abs = Math.abs(offsetSeconds);
  return `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
}

// ------------------------------------------------------------ arithmetic

function addMonthsToDays(days: number, months: number): number {
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

/**
 * timestamp + interval as PostgreSQL computes it: months (clamping the day
 * to the month's end), then days, on the wall clock (in `timezone` for a
 * TIMESTAMPTZ; pass null for a TIMESTAMP), then the µs as elapsed time.
 */
export function addIntervalToTimestamp(micros: bigint, iv: Interval, timezone: string | null): bigint {
  if (isInfiniteTimestamp(micros)) return micros;
  let result = micros;
  if (iv.months !== 0 || iv.days !== 0) {
    const local = timezone === null ? micros : utcToLocalMicros(micros, timezone);
    const { days, timeMicros } = splitMicros(local);
    const newDays = addMonthsToDays(days, iv.months) + iv.days;
    const newLocal = BigInt(newDays) * microsPerDay + timeMicros;
    result = timezone === null ? newLocal : localToUtcMicros(newLocal, timezone);
  }
  return checkTimestampBounds(result + iv.micros);
}

/** timestamp - timestamp: whole days plus the remaining time, both with the sign of the difference. */
export function timestampDiff(a: bigint, b: bigint): Interval {
  const diff = a - b;
  const days = diff / microsPerDay;
  return { months: 0, days: Number(days), micros: diff - days * microsPerDay };
}

// ------------------------------------------------------ extract, date_trunc

type Field =
  | 'millennium' | 'century' | 'decade' | 'year' | 'isoyear' | 'quarter' | 'month' | 'week' | 'day' | 'doy'
  | 'dow' | 'isodow' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond' | 'epoch' | 'julian'
  | 'timezone' | 'timezone_hour' | 'timezone_minute';

const fieldAliases: Record<string, Field> = {
  millennium: 'millennium', millenniums: 'millennium', millennia: 'millennium', mil: 'millennium', mils: 'millennium',
  century: 'century', centuries: 'century', c: 'century', cent: 'century',
  decade: 'decade', decades: 'decade', dec: 'decade', decs: 'decade',
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year', isoyear: 'isoyear',
  quarter: 'quarter', qtr: 'quarter', month: 'month', months: 'month', mon: 'month', mons: 'month',
  week: 'week', weeks: 'week', w: 'week', day: 'day', days: 'day', d: 'day', doy: 'doy', dow: 'dow', isodow: 'isodow',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  minute: 'minute', minutes: 'minute', m: 'minute', min: 'minute', mins: 'minute',
  second: 'second', seconds: 'second', s: 'second', sec: 'second', secs: 'second',
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond', msec: 'millisecond', msecs: 'millisecond',
  millisecon: 'millisecond',
  microsecond: 'microsecond', microseconds: 'microsecond', us: 'microsecond', usec: 'microsecond', usecs: 'microsecond',
  epoch: 'epoch', julian: 'julian', j: 'julian',
  timezone: 'timezone', timezone_hour: 'timezone_hour', timezone_minute: 'timezone_minute', timezone_m: 'timezone_minute',
};

function unsupportedField(field: string): BurrowError {
  return new BurrowError('22023', `unsupported timespan: ${field}`);
}

function fieldOf(name: string): Field {
  const f = fieldAliases[name.trim().toLowerCase()];
  if (f === undefined) throw unsupportedField(name);
  return f;
}

/** ISO-8601 week-numbering year and week of a date. */
function isoWeek(days: number): { isoYear: number; week: number } {
  const isoDow = dayOfWeek(days) || 7;
  const thursday = days - isoDow + 4;
  const isoYear = civilFromDays(thursday).year;
  return { isoYear, week: Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1 };
}

/** PostgreSQL's year numbering for extract: 1 BC is -1 (astronomical 0). */
function displayYear(year: number): number {
  return year > 0 ? year : year - 1;
}

function calendarField(field: Field, days: number): number | undefined {
  const c = civilFromDays(days);
  const y = displayYear(c.year);
  switch (field) {
    case 'year': return y;
    case 'month': return c.month;
    case 'day': return c.day;
    case 'quarter': return Math.floor((c.month - 1) / 3) + 1;
    case 'doy': return days - daysFromCivil(c.year, 1, 1) + 1;
    case 'dow': return dayOfWeek(days);
    case 'isodow': return dayOfWeek(days) || 7;
    case 'week': return isoWeek(days).week;
    case 'isoyear': return displayYear(isoWeek(days).isoYear);
    case 'decade': return y >= 0 ? Math.floor(y / 10) : -Math.floor((8 - (y - 1)) / 10);
    case 'century': return y > 0 ? Math.floor((y + 99) / 100) : -Math.floor((99 - (y - 1)) / 100);
    case 'millennium': return y > 0 ? Math.floor((y + 999) / 1000) : -Math.floor((999 - (y - 1)) / 1000);
    default: return undefined;
  }
}

function clockField(field: Field, timeMicros: bigint): number | undefined {
  const secondsMicros = timeMicros % microsPerMinute;
  switch (field) {
    case 'hour': return Number(timeMicros / microsPerHour);
    case 'minute': return Number((timeMicros % microsPerHour) / microsPerMinute);
    case 'second': return Number(secondsMicros) / 1e6;
    case 'millisecond': return Number(secondsMicros) / 1e3;
    case 'microsecond': return Number(secondsMicros);
    default: return undefined;
  }
}

function extractFromLocal(field: Field, local: bigint): number | undefined {
  const { days, timeMicros } = splitMicros(local);
  if (field === 'julian') return days + 2_440_588 + Number(timeMicros) / 86_400e6;
  return calendarField(field, days) ?? clockField(field, timeMicros);
}

function zoneField(field: Field, offsetSeconds: number): number | undefined {
  if (field === 'timezone') return offsetSeconds;
  if (field === 'timezone_hour') return Math.trunc(offsetSeconds / 3600);
  if (field === 'timezone_minute') return Math.trunc((offsetSeconds % 3600) / 60);
  return undefined;
}

function microsToSeconds(micros: bigint): number {
  const whole = floorDivBig(micros, microsPerSecond);
  return Number(whole) + Number(micros - whole * microsPerSecond) / 1e6;
}

function extractInterval(field: Field, iv: Interval): number | undefined {
  switch (field) {
    case 'millennium': return Math.trunc(iv.months / 12000);
    case 'century': return Math.trunc(iv.months / 1200);
    case 'decade': return Math.trunc(iv.months / 120);
    case 'year': return Math.trunc(iv.months / 12);
    case 'quarter': return Math.trunc((iv.months % 12) / 3) + 1;
    case 'month': return iv.months % 12;
    case 'day': return iv.days;
    case 'hour': return Number(iv.micros / microsPerHour);
    case 'minute': return Number((iv.micros % microsPerHour) / microsPerMinute);
    case 'epoch':
      return (iv.months - (iv.months % 12)) / 12 * 365.25 * secondsPerDay + (iv.months % 12) * 30 * secondsPerDay
        + iv.days * secondsPerDay + microsToSeconds(iv.micros);
    default: return clockField(field, iv.micros);
  }
}

function extractTemporal(field: Field, value: Datum, family: Family, timezone: string): number | undefined {
  switch (family) {
    case 'date': {
      const days = value as number;
      if (field === 'epoch') return days * secondsPerDay;
      return extractFromLocal(field, BigInt(days) * microsPerDay);
    }
    case 'time':
      if (field === 'epoch') return Number(value as bigint) / 1e6;
      return clockField(field, value as bigint);
    case 'timestamp':
      if (field === 'epoch') return microsToSeconds(value as bigint);
      return extractFromLocal(field, value as bigint);
    case 'timestamptz': {
      const offset = tzOffsetSeconds(timezone, value as bigint);
      if (field === 'epoch') return microsToSeconds(value as bigint);
      return zoneField(field, offset) ?? extractFromLocal(field, (value as bigint) + BigInt(offset) * microsPerSecond);
    }
    case 'interval':
      return extractInterval(field, value as Interval);
    default:
      return undefined;
  }
}

/**
 * extract(field FROM value) for date, time, timestamp, timestamptz and
 * interval values (CockroachDB returns FLOAT, so this returns a number).
 * second includes the fraction; millisecond and microsecond include the
 * seconds (5.5 s -> 5500 ms); epoch of an interval counts a year as 365.25
 * days and a month as 30 days, as PostgreSQL does.
 */
export function extract(field: string, value: Datum, family: Family, timezone: string): number {
  const f = fieldOf(field);
  if (family === 'date' && !Number.isFinite(value as number)) return value as number;
  const result = extractTemporal(f, value, family, timezone);
  if (result === undefined) throw unsupportedField(field);
  return result + 0;
}

function truncClock(field: Field, timeMicros: bigint): bigint | undefined {
  const unit = field === 'hour' ? microsPerHour : field === 'minute' ? microsPerMinute : field === 'second'
    ? microsPerSecond : field === 'millisecond' ? 1000n : field === 'microsecond' ? 1n : undefined;
  return unit === undefined ? undefined : timeMicros - floorModBig(timeMicros, unit);
}

function truncYear(field: Field, year: number): number {
  switch (field) {
    case 'decade': return Math.floor(year / 10) * 10;
    case 'century': return Math.floor((year - 1) / 100) * 100 + 1;
    case 'millennium': return Math.floor((year - 1) / 1000) * 1000 + 1;
    default: return year;
  }
}

function truncDays(field: Field, days: number): number | undefined {
  const c = civilFromDays(days);
  switch (field) {
    case 'day': return days;
    case 'week': return days - ((dayOfWeek(days) + 6) % 7);
    case 'month': return daysFromCivil(c.year, c.month, 1);
    case 'quarter': return daysFromCivil(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1);
    case 'year': case 'decade': case 'century': case 'millennium': return daysFromCivil(truncYear(field, c.year), 1, 1);
    default: return undefined;
  }
}

function truncLocal(field: Field, local: bigint): bigint | undefined {
  const { days, timeMicros } = splitMicros(local);
  const clock = truncClock(field, timeMicros);
  if (clock !== undefined) return BigInt(days) * microsPerDay + clock;
  const d = truncDays(field, days);
  return d === undefined ? undefined : BigInt(d) * microsPerDay;
}

/**
 * date_trunc(field, value) for 'time' (µs since midnight), 'timestamp' and
 * 'timestamptz' (µs since the epoch; 'date' is treated as timestamptz, as
 * date_trunc(string, date) returns one). A TIMESTAMPTZ truncates on its
 * wall clock in `timezone`; truncating to a day or more re-resolves the
 * zone offset, finer units keep the original offset (PostgreSQL's rule).
 */
export function dateTrunc(field: string, micros: bigint, family: Family, timezone: string): bigint {
  const f = fieldOf(field);
  if (family === 'time') {
    const r = truncClock(f, micros);
    if (r === undefined) throw unsupportedField(field);
    return r;
  }
  if (isInfiniteTimestamp(micros)) return micros;
  const zoned = family === 'timestamptz' || family === 'date';
  const offset = zoned ? BigInt(tzOffsetSeconds(timezone, micros)) * microsPerSecond : 0n;
  const r = truncLocal(f, micros + offset);
  if (r === undefined) throw unsupportedField(field);
  if (!zoned) return r;
  return truncClock(f, 0n) !== undefined ? r - offset : localToUtcMicros(r, timezone);
}
