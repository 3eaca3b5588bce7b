// Tests src/sql/builtins/decimal-math.ts: CockroachDB's 20-digit quotient
// (exact results at the ideal exponent), integer quotient and remainder,
// rounding modes, truncation, floor/ceil, square roots and powers, plus a
// property check of the quotient against exact rational arithmetic.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decimalToString, finiteDecimal, parseDecimal } from '../../../src/util/decimal.js';
import {
  ceilDecimal, floorDecimal, isqrt, powDecimal, quantizeDecimal, quantizeHalfEven, quoDecimal, quoIntegerDecimal,
  remDecimal, roundToPrecision, sqrtDecimal, truncDecimal,
} from '../../../src/sql/builtins/decimal-math.js';
import { rejects } from './helpers.js';

const D = parseDecimal;
const str = decimalToString;

describe('quoDecimal', () => {
  const cases: [string, string, string][] = [
    ['1', '3', '0.33333333333333333333'],
    ['2', '3', '0.66666666666666666667'],
    ['-2', '3', '-0.66666666666666666667'],
    ['10', '4', '2.5'],
    ['6', '2', '3'],
    ['6.0', '2', '3.0'],
    ['1.000', '4', '0.250'],
    ['100', '10', '10'],
    ['0', '5', '0'],
    ['0.00', '5', '0.00'],
    ['1', '8', '0.125'],
    ['1', '7', '0.14285714285714285714'],
    ['123456789', '0.001', '123456789000'],
    ['1', '0.3', '3.3333333333333333333'],
    ['9.99999999999999999999', '1', '10.000000000000000000'],
  ];
  for (const [a, b, want] of cases) test(`${a} / ${b}`, () => assert.equal(str(quoDecimal(D(a), D(b))), want));

  test('division by zero', async () => {
    await rejects(() => quoDecimal(D('1'), D('0')), '22012', 'division by zero');
  });

  test('special values', () => {
    assert.equal(str(quoDecimal(D('Infinity'), D('2'))), 'Infinity');
    assert.equal(str(quoDecimal(D('1'), D('-Infinity'))), '0');
    assert.equal(str(quoDecimal(D('NaN'), D('2'))), 'NaN');
  });

  test('property: result is the exact quotient rounded to 20 significant digits', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: -10, max: 10 }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: -10, max: 10 }),
      (ca, ea, cb, eb) => {
        const q = quoDecimal(finiteDecimal(ca, ea), finiteDecimal(cb, eb));
        assert.equal(q.kind, 'finite');
        if (q.kind !== 'finite') return;
        // |a/b - q| <= half a unit in the last place of q: compare 2*|a*10^k - q*b*10^m| <= unit.
        const minExp = Math.min(ea, q.exp + eb) - 1;
        const A = ca * 10n ** BigInt(ea - minExp);
        const QB = q.coef * cb * 10n ** BigInt(q.exp + eb - minExp);
        const unit = cb * 10n ** BigInt(q.exp + eb - minExp);
        const diff = A - QB < 0n ? QB - A : A - QB;
        assert.ok(2n * diff <= unit, `${ca}e${ea} / ${cb}e${eb} = ${str(q)}`);
        assert.ok(q.coef.toString().replace('-', '').length <= 20);
      },
    ), { numRuns: 500 });
  });
});

describe('integer quotient, remainder, rounding', () => {
  const cases: [string, () => string, string][] = [
    ['7.5 // 2', () => str(quoIntegerDecimal(D('7.5'), D('2'))), '3'],
    ['-7.5 // 2', () => str(quoIntegerDecimal(D('-7.5'), D('2'))), '-3'],
    ['7.5 % 2', () => str(remDecimal(D('7.5'), D('2'))), '1.5'],
    ['-7.5 % 2', () => str(remDecimal(D('-7.5'), D('2'))), '-1.5'],
    ['10 % 0.3', () => str(remDecimal(D('10'), D('0.3'))), '0.1'],
    ['round 2.5', () => str(quantizeDecimal(D('2.5'), 0)), '3'],
    ['round -2.5', () => str(quantizeDecimal(D('-2.5'), 0)), '-3'],
    ['round 2.4', () => str(quantizeDecimal(D('2.4'), 0)), '2'],
    ['round 1.005, 2', () => str(quantizeDecimal(D('1.005'), 2)), '1.01'],
    ['round 1.5, 3 pads', () => str(quantizeDecimal(D('1.5'), 3)), '1.500'],
    ['round 1234.5, -2', () => str(quantizeDecimal(D('1234.5'), -2)), '1200'],
    ['half even 2.5', () => str(quantizeHalfEven(D('2.5'), 0)), '2'],
    ['half even 3.5', () => str(quantizeHalfEven(D('3.5'), 0)), '4'],
    ['half even 2.675, 2', () => str(quantizeHalfEven(D('2.675'), 2)), '2.68'],
    ['trunc 1.99', () => str(truncDecimal(D('1.99'))), '1'],
    ['trunc -1.99', () => str(truncDecimal(D('-1.99'))), '-1'],
    ['trunc 1.2345, 2', () => str(truncDecimal(D('1.2345'), 2)), '1.23'],
    ['trunc 0.001, 1', () => str(truncDecimal(D('0.001'), 1)), '0.0'],
    ['trunc 5, 2 pads', () => str(truncDecimal(D('5'), 2)), '5.00'],
    ['floor -1.5', () => str(floorDecimal(D('-1.5'))), '-2'],
    ['floor 1.5', () => str(floorDecimal(D('1.5'))), '1'],
    ['floor -2.0', () => str(floorDecimal(D('-2.0'))), '-2'],
    ['ceil 1.1', () => str(ceilDecimal(D('1.1'))), '2'],
    ['ceil -1.1', () => str(ceilDecimal(D('-1.1'))), '-1'],
    ['precision 20', () => str(roundToPrecision(D('1.23456789012345678901234'))), '1.2345678901234567890'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));
});

describe('sqrt and pow', () => {
  const cases: [string, () => string, string][] = [
    ['sqrt 2', () => str(sqrtDecimal(D('2'))), '1.4142135623730950488'],
    ['sqrt 4', () => str(sqrtDecimal(D('4'))), '2'],
    ['sqrt 4.00', () => str(sqrtDecimal(D('4.00'))), '2.0'],
    ['sqrt 0.25', () => str(sqrtDecimal(D('0.25'))), '0.5'],
    ['sqrt 1e-10', () => str(sqrtDecimal(D('1e-10'))), '0.00001'],
    ['sqrt 0', () => str(sqrtDecimal(D('0'))), '0'],
    ['pow 2^10', () => str(powDecimal(D('2'), D('10'))), '1024'],
    ['pow 1.1^2', () => str(powDecimal(D('1.1'), D('2'))), '1.21'],
    ['pow 2^-2', () => str(powDecimal(D('2'), D('-2'))), '0.25'],
    ['pow 4^0.5', () => str(powDecimal(D('4'), D('0.5'))), '2'],
    ['isqrt', () => isqrt(10n ** 40n + 1n).toString(), '100000000000000000000'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('errors', async () => {
    await rejects(() => sqrtDecimal(D('-1')), '2201F', 'cannot take square root of a negative number');
    await rejects(() => powDecimal(D('0'), D('-1')), '2201F', 'zero raised to a negative power is undefined');
    await rejects(() => powDecimal(D('-8'), D('0.5')), '2201F',
      'a negative number raised to a non-integer power yields a complex result');
  });
});
