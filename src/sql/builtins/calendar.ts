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

import { civilFromDays, dayOfWeek, daysFromCivil, daysInMonth, isLeapYear, type CivilDate } from '../types/datetime.js';
import {
  localToUtcMicros, tzOffsetSeconds as sharedTzOffsetSeconds, utcToLocalMicros, validateTimeZone,
} from '../types/datetime.js';

export const microsPerSecond = 1_000_000n;
export const microsPerMinute = 60_000_000n;
export const microsPerHour = 3_600_000_000n;
export const microsPerDayBig = 86_400_000_000n;
export const microsPerDayNum = 86_400_000_000;

export interface LocalFields extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second, 0..999999. */
  micros: number;
  /** Day number of the date part. */
  dayNumber: number;
}

// Civil-date arithmetic lives in types/datetime.ts; re-exported here for the builtins.
export { civilFromDays, dayOfWeek, daysFromCivil, daysInMonth, isLeapYear, type CivilDate };

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
