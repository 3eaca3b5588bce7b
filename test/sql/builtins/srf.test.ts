// Tests src/sql/builtins/srf.ts: generate_series over ints and timestamps
// (including month steps and DST in the session zone), unnest of one and
// several arrays, JSON generators, and their errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Datum } from '../../../src/sql/types/datum.js';
import type { EvalContext } from '../../../src/sql/types/eval-context.js';
import { T } from '../../../src/sql/types/types.js';
import { resolveGenerator } from '../../../src/sql/builtins/srf.js';
import { i, ints, iv, j, newYork, rejects, s, show, strs, ts, tstz, utc, type Arg } from './helpers.js';

function rows(name: string, args: Arg[], ctx: EvalContext = utc): string[] {
  const g = resolveGenerator(name, args.map((a) => a[1]));
  const out: string[] = [];
  for (const row of g.fn(args.map((a) => a[0]), ctx)) {
    out.push(row.map((v: Datum, k: number) => show(v, g.columns[k]!.type, ctx)).join('|'));
  }
  return out;
}

describe('generate_series', () => {
  test('ints', () => assert.deepEqual(rows('generate_series', [i(1), i(4)]), ['1', '2', '3', '4']));
  test('ints with step', () => assert.deepEqual(rows('generate_series', [i(10), i(1), i(-4)]), ['10', '6', '2']));
  test('empty', () => assert.deepEqual(rows('generate_series', [i(5), i(1)]), []));
  test('step zero', async () => {
    await rejects(() => rows('generate_series', [i(1), i(2), i(0)]), '22023', 'step cannot be 0');
  });
  test('timestamps by month clamp the day', () =>
    assert.deepEqual(rows('generate_series', [ts('2020-01-31 00:00:00'), ts('2020-04-30 00:00:00'), iv('1 month')]),
      ['2020-01-31 00:00:00', '2020-02-29 00:00:00', '2020-03-31 00:00:00', '2020-04-30 00:00:00']));
  test('timestamptz by day across DST in the session zone', () =>
    assert.deepEqual(
      rows('generate_series', [tstz('2021-03-13 12:00:00', 'America/New_York'), tstz('2021-03-15 12:00:00', 'America/New_York'), iv('1 day')], newYork),
      ['2021-03-13 12:00:00-05', '2021-03-14 12:00:00-04', '2021-03-15 12:00:00-04']));
  test('zero interval step', async () => {
    await rejects(() => rows('generate_series', [ts('2020-01-01'), ts('2020-01-02'), iv('0 days')]), '22023');
  });
  test('lazy: a huge series yields on demand', () => {
    const g = resolveGenerator('generate_series', [T.int, T.int]);
    const it = g.fn([1n, 10n ** 15n], utc)[Symbol.iterator]();
    assert.deepEqual(it.next().value, [1n]);
    assert.deepEqual(it.next().value, [2n]);
  });
  test('column', () => assert.deepEqual(resolveGenerator('generate_series', [T.int, T.int]).columns, [{ name: 'generate_series', type: T.int }]));
});

describe('unnest and friends', () => {
  test('unnest', () => assert.deepEqual(rows('unnest', [ints(1, null, 3)]), ['1', 'NULL', '3']));
  test('unnest several arrays zips', () => assert.deepEqual(rows('unnest', [ints(1, 2), strs('a')]), ['1|a', '2|NULL']));
  test('unnest is not strict: NULL array gives no rows', () => {
    const g = resolveGenerator('unnest', [T.unknown]);
    assert.deepEqual([...g.fn([null], utc)], []);
  });
  test('generate_subscripts', () => assert.deepEqual(rows('generate_subscripts', [strs('x', 'y')]), ['1', '2']));
  test('regexp_split_to_table', () => assert.deepEqual(rows('regexp_split_to_table', [s('a b  c'), s('\\s+')]), ['a', 'b', 'c']));
});

describe('json generators', () => {
  test('jsonb_object_keys', () => assert.deepEqual(rows('jsonb_object_keys', [j('{"b":1,"a":2}')]), ['a', 'b']));
  test('jsonb_array_elements', () => assert.deepEqual(rows('jsonb_array_elements', [j('[1,"x",null]')]), ['1', '"x"', 'null']));
  test('jsonb_array_elements_text', () => assert.deepEqual(rows('jsonb_array_elements_text', [j('[1,"x",null]')]), ['1', 'x', 'NULL']));
  test('jsonb_each', () => assert.deepEqual(rows('jsonb_each', [j('{"a":[1],"b":"s"}')]), ['a|[1]', 'b|"s"']));
  test('jsonb_each_text', () => assert.deepEqual(rows('jsonb_each_text', [j('{"a":[1],"b":"s"}')]), ['a|[1]', 'b|s']));
  test('errors', async () => {
    await rejects(() => rows('jsonb_object_keys', [j('[1]')]), '22023', 'cannot call jsonb_object_keys on an array');
    await rejects(() => rows('jsonb_array_elements', [j('{}')]), '22023', 'cannot extract elements from an object');
    await rejects(() => resolveGenerator('generate_series', [T.string, T.string]), '42883',
      'unknown signature: generate_series(string, string)');
  });
});
