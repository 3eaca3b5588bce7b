// Owns DECIMAL arithmetic beyond util/decimal.ts's exact add/sub/mul, with
// CockroachDB's (apd) semantics:
// - quoDecimal: DecimalCtx.Quo, 20 significant digits, round half up (away
//   from zero); an exact quotient keeps the ideal exponent
//   (exp(a) - exp(b)) when it fits, so 10/4 = 2.5, 6/2 = 3, 1/3 =
//   0.33333333333333333333.
// - quoIntegerDecimal / remDecimal: truncated quotient (exponent 0) and the
//   remainder with the dividend's sign at min(exp(a), exp(b)).
// - quantizeDecimal: round half away from zero to a fixed exponent (ROUND).
// - sqrtDecimal: 20 significant digits, exact results at the ideal exponent.
// Callers check for zero divisors (division by zero is the operator's error).

import { BurrowError } from '../../util/errors.js';
import {
  decimalFromNumber, decimalNaN, decimalNegInf, decimalPosInf, decimalToNumber, decimalZero, finiteDecimal, pow10Big,
  roundDecimal, type Decimal, type FiniteDecimal,
} from '../../util/decimal.js';

export { decimalFromNumber, decimalToNumber } from '../../util/decimal.js';

/** CockroachDB's DecimalCtx precision (significant digits of quotients, sqrt, pow). */
export const decimalPrecisionDigits = 20;

export function digitCount(v: bigint): number {
  return (v < 0n ? -v : v).toString().length;
}

export function isZeroDecimal(d: Decimal): boolean {
  return d.kind === 'finite' && d.coef === 0n;
}

export function decimalSign(d: Decimal): number {
  if (d.kind === 'nan') return 0;
  if (d.kind === 'inf') return d.neg ? -1 : 1;
  return d.coef < 0n ? -1 : d.coef > 0n ? 1 : 0;
}

export function divByZero(): BurrowError {
  return new BurrowError('22012', 'division by zero');
}

/** CockroachDB's error for `%` / mod() by zero (integer and decimal). */
export function zeroModulus(): BurrowError {
  return new BurrowError('22012', 'zero modulus');
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Smallest k with a × 10^k >= b (a, b > 0). */
function leadingShift(a: bigint, b: bigint): number {
  const k0 = digitCount(b) - digitCount(a);
  const ge = k0 >= 0 ? a * pow10Big(k0) >= b : a >= b * pow10Big(-k0);
  return ge ? k0 : k0 + 1;
}

function divAtShift(a: bigint, b: bigint, k: number): { q: bigint; r: bigint; den: bigint } {
  const num = k >= 0 ? a * pow10Big(k) : a;
  const den = k >= 0 ? b : b * pow10Big(-k);
  return { q: num / den, r: num % den, den };
}

function quoFinite(a: FiniteDecimal, b: FiniteDecimal, precision: number): Decimal {
  const negative = (a.coef < 0n) !== (b.coef < 0n);
  const A = abs(a.coef);
  const B = abs(b.coef);
  if (A === 0n) return finiteDecimal(0n, a.exp - b.exp);
  let k = leadingShift(A, B) + precision - 1;
  let { q, r, den } = divAtShift(A, B, k);
  if (r === 0n) {
    while (k > 0 && q % 10n === 0n) {
      q /= 10n;
      k--;
    }
  } else if (2n * r >= den) {
    q += 1n;
    if (q === pow10Big(precision)) {
      q /= 10n;
      k--;
    }
  }
  return finiteDecimal(negative ? -q : q, a.exp - b.exp - k);
}

/** a / b to `precision` significant digits (throws 22012 on a zero divisor). */
export function quoDecimal(a: Decimal, b: Decimal, precision = decimalPrecisionDigits): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return decimalNaN;
  if (isZeroDecimal(b)) throw divByZero();
  if (a.kind === 'inf') {
    if (b.kind === 'inf') return decimalNaN;
    return a.neg !== (b.coef < 0n) ? decimalNegInf : decimalPosInf;
  }
  if (b.kind === 'inf') return decimalZero;
  return quoFinite(a, b, precision);
}

function aligned(a: FiniteDecimal, b: FiniteDecimal): { A: bigint; B: bigint; exp: number } {
  const exp = Math.min(a.exp, b.exp);
  return { A: a.coef * pow10Big(a.exp - exp), B: b.coef * pow10Big(b.exp - exp), exp };
}

/** Truncated integer quotient (CockroachDB's `//` and div() on decimals). */
export function quoIntegerDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return decimalNaN;
  if (isZeroDecimal(b)) throw divByZero();
  if (a.kind === 'inf') return b.kind === 'inf' ? decimalNaN : a.neg !== (b.coef < 0n) ? decimalNegInf : decimalPosInf;
  if (b.kind === 'inf') return decimalZero;
  const { A, B } = aligned(a, b);
  return finiteDecimal(A / B, 0);
}

/** Remainder with the dividend's sign (CockroachDB's `%` and mod() on decimals). */
export function remDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan' || a.kind === 'inf') return decimalNaN;
  if (isZeroDecimal(b)) throw zeroModulus();
  if (b.kind === 'inf') return a;
  const { A, B, exp } = aligned(a, b);
  return finiteDecimal(A % B, exp);
}

/** Rounds |coef| dropping `drop` digits, half away from zero. */
function roundOffDigits(coef: bigint, drop: number): bigint {
  if (drop <= 0) return coef * pow10Big(-drop);
  const p = pow10Big(drop);
  const magnitude = abs(coef);
  let q = magnitude / p;
  if ((magnitude % p) * 2n >= p) q += 1n;
  return coef < 0n ? -q : q;
}

/** Round half away from zero to exponent -scale (ROUND(d, scale)); pads zeros when finer. */
export function quantizeDecimal(d: Decimal, scale: number): Decimal {
  return roundDecimal(d, scale);
}

/** Truncates toward zero to exponent -scale (TRUNC(d, scale)). */
export function truncDecimal(d: Decimal, scale = 0): Decimal {
  if (d.kind !== 'finite') return d;
  const targetExp = -scale;
  if (targetExp === d.exp) return d;
  if (targetExp >= digitCount(d.coef) + d.exp) return scale === 0 ? decimalZero : finiteDecimal(0n, targetExp);
  if (targetExp > d.exp) return finiteDecimal(d.coef / pow10Big(targetExp - d.exp), targetExp);
  return finiteDecimal(d.coef * pow10Big(d.exp - targetExp), targetExp);
}

/** Integer part toward zero (exponent 0 when the value has a fraction). */
function integerPart(d: FiniteDecimal): FiniteDecimal {
  if (d.exp >= 0) return d;
  return finiteDecimal(d.coef / pow10Big(-d.exp), 0) as FiniteDecimal;
}

function hasFraction(d: FiniteDecimal): boolean {
  return d.exp < 0 && d.coef % pow10Big(-d.exp) !== 0n;
}

export function floorDecimal(d: Decimal): Decimal {
  if (d.kind !== 'finite') return d;
  const i = integerPart(d);
  return d.coef < 0n && hasFraction(d) ? finiteDecimal(i.coef - 1n, 0) : i;
}

export function ceilDecimal(d: Decimal): Decimal {
  if (d.kind !== 'finite') return d;
  const i = integerPart(d);
  return d.coef > 0n && hasFraction(d) ? finiteDecimal(i.coef + 1n, 0) : i;
}

export function absDecimal(d: Decimal): Decimal {
  if (d.kind === 'nan') return d;
  if (d.kind === 'inf') return decimalPosInf;
  return d.coef < 0n ? finiteDecimal(-d.coef, d.exp) : d;
}

/** Integer square root (floor). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) x = 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) {
      while (x * x > n) x -= 1n;
      while ((x + 1n) * (x + 1n) <= n) x += 1n;
      return x;
    }
    x = y;
  }
}

/** Square root to 20 significant digits (throws 2201F for negatives). */
export function sqrtDecimal(d: Decimal, precision = decimalPrecisionDigits): Decimal {
  if (d.kind === 'nan') return d;
  if (decimalSign(d) < 0) throw new BurrowError('2201F', 'cannot take square root of a negative number');
  if (d.kind === 'inf') return d;
  if (d.coef === 0n) return finiteDecimal(0n, Math.floor(d.exp / 2));
  let c = d.coef;
  let e = d.exp;
  if (e % 2 !== 0) {
    c *= 10n;
    e -= 1;
  }
  const k = Math.max(0, Math.ceil((2 * precision + 2 - digitCount(c)) / 2));
  const scaled = c * pow10Big(2 * k);
  let r = isqrt(scaled);
  let exp = e / 2 - k;
  if (r * r === scaled) return stripToIdeal(r, exp, Math.floor(d.exp / 2), precision);
  const drop = digitCount(r) - precision;
  r = roundOffDigits(r, drop);
  exp += drop;
  if (digitCount(r) > precision) {
    r /= 10n;
    exp += 1;
  }
  return finiteDecimal(r, exp);
}

function stripToIdeal(coef: bigint, exp: number, idealExp: number, precision: number): Decimal {
  let c = coef;
  let e = exp;
  while (e < idealExp && c % 10n === 0n) {
    c /= 10n;
    e++;
  }
  const drop = digitCount(c) - precision;
  return drop > 0 ? finiteDecimal(roundOffDigits(c, drop), e + drop) : finiteDecimal(c, e);
}

/** Rounds to `precision` significant digits, half away from zero. */
export function roundToPrecision(d: Decimal, precision = decimalPrecisionDigits): Decimal {
  if (d.kind !== 'finite') return d;
  const drop = digitCount(d.coef) - precision;
  if (drop <= 0) return d;
  const c = roundOffDigits(d.coef, drop);
  return digitCount(c) > precision ? finiteDecimal(c / 10n, d.exp + drop + 1) : finiteDecimal(c, d.exp + drop);
}


export function isIntegral(d: Decimal): boolean {
  return d.kind === 'finite' && !hasFraction(d);
}

function powError(message: string): BurrowError {
  return new BurrowError('2201F', message);
}

/** x ^ y with DecimalCtx precision: exact integer powers rounded to 20 digits, else via float. */
export function powDecimal(x: Decimal, y: Decimal): Decimal {
  if (x.kind === 'nan' || y.kind === 'nan') return decimalNaN;
  if (isZeroDecimal(x) && decimalSign(y) < 0) throw powError('zero raised to a negative power is undefined');
  if (decimalSign(x) < 0 && !isIntegral(y) && y.kind === 'finite') {
    throw powError('a negative number raised to a non-integer power yields a complex result');
  }
  if (x.kind === 'finite' && y.kind === 'finite' && isIntegral(y)) {
    const n = integerPart(y).coef * pow10Big(Math.max(0, y.exp));
    if (n >= -10000n && n <= 10000n) return intPowDecimal(x, n);
  }
  return roundToPrecision(decimalFromNumber(Math.pow(decimalToNumber(x), decimalToNumber(y))));
}

function intPowDecimal(x: FiniteDecimal, n: bigint): Decimal {
  const magnitude = n < 0n ? -n : n;
  const power = finiteDecimal(x.coef ** magnitude, x.exp * Number(magnitude));
  if (n >= 0n) return roundToPrecision(power);
  return quoDecimal(finiteDecimal(1n, 0), power);
}

/** Round half to even to exponent -scale (CockroachDB's round(float, int) goes through this). */
export function quantizeHalfEven(d: Decimal, scale: number): Decimal {
  if (d.kind !== 'finite') return d;
  const drop = -scale - d.exp;
  if (drop <= 0) return finiteDecimal(d.coef * pow10Big(-drop), -scale);
  const p = pow10Big(drop);
  const magnitude = abs(d.coef);
  let q = magnitude / p;
  const twiceRem = (magnitude % p) * 2n;
  if (twiceRem > p || (twiceRem === p && q % 2n === 1n)) q += 1n;
  return finiteDecimal(d.coef < 0n ? -q : q, -scale);
}
