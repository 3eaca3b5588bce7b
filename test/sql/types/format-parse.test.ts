// Tests src/sql/types/format.ts and src/sql/types/parse.ts: PostgreSQL text
// output of every type (floats as float8out, bytea hex, array and record
// quoting), the input syntax of every type with CockroachDB's error codes
// and texts, fitting to parameterized types, and parse(format(x)) == x for
// every type with fast-check.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import { compareDecimal, decimalToString, finiteDecimal, parseDecimal, type Decimal } from '../../../src/util/decimal.js';
import { arrayOf, decimalType, stringType, T, tupleOf, type SqlType } from '../../../src/sql/types/types.js';
import { compareDatums, type Datum } from '../../../src/sql/types/datum.js';
import { datumToText, formatDatum, formatFloat } from '../../../src/sql/types/format.js';
import { parseDatum } from '../../../src/sql/types/parse.js';
import { maxDateDays, maxTimestampMicros, microsPerDay, minDateDays, minTimestampMicros } from '../../../src/sql/types/datetime.js';
import { parseInterval } from '../../../src/sql/types/interval.js';
import { parseJson } from '../../../src/sql/types/json.js';

const utc = { timezone: 'UTC' };
const fmt = (d: Datum, t: SqlType, timezone = 'UTC'): string => formatDatum(d, t, { timezone });
const parse = (s: string, t: SqlType, timezone = 'UTC'): Datum => parseDatum(s, t, { timezone });

function throwsWith(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BurrowError, `expected a BurrowError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('floats', () => {
  const cases: Array<[number, string]> = [
    [1.5, '1.5'], [0.1, '0.1'], [-2, '-2'], [0, '0'], [-0, '-0'], [1e15, '1e+15'], [1e14, '100000000000000'],
    [123456789012345, '123456789012345'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1e20, '1e+20'], [1e100, '1e+100'],
    [-2.5e-300, '-2.5e-300'], [1 / 3, '0.3333333333333333'], [NaN, 'NaN'], [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'], [1.7976931348623157e308, '1.7976931348623157e+308'], [5e-324, '5e-324'],
    [123456.789, '123456.789'],
  ];
  for (const [value, expected] of cases) {
    test(`float8 ${expected}`, () => assert.equal(formatFloat(value), expected));
  }
  test('float4 uses single-precision shortest digits and exponent at 1e6', () => {
    assert.equal(formatFloat(Math.fround(0.1), 32), '0.1');
    assert.equal(formatFloat(Math.fround(1e6), 32), '1e+06');
    assert.equal(formatFloat(Math.fround(123456), 32), '123456');
    assert.equal(formatFloat(Math.fround(1234567), 32), '1.234567e+06');
    assert.equal(formatFloat(Math.fround(3.4028234663852886e38), 32), '3.4028235e+38');
    assert.equal(fmt(Math.fround(1.1), T.float4), '1.1');
  });
});

describe('formatDatum', () => {
  const cases: Array<[Datum, SqlType, string]> = [
    [true, T.bool, 't'],
    [false, T.bool, 'f'],
    [-42n, T.int, '-42'],
    [parseDecimal('1.50'), T.decimal, '1.50'],
    [parseDecimal('NaN'), T.decimal, 'NaN'],
    ['héllo', T.string, 'héllo'],
    [Buffer.from([0x0a, 0x0b, 0xff]), T.bytes, '\\x0a0bff'],
    [Buffer.alloc(0), T.bytes, '\\x'],
    [0, T.date, '1970-01-01'],
    [3_600_000_000n, T.time, '01:00:00'],
    [1_616_619_932_530_000n, T.timestamp, '2021-03-24 21:05:32.53'],
    [1_616_619_932_530_000n, T.timestamptz, '2021-03-24 21:05:32.53+00'],
    [parseInterval('1 year 2 mons 3 days 04:05:06.5'), T.interval, '1 year 2 mons 3 days 04:05:06.5'],
    ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', T.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    [parseJson('{"b":[1,2],"a":null}'), T.jsonb, '{"a": null, "b": [1, 2]}'],
    [[1n, 2n, null], arrayOf(T.int), '{1,2,NULL}'],
    [[], arrayOf(T.int), '{}'],
    [['a b', '', null, 'NULL', 'null', 'x,y', 'q"t', 'b\\s', '{}', 'plain', 'é'], arrayOf(T.string),
      '{"a b","",NULL,"NULL","null","x,y","q\\"t","b\\\\s","{}",plain,é}'],
    [[[1n, 2n], [3n, null]], arrayOf(arrayOf(T.int)), '{{1,2},{3,NULL}}'],
    [[true, false], arrayOf(T.bool), '{t,f}'],
    [[1.5, NaN], arrayOf(T.float), '{1.5,NaN}'],
    [[parseJson('{"a": 1}')], arrayOf(T.jsonb), '{"{\\"a\\": 1}"}'],
    [[1n, 'abc'], tupleOf([T.int, T.string]), '(1,abc)'],
    [[1n, null], tupleOf([T.int, T.string]), '(1,)'],
    [['a b', '', 'q"t', 'b\\s'], tupleOf([T.string, T.string, T.string, T.string]), '("a b","","q""t","b\\\\s")'],
    [[], tupleOf([]), '()'],
  ];
  cases.forEach(([value, type, expected], i) => {
    test(`formatDatum #${i} ${expected}`, () => assert.equal(fmt(value, type), expected));
  });
  test('timestamptz in the session zone', () => {
    assert.equal(fmt(1_616_619_932_530_000n, T.timestamptz, 'Asia/Kolkata'), '2021-03-25 02:35:32.53+05:30');
    assert.equal(fmt(1_616_619_932_530_000n, T.timestamptz, 'America/New_York'), '2021-03-24 17:05:32.53-04');
  });
  test('::STRING text of bools', () => {
    assert.equal(datumToText(true, T.bool, utc), 'true');
    assert.equal(datumToText(false, T.bool, utc), 'false');
    assert.equal(datumToText(7n, T.int, utc), '7');
  });
});

describe('parse ints', () => {
  const cases: Array<[string, bigint]> = [
    ['42', 42n], [' 42 ', 42n], ['-42', -42n], ['+7', 7n], ['017', 17n], ['0x1F', 31n], ['0o17', 15n], ['0b101', 5n],
    ['1_000', 1000n], ['9223372036854775807', 9223372036854775807n], ['-9223372036854775808', -9223372036854775808n],
  ];
  for (const [input, expected] of cases) {
    test(`int ${JSON.stringify(input)}`, () => assert.equal(parse(input, T.int), expected));
  }
  test('int errors', () => {
    throwsWith(() => parse('abc', T.int), '22P02', 'could not parse "abc" as type int: strconv.ParseInt: parsing "abc": invalid syntax');
    throwsWith(() => parse('1.5', T.int), '22P02', 'could not parse "1.5" as type int: strconv.ParseInt: parsing "1.5": invalid syntax');
    throwsWith(() => parse('', T.int), '22P02');
    throwsWith(() => parse('9223372036854775808', T.int), '22003',
      'could not parse "9223372036854775808" as type int: strconv.ParseInt: parsing "9223372036854775808": value out of range');
    throwsWith(() => parse('32768', T.int2), '22003', 'integer out of range for type int2');
    throwsWith(() => parse('-2147483649', T.int4), '22003', 'integer out of range for type int4');
    assert.equal(parse('-32768', T.int2), -32768n);
  });
});

describe('parse floats and decimals', () => {
  const floats: Array<[string, number]> = [
    ['1.5', 1.5], [' -2 ', -2], ['1e3', 1000], ['.5', 0.5], ['5.', 5], ['NaN', NaN], ['nan', NaN], ['Inf', Infinity],
    ['+Infinity', Infinity], ['-Infinity', -Infinity], ['-inf', -Infinity], ['-0', -0],
  ];
  for (const [input, expected] of floats) {
    test(`float ${JSON.stringify(input)}`, () => assert.ok(Object.is(parse(input, T.float), expected)));
  }
  test('float errors and FLOAT4', () => {
    throwsWith(() => parse('abc', T.float), '22P02', 'could not parse "abc" as type float: strconv.ParseFloat: parsing "abc": invalid syntax');
    throwsWith(() => parse('1e400', T.float), '22003');
    throwsWith(() => parse('1e39', T.float4), '22003');
    assert.equal(parse('0.1', T.float4), Math.fround(0.1));
  });
  test('decimals', () => {
    assert.equal(decimalToString(parse('1.50', T.decimal) as Decimal), '1.50');
    assert.equal(decimalToString(parse(' -1e3 ', T.decimal) as Decimal), '-1000');
    assert.equal(decimalToString(parse('1.005', decimalType(5, 2)) as Decimal), '1.01');
    assert.equal(decimalToString(parse('1.5', decimalType(5, 2)) as Decimal), '1.50');
    throwsWith(() => parse('abc', T.decimal), '22P02', 'could not parse "abc" as type decimal');
    throwsWith(() => parse('1234.5', decimalType(5, 2)), '22003',
      'type DECIMAL(5,2): value with precision 5, scale 2 must round to an absolute value less than 10^3');
    throwsWith(() => parse('1', decimalType(2, 2)), '22003',
      'type DECIMAL(2,2): value with precision 2, scale 2 must round to an absolute value less than 1');
  });
});

describe('parse bools, bytes, uuids, strings', () => {
  const bools: Array<[string, boolean]> = [
    ['true', true], ['TRUE', true], ['t', true], ['tr', true], ['yes', true], ['y', true], ['on', true], ['1', true],
    [' true ', true], ['false', false], ['f', false], ['no', false], ['n', false], ['off', false], ['of', false],
    ['0', false], ['FaLsE', false],
  ];
  for (const [input, expected] of bools) {
    test(`bool ${JSON.stringify(input)}`, () => assert.equal(parse(input, T.bool), expected));
  }
  test('bool errors', () => {
    throwsWith(() => parse('x', T.bool), '22P02', 'could not parse "x" as type bool: invalid bool value');
    throwsWith(() => parse('o', T.bool), '22P02', 'could not parse "o" as type bool: invalid bool value');
    throwsWith(() => parse('truth', T.bool), '22P02');
  });

  const bytes: Array<[string, number[]]> = [
    ['\\x0a0b', [0x0a, 0x0b]], ['\\X0A0B', [0x0a, 0x0b]], ['\\x', []], ['\\x 0a 0b', [0x0a, 0x0b]], ['abc', [97, 98, 99]],
    ['a\\\\b', [97, 0x5c, 98]], ['\\001\\377', [1, 255]], ['é', [0xc3, 0xa9]], ['', []],
  ];
  for (const [input, expected] of bytes) {
    test(`bytes ${JSON.stringify(input)}`, () => assert.deepEqual([...(parse(input, T.bytes) as Buffer)], expected));
  }
  test('bytes errors', () => {
    throwsWith(() => parse('\\x1', T.bytes), '22P02', 'could not parse "\\x1" as type bytes: encoding/hex: odd length hex string');
    throwsWith(() => parse('\\xzz', T.bytes), '22P02');
    throwsWith(() => parse('a\\qb', T.bytes), '22P02', 'could not parse "a\\qb" as type bytes: invalid bytea escape sequence');
    throwsWith(() => parse('a\\', T.bytes), '22P02');
  });

  const canonical = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
  const uuids = [
    canonical, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11',
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  ];
  for (const input of uuids) {
    test(`uuid ${input}`, () => assert.equal(parse(input, T.uuid), canonical));
  }
  test('uuid errors', () => {
    throwsWith(() => parse('x', T.uuid), '22P02', 'could not parse "x" as type uuid: uuid: incorrect UUID length: x');
    throwsWith(() => parse('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z', T.uuid), '22P02',
      'could not parse "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z" as type uuid: uuid: incorrect UUID format: a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z');
  });

  test('strings fit their type', () => {
    assert.equal(parse('abcd', stringType('varchar', 3)), 'abc');
    assert.equal(parse('ab  ', stringType('char', 3)), 'ab');
    assert.equal(parse('abc', stringType('char', 1)), 'a');
    assert.equal(parse('日本語です', stringType('string', 3)), '日本語');
    assert.equal(parse('  x  ', T.string), '  x  ');
  });

  test('dates, times and intervals through parseDatum', () => {
    assert.equal(parse('2021-03-24', T.date), 18710);
    assert.equal(parse('00:00:01', T.time), 1_000_000n);
    assert.equal(parse('10:00:00.6', { ...T.time, precision: 0 }), 36_001_000_000n);
    assert.equal(parse('1970-01-01 00:00:00.129', { ...T.timestamp, precision: 2 }), 130_000n);
    assert.equal(parse('1970-01-01 05:30:00', T.timestamptz, 'Asia/Kolkata'), 0n);
    assert.deepEqual(parse('1 day', T.interval), { months: 0, days: 1, micros: 0n });
    assert.equal(parse('26', T.oid), 26n);
    assert.equal(parse('-1', T.oid), 4294967295n);
  });
});

describe('parse arrays and tuples', () => {
  test('arrays', () => {
    assert.deepEqual(parse('{1,2,NULL}', arrayOf(T.int)), [1n, 2n, null]);
    assert.deepEqual(parse(' { 1 , 2 } ', arrayOf(T.int)), [1n, 2n]);
    assert.deepEqual(parse('{}', arrayOf(T.int)), []);
    assert.deepEqual(parse('{"a b","",NULL,"NULL",null,x\\,y, spaced out }', arrayOf(T.string)),
      ['a b', '', null, 'NULL', null, 'x,y', 'spaced out']);
    assert.deepEqual(parse('{"q\\"t","b\\\\s"}', arrayOf(T.string)), ['q"t', 'b\\s']);
    assert.deepEqual(parse('{{1,2},{3,4}}', arrayOf(arrayOf(T.int))), [[1n, 2n], [3n, 4n]]);
    assert.deepEqual(parse('{abcd}', arrayOf(stringType('varchar', 2))), ['ab']);
    assert.deepEqual(parse('{2021-03-24}', arrayOf(T.date)), [18710]);
  });
  test('array errors', () => {
    throwsWith(() => parse('abc', arrayOf(T.int)), '22P02', 'could not parse "abc" as type int[]: array must be enclosed in { and }');
    throwsWith(() => parse('{1,a}', arrayOf(T.int)), '22P02',
      'could not parse "{1,a}" as type int[]: could not parse "a" as type int: strconv.ParseInt: parsing "a": invalid syntax');
    throwsWith(() => parse('{1,2', arrayOf(T.int)), '22P02');
    throwsWith(() => parse('{1,,2}', arrayOf(T.int)), '22P02');
    throwsWith(() => parse('{1} x', arrayOf(T.int)), '22P02');
    throwsWith(() => parse('{{1}}', arrayOf(T.int)), '22P02');
  });
  test('tuples', () => {
    const t = tupleOf([T.int, T.string, T.bool]);
    assert.deepEqual(parse('(1,abc,t)', t), [1n, 'abc', true]);
    assert.deepEqual(parse('(1,,)', t), [1n, null, null]);
    assert.deepEqual(parse('(1,"a ""b"", c",f)', t), [1n, 'a "b", c', false]);
    assert.deepEqual(parse('(1,"",f)', t), [1n, '', false]);
    throwsWith(() => parse('(1,2)', t), '22P02');
    throwsWith(() => parse('1,2,3', t), '22P02');
  });
});

describe('parse(format(x)) == x for every type', () => {
  const numRuns = 500;
  function roundTrip<V extends Datum>(t: SqlType, arb: fc.Arbitrary<V>, timezone = 'UTC'): void {
    fc.assert(fc.property(arb, (v) => {
      const back = parse(fmt(v, t, timezone), t, timezone);
      assert.equal(compareDatums(back, v, t), 0, `${fmt(v, t, timezone)} -> ${fmt(back, t, timezone)}`);
    }), { numRuns });
  }
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  const decimals: fc.Arbitrary<Decimal> = fc.oneof(
    fc.record({ coef: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), exp: fc.integer({ min: -40, max: 40 }) })
      .map(({ coef, exp }) => finiteDecimal(coef, exp)),
    fc.constantFrom('NaN', 'Infinity', '-Infinity', '0.000').map(parseDecimal),
  );
  const strings = fc.string({ unit: 'binary', maxLength: 20 });

  test('int', () => roundTrip(T.int, int64));
  test('int2', () => roundTrip(T.int2, fc.bigInt({ min: -32768n, max: 32767n })));
  test('float', () => {
    fc.assert(fc.property(fc.double(), (f) => assert.ok(Object.is(parse(fmt(f, T.float), T.float), f))), { numRuns });
  });
  test('float4', () => {
    fc.assert(fc.property(fc.float(), (f) => assert.ok(Object.is(parse(fmt(f, T.float4), T.float4), f))), { numRuns });
  });
  test('decimal', () => {
    fc.assert(fc.property(decimals, (d) => {
      assert.equal(compareDecimal(parse(fmt(d, T.decimal), T.decimal) as Decimal, d), 0);
    }), { numRuns });
  });
  test('string', () => roundTrip(T.string, strings));
  test('bytes', () => roundTrip(T.bytes, fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))));
  test('bool', () => roundTrip(T.bool, fc.boolean()));
  test('date', () => roundTrip(T.date, fc.oneof(fc.integer({ min: minDateDays, max: maxDateDays }), fc.constantFrom(Infinity, -Infinity))));
  test('time', () => roundTrip(T.time, fc.bigInt({ min: 0n, max: microsPerDay })));
  test('timestamp', () => roundTrip(T.timestamp, fc.bigInt({ min: minTimestampMicros, max: maxTimestampMicros })));
  test('timestamptz', () => {
    roundTrip(T.timestamptz, fc.bigInt({ min: minTimestampMicros, max: maxTimestampMicros }), 'America/New_York');
    roundTrip(T.timestamptz, fc.bigInt({ min: minTimestampMicros, max: maxTimestampMicros }), 'Asia/Kolkata');
  });
  test('interval', () => roundTrip(T.interval, fc.record({
    months: fc.integer({ min: -100000, max: 100000 }),
    days: fc.integer({ min: -100000, max: 100000 }),
    micros: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
  }).map((r) => ({ months: r.months, days: r.days, micros: r.micros }))));
  test('uuid', () => roundTrip(T.uuid, fc.uuid()));
  test('jsonb', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = fmt(parseJson(JSON.stringify(v)), T.jsonb);
      assert.equal(fmt(parse(text, T.jsonb), T.jsonb), text);
    }), { numRuns });
  });
  test('arrays', () => {
    const withNulls = <V extends Datum>(a: fc.Arbitrary<V>): fc.Arbitrary<Datum[]> =>
      fc.array(fc.option(a, { nil: null }), { maxLength: 6 });
    roundTrip(arrayOf(T.int), withNulls(int64));
    roundTrip(arrayOf(T.string), withNulls(strings));
    roundTrip(arrayOf(T.bytes), withNulls(fc.uint8Array({ maxLength: 5 }).map((a) => Buffer.from(a))));
    roundTrip(arrayOf(T.timestamptz), withNulls(fc.bigInt({ min: 0n, max: maxTimestampMicros })), 'Asia/Kolkata');
    roundTrip(arrayOf(T.jsonb), withNulls(fc.jsonValue().map((v) => parseJson(JSON.stringify(v)))));
    roundTrip(arrayOf(arrayOf(T.int)), fc.array(fc.array(int64, { minLength: 1, maxLength: 3 }), { maxLength: 3 }));
  });
  test('tuples', () => {
    const t = tupleOf([T.int, T.string, T.bool, T.interval]);
    roundTrip(t, fc.tuple(
      fc.option(int64, { nil: null }), fc.option(strings, { nil: null }), fc.option(fc.boolean(), { nil: null }),
      fc.constant(parseInterval('1 day -00:00:01')),
    ).map((x) => [...x] as Datum[]));
  });
});
