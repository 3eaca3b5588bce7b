// Tests src/sql/types/datetime.ts: date/time/timestamp input and output,
// time zones (fixed offsets, POSIX 'UTC+3', IANA names across DST in
// America/New_York, the +05:30 of Asia/Kolkata, local mean time), range
// limits, calendar arithmetic, extract() and date_trunc(), with exact
// error codes and messages and fast-check round trips.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import {
  addIntervalToTimestamp, dateAddDays, dateTrunc, extract, formatDate, formatTime, formatTimestamp,
  formatTimestampTz, localToUtcMicros, maxDateDays, maxTimestampMicros, microsPerDay, minDateDays,
  minTimestampMicros, parseDate, parseTime, parseTimestamp, parseTimestampTz, timestampDiff, tzOffsetSeconds,
  validateTimeZone,
} from '../../../src/sql/types/datetime.js';
import { formatInterval, parseInterval } from '../../../src/sql/types/interval.js';

function throwsWith(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BurrowError, `expected a BurrowError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

const ny = 'America/New_York';
const kolkata = 'Asia/Kolkata';

describe('dates', () => {
  const cases: Array<[string, string]> = [
    ['2021-03-24', '2021-03-24'],
    ['20210324', '2021-03-24'],
    ['2021/03/24', '2021-03-24'],
    ['03/24/2021', '2021-03-24'],
    ['1/2/03', '2003-01-02'],
    ['March 24, 2021', '2021-03-24'],
    ['Mar 24 2021', '2021-03-24'],
    ['24-Mar-2021', '2021-03-24'],
    ['24 March 2021', '2021-03-24'],
    ['2021-Mar-24', '2021-03-24'],
    ['Wed, March 24, 2021', '2021-03-24'],
    ['2021-03-24 10:11:12', '2021-03-24'],
    ['2021-03-24T23:59:59+05', '2021-03-24'],
    ['2021-03-24 24:00:00', '2021-03-25'],
    ['  2000-02-29  ', '2000-02-29'],
    ['0001-01-01 BC', '0001-01-01 BC'],
    ['0044-03-15 BC', '0044-03-15 BC'],
    ['10000-01-01', '10000-01-01'],
    ['epoch', '1970-01-01'],
    ['infinity', 'infinity'],
    ['-infinity', '-infinity'],
    ['EPOCH', '1970-01-01'],
  ];
  for (const [input, expected] of cases) {
    test(`parseDate ${JSON.stringify(input)}`, () => assert.equal(formatDate(parseDate(input)), expected));
  }

  test('relative dates use the time zone and the given now', () => {
    const now = parseTimestampTz('2021-03-24 23:30:00+00', 'UTC');
    assert.equal(formatDate(parseDate('today', 'UTC', now)), '2021-03-24');
    assert.equal(formatDate(parseDate('today', kolkata, now)), '2021-03-25');
    assert.equal(formatDate(parseDate('tomorrow', 'UTC', now)), '2021-03-25');
    assert.equal(formatDate(parseDate('yesterday', 'UTC', now)), '2021-03-23');
  });

  test('date errors', () => {
    throwsWith(() => parseDate('2021-02-29'), '22008', 'parsing as type date: field day value 29 is out of range');
    throwsWith(() => parseDate('2021-13-01'), '22008', 'parsing as type date: field month value 13 is out of range');
    throwsWith(() => parseDate('abc'), '22007', 'parsing as type date: could not parse "abc"');
    throwsWith(() => parseDate('10:00'), '22007', 'parsing as type date: could not parse "10:00"');
    throwsWith(() => parseDate('5874898-01-01'), '22008', 'date is out of range');
    throwsWith(() => dateAddDays(maxDateDays, 1), '22008', 'date is out of range');
  });

  test('dateAddDays', () => {
    assert.equal(formatDate(dateAddDays(parseDate('2021-02-28'), 1)), '2021-03-01');
    assert.equal(formatDate(dateAddDays(parseDate('2021-01-01'), -1)), '2020-12-31');
    assert.equal(dateAddDays(Infinity, 5), Infinity);
  });

  test('round trip over the whole range', () => {
    fc.assert(fc.property(fc.integer({ min: minDateDays, max: maxDateDays }), (days) => {
      assert.equal(parseDate(formatDate(days)), days);
    }), { numRuns: 2000 });
  });
});

describe('times', () => {
  const cases: Array<[string, string]> = [
    ['04:05', '04:05:00'],
    ['04:05:06', '04:05:06'],
    ['04:05:06.789', '04:05:06.789'],
    ['4:05 PM', '16:05:00'],
    ['12:00 AM', '00:00:00'],
    ['12:30 pm', '12:30:00'],
    ['24:00', '24:00:00'],
    ['23:59:59.9999995', '24:00:00'],
    ['10:00:00.1234564', '10:00:00.123456'],
    ['2021-03-24 10:11:12.5-05', '10:11:12.5'],
    ['10:11:12Z', '10:11:12'],
    ['allballs', '00:00:00'],
  ];
  for (const [input, expected] of cases) {
    test(`parseTime ${JSON.stringify(input)}`, () => assert.equal(formatTime(parseTime(input)), expected));
  }

  test('time errors', () => {
    throwsWith(() => parseTime('25:00'), '22008', 'parsing as type time: field hour value 25 is out of range');
    throwsWith(() => parseTime('10:60'), '22008', 'parsing as type time: field minute value 60 is out of range');
    throwsWith(() => parseTime('24:00:01'), '22008');
    throwsWith(() => parseTime('noon'), '22007', 'parsing as type time: could not parse "noon"');
  });

  test('round trip', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: microsPerDay }), (micros) => {
      assert.equal(parseTime(formatTime(micros)), micros);
    }), { numRuns: 1000 });
  });
});

describe('timestamps', () => {
  const cases: Array<[string, string]> = [
    ['2021-03-24 21:05:32.53', '2021-03-24 21:05:32.53'],
    ['2021-03-24T21:05:32.530000Z', '2021-03-24 21:05:32.53'],
    ['2021-03-24 21:05:32.1234567', '2021-03-24 21:05:32.123457'],
    ['2021-03-24 21:05:32.9999999', '2021-03-24 21:05:33'],
    ['2021-03-24', '2021-03-24 00:00:00'],
    ['2021-03-24 10:00+02', '2021-03-24 10:00:00'],
    ['2021-03-24 10:00:00 America/New_York', '2021-03-24 10:00:00'],
    ['March 24, 2021 9:05 PM', '2021-03-24 21:05:00'],
    ['epoch', '1970-01-01 00:00:00'],
    ['infinity', 'infinity'],
    ['-infinity', '-infinity'],
    ['4714-11-24 00:00:00 BC', '4714-11-24 00:00:00 BC'],
    ['294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999'],
    ['1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999'],
  ];
  for (const [input, expected] of cases) {
    test(`parseTimestamp ${JSON.stringify(input)}`, () => assert.equal(formatTimestamp(parseTimestamp(input)), expected));
  }

  test('bounds', () => {
    assert.equal(parseTimestamp('4714-11-24 00:00:00 BC'), minTimestampMicros);
    assert.equal(parseTimestamp('294276-12-31 23:59:59.999999'), maxTimestampMicros);
    throwsWith(() => parseTimestamp('294277-01-01 00:00:00'), '22008',
      'timestamp "294277-01-01 00:00:00" exceeds supported timestamp bounds');
    throwsWith(() => parseTimestamp('4714-11-23 23:59:59 BC'), '22008');
    throwsWith(() => parseTimestamp('10:00'), '22007', 'parsing as type timestamp: could not parse "10:00"');
  });

  test('round trip over the whole range', () => {
    fc.assert(fc.property(fc.bigInt({ min: minTimestampMicros, max: maxTimestampMicros }), (micros) => {
      assert.equal(parseTimestamp(formatTimestamp(micros)), micros);
    }), { numRuns: 2000 });
  });
});

describe('time zones', () => {
  test('offsets of fixed, POSIX and named zones', () => {
    const summer = parseTimestampTz('2021-07-01 12:00:00+00', 'UTC');
    const winter = parseTimestampTz('2021-01-01 12:00:00+00', 'UTC');
    assert.equal(tzOffsetSeconds('UTC', summer), 0);
    assert.equal(tzOffsetSeconds('utc', summer), 0);
    assert.equal(tzOffsetSeconds(ny, summer), -4 * 3600);
    assert.equal(tzOffsetSeconds(ny, winter), -5 * 3600);
    assert.equal(tzOffsetSeconds('america/new_york', winter), -5 * 3600);
    assert.equal(tzOffsetSeconds(kolkata, summer), 19800);
    assert.equal(tzOffsetSeconds('+02:00', summer), 7200);
    assert.equal(tzOffsetSeconds('-8', summer), -28800);
    assert.equal(tzOffsetSeconds('+5:30', summer), 19800);
    assert.equal(tzOffsetSeconds('3.5', summer), 12600);
    assert.equal(tzOffsetSeconds('UTC+3', summer), -10800);
    assert.equal(tzOffsetSeconds('GMT-2', summer), 7200);
    assert.equal(tzOffsetSeconds('Europe/London', summer), 3600);
  });

  test('invalid zones', () => {
    throwsWith(() => tzOffsetSeconds('Mars/Olympus_Mons', 0n), '22023', 'invalid value for parameter "timezone": "Mars/Olympus_Mons"');
    throwsWith(() => validateTimeZone('not a zone'), '22023', 'invalid value for parameter "timezone": "not a zone"');
    throwsWith(() => validateTimeZone('+99:00'), '22023');
  });

  const tzCases: Array<[string, string, string, string]> = [
    // input, session zone for input, display zone, expected
    ['2021-03-24 21:05:32.53+02', 'UTC', 'UTC', '2021-03-24 19:05:32.53+00'],
    ['2021-03-24 21:05:32.53', kolkata, kolkata, '2021-03-24 21:05:32.53+05:30'],
    ['2021-03-24 21:05:32.53', kolkata, 'UTC', '2021-03-24 15:35:32.53+00'],
    ['2021-03-24 21:05:32.53Z', 'UTC', kolkata, '2021-03-25 02:35:32.53+05:30'],
    ['2021-03-14 01:59:59', ny, ny, '2021-03-14 01:59:59-05'],
    ['2021-03-14 03:00:00', ny, ny, '2021-03-14 03:00:00-04'],
    ['2021-03-14 02:30:00', ny, ny, '2021-03-14 03:30:00-04'],
    ['2021-11-07 00:30:00', ny, ny, '2021-11-07 00:30:00-04'],
    ['2021-11-07 01:30:00', ny, ny, '2021-11-07 01:30:00-05'],
    ['2021-11-07 01:30:00 EDT', ny, ny, '2021-11-07 01:30:00-04'],
    ['2021-07-01 12:00 America/New_York', 'UTC', 'UTC', '2021-07-01 16:00:00+00'],
    ['2021-07-01 12:00 UTC', ny, ny, '2021-07-01 08:00:00-04'],
    ['2021-07-01 12:00', '+02:00', '+02:00', '2021-07-01 12:00:00+02'],
    ['2021-07-01 12:00', 'UTC+3', 'UTC', '2021-07-01 15:00:00+00'],
    ['1800-01-01 00:00', ny, ny, '1800-01-01 00:00:00-04:56:02'],
    ['0001-01-01 00:00:00+00 BC', 'UTC', 'UTC', '0001-01-01 00:00:00+00 BC'],
    ['infinity', ny, ny, 'infinity'],
  ];
  for (const [input, sessionZone, displayZone, expected] of tzCases) {
    test(`parseTimestampTz ${JSON.stringify(input)} in ${sessionZone} shown in ${displayZone}`, () => {
      assert.equal(formatTimestampTz(parseTimestampTz(input, sessionZone), displayZone), expected);
    });
  }

  test('localToUtcMicros across the New York DST changes', () => {
    const local = parseTimestamp('2021-03-14 02:30:00');
    assert.equal(formatTimestamp(localToUtcMicros(local, ny)), '2021-03-14 07:30:00');
    assert.equal(formatTimestamp(localToUtcMicros(parseTimestamp('2021-11-07 01:30:00'), ny)), '2021-11-07 06:30:00');
  });

  test('round trips through named zones', () => {
    const zones = ['UTC', ny, kolkata, 'Europe/London', 'Australia/Lord_Howe', 'America/St_Johns', '-03:30'];
    const low = parseTimestamp('1700-01-01');
    const high = parseTimestamp('2200-01-01');
    fc.assert(fc.property(fc.bigInt({ min: low, max: high }), fc.constantFrom(...zones), (micros, zone) => {
      assert.equal(parseTimestampTz(formatTimestampTz(micros, zone), zone), micros);
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.bigInt({ min: minTimestampMicros, max: maxTimestampMicros }), (micros) => {
      assert.equal(parseTimestampTz(formatTimestampTz(micros, kolkata), 'UTC'), micros);
    }), { numRuns: 500 });
  });
});

describe('arithmetic', () => {
  const ts = (s: string): bigint => parseTimestamp(s);
  const iv = parseInterval;
  test('adding intervals to timestamps', () => {
    assert.equal(formatTimestamp(addIntervalToTimestamp(ts('2021-01-31 12:00'), iv('1 mon'), null)), '2021-02-28 12:00:00');
    assert.equal(formatTimestamp(addIntervalToTimestamp(ts('2020-02-29'), iv('1 year'), null)), '2021-02-28 00:00:00');
    assert.equal(formatTimestamp(addIntervalToTimestamp(ts('2021-03-31'), iv('-1 mon'), null)), '2021-02-28 00:00:00');
    assert.equal(formatTimestamp(addIntervalToTimestamp(ts('2021-03-24 10:00'), iv('1 day 02:00:00'), null)), '2021-03-25 12:00:00');
    assert.equal(formatTimestamp(addIntervalToTimestamp(ts('2021-03-24 10:00'), iv('-36 hours'), null)), '2021-03-22 22:00:00');
    throwsWith(() => addIntervalToTimestamp(maxTimestampMicros, iv('1 us'), null), '22008');
  });

  test('days are calendar days in the zone, hours are elapsed time', () => {
    const start = parseTimestampTz('2021-03-13 12:00', ny);
    assert.equal(formatTimestampTz(addIntervalToTimestamp(start, iv('1 day'), ny), ny), '2021-03-14 12:00:00-04');
    assert.equal(formatTimestampTz(addIntervalToTimestamp(start, iv('24 hours'), ny), ny), '2021-03-14 13:00:00-04');
    assert.equal(formatTimestampTz(addIntervalToTimestamp(start, iv('1 day'), 'UTC'), ny), '2021-03-14 13:00:00-04');
  });

  test('timestamp differences', () => {
    assert.equal(formatInterval(timestampDiff(ts('2021-03-24 10:00'), ts('2021-03-20 09:00'))), '4 days 01:00:00');
    assert.equal(formatInterval(timestampDiff(ts('2021-03-20 09:00'), ts('2021-03-24 10:00'))), '-4 days -01:00:00');
    assert.equal(formatInterval(timestampDiff(ts('2021-03-24 10:00'), ts('2021-03-24 09:59:59.5'))), '00:00:00.5');
  });
});

describe('extract', () => {
  const t = parseTimestamp('2021-03-24 21:05:32.53');
  const cases: Array<[string, number]> = [
    ['year', 2021], ['month', 3], ['day', 24], ['hour', 21], ['minute', 5], ['second', 32.53],
    ['millisecond', 32530], ['microsecond', 32530000], ['dow', 3], ['isodow', 3], ['doy', 83], ['quarter', 1],
    ['week', 12], ['epoch', 1616619932.53], ['decade', 202], ['century', 21], ['millennium', 3], ['YEARS', 2021],
    ['isoyear', 2021],
  ];
  for (const [field, expected] of cases) {
    test(`extract ${field} from a timestamp`, () => assert.equal(extract(field, t, 'timestamp', 'UTC'), expected));
  }

  test('dates, times, intervals and zones', () => {
    const d = parseDate('2021-01-03');
    assert.equal(extract('dow', d, 'date', 'UTC'), 0);
    assert.equal(extract('isodow', d, 'date', 'UTC'), 7);
    assert.equal(extract('week', d, 'date', 'UTC'), 53);
    assert.equal(extract('isoyear', d, 'date', 'UTC'), 2020);
    assert.equal(extract('julian', parseDate('2021-03-24'), 'date', 'UTC'), 2459298);
    assert.equal(extract('epoch', parseDate('1970-01-02'), 'date', 'UTC'), 86400);
    assert.equal(extract('year', parseDate('0001-01-01 BC'), 'date', 'UTC'), -1);
    assert.equal(extract('second', parseTime('04:05:06.5'), 'time', 'UTC'), 6.5);
    assert.equal(extract('hour', parseTime('04:05:06.5'), 'time', 'UTC'), 4);
    const i = parseInterval('1 year 2 mons 3 days 04:05:06.5');
    assert.equal(extract('year', i, 'interval', 'UTC'), 1);
    assert.equal(extract('month', i, 'interval', 'UTC'), 2);
    assert.equal(extract('day', i, 'interval', 'UTC'), 3);
    assert.equal(extract('hour', i, 'interval', 'UTC'), 4);
    assert.equal(extract('second', i, 'interval', 'UTC'), 6.5);
    assert.equal(extract('epoch', i, 'interval', 'UTC'), 37015506.5);
    const tz = parseTimestampTz('2021-03-24 00:00:00+00', 'UTC');
    assert.equal(extract('hour', tz, 'timestamptz', kolkata), 5);
    assert.equal(extract('minute', tz, 'timestamptz', kolkata), 30);
    assert.equal(extract('timezone', tz, 'timestamptz', kolkata), 19800);
    assert.equal(extract('timezone_hour', tz, 'timestamptz', ny), -4);
    assert.equal(extract('epoch', tz, 'timestamptz', kolkata), 1616544000);
  });

  test('unsupported fields', () => {
    throwsWith(() => extract('fortnight', t, 'timestamp', 'UTC'), '22023', 'unsupported timespan: fortnight');
    throwsWith(() => extract('timezone', t, 'timestamp', 'UTC'), '22023', 'unsupported timespan: timezone');
    throwsWith(() => extract('year', parseTime('04:05'), 'time', 'UTC'), '22023');
  });
});

describe('date_trunc', () => {
  const t = parseTimestamp('2021-03-24 21:05:32.53');
  const cases: Array<[string, string]> = [
    ['millennium', '2001-01-01 00:00:00'], ['century', '2001-01-01 00:00:00'], ['decade', '2020-01-01 00:00:00'],
    ['year', '2021-01-01 00:00:00'], ['quarter', '2021-01-01 00:00:00'], ['month', '2021-03-01 00:00:00'],
    ['week', '2021-03-22 00:00:00'], ['day', '2021-03-24 00:00:00'], ['hour', '2021-03-24 21:00:00'],
    ['minute', '2021-03-24 21:05:00'], ['second', '2021-03-24 21:05:32'], ['millisecond', '2021-03-24 21:05:32.53'],
    ['microseconds', '2021-03-24 21:05:32.53'],
  ];
  for (const [field, expected] of cases) {
    test(`date_trunc ${field}`, () => assert.equal(formatTimestamp(dateTrunc(field, t, 'timestamp', 'UTC')), expected));
  }

  test('in a zone', () => {
    const noon = parseTimestampTz('2021-03-14 12:00-04', 'UTC');
    assert.equal(formatTimestampTz(dateTrunc('day', noon, 'timestamptz', ny), ny), '2021-03-14 00:00:00-05');
    const k = parseTimestampTz('2021-03-24 10:45+05:30', 'UTC');
    assert.equal(formatTimestampTz(dateTrunc('hour', k, 'timestamptz', kolkata), kolkata), '2021-03-24 10:00:00+05:30');
    assert.equal(formatTimestampTz(dateTrunc('day', k, 'timestamptz', kolkata), kolkata), '2021-03-24 00:00:00+05:30');
    assert.equal(formatTime(dateTrunc('hour', parseTime('10:45:12'), 'time', 'UTC')), '10:00:00');
    throwsWith(() => dateTrunc('fortnight', t, 'timestamp', 'UTC'), '22023', 'unsupported timespan: fortnight');
  });
});
