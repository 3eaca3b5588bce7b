// Tests the date/time builtins: now() and friends from the EvalContext,
// time-zone dependent results (current_date, extract on TIMESTAMPTZ,
// date_trunc across DST, timezone()), age(), make_*, to_char/strftime.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveFunction } from '../../../src/sql/builtins/registry.js';
import { T } from '../../../src/sql/types/types.js';
import {
  call, ctxWith, date, f, i, iv, newYork, rejects, s, time, ts, tstz, utc, type Arg,
} from './helpers.js';

type Row = [string, string, Arg[], string];

const tokyo = ctxWith({ timezone: 'Asia/Tokyo' });

const rows: Row[] = [
  ['extract year', 'extract', [s('year'), ts('2020-06-15 12:34:56.789')], '2020'],
  ['extract month', 'extract', [s('month'), ts('2020-06-15 12:34:56.789')], '6'],
  ['extract second with fraction', 'extract', [s('second'), ts('2020-06-15 12:34:56.789')], '56.789'],
  ['extract millisecond', 'extract', [s('millisecond'), ts('2020-06-15 12:34:56.789')], '56789'],
  ['extract dow', 'extract', [s('dow'), date('2020-06-14')], '0'],
  ['extract isodow', 'extract', [s('isodow'), date('2020-06-14')], '7'],
  ['extract doy', 'extract', [s('doy'), date('2020-12-31')], '366'],
  ['extract week', 'extract', [s('week'), date('2021-01-03')], '53'],
  ['extract quarter', 'extract', [s('quarter'), date('2020-08-01')], '3'],
  ['extract epoch', 'extract', [s('epoch'), ts('1970-01-02 00:00:00')], '86400'],
  ['extract hour from time', 'extract', [s('hour'), time('13:45:00')], '13'],
  ['extract from interval', 'extract', [s('day'), iv('3 days 04:00:00')], '3'],
  ['extract epoch interval', 'extract', [s('epoch'), iv('1 day 00:00:01')], '86401'],
  ['date_part alias', 'date_part', [s('YEAR'), date('1999-12-31')], '1999'],
  ['extract century', 'extract', [s('century'), date('2000-01-01')], '20'],
  ['extract timezone_hour', 'extract', [s('timezone_hour'), tstz('2020-01-01 00:00:00')], '0'],
  ['date_trunc month', 'date_trunc', [s('month'), ts('2020-06-15 12:34:56')], '2020-06-01 00:00:00'],
  ['date_trunc hour', 'date_trunc', [s('hour'), ts('2020-06-15 12:34:56')], '2020-06-15 12:00:00'],
  ['date_trunc week (Monday)', 'date_trunc', [s('week'), ts('2020-06-14 12:00:00')], '2020-06-08 00:00:00'],
  ['date_trunc quarter', 'date_trunc', [s('quarter'), ts('2020-08-15 00:00:00')], '2020-07-01 00:00:00'],
  ['date_trunc year', 'date_trunc', [s('year'), ts('2020-08-15 00:00:00')], '2020-01-01 00:00:00'],
  ['date_trunc interval', 'date_trunc', [s('hour'), iv('2 days 03:45:10')], '2 days 03:00:00'],
  ['date_trunc time', 'date_trunc', [s('minute'), time('10:11:12')], '10:11:00'],
  ['age borrows from the earlier month', 'age', [ts('2021-03-01 00:00:00'), ts('2020-01-31 12:00:00')], '1 year 1 mon 12:00:00'],
  ['age negative', 'age', [ts('2020-01-01 00:00:00'), ts('2020-02-15 00:00:00')], '-1 mons -14 days'],
  ['age tz', 'age', [tstz('2020-06-15 00:00:00'), tstz('2019-06-15 00:00:00')], '1 year'],
  ['to_timestamp', 'to_timestamp', [f(86400.5)], '1970-01-02 00:00:00.5+00'],
  ['make_date', 'make_date', [i(2020), i(2), i(29)], '2020-02-29'],
  ['make_timestamp', 'make_timestamp', [i(2020), i(1), i(2), i(3), i(4), f(5.5)], '2020-01-02 03:04:05.5'],
  ['timezone(tz, timestamptz)', 'timezone', [s('Asia/Tokyo'), tstz('2020-01-01 00:00:00')], '2020-01-01 09:00:00'],
  ['timezone(tz, timestamp)', 'timezone', [s('America/New_York'), ts('2020-01-01 00:00:00')], '2020-01-01 05:00:00+00'],
  ['justify_hours', 'justify_hours', [iv('27 hours')], '1 day 03:00:00'],
  ['justify_days', 'justify_days', [iv('35 days')], '1 mon 5 days'],
  ['strftime', 'experimental_strftime', [ts('2020-06-05 08:09:10'), s('%Y/%m/%d %H:%M:%S %A %b')], '2020/06/05 08:09:10 Friday Jun'],
  ['to_char format', 'to_char', [ts('2020-06-05 15:09:10'), s('YYYY-MM-DD HH12:MI:SS PM')], '2020-06-05 03:09:10 PM'],
  ['to_char date', 'to_char', [date('2020-06-05')], '2020-06-05'],
  ['to_char interval', 'to_char', [iv('1 day 02:00:00')], '1 day 02:00:00'],
];

describe('datetime builtins', () => {
  for (const [name, fn, args, want] of rows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args), want));
  }
});

describe('time-zone dependent builtins', () => {
  test('now() and friends read the context', async () => {
    assert.equal(await call('now', []), '2020-06-15 12:34:56.789+00');
    assert.equal(await call('current_timestamp', [], newYork), '2020-06-15 08:34:56.789-04');
    assert.equal(await call('statement_timestamp', []), '2020-06-15 12:34:56.79+00');
    assert.equal(await call('clock_timestamp', []), '2020-06-15 12:34:56.791+00');
    assert.equal(await call('current_timestamp', [i(0)]), '2020-06-15 12:34:57+00');
    assert.equal(await call('localtimestamp', [], tokyo), '2020-06-15 21:34:56.789');
    assert.equal(await call('current_time', [], tokyo), '21:34:56.789');
    assert.equal(await call('localtime', [i(0)], newYork), '08:34:57');
  });

  test('current_date depends on the session zone', async () => {
    const lateEvening = ctxWith({ txnTimestampMicros: 1_592_265_600_000_000n - 3_600_000_000n }); // 2020-06-15 23:00 UTC
    assert.equal(await call('current_date', [], lateEvening), '2020-06-15');
    assert.equal(await call('current_date', [], { ...lateEvening, timezone: 'Asia/Tokyo' }), '2020-06-16');
  });

  test('extract from timestamptz uses the session zone', async () => {
    const v = tstz('2020-06-15 02:00:00');
    assert.equal(await call('extract', [s('hour'), v], utc), '2');
    assert.equal(await call('extract', [s('hour'), v], newYork), '22');
    assert.equal(await call('extract', [s('day'), v], newYork), '14');
    assert.equal(await call('extract', [s('timezone'), v], newYork), '-14400');
  });

  test('date_trunc on timestamptz truncates on the local wall clock', async () => {
    const v = tstz('2021-03-14 12:00:00', 'America/New_York');
    assert.equal(await call('date_trunc', [s('day'), v], newYork), '2021-03-14 00:00:00-05');
    assert.equal(await call('date_trunc', [s('day'), v], utc), '2021-03-14 00:00:00+00');
    assert.equal(await call('date_trunc', [s('month'), date('2020-06-15')], tokyo), '2020-06-01 00:00:00+09');
  });

  test('volatility', () => {
    assert.equal(resolveFunction('now', []).volatility, 'stable');
    assert.equal(resolveFunction('clock_timestamp', []).volatility, 'volatile');
    assert.equal(resolveFunction('extract', [T.string, T.timestamp]).volatility, 'immutable');
    assert.equal(resolveFunction('extract', [T.string, T.timestamptz]).volatility, 'stable');
  });
});

describe('datetime errors', () => {
  test('unsupported field', async () => {
    await rejects(() => call('extract', [s('fortnight'), ts('2020-01-01 00:00:00')]), '22023', 'unsupported timespan: fortnight');
    await rejects(() => call('date_trunc', [s('fortnight'), ts('2020-01-01 00:00:00')]), '22023');
  });
  test('make_date out of range', async () => {
    await rejects(() => call('make_date', [i(2021), i(2), i(29)]), '22008');
  });
  test('unknown zone', async () => {
    await rejects(() => call('timezone', [s('Mars/Olympus'), ts('2020-01-01 00:00:00')]), '22023');
  });
  test('bad precision', async () => {
    await rejects(() => call('now', [i(7)]), '22023');
  });
});
