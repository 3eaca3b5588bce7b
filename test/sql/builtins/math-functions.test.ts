// Tests the numeric builtins: CockroachDB's rounding rules (decimal half
// away from zero, float half to even), types of ceil/floor on INT, logs
// and their errors, integer functions and overflow, greatest/least.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T } from '../../../src/sql/types/types.js';
import { resolveFunction } from '../../../src/sql/builtins/registry.js';
import { call, d, f, i, nul, rejects, s, type Arg } from './helpers.js';

type Row = [string, string, Arg[], string];

const rows: Row[] = [
  ['abs int', 'abs', [i(-5)], '5'],
  ['abs float', 'abs', [f(-1.5)], '1.5'],
  ['abs decimal', 'abs', [d('-1.50')], '1.50'],
  ['ceil float', 'ceil', [f(1.2)], '2'],
  ['ceil negative float', 'ceil', [f(-1.2)], '-1'],
  ['ceiling decimal', 'ceiling', [d('1.01')], '2'],
  ['ceil int is float', 'ceil', [i(3)], '3'],
  ['floor decimal', 'floor', [d('-1.5')], '-2'],
  ['floor float', 'floor', [f(2.7)], '2'],
  ['round decimal half away', 'round', [d('2.5')], '3'],
  ['round decimal negative half away', 'round', [d('-2.5')], '-3'],
  ['round float half even', 'round', [f(2.5)], '2'],
  ['round float half even odd', 'round', [f(3.5)], '4'],
  ['round float negative', 'round', [f(-2.5)], '-2'],
  ['round decimal scale', 'round', [d('3.14159'), i(2)], '3.14'],
  ['round decimal scale pads', 'round', [d('1.5'), i(3)], '1.500'],
  ['round decimal negative scale', 'round', [d('1250'), i(-2)], '1300'],
  ['round float scale', 'round', [f(2.675), i(2)], '2.68'],
  ['round float scale half even', 'round', [f(0.125), i(2)], '0.12'],
  ['trunc float', 'trunc', [f(-2.7)], '-2'],
  ['trunc decimal', 'trunc', [d('2.789')], '2'],
  ['trunc decimal scale', 'trunc', [d('2.789'), i(1)], '2.7'],
  ['sqrt float', 'sqrt', [f(16)], '4'],
  ['sqrt decimal', 'sqrt', [d('2')], '1.4142135623730950488'],
  ['cbrt float', 'cbrt', [f(27)], '3'],
  ['exp float', 'exp', [f(0)], '1'],
  ['ln float', 'ln', [f(1)], '0'],
  ['ln float of zero is -Infinity', 'ln', [f(0)], '-Infinity'],
  ['log10 float', 'log', [f(1000)], '3'],
  ['log base', 'log', [f(2), f(8)], '3'],
  ['log decimal', 'log', [d('100')], '2'],
  ['log decimal base', 'log', [d('2'), d('1024')], '10'],
  ['ln decimal', 'ln', [d('1')], '0'],
  ['exp decimal', 'exp', [d('0')], '1'],
  ['pow int', 'pow', [i(3), i(4)], '81'],
  ['power float', 'power', [f(2), f(-1)], '0.5'],
  ['pow decimal', 'pow', [d('1.5'), d('3')], '3.375'],
  ['mod int', 'mod', [i(-7), i(3)], '-1'],
  ['mod decimal', 'mod', [d('7.5'), d('2')], '1.5'],
  ['mod float', 'mod', [f(7.5), f(2)], '1.5'],
  ['div int', 'div', [i(-7), i(2)], '-3'],
  ['div decimal', 'div', [d('7.9'), d('2')], '3'],
  ['div float', 'div', [f(7.9), f(2)], '3'],
  ['sign int', 'sign', [i(-9)], '-1'],
  ['sign decimal', 'sign', [d('0.00')], '0'],
  ['sign float', 'sign', [f(2.5)], '1'],
  ['pi', 'pi', [], '3.141592653589793'],
  ['degrees', 'degrees', [f(Math.PI)], '180'],
  ['isnan', 'isnan', [f(NaN)], 't'],
  ['greatest ints', 'greatest', [i(1), i(5), i(3)], '5'],
  ['greatest skips NULL', 'greatest', [i(1), nul(T.int), i(3)], '3'],
  ['least strings', 'least', [s('b'), s('a'), s('c')], 'a'],
  ['least all NULL', 'least', [nul(T.int), nul(T.int)], 'NULL'],
  ['greatest decimals of different scales', 'greatest', [d('1.50'), d('1.5000001')], '1.5000001'],
  ['sqrt via int promotion', 'sqrt', [i(9)], '3'],
  ['greatest promotes int to decimal', 'greatest', [i(2), d('2.5')], '2.5'],
  ['least promotes int to decimal', 'least', [d('2.5'), i(2)], '2'],
];

describe('math builtins', () => {
  for (const [name, fn, args, want] of rows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args), want));
  }

  test('random is volatile and in [0, 1)', async () => {
    const r = resolveFunction('random', []);
    assert.equal(r.volatility, 'volatile');
    const v = Number(await call('random', []));
    assert.ok(v >= 0 && v < 1);
  });

  test('return types', () => {
    assert.equal(resolveFunction('ceil', [T.int]).returnType, T.float);
    assert.equal(resolveFunction('round', [T.decimal, T.int]).returnType, T.decimal);
    assert.equal(resolveFunction('greatest', [T.int, T.int]).returnType, T.int);
    assert.deepEqual(resolveFunction('sqrt', [T.int]).paramTypes, [T.decimal]);
    assert.deepEqual(resolveFunction('greatest', [T.int, T.decimal]).paramTypes, [T.decimal, T.decimal]);
    assert.equal(resolveFunction('greatest', [T.int, T.decimal]).returnType, T.decimal);
  });
});

describe('math builtin errors', () => {
  test('abs of min int', async () => {
    await rejects(() => call('abs', [i(-9223372036854775808n)]), '22003', 'abs of min integer value (-9223372036854775808) not defined');
  });
  test('sqrt of negative', async () => {
    await rejects(() => call('sqrt', [f(-1)]), '2201F', 'cannot take square root of a negative number');
    await rejects(() => call('sqrt', [d('-4')]), '2201F');
  });
  test('logs of non-positive decimals', async () => {
    await rejects(() => call('ln', [d('0')]), '2201E', 'cannot take logarithm of zero');
    await rejects(() => call('log', [d('-1')]), '2201E', 'cannot take logarithm of a negative number');
    await rejects(() => call('log', [f(2), f(0)]), '2201E', 'cannot take logarithm of zero');
  });
  test('integer division and mod by zero', async () => {
    await rejects(() => call('mod', [i(1), i(0)]), '22012', 'zero modulus');
    await rejects(() => call('div', [d('1'), d('0')]), '22012', 'division by zero');
  });
  test('pow overflow', async () => {
    await rejects(() => call('pow', [i(10), i(19)]), '22003', 'integer out of range');
  });
});
