// Tests src/sql/builtins/operators.ts: arithmetic over INT/FLOAT/DECIMAL
// with CockroachDB's promotions, overflow and division errors, date/time
// and interval arithmetic (time-zone dependent where CockroachDB is), JSONB
// and array operators, comparisons across types, containment, regexes,
// and the errors for missing overloads.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T, arrayOf } from '../../../src/sql/types/types.js';
import {
  resolveBinaryOp, resolveComparison, resolveUnaryOp, mustResolveBinaryOp, mustResolveUnaryOp,
  mustResolveComparison, likePredicate,
} from '../../../src/sql/builtins/operators.js';
import {
  binop, bool, by, cmp, d, date, f, i, ints, iv, j, newYork, nul, rejects, s, strs, time, ts, tstz, unop, utc,
} from './helpers.js';

const int64Max = 9223372036854775807n;
const int64Min = -9223372036854775808n;

describe('integer arithmetic', () => {
  const cases: [string, () => string, string][] = [
    ['1 + 2', () => binop('+', i(1), i(2)), '3'],
    ['5 - 7', () => binop('-', i(5), i(7)), '-2'],
    ['6 * 7', () => binop('*', i(6), i(7)), '42'],
    ['int / int is decimal', () => binop('/', i(1), i(3)), '0.33333333333333333333'],
    ['10 / 4', () => binop('/', i(10), i(4)), '2.5'],
    ['6 / 2 exact', () => binop('/', i(6), i(2)), '3'],
    ['2 / 3 rounds half up', () => binop('/', i(2), i(3)), '0.66666666666666666667'],
    ['-7 // 2 truncates', () => binop('//', i(-7), i(2)), '-3'],
    ['7 // 2', () => binop('//', i(7), i(2)), '3'],
    ['-7 % 3 keeps dividend sign', () => binop('%', i(-7), i(3)), '-1'],
    ['2 ^ 10', () => binop('^', i(2), i(10)), '1024'],
    ['(-2) ^ 3', () => binop('^', i(-2), i(3)), '-8'],
    ['x ^ 0', () => binop('^', i(5), i(0)), '1'],
    ['12 & 10', () => binop('&', i(12), i(10)), '8'],
    ['12 | 3', () => binop('|', i(12), i(3)), '15'],
    ['12 # 10', () => binop('#', i(12), i(10)), '6'],
    ['1 << 62', () => binop('<<', i(1), i(62)), '4611686018427387904'],
    ['1 << 63 wraps', () => binop('<<', i(1), i(63)), '-9223372036854775808'],
    ['-16 >> 2', () => binop('>>', i(-16), i(2)), '-4'],
    ['max + 0', () => binop('+', i(int64Max), i(0)), '9223372036854775807'],
    ['int4 + int8', () => binop('+', [3n, T.int4], i(4)), '7'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('overflow is 22003', async () => {
    await rejects(() => binop('+', i(int64Max), i(1)), '22003', 'integer out of range');
    await rejects(() => binop('-', i(int64Min), i(1)), '22003', 'integer out of range');
    await rejects(() => binop('*', i(int64Max), i(2)), '22003', 'integer out of range');
    await rejects(() => binop('*', i(int64Min), i(-1)), '22003');
    await rejects(() => binop('^', i(2), i(63)), '22003');
    await rejects(() => binop('//', i(int64Min), i(-1)), '22003');
    await rejects(() => unop('-', i(int64Min)), '22003', 'integer out of range');
  });

  test('division by zero (zero modulus for %) is 22012', async () => {
    await rejects(() => binop('/', i(1), i(0)), '22012', 'division by zero');
    await rejects(() => binop('//', i(1), i(0)), '22012', 'division by zero');
    await rejects(() => binop('%', i(1), i(0)), '22012', 'zero modulus');
  });

  test('shift out of range and negative powers', async () => {
    await rejects(() => binop('<<', i(1), i(64)), '22023', 'shift argument out of range');
    await rejects(() => binop('>>', i(1), i(-1)), '22023', 'shift argument out of range');
    await rejects(() => binop('^', i(0), i(-1)), '2201F', 'zero raised to a negative power is undefined');
    await rejects(() => binop('^', i(2), i(-1)), '22003');
    assert.equal(binop('^', i(-1), i(-3)), '-1');
  });
});

describe('float and decimal arithmetic', () => {
  const cases: [string, () => string, string][] = [
    ['float +', () => binop('+', f(1.5), f(2.25)), '3.75'],
    ['float /', () => binop('/', f(1), f(4)), '0.25'],
    ['float //', () => binop('//', f(-7.5), f(2)), '-3'],
    ['float %', () => binop('%', f(7.5), f(2)), '1.5'],
    ['float ^', () => binop('^', f(2), f(0.5)), '1.4142135623730951'],
    ['decimal + keeps larger scale', () => binop('+', d('1.50'), d('2.5')), '4.00'],
    ['decimal - ', () => binop('-', d('1'), d('0.001')), '0.999'],
    ['decimal * adds scales', () => binop('*', d('1.5'), d('1.50')), '2.250'],
    ['decimal / 20 digits', () => binop('/', d('10'), d('3')), '3.3333333333333333333'],
    ['decimal / ideal scale', () => binop('/', d('1.00'), d('4')), '0.25'],
    ['decimal / keeps trailing zeros to ideal exp', () => binop('/', d('6.0'), d('2')), '3.0'],
    ['decimal // truncates', () => binop('//', d('-7.5'), d('2')), '-3'],
    ['decimal %', () => binop('%', d('7.5'), d('2')), '1.5'],
    ['decimal ^ int', () => binop('^', d('1.5'), d('2')), '2.25'],
    ['decimal + int', () => binop('+', d('1.25'), i(2)), '3.25'],
    ['int - decimal', () => binop('-', i(2), d('0.5')), '1.5'],
    ['int * decimal', () => binop('*', i(3), d('0.1')), '0.3'],
    ['decimal / int', () => binop('/', d('1'), i(8)), '0.125'],
    ['int / decimal', () => binop('/', i(1), d('0.3')), '3.3333333333333333333'],
    ['NaN + 1', () => binop('+', d('NaN'), d('1')), 'NaN'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('zero divisors', async () => {
    await rejects(() => binop('/', f(1), f(0)), '22012', 'division by zero');
    await rejects(() => binop('%', f(1), f(0)), '22012');
    await rejects(() => binop('/', d('1'), d('0.00')), '22012', 'division by zero');
    await rejects(() => binop('%', d('1'), i(0)), '22012');
    await rejects(() => binop('//', i(1), d('0')), '22012');
  });

  test('no mixed int/float arithmetic (CockroachDB)', async () => {
    assert.equal(resolveBinaryOp('+', T.int, T.float), undefined);
    await rejects(() => mustResolveBinaryOp('+', T.int, T.string), '22023', 'unsupported binary operator: <int> + <string>');
    await rejects(() => mustResolveBinaryOp('*', T.float, T.decimal), '22023', 'unsupported binary operator: <float> * <decimal>');
    await rejects(() => mustResolveBinaryOp('&', T.decimal, T.decimal), '22023');
  });

  test('result types', () => {
    assert.equal(resolveBinaryOp('/', T.int, T.int)!.returnType, T.decimal);
    assert.equal(resolveBinaryOp('//', T.int, T.int)!.returnType, T.int);
    assert.equal(resolveBinaryOp('+', T.int, T.decimal)!.returnType, T.decimal);
    assert.equal(resolveBinaryOp('-', T.date, T.date)!.returnType, T.int);
    assert.equal(resolveBinaryOp('+', T.date, T.interval)!.returnType, T.timestamp);
  });
});

describe('unary operators', () => {
  test('negation and complement', async () => {
    assert.equal(unop('-', i(5)), '-5');
    assert.equal(unop('-', f(1.5)), '-1.5');
    assert.equal(unop('-', d('1.50')), '-1.50');
    assert.equal(unop('-', iv('1 day 02:00:00')), '-1 days -02:00:00');
    assert.equal(unop('~', i(0)), '-1');
    assert.equal(unop('+', d('2.0')), '2.0');
    assert.equal(unop('not', bool(true)), 'f');
    assert.equal(resolveUnaryOp('-', T.string), undefined);
    await rejects(() => mustResolveUnaryOp('-', T.string), '22023', 'unsupported unary operator: - <string>');
  });
});

describe('date and time arithmetic', () => {
  const cases: [string, () => string, string][] = [
    ['date + int', () => binop('+', date('2020-02-28'), i(2)), '2020-03-01'],
    ['int + date', () => binop('+', i(1), date('2020-12-31')), '2021-01-01'],
    ['date - int', () => binop('-', date('2020-03-01'), i(1)), '2020-02-29'],
    ['date - date', () => binop('-', date('2020-03-01'), date('2020-01-01')), '60'],
    ['date + interval', () => binop('+', date('2020-01-31'), iv('1 month')), '2020-02-29 00:00:00'],
    ['date - interval', () => binop('-', date('2020-03-01'), iv('1 hour')), '2020-02-29 23:00:00'],
    ['date + time', () => binop('+', date('2020-01-01'), time('12:30:00')), '2020-01-01 12:30:00'],
    ['time + interval wraps', () => binop('+', time('23:00:00'), iv('2 hours')), '01:00:00'],
    ['time - time', () => binop('-', time('12:00:00'), time('10:30:00')), '01:30:00'],
    ['timestamp + interval', () => binop('+', ts('2020-01-31 10:00:00'), iv('1 month 1 day')), '2020-03-01 10:00:00'],
    ['interval + timestamp', () => binop('+', iv('90 minutes'), ts('2020-01-01 00:00:00')), '2020-01-01 01:30:00'],
    ['timestamp - interval', () => binop('-', ts('2020-03-31 00:00:00'), iv('1 mon')), '2020-02-29 00:00:00'],
    ['timestamp - timestamp', () => binop('-', ts('2020-01-02 01:00:00'), ts('2020-01-01 00:00:00')), '1 day 01:00:00'],
    ['timestamp - timestamp negative', () => binop('-', ts('2020-01-01 00:00:00'), ts('2020-01-02 01:00:00')), '-1 days -01:00:00'],
    ['interval + interval', () => binop('+', iv('1 day'), iv('2 hours')), '1 day 02:00:00'],
    ['interval - interval', () => binop('-', iv('1 mon'), iv('1 day')), '1 mon -1 days'],
    ['interval * int', () => binop('*', iv('1 day 1 hour'), i(3)), '3 days 03:00:00'],
    ['interval * float', () => binop('*', iv('1 mon'), f(1.5)), '1 mon 15 days'],
    ['float * interval', () => binop('*', f(0.5), iv('1 day')), '12:00:00'],
    ['interval / int', () => binop('/', iv('1 day'), i(4)), '06:00:00'],
    ['interval * decimal', () => binop('*', iv('10 seconds'), d('1.5')), '00:00:15'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('timestamptz + interval uses the session time zone across DST', () => {
    // 2021-03-13 12:00 EST + 1 day is 2021-03-14 12:00 EDT: 23 hours later.
    const start = tstz('2021-03-13 12:00:00', 'America/New_York');
    assert.equal(binop('+', start, iv('1 day'), newYork), '2021-03-14 12:00:00-04');
    assert.equal(binop('+', start, iv('1 day'), utc), '2021-03-14 17:00:00+00');
    assert.equal(binop('+', start, iv('24 hours'), newYork), '2021-03-14 13:00:00-04');
  });

  test('timestamptz - timestamp reads the timestamp in the session zone', () => {
    const a = tstz('2020-01-01 12:00:00', 'UTC');
    const b = ts('2020-01-01 12:00:00');
    assert.equal(binop('-', a, b, utc), '00:00:00');
    assert.equal(binop('-', a, b, newYork), '-05:00:00');
  });

  test('interval division by zero', async () => {
    await rejects(() => binop('/', iv('1 day'), i(0)), '22012', 'division by zero');
    await rejects(() => binop('/', iv('1 day'), f(0)), '22012');
  });
});

describe('concatenation', () => {
  const cases: [string, () => string, string][] = [
    ['string || string', () => binop('||', s('ab'), s('cd')), 'abcd'],
    ['string || int', () => binop('||', s('n='), i(5)), 'n=5'],
    ['bool || string', () => binop('||', bool(true), s('!')), 'true!'],
    ['string || decimal', () => binop('||', s('x'), d('1.50')), 'x1.50'],
    ['string || date', () => binop('||', s('d:'), date('2020-01-02')), 'd:2020-01-02'],
    ['bytes || bytes', () => binop('||', by('01'), by('ff')), '\\x01ff'],
    ['array || array', () => binop('||', ints(1, 2), ints(3)), '{1,2,3}'],
    ['array || elem', () => binop('||', ints(1), i(2)), '{1,2}'],
    ['elem || array', () => binop('||', i(0), ints(1)), '{0,1}'],
    ['array || NULL elem appends NULL', () => binop('||', ints(1), nul(T.int)), '{1,NULL}'],
    ['NULL array || elem', () => binop('||', nul(arrayOf(T.int)), i(7)), '{7}'],
    ['jsonb || jsonb merges objects', () => binop('||', j('{"a":1}'), j('{"b":2,"a":3}')), '{"a": 3, "b": 2}'],
    ['jsonb || jsonb arrays', () => binop('||', j('[1]'), j('2')), '[1, 2]'],
    ['string || NULL', () => binop('||', s('a'), nul(T.string)), 'NULL'],
    ['jsonb -> NULL literal', () => binop('->', j('{"a":1}'), nul()), 'NULL'],
    ['NULL literal + int', () => binop('+', nul(), i(1)), 'NULL'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('array || array of another type is unsupported', async () => {
    await rejects(() => mustResolveBinaryOp('||', arrayOf(T.int), arrayOf(T.string)), '22023');
  });
});

describe('jsonb operators', () => {
  const doc = j('{"a": {"b": [10, 20, {"c": "x"}]}, "n": null, "s": "str"}');
  const cases: [string, () => string, string][] = [
    ['-> key', () => binop('->', doc, s('a')), '{"b": [10, 20, {"c": "x"}]}'],
    ['-> missing', () => binop('->', doc, s('zz')), 'NULL'],
    ['-> index', () => binop('->', j('[1,2,3]'), i(-1)), '3'],
    ['->> string unquoted', () => binop('->>', doc, s('s')), 'str'],
    ['->> JSON null is NULL', () => binop('->>', doc, s('n')), 'NULL'],
    ['->> object text', () => binop('->>', j('{"a":[1,2]}'), s('a')), '[1, 2]'],
    ['#> path', () => binop('#>', doc, strs('a', 'b', '2', 'c')), '"x"'],
    ['#>> path', () => binop('#>>', doc, strs('a', 'b', '1')), '20'],
    ['#> missing path', () => binop('#>', doc, strs('a', 'q')), 'NULL'],
    ['- key', () => binop('-', j('{"a":1,"b":2}'), s('a')), '{"b": 2}'],
    ['- index', () => binop('-', j('[1,2,3]'), i(1)), '[1, 3]'],
    ['- keys', () => binop('-', j('{"a":1,"b":2,"c":3}'), strs('a', 'c')), '{"b": 2}'],
    ['#- path', () => binop('#-', j('{"a":{"b":1,"c":2}}'), strs('a', 'b')), '{"a": {"c": 2}}'],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('deleting from scalars fails', async () => {
    await rejects(() => binop('-', j('1'), s('a')), '22023', 'cannot delete from scalar');
    await rejects(() => binop('-', j('{"a":1}'), i(0)), '22023', 'cannot delete from object using integer index');
  });
});

describe('comparisons', () => {
  const cases: [string, () => boolean, boolean][] = [
    ['1 = 1', () => cmp('=', i(1), i(1)), true],
    ['int < float', () => cmp('<', i(1), f(1.5)), true],
    ['float = int', () => cmp('=', f(2), i(2)), true],
    ['big int vs float exactness', () => cmp('<', i(9007199254740993n), f(9007199254740992)), false],
    ['int = decimal with scale', () => cmp('=', i(2), d('2.00')), true],
    ['decimal > float', () => cmp('>', d('0.3'), f(0.1)), true],
    ['float NaN is smallest', () => cmp('<', f(NaN), f(-Infinity)), true],
    ['NaN = NaN', () => cmp('=', f(NaN), f(NaN)), true],
    ['strings', () => cmp('<', s('a'), s('b')), true],
    ['string <>', () => cmp('<>', s('a'), s('a')), false],
    ['!= alias', () => cmp('!=', i(1), i(2)), true],
    ['date = timestamp', () => cmp('=', date('2020-01-01'), ts('2020-01-01 00:00:00')), true],
    ['date < timestamp', () => cmp('<', date('2020-01-01'), ts('2020-01-01 00:00:01')), true],
    ['intervals compare with 30-day months', () => cmp('=', iv('1 mon'), iv('30 days')), true],
    ['arrays', () => cmp('<', ints(1, 2), ints(1, 3)), true],
    ['bools', () => cmp('>', bool(true), bool(false)), true],
    ['bytes', () => cmp('<', by('00ff'), by('01')), true],
    ['jsonb equality ignores key order', () => cmp('=', j('{"a":1,"b":2}'), j('{"b":2,"a":1}')), true],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('timestamp vs timestamptz uses the session zone', () => {
    const local = ts('2020-01-01 07:00:00');
    const instant = tstz('2020-01-01 12:00:00', 'UTC');
    assert.equal(cmp('=', local, instant, newYork), true);
    assert.equal(cmp('=', local, instant, utc), false);
    assert.equal(cmp('<', date('2020-01-01'), tstz('2020-01-01 04:00:00', 'UTC'), newYork), false);
  });

  test('unsupported comparison', async () => {
    assert.equal(resolveComparison('=', T.int, T.string), undefined);
    await rejects(() => mustResolveComparison('<', T.bool, T.int), '22023', 'unsupported comparison operator: <bool> < <int>');
  });
});

describe('containment and existence', () => {
  const cases: [string, () => boolean, boolean][] = [
    ['jsonb @> object', () => cmp('@>', j('{"a":1,"b":{"c":2}}'), j('{"b":{"c":2}}')), true],
    ['jsonb @> missing', () => cmp('@>', j('{"a":1}'), j('{"a":2}')), false],
    ['jsonb array @> subset', () => cmp('@>', j('[1,2,3]'), j('[3,1]')), true],
    ['jsonb array @> scalar', () => cmp('@>', j('["a","b"]'), j('"a"')), true],
    ['jsonb <@', () => cmp('<@', j('{"a":1}'), j('{"a":1,"b":2}')), true],
    ['jsonb ? key', () => cmp('?', j('{"a":1}'), s('a')), true],
    ['jsonb ? array string', () => cmp('?', j('["x","y"]'), s('y')), true],
    ['jsonb ?| any', () => cmp('?|', j('{"a":1}'), strs('z', 'a')), true],
    ['jsonb ?& all', () => cmp('?&', j('{"a":1}'), strs('z', 'a')), false],
    ['array @>', () => cmp('@>', ints(1, 2, 3), ints(3, 1)), true],
    ['array @> with NULL needle', () => cmp('@>', ints(1, null), ints(null)), false],
    ['array <@', () => cmp('<@', ints(1), ints(1, 2)), true],
    ['array &&', () => cmp('&&', ints(1, 2), ints(5, 2)), true],
    ['array && disjoint', () => cmp('&&', ints(1, 2), ints(3)), false],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));
});

describe('regular expression operators', () => {
  const cases: [string, () => boolean, boolean][] = [
    ['~ matches', () => cmp('~', s('foobar'), s('o+b')), true],
    ['~ is case-sensitive', () => cmp('~', s('FOO'), s('foo')), false],
    ['~* ignores case', () => cmp('~*', s('FOO'), s('^foo$')), true],
    ['!~', () => cmp('!~', s('abc'), s('z')), true],
    ['!~*', () => cmp('!~*', s('ABC'), s('b')), false],
    ['dot matches newline', () => cmp('~', s('a\nb'), s('^a.b$')), true],
  ];
  for (const [name, run, want] of cases) test(name, () => assert.equal(run(), want));

  test('invalid regex is 2201B', async () => {
    await rejects(() => cmp('~', s('a'), s('(')), '2201B');
  });

  test('per-row LIKE predicate', () => {
    const like = likePredicate(false);
    assert.equal(like('abc', 'a%'), true);
    assert.equal(like('abc', 'a_'), false);
    assert.equal(likePredicate(true)('ABC', 'a%c'), true);
  });
});
