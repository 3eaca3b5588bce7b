// Tests src/sql/builtins/aggregates.ts: result types and values as
// CockroachDB computes them (sum(INT) is DECIMAL, avg to 20 digits,
// variance/stddev), NULL handling per aggregate, DISTINCT, sums of
// decimals with mixed scales and special values, overflow of sum_int,
// and the speed of a 1,000,000-row DECIMAL sum.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { finiteDecimal, parseDecimal } from '../../../src/util/decimal.js';
import type { Datum } from '../../../src/sql/types/datum.js';
import { T, arrayOf, type SqlType } from '../../../src/sql/types/types.js';
import { DecimalSum, resolveAggregate } from '../../../src/sql/builtins/aggregates.js';
import { parseJson } from '../../../src/sql/types/json.js';
import { rejects, show, utc } from './helpers.js';

/** Runs an aggregate over rows of argument tuples; returns the result text. */
function agg(name: string, types: SqlType[], rows: Datum[][], distinct = false): string {
  const r = resolveAggregate(name, types, distinct);
  const acc = r.create(utc);
  for (const row of rows) acc.add(row);
  return show(acc.result(), r.returnType);
}

const I = (...v: (number | null)[]): Datum[][] => v.map((x) => [x === null ? null : BigInt(x)]);
const D = (...v: (string | null)[]): Datum[][] => v.map((x) => [x === null ? null : parseDecimal(x)]);
const F = (...v: (number | null)[]): Datum[][] => v.map((x) => [x]);
const S = (...v: (string | null)[]): Datum[][] => v.map((x) => [x]);

describe('aggregate values', () => {
  const cases: [string, () => string, string][] = [
    ['count(*)', () => agg('count', [], [[], [], []]), '3'],
    ['count(x) skips NULL', () => agg('count', [T.int], I(1, null, 3)), '2'],
    ['count of nothing is 0', () => agg('count', [T.int], []), '0'],
    ['count_rows', () => agg('count_rows', [], [[], []]), '2'],
    ['sum int is decimal', () => agg('sum', [T.int], I(1, 2, null, 4)), '7'],
    ['sum int beyond int64', () => agg('sum', [T.int], [[9223372036854775807n], [1n]]), '9223372036854775808'],
    ['sum of no rows is NULL', () => agg('sum', [T.int], []), 'NULL'],
    ['sum of only NULLs is NULL', () => agg('sum', [T.decimal], D(null, null)), 'NULL'],
    ['sum decimals mixed scales', () => agg('sum', [T.decimal], D('1.5', '2.25', '-0.125', '100')), '103.625'],
    ['sum decimals keeps largest scale', () => agg('sum', [T.decimal], D('1.10', '2.20')), '3.30'],
    ['sum decimals positive exponent', () => agg('sum', [T.decimal], D('1e3', '5')), '1005'],
    ['sum decimals with NaN', () => agg('sum', [T.decimal], D('1', 'NaN')), 'NaN'],
    ['sum decimals inf - inf', () => agg('sum', [T.decimal], D('Infinity', '-Infinity')), 'NaN'],
    ['sum decimals inf', () => agg('sum', [T.decimal], D('Infinity', '5')), 'Infinity'],
    ['sum float', () => agg('sum', [T.float], F(0.5, 0.25)), '0.75'],
    ['sum interval', () => agg('sum', [T.interval], [[{ months: 1, days: 1, micros: 0n }], [{ months: 0, days: 2, micros: 5_000_000n }]]), '1 mon 3 days 00:00:05'],
    ['sum_int', () => agg('sum_int', [T.int], I(1, 2, 3)), '6'],
    ['avg int is decimal', () => agg('avg', [T.int], I(1, 2, 2)), '1.6666666666666666667'],
    ['avg int exact', () => agg('avg', [T.int], I(1, 2)), '1.5'],
    ['avg decimal', () => agg('avg', [T.decimal], D('1.00', '2.00')), '1.50'],
    ['avg float', () => agg('avg', [T.float], F(1, 2, null)), '1.5'],
    ['avg no rows', () => agg('avg', [T.int], []), 'NULL'],
    ['avg interval', () => agg('avg', [T.interval], [[{ months: 0, days: 1, micros: 0n }], [{ months: 0, days: 2, micros: 0n }]]), '1 day 12:00:00'],
    ['min int', () => agg('min', [T.int], I(3, null, 1, 2)), '1'],
    ['max string', () => agg('max', [T.string], S('b', 'a', 'c')), 'c'],
    ['max decimal scale', () => agg('max', [T.decimal], D('1.5', '1.50', '1.49')), '1.5'],
    ['min of NULLs', () => agg('min', [T.int], I(null)), 'NULL'],
    ['bool_and', () => agg('bool_and', [T.bool], [[true], [null], [false]]), 'f'],
    ['bool_or', () => agg('bool_or', [T.bool], [[false], [true]]), 't'],
    ['every', () => agg('every', [T.bool], [[true], [true]]), 't'],
    ['bit_and', () => agg('bit_and', [T.int], I(7, 3)), '3'],
    ['bit_or', () => agg('bit_or', [T.int], I(4, 1)), '5'],
    ['string_agg', () => agg('string_agg', [T.string, T.string], [['a', ','], [null, ','], ['b', ';'], ['c', ',']]), 'a;b,c'],
    ['string_agg NULL delimiter', () => agg('string_agg', [T.string, T.string], [['a', null], ['b', null]]), 'ab'],
    ['string_agg bytes', () => agg('string_agg', [T.bytes, T.bytes], [[Buffer.from('a'), Buffer.from('-')], [Buffer.from('b'), Buffer.from('-')]]), '\\x612d62'],
    ['array_agg keeps NULLs', () => agg('array_agg', [T.int], I(1, null, 2)), '{1,NULL,2}'],
    ['array_agg no rows', () => agg('array_agg', [T.int], []), 'NULL'],
    ['jsonb_agg', () => agg('jsonb_agg', [T.int], I(1, null)), '[1, null]'],
    ['json_agg of jsonb', () => agg('json_agg', [T.jsonb], [[parseJson('{"a":1}')]]), '[{"a": 1}]'],
    ['jsonb_object_agg', () => agg('jsonb_object_agg', [T.string, T.int], [['a', 1n], ['b', null]]), '{"a": 1, "b": null}'],
    ['variance int', () => agg('variance', [T.int], I(1, 2, 3, 4)), '1.6666666666666666667'],
    ['var_pop int', () => agg('var_pop', [T.int], I(1, 2, 3, 4)), '1.25'],
    ['stddev int', () => agg('stddev', [T.int], I(1, 2, 3, 4)), '1.2909944487358056284'],
    ['stddev_pop decimal', () => agg('stddev_pop', [T.decimal], D('2', '4', '4', '4', '5', '5', '7', '9')), '2'],
    ['variance of one row is NULL', () => agg('variance', [T.int], I(5)), 'NULL'],
    ['var_pop of one row', () => agg('var_pop', [T.int], I(5)), '0'],
    ['variance float', () => agg('variance', [T.float], F(1, 2, 3, 4)), '1.6666666666666667'],
    ['stddev float', () => agg('stddev_samp', [T.float], F(2, 4, 4, 4, 5, 5, 7, 9)), '2.138089935299395'],
    ['concat_agg', () => agg('concat_agg', [T.string], S('a', null, 'b')), 'ab'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));
});

describe('DISTINCT', () => {
  test('count(DISTINCT x)', () => assert.equal(agg('count', [T.int], I(1, 1, 2, null, 2), true), '2'));
  test('sum(DISTINCT decimals) treats 1.0 and 1.00 as equal', () =>
    assert.equal(agg('sum', [T.decimal], D('1.0', '1.00', '2'), true), '3.0'));
  test('array_agg(DISTINCT) keeps one NULL', () => assert.equal(agg('array_agg', [T.int], I(1, null, 1, null), true), '{1,NULL}'));
  test('string_agg(DISTINCT)', () =>
    assert.equal(agg('string_agg', [T.string, T.string], [['a', ','], ['a', ','], ['b', ',']], true), 'a,b'));
});

describe('aggregate resolution', () => {
  test('return types', () => {
    assert.equal(resolveAggregate('sum', [T.int]).returnType, T.decimal);
    assert.equal(resolveAggregate('sum_int', [T.int]).returnType, T.int);
    assert.equal(resolveAggregate('avg', [T.float]).returnType, T.float);
    assert.deepEqual(resolveAggregate('array_agg', [T.string]).returnType, arrayOf(T.string));
    assert.equal(resolveAggregate('max', [T.date]).returnType, T.date);
    assert.equal(resolveAggregate('count', []).returnType, T.int);
  });
  test('errors', async () => {
    await rejects(() => resolveAggregate('sum', [T.string]), '42883', 'unknown signature: sum(string)');
    await rejects(() => resolveAggregate('nope', [T.int]), '42883', 'unknown function: nope()');
  });
  test('sum_int overflow', async () => {
    await rejects(() => agg('sum_int', [T.int], [[9223372036854775807n], [1n]]), '22003', 'integer out of range');
  });
  test('result() can be read between adds', () => {
    const acc = resolveAggregate('sum', [T.decimal]).create();
    acc.add([parseDecimal('1.5')]);
    assert.equal(show(acc.result(), T.decimal), '1.5');
    acc.add([parseDecimal('1')]);
    assert.equal(show(acc.result(), T.decimal), '2.5');
  });
});

describe('decimal sum speed', () => {
  test('1,000,000 DECIMAL balances sum quickly and exactly', () => {
    const values: Datum[][] = [];
    let expectedCents = 0n;
    for (let k = 0; k < 1_000_000; k++) {
      const cents = BigInt((k * 7919) % 1_000_000) - 250_000n;
      expectedCents += cents;
      values.push([finiteDecimal(cents, -2)]);
    }
    const r = resolveAggregate('sum', [T.decimal]);
    const start = performance.now();
    const acc = r.create();
    for (const row of values) acc.add(row);
    const result = acc.result();
    const elapsedMs = performance.now() - start;
    assert.deepEqual(result, finiteDecimal(expectedCents, -2));
    assert.ok(elapsedMs < 1500, `sum took ${elapsedMs.toFixed(0)} ms`);
  });

  test('DecimalSum aligns mixed exponents', () => {
    const s = new DecimalSum();
    for (const v of ['0.001', '10', '1e2', '-0.5']) s.add(parseDecimal(v));
    assert.deepEqual(s.value(), finiteDecimal(109501n, -3));
  });
});
