// Owns the numeric builtins: abs, ceil/floor, round/trunc, sqrt/cbrt,
// exp/ln/log, power, mod, div, sign, pi, random, trigonometry,
// greatest/least.
//
// CockroachDB semantics kept: round(decimal) rounds half away from zero,
// round(float) half to even; ceil/floor of an INT return FLOAT; float ln/log
// of non-positive values give NaN/-Inf while the decimal forms raise 2201E;
// decimal results of sqrt/quotients carry 20 significant digits. Decimal
// exp/ln/log/cbrt and non-integer powers are computed in float64 and
// rounded (≈16 significant digits, where CockroachDB has 20).

import { BurrowError } from '../../util/errors.js';
import { compareDatums, type Datum } from '../types/datum.js';
import { T, type SqlType } from '../types/types.js';
import { decimalFromBigInt, decimalNaN, type Decimal } from '../../util/decimal.js';
import {
  absDecimal, ceilDecimal, decimalFromNumber, decimalSign, decimalToNumber, divByZero, floorDecimal, isZeroDecimal,
  powDecimal, quantizeDecimal, quantizeHalfEven, quoIntegerDecimal, remDecimal, roundToPrecision, zeroModulus,
  sqrtDecimal, truncDecimal,
} from './decimal-math.js';
import { checkInt64, int64Min, intPow } from './operators.js';
import { AnyElementT, defineFunction, overload, type FunctionDef } from './overload.js';

const F = T.float;
const D = T.decimal;
const I = T.int;

function f(d: Datum): number {
  return d as number;
}

function dec(d: Datum): Decimal {
  return d as Decimal;
}

function floatFn(name: string, fn: (x: number) => number): FunctionDef {
  return defineFunction(name, [overload([F], F, ([x]) => fn(f(x)))]);
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function roundFloatTo(x: number, scale: bigint): number {
  if (!Number.isFinite(x)) return x;
  return decimalToNumber(quantizeHalfEven(decimalFromNumber(x), Number(scale)));
}

function absInt(x: bigint): bigint {
  if (x === int64Min) throw new BurrowError('22003', 'abs of min integer value (-9223372036854775808) not defined');
  return x < 0n ? -x : x;
}

// --------------------------------------------------------------- logs

function logOfNegative(): BurrowError {
  return new BurrowError('2201E', 'cannot take logarithm of a negative number');
}

function logOfZero(): BurrowError {
  return new BurrowError('2201E', 'cannot take logarithm of zero');
}

function checkLogArg(d: Decimal): void {
  const s = decimalSign(d);
  if (s < 0) throw logOfNegative();
  if (s === 0 && d.kind === 'finite') throw logOfZero();
}

function checkFloatLogArg(x: number): void {
  if (x < 0) throw logOfNegative();
  if (x === 0) throw logOfZero();
}

function viaFloat(d: Decimal, fn: (x: number) => number): Decimal {
  if (d.kind === 'nan') return decimalNaN;
  return roundToPrecision(decimalFromNumber(fn(decimalToNumber(d))), 16);
}

function decimalLog(b: Decimal, x: Decimal): Decimal {
  checkLogArg(x);
  checkLogArg(b);
  return viaFloat(x, (v) => Math.log(v) / Math.log(decimalToNumber(b)));
}

function floatLog(b: number, x: number): number {
  checkFloatLogArg(x);
  checkFloatLogArg(b);
  return Math.log10(x) / Math.log10(b);
}

function decimalCbrt(d: Decimal): Decimal {
  return viaFloat(d, Math.cbrt);
}

// ------------------------------------------------------------- sign etc.

function signDecimal(d: Decimal): Decimal {
  if (d.kind === 'nan') return decimalNaN;
  return decimalFromBigInt(BigInt(decimalSign(d)));
}

function divDecimalFn(x: Decimal, y: Decimal): Decimal {
  if (isZeroDecimal(y)) throw divByZero();
  return quoIntegerDecimal(x, y);
}

function modDecimalFn(x: Decimal, y: Decimal): Decimal {
  if (isZeroDecimal(y)) throw zeroModulus();
  return remDecimal(x, y);
}

function intDivOrMod(x: bigint, y: bigint, mod: boolean): bigint {
  if (y === 0n) throw mod ? zeroModulus() : divByZero();
  return mod ? x % y : checkInt64(x / y);
}

function sqrtFloat(x: number): number {
  if (x < 0) throw new BurrowError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

// -------------------------------------------------------- greatest/least

function extreme(args: readonly Datum[], t: SqlType, wantMax: boolean): Datum {
  let best: Datum = null;
  for (const a of args) {
    if (a === null) continue;
    if (best === null) best = a;
    else {
      const c = compareDatums(a, best, t);
      if (wantMax ? c > 0 : c < 0) best = a;
    }
  }
  return best;
}

function extremeFunction(name: string, wantMax: boolean): FunctionDef {
  return defineFunction(name, [
    overload({ variadic: AnyElementT }, (ts) => ts.find((t) => t.family !== 'unknown') ?? T.unknown,
      (args, _ctx, types) => extreme(args, types.find((t) => t.family !== 'unknown') ?? T.unknown, wantMax), { strict: false }),
  ]);
}


// ------------------------------------------------------------ definitions

export const mathFunctions: FunctionDef[] = [
  defineFunction('abs', [
    overload([F], F, ([x]) => Math.abs(f(x))),
    overload([D], D, ([x]) => absDecimal(dec(x))),
    overload([I], I, ([x]) => absInt(x as bigint)),
  ]),
  ...['ceil', 'ceiling'].map((name) => defineFunction(name, [
    overload([F], F, ([x]) => Math.ceil(f(x)) + 0),
    overload([D], D, ([x]) => ceilDecimal(dec(x))),
    overload([I], F, ([x]) => Number(x as bigint)),
  ])),
  defineFunction('floor', [
    overload([F], F, ([x]) => Math.floor(f(x))),
    overload([D], D, ([x]) => floorDecimal(dec(x))),
    overload([I], F, ([x]) => Number(x as bigint)),
  ]),
  defineFunction('round', [
    overload([F], F, ([x]) => roundHalfEven(f(x))),
    overload([D], D, ([x]) => quantizeDecimal(dec(x), 0)),
    overload([F, I], F, ([x, s]) => roundFloatTo(f(x), s as bigint)),
    overload([D, I], D, ([x, s]) => quantizeDecimal(dec(x), Number(s as bigint))),
  ]),
  defineFunction('trunc', [
    overload([F], F, ([x]) => Math.trunc(f(x))),
    overload([D], D, ([x]) => truncDecimal(dec(x))),
    overload([D, I], D, ([x, s]) => truncDecimal(dec(x), Number(s as bigint))),
  ]),
  defineFunction('sqrt', [
    overload([F], F, ([x]) => sqrtFloat(f(x))),
    overload([D], D, ([x]) => sqrtDecimal(dec(x))),
  ]),
  defineFunction('cbrt', [
    overload([F], F, ([x]) => Math.cbrt(f(x))),
    overload([D], D, ([x]) => decimalCbrt(dec(x))),
  ]),
  defineFunction('exp', [
    overload([F], F, ([x]) => Math.exp(f(x))),
    overload([D], D, ([x]) => viaFloat(dec(x), Math.exp)),
  ]),
  defineFunction('ln', [
    overload([F], F, ([x]) => Math.log(f(x))),
    overload([D], D, ([x]) => (checkLogArg(dec(x)), viaFloat(dec(x), Math.log))),
  ]),
  defineFunction('log', [
    overload([F], F, ([x]) => Math.log10(f(x))),
    overload([D], D, ([x]) => (checkLogArg(dec(x)), viaFloat(dec(x), Math.log10))),
    overload([F, F], F, ([b, x]) => floatLog(f(b), f(x))),
    overload([D, D], D, ([b, x]) => decimalLog(dec(b), dec(x))),
  ]),
  ...['pow', 'power'].map((name) => defineFunction(name, [
    overload([F, F], F, ([x, y]) => Math.pow(f(x), f(y))),
    overload([D, D], D, ([x, y]) => powDecimal(dec(x), dec(y))),
    overload([I, I], I, ([x, y]) => intPow(x as bigint, y as bigint)),
  ])),
  defineFunction('mod', [
    overload([F, F], F, ([x, y]) => f(x) % f(y)),
    overload([D, D], D, ([x, y]) => modDecimalFn(dec(x), dec(y))),
    overload([I, I], I, ([x, y]) => intDivOrMod(x as bigint, y as bigint, true)),
  ]),
  defineFunction('div', [
    overload([F, F], F, ([x, y]) => Math.trunc(f(x) / f(y))),
    overload([D, D], D, ([x, y]) => divDecimalFn(dec(x), dec(y))),
    overload([I, I], I, ([x, y]) => intDivOrMod(x as bigint, y as bigint, false)),
  ]),
  defineFunction('sign', [
    overload([F], F, ([x]) => (f(x) < 0 ? -1 : f(x) > 0 ? 1 : 0)),
    overload([D], D, ([x]) => signDecimal(dec(x))),
    overload([I], I, ([x]) => ((x as bigint) < 0n ? -1n : (x as bigint) > 0n ? 1n : 0n)),
  ]),
  defineFunction('pi', [overload([], F, () => Math.PI)]),
  defineFunction('random', [overload([], F, () => Math.random(), { volatility: 'volatile' })]),
  defineFunction('isnan', [
    overload([F], T.bool, ([x]) => Number.isNaN(f(x))),
    overload([D], T.bool, ([x]) => dec(x).kind === 'nan'),
  ]),
  floatFn('degrees', (x) => (x * 180) / Math.PI),
  floatFn('radians', (x) => (x * Math.PI) / 180),
  floatFn('sin', Math.sin),
  floatFn('cos', Math.cos),
  floatFn('tan', Math.tan),
  floatFn('cot', (x) => 1 / Math.tan(x)),
  floatFn('asin', Math.asin),
  floatFn('acos', Math.acos),
  floatFn('atan', Math.atan),
  floatFn('sinh', Math.sinh),
  floatFn('cosh', Math.cosh),
  floatFn('tanh', Math.tanh),
  defineFunction('atan2', [overload([F, F], F, ([x, y]) => Math.atan2(f(x), f(y)))]),
  extremeFunction('greatest', true),
  extremeFunction('least', false),
];
