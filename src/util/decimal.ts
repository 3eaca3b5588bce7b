// Owns Burrow's arbitrary-precision DECIMAL value: parsing, printing,
// ordering and exact add/sub/mul. The SQL layer builds the rest of decimal
// arithmetic on top of this.
//
// Invariants:
// - A finite Decimal means coef × 10^exp. The scale (number of fraction
//   digits) is -exp when exp <= 0, so 1.50 is {coef 150n, exp -2} and is kept
//   as written; normalizeDecimal strips trailing zeros (1.50 -> {15n, -1}).
// - exp is always a safe integer; parseDecimal bounds it to
//   ±maxDecimalExponent. Zero has no sign (bigint has no -0): "-0.0" is 0.0.
// - Order (compareDecimal, and the key encoding in encoding.ts):
//   NaN < -Infinity < finite values < +Infinity, and NaN equals NaN, as in
//   CockroachDB's key encoding. Numerically equal values compare equal.
// - Values are plain immutable objects; no function mutates its arguments.

import { BurrowError } from './errors.js';

export type Decimal =
  | { readonly kind: 'finite'; readonly coef: bigint; readonly exp: number }
  | { readonly kind: 'nan' }
  | { readonly kind: 'inf'; readonly neg: boolean };

export type FiniteDecimal = Extract<Decimal, { kind: 'finite' }>;

/** Largest |exp| parseDecimal accepts (PostgreSQL allows ~131072 digits before the point). */
export const maxDecimalExponent = 100_000;
/** Finite values with 0 < exp <= this print as plain digits; larger exps print as `1.5E+101`. */
export const maxPlainTrailingZeros = 32;

export const decimalNaN: Decimal = { kind: 'nan' };
export const decimalPosInf: Decimal = { kind: 'inf', neg: false };
export const decimalNegInf: Decimal = { kind: 'inf', neg: true };
export const decimalZero: Decimal = { kind: 'finite', coef: 0n, exp: 0 };

export function finiteDecimal(coef: bigint, exp: number): Decimal {
  return { kind: 'finite', coef, exp };
}

export function decimalFromBigInt(value: bigint): Decimal {
  return { kind: 'finite', coef: value, exp: 0 };
}

// ---------------------------------------------------------------- parsing

const numberPattern = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

/** Parses SQL decimal text: `-12.340`, `1e10`, `.5`, `1.5E-3`, `NaN`, `Infinity`, `-inf`. */
export function parseDecimal(text: string): Decimal {
  const trimmed = text.trim();
  const special = parseSpecial(trimmed.toLowerCase());
  if (special !== undefined) return special;
  const m = numberPattern.exec(trimmed);
  if (m === null) {
    throw new BurrowError('22P02', `could not parse "${text}" as type decimal`);
  }
  const sign = m[1] ?? '';
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? m[4] ?? '';
  const writtenExp = m[5] === undefined ? 0 : Number.parseInt(m[5], 10);
  const exp = writtenExp - fracDigits.length + 0; // + 0 turns "1e-0"'s -0 into 0
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > maxDecimalExponent) {
    throw new BurrowError('22003', 'value overflows numeric format', {
      detail: `"${text}" has an exponent outside ±${maxDecimalExponent}.`,
    });
  }
  const coef = BigInt(sign + intDigits + fracDigits);
  return { kind: 'finite', coef, exp };
}

function parseSpecial(lower: string): Decimal | undefined {
  switch (lower) {
    case 'nan':
      return decimalNaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return decimalPosInf;
    case '-inf':
    case '-infinity':
      return decimalNegInf;
    default:
      return undefined;
  }
}

// --------------------------------------------------------------- printing

/**
 * PostgreSQL/CockroachDB text form. exp <= 0 prints plainly with exactly -exp
 * fraction digits (1.50 stays `1.50`, tiny values print all their zeros).
 * 0 < exp <= maxPlainTrailingZeros prints the integer in full (`1500`);
 * a larger exp prints in CockroachDB's scientific form (`1E+100`, `-1.5E+101`).
 */
export function decimalToString(d: Decimal): string {
  if (d.kind === 'nan') return 'NaN';
  if (d.kind === 'inf') return d.neg ? '-Infinity' : 'Infinity';
  const sign = d.coef < 0n ? '-' : '';
  const digits = (d.coef < 0n ? -d.coef : d.coef).toString();
  if (d.exp <= 0) return sign + plainFraction(digits, -d.exp);
  if (d.coef === 0n) return '0';
  if (d.exp <= maxPlainTrailingZeros) return sign + digits + '0'.repeat(d.exp);
  const adjustedExp = d.exp + digits.length - 1;
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}E+${adjustedExp}`;
}

function plainFraction(digits: string, scale: number): string {
  if (scale === 0) return digits;
  if (digits.length > scale) {
    return `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return `0.${'0'.repeat(scale - digits.length)}${digits}`;
}

// ---------------------------------------------------------------- ordering

/** -1, 0 or 1. NaN < -Inf < finite < +Inf; NaN equals NaN; 1.0 equals 1.00. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const rankA = kindRank(a);
  const rankB = kindRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0;
  return compareFinite(a, b);
}

export function decimalEquals(a: Decimal, b: Decimal): boolean {
  return compareDecimal(a, b) === 0;
}

function kindRank(d: Decimal): number {
  if (d.kind === 'nan') return 0;
  if (d.kind === 'inf') return d.neg ? 1 : 3;
  return 2;
}

function compareFinite(a: FiniteDecimal, b: FiniteDecimal): number {
  const signA = bigSign(a.coef);
  const signB = bigSign(b.coef);
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  if (a.exp === b.exp) return compareBig(a.coef, b.coef);
  // Same sign, different exps: the position of the leading digit decides
  // unless both lead at the same power of ten; then align (cheap: the exp
  // difference is at most the difference in digit counts).
  const leadA = a.exp + digitCount(a.coef);
  const leadB = b.exp + digitCount(b.coef);
  if (leadA !== leadB) return leadA < leadB ? -signA : signA;
  const minExp = Math.min(a.exp, b.exp);
  return compareBig(scaleUp(a.coef, a.exp - minExp), scaleUp(b.coef, b.exp - minExp));
}

function bigSign(v: bigint): number {
  return v < 0n ? -1 : v > 0n ? 1 : 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function digitCount(v: bigint): number {
  return (v < 0n ? -v : v).toString().length;
}

// ---------------------------------------------------------- normalization

/** Strips trailing zeros from coef (zero becomes {0n, 0}); non-finite values pass through. */
export function normalizeDecimal(d: Decimal): Decimal {
  if (d.kind !== 'finite') return d;
  if (d.coef === 0n) return d.exp === 0 ? d : decimalZero;
  const digits = (d.coef < 0n ? -d.coef : d.coef).toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  const strippedZeros = digits.length - end;
  if (strippedZeros === 0) return d;
  const abs = BigInt(digits.slice(0, end));
  return { kind: 'finite', coef: d.coef < 0n ? -abs : abs, exp: d.exp + strippedZeros };
}

// -------------------------------------------------------------- arithmetic

export function negateDecimal(d: Decimal): Decimal {
  if (d.kind === 'nan') return d;
  if (d.kind === 'inf') return d.neg ? decimalPosInf : decimalNegInf;
  return { kind: 'finite', coef: -d.coef, exp: d.exp };
}

/** Exact sum; the result keeps the larger scale (1.50 + 1 = 2.50). Inf + -Inf is NaN. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return decimalNaN;
  if (a.kind === 'inf') return b.kind === 'inf' && b.neg !== a.neg ? decimalNaN : a;
  if (b.kind === 'inf') return b;
  const minExp = Math.min(a.exp, b.exp);
  const coef = scaleUp(a.coef, a.exp - minExp) + scaleUp(b.coef, b.exp - minExp);
  return { kind: 'finite', coef, exp: minExp };
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, negateDecimal(b));
}

/** Exact product; scales add (1.5 × 1.50 = 2.250). Inf × 0 is NaN. */
export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return decimalNaN;
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (isZero(a) || isZero(b)) return decimalNaN;
    return isNegative(a) !== isNegative(b) ? decimalNegInf : decimalPosInf;
  }
  return { kind: 'finite', coef: a.coef * b.coef, exp: a.exp + b.exp };
}

function isZero(d: Decimal): boolean {
  return d.kind === 'finite' && d.coef === 0n;
}

function isNegative(d: Decimal): boolean {
  if (d.kind === 'inf') return d.neg;
  return d.kind === 'finite' && d.coef < 0n;
}

const smallPowersOf10: bigint[] = Array.from({ length: 32 }, (_, i) => 10n ** BigInt(i));

/** 10^digits as a bigint (cached for small digit counts). */
export function pow10Big(digits: number): bigint {
  return digits < smallPowersOf10.length ? smallPowersOf10[digits]! : 10n ** BigInt(digits);
}

function scaleUp(coef: bigint, digits: number): bigint {
  return digits === 0 ? coef : coef * pow10Big(digits);
}

// ------------------------------------------- division, rounding, floats
// Added for the SQL type layer. Rounding is half away from zero, as
// PostgreSQL's numeric and CockroachDB's DecimalCtx (HalfUp) round.

function divisionByZero(): BurrowError {
  return new BurrowError('22012', 'division by zero');
}

/** |a| / |b| rounded half away from zero, for non-negative bigints (b > 0). */
function roundedQuotient(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  return r * 2n >= den ? q + 1n : q;
}

/**
 * a / b rounded (half away from zero) to exactly scaleDigits fraction
 * digits (a negative scaleDigits rounds to tens, hundreds...). x / 0 is a
 * 22012 error; Inf / Inf and anything with NaN is NaN; finite / Inf is 0.
 */
export function divDecimal(a: Decimal, b: Decimal, scaleDigits: number): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return decimalNaN;
  if (isZero(b)) throw divisionByZero();
  if (a.kind === 'inf') {
    if (b.kind === 'inf') return decimalNaN;
    return a.neg !== isNegative(b) ? decimalNegInf : decimalPosInf;
  }
  if (b.kind === 'inf') return { kind: 'finite', coef: 0n, exp: -scaleDigits };
  // a/b = (ca/cb) * 10^(ea-eb); we want coef with exp = -scaleDigits.
  const shift = a.exp - b.exp + scaleDigits;
  let num = a.coef < 0n ? -a.coef : a.coef;
  let den = b.coef < 0n ? -b.coef : b.coef;
  if (shift >= 0) num *= pow10Big(shift);
  else den *= pow10Big(-shift);
  const q = roundedQuotient(num, den);
  const negative = (a.coef < 0n) !== (b.coef < 0n);
  return { kind: 'finite', coef: negative ? -q : q, exp: -scaleDigits };
}

/**
 * Rounds half away from zero to `scale` fraction digits; the result has
 * exactly that scale (roundDecimal(1.5, 2) is 1.50). Non-finite values pass.
 */
export function roundDecimal(d: Decimal, scale: number): Decimal {
  if (d.kind !== 'finite') return d;
  const targetExp = -scale;
  if (d.exp === targetExp) return d;
  if (d.exp > targetExp) return { kind: 'finite', coef: d.coef * pow10Big(d.exp - targetExp), exp: targetExp };
  const abs = d.coef < 0n ? -d.coef : d.coef;
  const q = roundedQuotient(abs, pow10Big(targetExp - d.exp));
  return { kind: 'finite', coef: d.coef < 0n ? -q : q, exp: targetExp };
}

/** The nearest double (NaN and infinities map to their float forms; huge values to ±Infinity). */
export function decimalToNumber(d: Decimal): number {
  if (d.kind === 'nan') return Number.NaN;
  if (d.kind === 'inf') return d.neg ? -Infinity : Infinity;
  return Number(decimalToString(d));
}

/** The shortest decimal that round-trips to f (1.1 -> 1.1, not 1.100000000000000088...). */
export function decimalFromNumber(f: number): Decimal {
  if (Number.isNaN(f)) return decimalNaN;
  if (f === Infinity) return decimalPosInf;
  if (f === -Infinity) return decimalNegInf;
  return parseDecimal(String(f));
}
