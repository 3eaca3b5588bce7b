// Tests src/sql/types/interval.ts: the PostgreSQL, ISO 8601 and Go input
// forms, PostgreSQL 'postgres'-style output, arithmetic with fractional
// cascades, error texts, and parse(format(x)) == x.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import {
  addIntervals, divInterval, formatInterval, intervalFromMicros, intervalToSeconds, makeInterval, mulInterval,
  negateInterval, parseInterval, subIntervals,
} from '../../../src/sql/types/interval.js';
import type { Interval } from '../../../src/sql/types/datum.js';

function throwsWith(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BurrowError);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('parse and format', () => {
  const cases: Array<[string, string]> = [
    ['1 day', '1 day'],
    ['2 days', '2 days'],
    ['2 hours 30 minutes', '02:30:00'],
    ['1 year 2 mons 3 days 04:05:06.5', '1 year 2 mons 3 days 04:05:06.5'],
    ['-10s', '-00:00:10'],
    ['10s', '00:00:10'],
    ['1h30m', '01:30:00'],
    ['1h2m3s', '01:02:03'],
    ['500ms', '00:00:00.5'],
    ['1us', '00:00:00.000001'],
    ['1.5h', '01:30:00'],
    ['25h', '25:00:00'],
    ['P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
    ['PT1.5S', '00:00:01.5'],
    ['P2W', '14 days'],
    ['P-1D', '-1 days'],
    ['10', '00:00:10'],
    ['1.5', '00:00:01.5'],
    ['0', '00:00:00'],
    ['1.5 days', '1 day 12:00:00'],
    ['1.5 months', '1 mon 15 days'],
    ['1.5 years', '1 year 6 mons'],
    ['0.1 years', '1 mon'],
    ['1 week', '7 days'],
    ['1 decade', '10 years'],
    ['1 century', '100 years'],
    ['14 mons', '1 year 2 mons'],
    ['-14 mons', '-1 years -2 mons'],
    ['-1 day', '-1 days'],
    ['-1 day +02:00', '-1 days +02:00:00'],
    ['-1 day -02:00', '-1 days -02:00:00'],
    ['1 day -00:00:10', '1 day -00:00:10'],
    ['1 day ago', '-1 days'],
    ['@ 3 days 4 hours', '3 days 04:00:00'],
    ['1 2:03:04', '1 day 02:03:04'],
    ['30:45.5', '00:30:45.5'],
    ['1:30', '01:30:00'],
    ['100:00:00', '100:00:00'],
    ['1day', '1 day'],
    ['1 DAY 2 HOURS', '1 day 02:00:00'],
    ['3 milliseconds', '00:00:00.003'],
    ['1 day, 2 hours', '1 day 02:00:00'],
    ['0.000001 seconds', '00:00:00.000001'],
    ['1 mon -1 day', '1 mon -1 days'],
  ];
  for (const [input, expected] of cases) {
    test(`parseInterval ${JSON.stringify(input)}`, () => assert.equal(formatInterval(parseInterval(input)), expected));
  }

  test('components as parsed, not normalized', () => {
    assert.deepEqual(parseInterval('1 day 25 hours'), { months: 0, days: 1, micros: 90_000_000_000n });
    assert.deepEqual(parseInterval('-10s'), { months: 0, days: 0, micros: -10_000_000n });
    assert.deepEqual(parseInterval('1 mon'), { months: 1, days: 0, micros: 0n });
  });

  test('errors', () => {
    throwsWith(() => parseInterval('abc'), '22007', 'could not parse "abc" as type interval: interval: missing number before "abc"');
    throwsWith(() => parseInterval('1 fortnight'), '22007', 'could not parse "1 fortnight" as type interval: interval: unknown unit "fortnight"');
    throwsWith(() => parseInterval(''), '22007');
    throwsWith(() => parseInterval('1 2'), '22007');
    throwsWith(() => parseInterval('P'), '22007');
    throwsWith(() => parseInterval('1 day $'), '22007');
  });
});

describe('arithmetic', () => {
  const iv = parseInterval;
  const f = formatInterval;
  test('add, subtract, negate', () => {
    assert.equal(f(addIntervals(iv('1 day'), iv('2 hours'))), '1 day 02:00:00');
    assert.equal(f(subIntervals(iv('1 day'), iv('2 hours'))), '1 day -02:00:00');
    assert.equal(f(negateInterval(iv('1 year 2 days 00:00:01'))), '-1 years -2 days -00:00:01');
    assert.equal(Object.is(negateInterval(iv('1 second')).days, -0), false);
  });
  test('multiply and divide cascade fractions down', () => {
    assert.equal(f(mulInterval(iv('1 mon'), 1.5)), '1 mon 15 days');
    assert.equal(f(mulInterval(iv('1 day'), 1.5)), '1 day 12:00:00');
    assert.equal(f(mulInterval(iv('1 hour'), 2)), '02:00:00');
    assert.equal(f(mulInterval(iv('1 day 01:00:00'), -2)), '-2 days -02:00:00');
    assert.equal(f(divInterval(iv('1 day'), 3)), '08:00:00');
    assert.equal(f(divInterval(iv('1 mon'), 2)), '15 days');
    assert.equal(f(divInterval(iv('3 seconds'), 2)), '00:00:01.5');
    throwsWith(() => divInterval(iv('1 day'), 0), '22012', 'division by zero');
    throwsWith(() => mulInterval(iv('1 day'), Infinity), '22008', 'interval out of range');
  });
  test('conversions', () => {
    assert.equal(intervalToSeconds(iv('1 mon 1 day 00:00:01.5')), 31 * 86400 + 1.5);
    assert.equal(f(intervalFromMicros(-1_500_000n)), '-00:00:01.5');
    throwsWith(() => makeInterval(2 ** 60, 0, 0n), '22008');
  });
});

test('parse(format(x)) == x', () => {
  const arb: fc.Arbitrary<Interval> = fc.record({
    months: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    days: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    micros: fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
  }).map((r) => ({ months: r.months, days: r.days, micros: r.micros }));
  fc.assert(fc.property(arb, (v) => {
    assert.deepEqual(parseInterval(formatInterval(v)), v);
  }), { numRuns: 2000 });
});
