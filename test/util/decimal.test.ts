// Tests src/util/decimal.ts: parsing and printing (PostgreSQL/CockroachDB
// forms), ordering against a brute-force reference, normalization, and exact
// add/sub/mul including NaN and infinities.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../src/util/errors.js';
import {
  addDecimal,
  compareDecimal,
  decimalEquals,
  decimalFromBigInt,
  decimalToString,
  finiteDecimal,
  mulDecimal,
  negateDecimal,
  normalizeDecimal,
  parseDecimal,
  subDecimal,
  type Decimal,
} from '../../src/util/decimal.js';

const numRuns = 1000;

const finiteArb: fc.Arbitrary<Decimal> = fc
  .record({
    coef: fc.oneof(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: -1000n, max: 1000n })),
    exp: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -60, max: 60 })),
    extraScale: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ coef, exp, extraScale }) => finiteDecimal(coef * 10n ** BigInt(extraScale), exp - extraScale));

const specialArb: fc.Arbitrary<Decimal> = fc.constantFrom(
  ...['NaN', 'Infinity', '-Infinity', '0', '0.00', '1', '1.0', '-1', '1e-100000', '-1e100000'].map(parseDecimal),
);

const decimalArb = fc.oneof({ arbitrary: finiteArb, weight: 5 }, { arbitrary: specialArb, weight: 1 });

function rank(d: Decimal): number {
  if (d.kind === 'nan') return 0;
  if (d.kind === 'inf') return d.neg ? 1 : 3;
  return 2;
}

/** Brute force: align both coefficients to the smaller exponent. */
function referenceCompare(a: Decimal, b: Decimal): number {
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0;
  const minExp = Math.min(a.exp, b.exp);
  const x = a.coef * 10n ** BigInt(a.exp - minExp);
  const y = b.coef * 10n ** BigInt(b.exp - minExp);
  return x < y ? -1 : x > y ? 1 : 0;
}

function fields(d: Decimal): unknown {
  return d.kind === 'finite' ? { coef: d.coef, exp: d.exp } : d;
}

function isBurrowError(code: string, message?: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof BurrowError);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

describe('parseDecimal', () => {
  test('accepts numbers, exponents and special values', () => {
    const cases: [string, unknown][] = [
      ['-12.340', { coef: -12340n, exp: -3 }],
      ['1e10', { coef: 1n, exp: 10 }],
      ['1.5E-3', { coef: 15n, exp: -4 }],
      ['1.5e+3', { coef: 15n, exp: 2 }],
      ['.5', { coef: 5n, exp: -1 }],
      ['5.', { coef: 5n, exp: 0 }],
      ['+7', { coef: 7n, exp: 0 }],
      ['  42 ', { coef: 42n, exp: 0 }],
      ['0.00', { coef: 0n, exp: -2 }],
      ['-0.0', { coef: 0n, exp: -1 }],
      ['007', { coef: 7n, exp: 0 }],
      ['1e-0', { coef: 1n, exp: 0 }],
      ['NaN', { kind: 'nan' }],
      ['nan', { kind: 'nan' }],
      ['Infinity', { kind: 'inf', neg: false }],
      ['inf', { kind: 'inf', neg: false }],
      ['+INF', { kind: 'inf', neg: false }],
      ['-Infinity', { kind: 'inf', neg: true }],
      ['-inf', { kind: 'inf', neg: true }],
    ];
    for (const [text, expected] of cases) assert.deepEqual(fields(parseDecimal(text)), expected, text);
  });

  test('rejects garbage with 22P02', () => {
    for (const text of ['', ' ', 'abc', '1.2.3', '1e', 'e5', '--1', '1 2', '0x10', '\u0661', 'Infinityx', '-nan', '.', '1e1.5']) {
      assert.throws(() => parseDecimal(text), isBurrowError('22P02', `could not parse "${text}" as type decimal`), text);
    }
  });

  test('rejects exponents beyond ±100000 with 22003', () => {
    assert.throws(() => parseDecimal('1e100001'), isBurrowError('22003'));
    assert.throws(() => parseDecimal('1e-100001'), isBurrowError('22003'));
    assert.throws(() => parseDecimal('1e99999999999999999999999'), isBurrowError('22003'));
    assert.deepEqual(fields(parseDecimal('1e100000')), { coef: 1n, exp: 100000 });
  });
});

describe('decimalToString', () => {
  test('prints PostgreSQL/CockroachDB forms', () => {
    const cases: [Decimal, string][] = [
      [finiteDecimal(150n, -2), '1.50'],
      [finiteDecimal(-5n, -1), '-0.5'],
      [finiteDecimal(5n, -3), '0.005'],
      [finiteDecimal(-12340n, -3), '-12.340'],
      [finiteDecimal(15n, 2), '1500'],
      [finiteDecimal(1n, 32), '1' + '0'.repeat(32)],
      [finiteDecimal(1n, 33), '1E+33'],
      [finiteDecimal(1n, 100), '1E+100'],
      [finiteDecimal(15n, 100), '1.5E+101'],
      [finiteDecimal(-15n, 100), '-1.5E+101'],
      [finiteDecimal(0n, -2), '0.00'],
      [finiteDecimal(0n, 0), '0'],
      [finiteDecimal(0n, 50), '0'],
      [decimalFromBigInt(-9223372036854775808n), '-9223372036854775808'],
      [parseDecimal('NaN'), 'NaN'],
      [parseDecimal('inf'), 'Infinity'],
      [parseDecimal('-inf'), '-Infinity'],
    ];
    for (const [d, expected] of cases) assert.equal(decimalToString(d), expected);
  });

  test('parse(print(d)) gives back d (exactly when exp <= 0 or in scientific form)', () => {
    fc.assert(
      fc.property(decimalArb, (d) => {
        const text = decimalToString(d);
        const back = parseDecimal(text);
        assert.ok(decimalEquals(back, d), text);
        const plainPositiveExp = d.kind === 'finite' && d.exp > 0 && !text.includes('E');
        if (!plainPositiveExp && !(d.kind === 'finite' && d.coef === 0n)) assert.deepEqual(back, d, text);
      }),
      { numRuns },
    );
  });
});

describe('compareDecimal', () => {
  test('NaN < -Infinity < finite < +Infinity; equal values of any scale are equal', () => {
    const ordered = ['NaN', '-Infinity', '-1e100000', '-1', '-0.5', '0', '1e-100000', '0.5', '1', '1e100000', 'Infinity'];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = i < j ? -1 : i > j ? 1 : 0;
        assert.equal(compareDecimal(parseDecimal(ordered[i]!), parseDecimal(ordered[j]!)), expected);
      }
    }
    assert.ok(decimalEquals(parseDecimal('1.0'), parseDecimal('1.00')));
    assert.ok(decimalEquals(parseDecimal('100'), parseDecimal('1e2')));
    assert.ok(decimalEquals(parseDecimal('NaN'), parseDecimal('nan')));
    assert.ok(decimalEquals(parseDecimal('0.000'), parseDecimal('-0')));
  });

  test('matches the brute-force reference and is antisymmetric', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const c = compareDecimal(a, b);
        assert.equal(c, referenceCompare(a, b));
        assert.equal(compareDecimal(b, a), -c || 0);
      }),
      { numRuns },
    );
  });
});

describe('normalizeDecimal', () => {
  test('strips trailing zeros, keeps the value, and is idempotent', () => {
    assert.deepEqual(fields(normalizeDecimal(parseDecimal('1.500'))), { coef: 15n, exp: -1 });
    assert.deepEqual(fields(normalizeDecimal(parseDecimal('-1200'))), { coef: -12n, exp: 2 });
    assert.deepEqual(fields(normalizeDecimal(parseDecimal('0.000'))), { coef: 0n, exp: 0 });
    fc.assert(
      fc.property(decimalArb, (d) => {
        const n = normalizeDecimal(d);
        assert.ok(decimalEquals(n, d));
        assert.deepEqual(normalizeDecimal(n), n);
        if (n.kind === 'finite' && n.coef !== 0n) assert.notEqual(n.coef % 10n, 0n);
      }),
      { numRuns },
    );
  });
});

describe('arithmetic', () => {
  test('known results keep PostgreSQL scales', () => {
    const op = (f: (a: Decimal, b: Decimal) => Decimal, a: string, b: string) =>
      decimalToString(f(parseDecimal(a), parseDecimal(b)));
    assert.equal(op(addDecimal, '1.50', '1'), '2.50');
    assert.equal(op(addDecimal, '0.1', '0.2'), '0.3');
    assert.equal(op(subDecimal, '1', '1.000'), '0.000');
    assert.equal(op(subDecimal, '-5', '7.25'), '-12.25');
    assert.equal(op(mulDecimal, '1.5', '1.50'), '2.250');
    assert.equal(op(mulDecimal, '-2', '0.5'), '-1.0');
    assert.equal(op(addDecimal, '99999999999999999999', '1'), '100000000000000000000');
  });

  test('NaN and infinities', () => {
    const op = (f: (a: Decimal, b: Decimal) => Decimal, a: string, b: string) =>
      decimalToString(f(parseDecimal(a), parseDecimal(b)));
    assert.equal(op(addDecimal, 'Infinity', '-Infinity'), 'NaN');
    assert.equal(op(subDecimal, 'Infinity', 'Infinity'), 'NaN');
    assert.equal(op(addDecimal, 'Infinity', 'Infinity'), 'Infinity');
    assert.equal(op(addDecimal, '5', '-Infinity'), '-Infinity');
    assert.equal(op(subDecimal, '5', '-Infinity'), 'Infinity');
    assert.equal(op(addDecimal, 'NaN', '1'), 'NaN');
    assert.equal(op(mulDecimal, 'Infinity', '0'), 'NaN');
    assert.equal(op(mulDecimal, '-Infinity', '-2'), 'Infinity');
    assert.equal(op(mulDecimal, '-Infinity', '3'), '-Infinity');
    assert.equal(op(mulDecimal, 'NaN', 'Infinity'), 'NaN');
    assert.equal(decimalToString(negateDecimal(parseDecimal('-Infinity'))), 'Infinity');
  });

  test('finite add, sub and mul are exact', () => {
    fc.assert(
      fc.property(finiteArb, finiteArb, finiteArb, (a, b, c) => {
        if (a.kind !== 'finite' || b.kind !== 'finite') return;
        const sum = addDecimal(a, b);
        assert.equal(sum.kind === 'finite' && sum.exp, Math.min(a.exp, b.exp));
        assert.equal(compareDecimal(sum, a), compareDecimal(b, finiteDecimal(0n, 0)));
        assert.ok(decimalEquals(subDecimal(sum, b), a));
        assert.ok(decimalEquals(addDecimal(a, b), addDecimal(b, a)));
        assert.ok(decimalEquals(mulDecimal(a, b), mulDecimal(b, a)));
        assert.ok(decimalEquals(mulDecimal(a, addDecimal(b, c)), addDecimal(mulDecimal(a, b), mulDecimal(a, c))));
        assert.ok(decimalEquals(mulDecimal(a, finiteDecimal(1n, 0)), a));
      }),
      { numRuns },
    );
  });
});
