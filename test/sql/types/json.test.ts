// Tests src/sql/types/json.ts: parsing and CockroachDB's output form (key
// order, spacing, numbers, escapes), access operators, @> containment,
// jsonb_typeof, building objects, to_jsonb, and a round-trip property.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../../src/util/errors.js';
import { parseDecimal } from '../../../src/util/decimal.js';
import {
  formatJson, jsonBuildObject, jsonContains, jsonFetchIndex, jsonFetchIndexText, jsonFetchKey, jsonFetchKeyText,
  jsonFetchPath, jsonFetchPathText, jsonFetchText, jsonTypeof, parseJson, toJson,
} from '../../../src/sql/types/json.js';
import { arrayOf, T, tupleOf } from '../../../src/sql/types/types.js';
import { parseTimestamp, parseTimestampTz } from '../../../src/sql/types/datetime.js';
import { parseInterval } from '../../../src/sql/types/interval.js';
import type { JsonValue } from '../../../src/sql/types/datum.js';

const j = parseJson;
const show = (s: string): string => formatJson(parseJson(s));

describe('format', () => {
  const cases: Array<[string, string]> = [
    ['{"a":1,"b":[1,2]}', '{"a": 1, "b": [1, 2]}'],
    ['{"b": 1, "aa": 2, "a": 3}', '{"a": 3, "aa": 2, "b": 1}'],
    ['{"b":1,"B":2,"é":3,"z":4}', '{"B": 2, "b": 1, "z": 4, "é": 3}'],
    ['{"a":1,"a":2}', '{"a": 2}'],
    ['  [ ]  ', '[]'],
    ['{}', '{}'],
    ['1.0', '1'],
    ['-0', '0'],
    ['1e2', '100'],
    ['1.5e-7', '1.5E-7'],
    ['1e25', '1E+25'],
    ['12345678901234567', '12345678901234568'],
    ['"a\\"b\\\\c\\n\\u0001"', '"a\\"b\\\\c\\n\\u0001"'],
    ['"\\u00e9"', '"é"'],
    ['null', 'null'],
    ['true', 'true'],
    ['[null, false, "x", {"k": []}]', '[null, false, "x", {"k": []}]'],
    ['{"__proto__": {"x": 1}}', '{"__proto__": {"x": 1}}'],
  ];
  for (const [input, expected] of cases) {
    test(`formatJson ${input}`, () => assert.equal(show(input), expected));
  }

  test('invalid JSON is 22P02', () => {
    for (const bad of ['{', '{"a" 1}', 'abc', '', '[1,]', '{"a":1} x']) {
      assert.throws(() => parseJson(bad), (err: unknown) => {
        assert.ok(err instanceof BurrowError);
        assert.equal(err.code, '22P02');
        assert.ok(err.message.startsWith('could not parse JSON: '), err.message);
        return true;
      });
    }
  });
});

describe('access', () => {
  const doc = j('{"a": {"b": [10, "x", null]}, "n": null, "s": "str", "t": true}');
  test('-> and ->>', () => {
    assert.equal(formatJson(jsonFetchKey(doc, 'a')!), '{"b": [10, "x", null]}');
    assert.equal(jsonFetchKey(doc, 'missing'), null);
    assert.equal(jsonFetchKey(j('[1]'), 'a'), null);
    assert.equal(jsonFetchKeyText(doc, 's'), 'str');
    assert.equal(jsonFetchKeyText(doc, 't'), 'true');
    assert.equal(jsonFetchKeyText(doc, 'n'), null);
    assert.deepEqual(jsonFetchKey(doc, 'n'), { json: null });
    assert.equal(jsonFetchKeyText(doc, 'a'), '{"b": [10, "x", null]}');
    assert.equal(jsonFetchKey(j('{}'), 'toString'), null);
  });
  test('array indexes, negative from the end', () => {
    const arr = j('[10, "x", null]');
    assert.equal(formatJson(jsonFetchIndex(arr, 0)!), '10');
    assert.equal(jsonFetchIndexText(arr, 1), 'x');
    assert.equal(formatJson(jsonFetchIndex(arr, -3)!), '10');
    assert.equal(jsonFetchIndex(arr, 3), null);
    assert.equal(jsonFetchIndex(arr, -4), null);
    assert.equal(jsonFetchIndex(j('{"0": 1}'), 0), null);
    assert.equal(jsonFetchText(arr, -2), 'x');
    assert.equal(jsonFetchText(doc, 's'), 'str');
  });
  test('paths', () => {
    assert.equal(formatJson(jsonFetchPath(doc, ['a', 'b', '0'])!), '10');
    assert.equal(jsonFetchPathText(doc, ['a', 'b', '-2']), 'x');
    assert.equal(jsonFetchPath(doc, ['a', 'c']), null);
    assert.equal(jsonFetchPath(doc, ['a', 'b', 'x']), null);
    assert.equal(formatJson(jsonFetchPath(doc, [])!), formatJson(doc));
  });
});

describe('containment', () => {
  const cases: Array<[string, string, boolean]> = [
    ['{"a": 1, "b": 2}', '{"a": 1}', true],
    ['{"a": 1}', '{"a": 1, "b": 2}', false],
    ['{"a": {"b": 1, "c": 2}}', '{"a": {"b": 1}}', true],
    ['[1, 2, 3]', '[3, 1]', true],
    ['[1, 2, 3]', '[1, 1]', true],
    ['[1, 2, 3]', '[4]', false],
    ['[1, [2, 3]]', '[[3]]', true],
    ['[1, [2, 3]]', '[3]', false],
    ['["foo", "bar"]', '"foo"', true],
    ['["foo", "bar"]', '"baz"', false],
    ['{"a": [1, 2]}', '{"a": 1}', false],
    ['{"a": [1, 2]}', '{"a": [2]}', true],
    ['[{"a": 1, "b": 2}]', '[{"a": 1}]', true],
    ['1', '1', true],
    ['"a"', '"a"', true],
    ['1', '[1]', false],
    ['{}', '{}', true],
    ['[]', '[]', true],
    ['null', 'null', true],
    ['[null]', 'null', true],
  ];
  for (const [a, b, expected] of cases) {
    test(`${a} @> ${b}`, () => assert.equal(jsonContains(j(a), j(b)), expected));
  }
});

test('jsonb_typeof', () => {
  const cases: Array<[string, string]> = [
    ['{}', 'object'], ['[]', 'array'], ['"x"', 'string'], ['1.5', 'number'], ['true', 'boolean'], ['null', 'null'],
  ];
  for (const [input, expected] of cases) assert.equal(jsonTypeof(j(input)), expected);
});

test('json_build_object', () => {
  assert.equal(formatJson(jsonBuildObject([['b', 1], ['a', [true, null]], ['b', 'last']])), '{"a": [true, null], "b": "last"}');
  assert.equal(formatJson(jsonBuildObject([['__proto__', 1]])), '{"__proto__": 1}');
});

describe('to_jsonb', () => {
  test('scalars', () => {
    assert.equal(formatJson(toJson(42n, T.int)), '42');
    assert.equal(formatJson(toJson(1.5, T.float)), '1.5');
    assert.equal(formatJson(toJson(NaN, T.float)), '"NaN"');
    assert.equal(formatJson(toJson(parseDecimal('12.50'), T.decimal)), '12.5');
    assert.equal(formatJson(toJson('hi "you"', T.string)), '"hi \\"you\\""');
    assert.equal(formatJson(toJson(true, T.bool)), 'true');
    assert.equal(formatJson(toJson(null, T.int)), 'null');
    assert.equal(formatJson(toJson(Buffer.from([1, 255]), T.bytes)), '"\\\\x01ff"');
    assert.equal(formatJson(toJson(parseInterval('1 day 02:00'), T.interval)), '"1 day 02:00:00"');
    assert.equal(formatJson(toJson(j('{"a": 1}'), T.jsonb)), '{"a": 1}');
  });
  test('timestamps use ISO 8601', () => {
    assert.equal(formatJson(toJson(parseTimestamp('2021-03-24 21:05:32.53'), T.timestamp)), '"2021-03-24T21:05:32.53"');
    const tz = parseTimestampTz('2021-03-24 21:05:32+00', 'UTC');
    assert.equal(formatJson(toJson(tz, T.timestamptz)), '"2021-03-24T21:05:32Z"');
    assert.equal(formatJson(toJson(tz, T.timestamptz, { timezone: 'Asia/Kolkata' })), '"2021-03-25T02:35:32+05:30"');
  });
  test('arrays and tuples', () => {
    assert.equal(formatJson(toJson([1n, null, 3n], arrayOf(T.int))), '[1, null, 3]');
    assert.equal(formatJson(toJson([1n, 'x'], tupleOf([T.int, T.string]))), '{"f1": 1, "f2": "x"}');
  });
});

test('parse(format(x)) keeps the value', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const once = formatJson({ json: v as JsonValue });
    assert.equal(formatJson(parseJson(once)), once);
    assert.deepEqual(JSON.parse(once), JSON.parse(JSON.stringify(v)));
  }), { numRuns: 1000 });
});
