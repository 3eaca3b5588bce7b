// Tests src/sql/builtins/window.ts through the executor contract: a sorted
// partition with peer groups and frames in, one result per row out.
// Covers ranking functions with ties, ntile distribution, lag/lead with
// offsets and defaults, frame-based value functions, aggregates OVER
// growing and sliding frames, and the helpers that build frames.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Datum } from '../../../src/sql/types/datum.js';
import { T, type SqlType } from '../../../src/sql/types/types.js';
import {
  defaultFrames, peerEndsFromKeys, resolveWindow, rowsFrames, type WindowFrameBounds,
} from '../../../src/sql/builtins/window.js';
import { rejects, show } from './helpers.js';

/** Sorted ORDER BY keys of a partition; values are the function's first argument. */
function run(
  name: string, types: SqlType[], args: Datum[][], keys: string[], frames?: WindowFrameBounds[],
): string[] {
  const r = resolveWindow(name, types);
  const peerEnds = peerEndsFromKeys(keys);
  const out = r.create().evaluate({
    rowCount: keys.length,
    args: (i) => args[i] ?? [],
    peerEnds,
    frames: frames ?? defaultFrames(peerEnds),
  });
  return out.map((v) => show(v, r.returnType));
}

const keys = ['a', 'b', 'b', 'c', 'd', 'd', 'd'];
const none = keys.map(() => [] as Datum[]);

describe('ranking', () => {
  test('row_number', () => assert.deepEqual(run('row_number', [], none, keys), ['1', '2', '3', '4', '5', '6', '7']));
  test('rank with ties', () => assert.deepEqual(run('rank', [], none, keys), ['1', '2', '2', '4', '5', '5', '5']));
  test('dense_rank', () => assert.deepEqual(run('dense_rank', [], none, keys), ['1', '2', '2', '3', '4', '4', '4']));
  test('percent_rank', () =>
    assert.deepEqual(run('percent_rank', [], none, keys), ['0', '0.16666666666666666', '0.16666666666666666', '0.5', '0.6666666666666666', '0.6666666666666666', '0.6666666666666666']));
  test('cume_dist', () =>
    assert.deepEqual(run('cume_dist', [], none, ['a', 'a', 'b', 'c']), ['0.5', '0.5', '0.75', '1']));
  test('single row percent_rank is 0', () => assert.deepEqual(run('percent_rank', [], [[]], ['x']), ['0']));
  test('no ORDER BY: all rows are peers', () => assert.deepEqual(run('rank', [], [[], [], []], ['', '', '']), ['1', '1', '1']));
});

describe('ntile', () => {
  const seven = Array.from({ length: 7 }, (_v, i) => String(i));
  test('7 rows in 3 buckets', () =>
    assert.deepEqual(run('ntile', [T.int], seven.map(() => [3n]), seven), ['1', '1', '1', '2', '2', '3', '3']));
  test('more buckets than rows', () =>
    assert.deepEqual(run('ntile', [T.int], [[5n], [5n]], ['a', 'b']), ['1', '2']));
  test('non-positive argument', async () => {
    await rejects(() => run('ntile', [T.int], [[0n]], ['a']), '22014', 'argument of ntile() must be greater than zero');
  });
});

describe('lag and lead', () => {
  const vals = [[10n], [20n], [30n]];
  const k = ['1', '2', '3'];
  test('lag', () => assert.deepEqual(run('lag', [T.int], vals, k), ['NULL', '10', '20']));
  test('lead', () => assert.deepEqual(run('lead', [T.int], vals, k), ['20', '30', 'NULL']));
  test('lag offset 2 with default', () =>
    assert.deepEqual(run('lag', [T.int, T.int, T.int], vals.map((v) => [v[0]!, 2n, -1n]), k), ['-1', '-1', '10']));
  test('lead offset 0', () => assert.deepEqual(run('lead', [T.int, T.int], vals.map((v) => [v[0]!, 0n]), k), ['10', '20', '30']));
  test('negative offset reverses', () =>
    assert.deepEqual(run('lag', [T.int, T.int], vals.map((v) => [v[0]!, -1n]), k), ['20', '30', 'NULL']));
  test('NULL offset gives NULL', () =>
    assert.deepEqual(run('lag', [T.int, T.int], vals.map((v) => [v[0]!, null]), k), ['NULL', 'NULL', 'NULL']));
  test('return type follows the value', () => assert.equal(resolveWindow('lag', [T.string]).returnType, T.string));
});

describe('frame value functions', () => {
  const vals = [[1n], [2n], [3n], [4n]];
  const k = ['a', 'b', 'b', 'c'];
  test('first_value', () => assert.deepEqual(run('first_value', [T.int], vals, k), ['1', '1', '1', '1']));
  test('last_value uses the peer group end (default frame)', () =>
    assert.deepEqual(run('last_value', [T.int], vals, k), ['1', '3', '3', '4']));
  test('nth_value', () =>
    assert.deepEqual(run('nth_value', [T.int, T.int], vals.map((v) => [v[0]!, 2n]), k), ['NULL', '2', '2', '2']));
  test('ROWS 1 PRECEDING AND 1 FOLLOWING', () =>
    assert.deepEqual(run('last_value', [T.int], vals, k, rowsFrames(4, -1, 1)), ['2', '3', '4', '4']));
  test('empty frame', () =>
    assert.deepEqual(run('first_value', [T.int], vals, k, rowsFrames(4, 2, 1)), ['NULL', 'NULL', 'NULL', 'NULL']));
  test('nth_value zero', async () => {
    await rejects(() => run('nth_value', [T.int, T.int], [[1n, 0n]], ['a']), '22016');
  });
});

describe('aggregates over windows', () => {
  const vals = [[1n], [2n], [3n], [4n]];
  const k = ['a', 'b', 'b', 'c'];
  test('running sum (default frame includes peers)', () =>
    assert.deepEqual(run('sum', [T.int], vals, k), ['1', '6', '6', '10']));
  test('sliding sum', () =>
    assert.deepEqual(run('sum', [T.int], vals, k, rowsFrames(4, -1, 0)), ['1', '3', '5', '7']));
  test('whole-partition count', () =>
    assert.deepEqual(run('count', [T.int], vals, k, rowsFrames(4, null, null)), ['4', '4', '4', '4']));
  test('avg over window', () =>
    assert.deepEqual(run('avg', [T.int], vals, k, rowsFrames(4, null, 0)), ['1', '1.5', '2', '2.5']));
  test('unknown window function', async () => {
    await rejects(() => resolveWindow('nope', []), '42883', 'unknown function: nope()');
  });
});

describe('frame helpers', () => {
  test('peerEndsFromKeys', () => assert.deepEqual(peerEndsFromKeys(['a', 'a', 'b']), [2, 2, 3]));
  test('rowsFrames clamps', () =>
    assert.deepEqual(rowsFrames(3, -5, 5), [{ start: 0, end: 3 }, { start: 0, end: 3 }, { start: 0, end: 3 }]));
});
