// Tests src/sql/types/cast.ts: explicit casts between every pair of
// families CockroachDB supports (rounding rules, widths, precision, time
// zones), assignment casts for column writes, the cast table, and exact
// error codes and messages.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import { decimalToString, parseDecimal, type Decimal } from '../../../src/util/decimal.js';
import { arrayOf, decimalType, stringType, T, tupleOf, type SqlType } from '../../../src/sql/types/types.js';
import type { Datum, Interval, Json } from '../../../src/sql/types/datum.js';
import { assignmentCast, canAssignmentCast, canCast, castDatum } from '../../../src/sql/types/cast.js';
import { formatDatum } from '../../../src/sql/types/format.js';
import { parseDatum } from '../../../src/sql/types/parse.js';
import { parseInterval } from '../../../src/sql/types/interval.js';
import { parseJson } from '../../../src/sql/types/json.js';

const utc = { timezone: 'UTC' };
const ny = { timezone: 'America/New_York' };
const kolkata = { timezone: 'Asia/Kolkata' };

function throwsWith(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BurrowError, `expected a BurrowError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

/** Casts text-described values: parse `text` as `from`, cast to `to`, format the result. */
function castText(text: string, from: SqlType, to: SqlType, ctx = utc): string {
  const out = castDatum(parseDatum(text, from, ctx), from, to, ctx);
  return out === null ? 'NULL' : formatDatum(out, to, ctx);
}

describe('numeric casts', () => {
  const cases: Array<[string, SqlType, SqlType, string]> = [
    ['2.5', T.float, T.int, '2'],
    ['3.5', T.float, T.int, '4'],
    ['-2.5', T.float, T.int, '-2'],
    ['2.7', T.float, T.int, '3'],
    ['-0.4', T.float, T.int, '0'],
    ['2.5', T.decimal, T.int, '3'],
    ['-2.5', T.decimal, T.int, '-3'],
    ['2.4999', T.decimal, T.int, '2'],
    ['1e3', T.decimal, T.int, '1000'],
    ['42', T.int, T.float, '42'],
    ['9007199254740993', T.int, T.float, '9.007199254740992e+15'],
    ['1.25', T.decimal, T.float, '1.25'],
    ['0.1', T.float, T.decimal, '0.1'],
    ['1e20', T.float, T.decimal, '100000000000000000000'],
    ['NaN', T.float, T.decimal, 'NaN'],
    ['42', T.int, T.decimal, '42'],
    ['0.1', T.float, T.float4, '0.1'],
    ['1.005', T.decimal, decimalType(5, 2), '1.01'],
    ['-1.005', T.decimal, decimalType(5, 2), '-1.01'],
    ['123.456', T.decimal, decimalType(5, 2), '123.46'],
    ['1.5', T.float, decimalType(5, 2), '1.50'],
    ['7', T.int, decimalType(5, 2), '7.00'],
    ['NaN', T.decimal, decimalType(5, 2), 'NaN'],
    ['1', T.int, T.bool, 't'],
    ['0', T.int, T.bool, 'f'],
    ['0.5', T.float, T.bool, 't'],
    ['0.00', T.decimal, T.bool, 'f'],
    ['true', T.bool, T.int, '1'],
    ['false', T.bool, T.float, '0'],
    ['true', T.bool, T.decimal, '1'],
    ['26', T.int, T.oid, '26'],
    ['-1', T.int, T.oid, '4294967295'],
    ['26', T.oid, T.int, '26'],
  ];
  for (const [text, from, to, expected] of cases) {
    test(`${text}::${from.family}${from.width || ''} -> ${formatTypeForTitle(to)}`, () => {
      assert.equal(castText(text, from, to), expected);
    });
  }

  test('range errors', () => {
    throwsWith(() => castDatum(100000n, T.int, T.int2, utc), '22003', 'integer out of range for type int2');
    throwsWith(() => castDatum(3_000_000_000n, T.int, T.int4, utc), '22003', 'integer out of range for type int4');
    throwsWith(() => castDatum(1e19, T.float, T.int, utc), '22003', 'integer out of range');
    throwsWith(() => castDatum(NaN, T.float, T.int, utc), '22003', 'integer out of range');
    throwsWith(() => castDatum(parseDecimal('1e19'), T.decimal, T.int, utc), '22003', 'integer out of range');
    throwsWith(() => castDatum(parseDecimal('Infinity'), T.decimal, T.int, utc), '22003', 'integer out of range');
    throwsWith(() => castDatum(parseDecimal('1e400'), T.decimal, T.float, utc), '22003', 'float out of range');
    throwsWith(() => castDatum(1e300, T.float, T.float4, utc), '22003', 'float out of range');
    throwsWith(() => castDatum(parseDecimal('1234.5'), T.decimal, decimalType(5, 2), utc), '22003',
      'type DECIMAL(5,2): value with precision 5, scale 2 must round to an absolute value less than 10^3');
    throwsWith(() => castDatum(parseDecimal('99.995'), T.decimal, decimalType(4, 2), utc), '22003',
      'type DECIMAL(4,2): value with precision 4, scale 2 must round to an absolute value less than 10^2');
    throwsWith(() => castDatum(1n, T.int, decimalType(3, 3), utc), '22003',
      'type DECIMAL(3,3): value with precision 3, scale 3 must round to an absolute value less than 1');
    throwsWith(() => castDatum(2n ** 32n, T.int, T.oid, utc), '22003', 'OID out of range');
  });
});

function formatTypeForTitle(t: SqlType): string {
  return t.family === 'decimal' && t.precision ? `decimal(${t.precision},${t.scale})` : `${t.family}${t.width || ''}`;
}

describe('string casts', () => {
  const cases: Array<[Datum, SqlType, SqlType, Datum]> = [
    ['abcd', T.string, stringType('varchar', 3), 'abc'],
    ['ab', T.string, stringType('varchar', 3), 'ab'],
    ['ab  ', T.string, stringType('char', 3), 'ab'],
    ['abc', T.string, stringType('char', 1), 'a'],
    ['日本語です', T.string, stringType('string', 2), '日本'],
    [true, T.bool, T.string, 'true'],
    [false, T.bool, stringType('varchar', 3), 'fal'],
    [42n, T.int, T.string, '42'],
    [1e20, T.float, T.string, '1e+20'],
    [parseDecimal('1.50'), T.decimal, T.string, '1.50'],
    [Buffer.from([0x0a, 0x0b]), T.bytes, T.string, '\\x0a0b'],
    [18710, T.date, T.string, '2021-03-24'],
    [parseInterval('1 day 02:00'), T.interval, T.string, '1 day 02:00:00'],
    [parseJson('{"b": 1, "a": [true]}'), T.jsonb, T.string, '{"a": [true], "b": 1}'],
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', T.uuid, T.string, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    [[1n, null], arrayOf(T.int), T.string, '{1,NULL}'],
    [[1n, 'a b'], tupleOf([T.int, T.string]), T.string, '(1,"a b")'],
    ['t', T.string, T.bool, true],
    [' 42 ', T.string, T.int, 42n],
    ['1.5', T.string, T.float, 1.5],
    ['{1,2}', T.string, arrayOf(T.int), [1n, 2n]],
    ['(1,x)', T.string, tupleOf([T.int, T.string]), [1n, 'x']],
    ['1 day', T.string, T.interval, { months: 0, days: 1, micros: 0n }],
    ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', T.string, T.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['abc', T.unknown, T.string, 'abc'],
    ['7', T.unknown, T.int, 7n],
    ['x', T.string, T.name, 'x'],
  ];
  cases.forEach(([value, from, to, expected], i) => {
    test(`string cast #${i}: ${from.family} -> ${to.family}`, () => assert.deepEqual(castDatum(value, from, to, utc), expected));
  });

  test('string <-> bytes uses the bytea syntax', () => {
    assert.deepEqual(castDatum('abc', T.string, T.bytes, utc), Buffer.from('abc'));
    assert.deepEqual(castDatum('é', T.string, T.bytes, utc), Buffer.from([0xc3, 0xa9]));
    assert.deepEqual(castDatum('\\x41', T.string, T.bytes, utc), Buffer.from('A'));
    throwsWith(() => castDatum('\\x4', T.string, T.bytes, utc), '22P02');
  });

  test('string -> jsonb and back', () => {
    assert.equal(castDatum(castDatum('{"a":1}', T.string, T.jsonb, utc), T.jsonb, T.string, utc), '{"a": 1}');
    throwsWith(() => castDatum('{', T.string, T.jsonb, utc), '22P02');
  });

  test('parse errors surface unchanged', () => {
    throwsWith(() => castDatum('abc', T.string, T.int, utc), '22P02',
      'could not parse "abc" as type int: strconv.ParseInt: parsing "abc": invalid syntax');
    throwsWith(() => castDatum('x', T.string, T.bool, utc), '22P02', 'could not parse "x" as type bool: invalid bool value');
    throwsWith(() => castDatum('x', T.string, T.uuid, utc), '22P02', 'could not parse "x" as type uuid: uuid: incorrect UUID length: x');
  });
});

describe('date and time casts', () => {
  const cases: Array<[string, SqlType, SqlType, { timezone: string }, string]> = [
    ['2021-03-24', T.date, T.timestamp, utc, '2021-03-24 00:00:00'],
    ['2021-03-24 23:59:59.9', T.timestamp, T.date, utc, '2021-03-24'],
    ['1969-12-31 23:00:00', T.timestamp, T.date, utc, '1969-12-31'],
    ['2021-03-24', T.date, T.timestamptz, ny, '2021-03-24 00:00:00-04'],
    ['2021-03-24', T.date, T.timestamptz, kolkata, '2021-03-24 00:00:00+05:30'],
    ['2021-03-24 20:00:00+00', T.timestamptz, T.date, kolkata, '2021-03-25'],
    ['2021-03-24 20:00:00+00', T.timestamptz, T.date, utc, '2021-03-24'],
    ['2021-03-24 20:00:00+00', T.timestamptz, T.timestamp, kolkata, '2021-03-25 01:30:00'],
    ['2021-03-24 20:00:00', T.timestamp, T.timestamptz, ny, '2021-03-24 20:00:00-04'],
    ['2021-03-14 02:30:00', T.timestamp, T.timestamptz, ny, '2021-03-14 03:30:00-04'],
    ['2021-03-24 20:00:00+00', T.timestamptz, T.time, kolkata, '01:30:00'],
    ['2021-03-24 20:11:12.5', T.timestamp, T.time, utc, '20:11:12.5'],
    ['1969-12-31 23:00:00', T.timestamp, T.time, utc, '23:00:00'],
    ['01:02:03', T.time, T.interval, utc, '01:02:03'],
    ['1 day 01:02:03', T.interval, T.time, utc, '01:02:03'],
    ['-01:00:00', T.interval, T.time, utc, '23:00:00'],
    ['1616619932', T.int, T.timestamp, utc, '2021-03-24 21:05:32'],
    ['1616619932', T.int, T.timestamptz, kolkata, '2021-03-25 02:35:32+05:30'],
    ['-1', T.int, T.timestamp, utc, '1969-12-31 23:59:59'],
    ['2021-03-24 21:05:32.53', T.timestamp, T.int, utc, '1616619932'],
    ['1969-12-31 23:59:59.5', T.timestamp, T.int, utc, '-1'],
    ['2021-03-24 21:05:32.53', T.timestamp, T.float, utc, '1616619932.53'],
    ['2021-03-24 21:05:32.53', T.timestamp, T.decimal, utc, '1616619932.530000'],
    ['2021-03-24 21:05:32.53+00', T.timestamptz, T.int, ny, '1616619932'],
    ['2021-03-24', T.date, T.int, utc, '18710'],
    ['18710', T.int, T.date, utc, '2021-03-24'],
    ['2021-03-24', T.date, T.float, utc, '18710'],
    ['2021-03-24', T.date, T.decimal, utc, '18710'],
    ['10:00:00.6', T.time, { ...T.time, precision: 0 }, utc, '10:00:01'],
    ['2021-03-24 10:00:00.125', T.timestamp, { ...T.timestamp, precision: 2 }, utc, '2021-03-24 10:00:00.13'],
    ['2021-03-24 21:05:32.53+00', T.timestamptz, T.string, kolkata, '2021-03-25 02:35:32.53+05:30'],
    ['infinity', T.date, T.timestamp, utc, 'infinity'],
    ['-infinity', T.timestamp, T.date, utc, '-infinity'],
    ['infinity', T.timestamp, { ...T.timestamp, precision: 0 }, utc, 'infinity'],
    ['infinity', T.timestamp, T.time, utc, '23:59:59.999999'],
    ['-infinity', T.timestamptz, T.time, utc, '00:00:00'],
  ];
  for (const [text, from, to, ctx, expected] of cases) {
    test(`${text}::${from.family} -> ${to.family} in ${ctx.timezone}`, () => assert.equal(castText(text, from, to, ctx), expected));
  }

  test('errors', () => {
    throwsWith(() => castDatum(10n ** 15n, T.int, T.timestamp, utc), '22008');
    throwsWith(() => castDatum(Infinity, T.date, T.int, utc), '22003', 'integer out of range');
    throwsWith(() => castDatum(10n ** 10n, T.int, T.date, utc), '22008', 'date is out of range');
    throwsWith(() => castDatum('2021-02-30', T.string, T.date, utc), '22008');
  });
});

describe('interval casts', () => {
  const cases: Array<[Datum, SqlType, SqlType, string]> = [
    [90n, T.int, T.interval, '00:01:30'],
    [-90n, T.int, T.interval, '-00:01:30'],
    [1.5, T.float, T.interval, '00:00:01.5'],
    [parseDecimal('1.0000005'), T.decimal, T.interval, '00:00:01.000001'],
    [parseDecimal('86400'), T.decimal, T.interval, '24:00:00'],
    [parseInterval('1 day 00:00:01'), T.interval, T.int, '86401'],
    [parseInterval('1 mon'), T.interval, T.int, '2592000'],
    [parseInterval('-1.5 seconds'), T.interval, T.int, '-1'],
    [parseInterval('1 mon 00:00:00.5'), T.interval, T.float, '2592000.5'],
    [parseInterval('00:00:01.5'), T.interval, T.decimal, '1.500000000'],
  ];
  cases.forEach(([value, from, to, expected], i) => {
    test(`interval cast #${i}: ${from.family} -> ${to.family}`, () => {
      assert.equal(formatDatum(castDatum(value, from, to, utc)!, to, utc), expected);
    });
  });
  test('non-finite values', () => {
    throwsWith(() => castDatum(Infinity, T.float, T.interval, utc), '22008', 'interval out of range');
    throwsWith(() => castDatum(parseDecimal('NaN'), T.decimal, T.interval, utc), '22008');
  });
});

describe('jsonb, uuid, bytes, arrays, tuples', () => {
  test('jsonb to scalars', () => {
    assert.equal(castDatum(parseJson('1'), T.jsonb, T.int, utc), 1n);
    assert.equal(castDatum(parseJson('2.5'), T.jsonb, T.int, utc), 3n);
    assert.equal(castDatum(parseJson('2.5'), T.jsonb, T.float, utc), 2.5);
    assert.equal(decimalToString(castDatum(parseJson('2.5'), T.jsonb, T.decimal, utc) as Decimal), '2.5');
    assert.equal(castDatum(parseJson('true'), T.jsonb, T.bool, utc), true);
    throwsWith(() => castDatum(parseJson('"1"'), T.jsonb, T.int, utc), '22023', 'cannot cast jsonb string to type int');
    throwsWith(() => castDatum(parseJson('{}'), T.jsonb, T.bool, utc), '22023', 'cannot cast jsonb object to type bool');
    throwsWith(() => castDatum(parseJson('null'), T.jsonb, T.float, utc), '22023', 'cannot cast jsonb null to type float');
  });
  test('uuid <-> bytes', () => {
    const u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    const b = castDatum(u, T.uuid, T.bytes, utc) as Buffer;
    assert.equal(b.toString('hex'), 'a0eebc999c0b4ef8bb6d6bb9bd380a11');
    assert.equal(castDatum(b, T.bytes, T.uuid, utc), u);
    throwsWith(() => castDatum(Buffer.from([1, 2]), T.bytes, T.uuid, utc), '22P02');
  });
  test('arrays cast element-wise', () => {
    assert.deepEqual(castDatum([1n, null, 3n], arrayOf(T.int), arrayOf(T.string), utc), ['1', null, '3']);
    assert.deepEqual(castDatum(['1.5', '2.5'], arrayOf(T.string), arrayOf(T.float), utc), [1.5, 2.5]);
    assert.deepEqual(castDatum([1.5, 2.5], arrayOf(T.float), arrayOf(T.int), utc), [2n, 2n]);
    assert.deepEqual(castDatum(['abcd'], arrayOf(T.string), arrayOf(stringType('varchar', 2)), utc), ['ab']);
    throwsWith(() => castDatum([true], arrayOf(T.bool), arrayOf(T.date), utc), '42846', 'invalid cast: bool[] -> date[]');
  });
  test('tuples cast field-wise', () => {
    assert.deepEqual(castDatum([1n, '2'], tupleOf([T.int, T.string]), tupleOf([T.float, T.int]), utc), [1, 2n]);
    throwsWith(() => castDatum([1n], tupleOf([T.int]), tupleOf([T.int, T.int]), utc), '42846');
  });
});

describe('the cast table', () => {
  test('invalid casts are 42846 with lower-case type names (CockroachDB)', () => {
    throwsWith(() => castDatum(true, T.bool, T.date, utc), '42846', 'invalid cast: bool -> date');
    assert.equal(castDatum(null, T.bool, T.date, utc), null);
    throwsWith(() => castDatum(1n, T.int, T.jsonb, utc), '42846', 'invalid cast: int -> jsonb');
    throwsWith(() => castDatum(18710, T.date, T.interval, utc), '42846', 'invalid cast: date -> interval');
    throwsWith(() => castDatum(1n, T.int, T.uuid, utc), '42846', 'invalid cast: int -> uuid');
    throwsWith(() => castDatum(1.5, T.float, T.timestamp, utc), '42846', 'invalid cast: float -> timestamp');
  });
  test('canCast agrees with castDatum', () => {
    assert.equal(canCast(T.int, T.string), true);
    assert.equal(canCast(T.bool, T.date), false);
    assert.equal(canCast(arrayOf(T.int), arrayOf(T.string)), true);
    assert.equal(canCast(arrayOf(T.bool), arrayOf(T.date)), false);
    assert.equal(canCast(T.bytes, T.uuid), true);
    assert.equal(canCast(T.interval, T.date), false);
  });
  test('null stays null for every cast', () => {
    const types: SqlType[] = [T.int, T.int2, T.float, T.decimal, T.string, T.bytes, T.bool, T.date, T.time,
      T.timestamp, T.timestamptz, T.interval, T.uuid, T.jsonb, T.oid, arrayOf(T.int)];
    fc.assert(fc.property(fc.constantFrom(...types), fc.constantFrom(...types), (from, to) => {
      assert.equal(castDatum(null, from, to, utc), null);
      if (!canCast(from, to)) assert.throws(() => assignmentCast(null, from, to, utc, 'c'), BurrowError);
    }), { numRuns: 300 });
  });
  test('casting to STRING and back is the identity', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
      assert.equal(castDatum(castDatum(v, T.int, T.string, utc), T.string, T.int, utc), v);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.double({ noNaN: true }), (f) => {
      assert.ok(Object.is(castDatum(castDatum(f, T.float, T.string, utc), T.string, T.float, utc), f));
    }), { numRuns: 300 });
  });
});

describe('assignment casts', () => {
  test('over-long strings fail instead of truncating', () => {
    throwsWith(() => assignmentCast('abcd', T.string, stringType('varchar', 3), utc, 'v'), '22001', 'value too long for type VARCHAR(3)');
    throwsWith(() => assignmentCast('abcd', T.string, stringType('string', 3), utc, 'v'), '22001', 'value too long for type STRING(3)');
    throwsWith(() => assignmentCast('ab', T.string, stringType('char', 1), utc, 'v'), '22001', 'value too long for type CHAR');
    assert.equal(assignmentCast('ab   ', T.string, stringType('char', 2), utc, 'v'), 'ab');
    assert.equal(assignmentCast('abc', T.string, stringType('varchar', 3), utc, 'v'), 'abc');
    throwsWith(() => assignmentCast(['abcd'], arrayOf(T.string), arrayOf(stringType('varchar', 3)), utc, 'v'), '22001');
  });
  test('numeric writes', () => {
    throwsWith(() => assignmentCast(100000n, T.int, T.int2, utc, 'x'), '22003', 'integer out of range for type int2');
    assert.equal(assignmentCast(2.5, T.float, T.int, utc, 'x'), 2n);
    assert.equal(decimalToString(assignmentCast(parseDecimal('1.005'), T.decimal, decimalType(5, 2), utc, 'x') as Decimal), '1.01');
    throwsWith(() => assignmentCast(parseDecimal('1000'), T.decimal, decimalType(5, 2), utc, 'x'), '22003',
      'type DECIMAL(5,2): value with precision 5, scale 2 must round to an absolute value less than 10^3');
    assert.equal(assignmentCast(5n, T.int, T.float, utc, 'x'), 5);
  });
  test('type mismatches name the column', () => {
    throwsWith(() => assignmentCast('1', T.string, T.int, utc, 'x'), '42804', 'value type string doesn\'t match type int of column "x"');
    throwsWith(() => assignmentCast(true, T.bool, T.int, utc, 'flag'), '42804', 'value type bool doesn\'t match type int of column "flag"');
    throwsWith(() => assignmentCast(null, T.jsonb, T.int, utc, 'x'), '42804');
  });
  test('allowed pairs', () => {
    assert.equal(assignmentCast('7', T.unknown, T.int, utc, 'x'), 7n);
    assert.equal(assignmentCast(7n, T.int, T.string, utc, 'x'), '7');
    assert.equal(assignmentCast(18710, T.date, T.timestamptz, ny, 'x'), 1_616_558_400_000_000n);
    assert.equal(assignmentCast(1_616_558_400_000_000n, T.timestamptz, T.date, ny, 'x'), 18710);
    assert.equal(assignmentCast(null, T.int, T.int2, utc, 'x'), null);
    assert.equal(canAssignmentCast(T.int, T.decimal), true);
    assert.equal(canAssignmentCast(T.string, T.bytes), false);
    assert.equal(canAssignmentCast(T.date, T.timestamp), true);
    assert.equal(canAssignmentCast(T.interval, T.int), false);
    const iv: Interval = assignmentCast(parseInterval('1 day'), T.interval, T.interval, utc, 'x') as Interval;
    assert.equal(iv.days, 1);
    const j = assignmentCast(parseJson('[1]'), T.jsonb, T.jsonb, utc, 'x') as Json;
    assert.deepEqual(j.json, [1]);
  });
});
