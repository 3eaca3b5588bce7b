// Tests the additions to src/util/decimal.ts the type layer uses: division
// with rounding to a scale, rounding to a scale, and float conversions
// (half away from zero, division by zero, NaN and infinities), with a
// property check of division against exact rational arithmetic.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import {
  decimalFromNumber, decimalToNumber, decimalToString, divDecimal, finiteDecimal, parseDecimal, roundDecimal,
} from '../../../src/util/decimal.js';

const d = parseDecimal;
const s = decimalToString;

describe('divDecimal', () => {
  const cases: Array<[string, string, number, string]> = [
    ['1', '3', 4, '0.3333'],
    ['2', '3', 4, '0.6667'],
    ['-2', '3', 2, '-0.67'],
    ['2', '-3', 2, '-0.67'],
    ['1.5', '0.5', 0, '3'],
    ['10', '4', 0, '3'],
    ['-10', '4', 0, '-3'],
    ['1', '8', 2, '0.13'],
    ['1', '8', 3, '0.125'],
    ['1e10', '1e-10', 0, '100000000000000000000'],
    ['123', '10', -1, '10'],
    ['Infinity', '2', 2, 'Infinity'],
    ['Infinity', '-2', 2, '-Infinity'],
    ['1', 'Infinity', 2, '0.00'],
    ['Infinity', 'Infinity', 2, 'NaN'],
    ['NaN', '1', 2, 'NaN'],
  ];
  for (const [a, b, scale, expected] of cases) {
    test(`${a} / ${b} to ${scale} digits`, () => assert.equal(s(divDecimal(d(a), d(b), scale)), expected));
  }
  test('division by zero', () => {
    for (const a of ['1', '0', 'Infinity']) {
      assert.throws(() => divDecimal(d(a), d('0.00'), 2), (err: unknown) =>
        err instanceof BurrowError && err.code === '22012' && err.message === 'division by zero');
    }
  });
  test('matches exact rational rounding', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.integer({ min: 0, max: 12 }), (num, den, scale) => {
        const q = divDecimal(finiteDecimal(num, 0), finiteDecimal(den, 0), scale);
        const scaled = num * 10n ** BigInt(scale);
        const abs = scaled < 0n ? -scaled : scaled;
        const rounded = (abs * 2n + den) / (2n * den);
        assert.deepEqual(q, finiteDecimal(scaled < 0n ? -rounded : rounded, -scale));
      }), { numRuns: 1000 });
  });
});

describe('roundDecimal', () => {
  const cases: Array<[string, number, string]> = [
    ['2.5', 0, '3'], ['-2.5', 0, '-3'], ['2.49', 0, '2'], ['1.5', 2, '1.50'], ['1.005', 2, '1.01'],
    ['1234', -2, '1200'], ['1250', -2, '1300'], ['0.0004', 3, '0.000'], ['NaN', 2, 'NaN'], ['-Infinity', 0, '-Infinity'],
  ];
  for (const [input, scale, expected] of cases) {
    test(`round(${input}, ${scale})`, () => assert.equal(s(roundDecimal(d(input), scale)), expected));
  }
});

describe('float conversions', () => {
  test('decimalToNumber', () => {
    assert.equal(decimalToNumber(d('1.25')), 1.25);
    assert.equal(decimalToNumber(d('-1e400')), -Infinity);
    assert.ok(Number.isNaN(decimalToNumber(d('NaN'))));
    assert.equal(decimalToNumber(d('Infinity')), Infinity);
  });
  test('decimalFromNumber gives the shortest form', () => {
    assert.equal(s(decimalFromNumber(0.1)), '0.1');
    assert.equal(s(decimalFromNumber(1e21)), '1000000000000000000000');
    assert.equal(s(decimalFromNumber(-1.5e-7)), '-0.00000015');
    assert.equal(s(decimalFromNumber(-0)), '0');
    assert.equal(s(decimalFromNumber(NaN)), 'NaN');
    assert.equal(s(decimalFromNumber(-Infinity)), '-Infinity');
  });
  test('round trip', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (f) => {
      assert.equal(decimalToNumber(decimalFromNumber(f)), f === 0 ? 0 : f);
    }), { numRuns: 1000 });
  });
});
