// Owns the builtins' private calendar arithmetic: proleptic Gregorian civil
// dates <-> day numbers, splitting microsecond timestamps into local fields,
// and time-zone offsets (through the shared datetime module when present,
// else Intl). Pure functions on plain numbers/bigints.
//
// Invariants:
// - Day numbers count days since 1970-01-01 (a DATE datum); timestamps are
//   bigint microseconds since the epoch (UTC for TIMESTAMPTZ, wall clock for
//   TIMESTAMP). Splits always floor (negative times belong to earlier days).
// - tzOffsetSeconds(tz, utcMicros) is east-positive: local = utc + offset.

import {
  localToUtcMicros, tzOffsetSeconds as sharedTzOffsetSeconds, utcToLocalMicros, validateTimeZone,
} from '../types/datetime.js';

export const microsPerSecond = 1_000_000n;
export const microsPerMinute = 60_000_000n;
export const microsPerHour = 3_600_000_000n;
export const microsPerDayBig = 86_400_000_000n;
export const microsPerDayNum = 86_400_000_000;

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

export interface LocalFields extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second, 0..999999. */
  micros: number;
  /** Day number of the date part. */
  dayNumber: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
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

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  const table = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return table[month - 1]!;
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Splits microseconds into a day number and microseconds within the day (floored). */
export function splitDay(micros: bigint): { dayNumber: number; timeMicros: bigint } {
  const dayNumber = floorDivBig(micros, microsPerDayBig);
  return { dayNumber: Number(dayNumber), timeMicros: micros - dayNumber * microsPerDayBig };
}

export function localFields(micros: bigint): LocalFields {
  const { dayNumber, timeMicros } = splitDay(micros);
  const t = Number(timeMicros);
  const civil = civilFromDays(dayNumber);
  return {
    ...civil,
    dayNumber,
    hour: Math.floor(t / 3_600_000_000),
    minute: Math.floor(t / 60_000_000) % 60,
    second: Math.floor(t / 1_000_000) % 60,
    micros: t % 1_000_000,
  };
}

export function microsFromFields(f: CivilDate & { hour: number; minute: number; second: number; micros: number }): bigint {
  const days = BigInt(daysFromCivil(f.year, f.month, f.day));
  const tod = ((f.hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + f.micros;
  return days * microsPerDayBig + BigInt(tod);
}

// ------------------------------------------------------------ time zones
// Delegated to the shared datetime module so zone parsing (ISO offsets,
// POSIX 'UTC+3', IANA names) and DST resolution have one owner.

/** Throws 22023 for a zone name Burrow cannot interpret. */
export function checkTimeZone(tz: string): void {
  validateTimeZone(tz);
}

/** East-positive offset of tz at the instant utcMicros, in seconds. */
export function tzOffsetSeconds(tz: string, utcMicros: bigint): number {
  return sharedTzOffsetSeconds(tz, utcMicros);
}

/** Wall-clock micros in tz of an instant. */
export function utcToLocal(utcMicros: bigint, tz: string): bigint {
  return utcToLocalMicros(utcMicros, tz);
}

/** The instant whose wall clock in tz reads localMicros (the later candidate in a DST gap or overlap). */
export function localToUtc(localMicros: bigint, tz: string): bigint {
  return localToUtcMicros(localMicros, tz);
}
