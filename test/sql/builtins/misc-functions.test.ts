// Tests the JSON, array and system builtins, and the registry's
// resolution rules and CockroachDB error texts (unknown function, unknown
// signature, window function without OVER).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T, arrayOf } from '../../../src/sql/types/types.js';
import { functionKind, lookupFunction, resolveFunction } from '../../../src/sql/builtins/registry.js';
import {
  bool, call, ctxWith, d, date, f, i, ints, j, nul, rejects, s, strs, ts, tstz, utc, type Arg,
} from './helpers.js';

type Row = [string, string, Arg[], string];

const jsonRows: Row[] = [
  ['jsonb_build_object', 'jsonb_build_object', [s('a'), i(1), s('b'), s('x'), s('c'), nul(T.int)], '{"a": 1, "b": "x", "c": null}'],
  ['json_build_object decimal/bool', 'json_build_object', [s('d'), d('1.50'), s('t'), bool(true)], '{"d": 1.5, "t": true}'],
  ['jsonb_build_object int key', 'jsonb_build_object', [i(1), i(2)], '{"1": 2}'],
  ['jsonb_build_array', 'jsonb_build_array', [i(1), s('a'), nul(T.string), ints(1, 2)], '[1, "a", null, [1, 2]]'],
  ['to_jsonb string', 'to_jsonb', [s('hi')], '"hi"'],
  ['to_jsonb timestamp', 'to_jsonb', [ts('2020-01-02 03:04:05')], '"2020-01-02T03:04:05"'],
  ['to_json date', 'to_json', [date('2020-01-02')], '"2020-01-02"'],
  ['jsonb_typeof object', 'jsonb_typeof', [j('{"a":1}')], 'object'],
  ['jsonb_typeof number', 'jsonb_typeof', [j('1.5')], 'number'],
  ['jsonb_typeof null', 'jsonb_typeof', [j('null')], 'null'],
  ['jsonb_array_length', 'jsonb_array_length', [j('[1,2,3]')], '3'],
  ['jsonb_extract_path', 'jsonb_extract_path', [j('{"a":{"b":[5,6]}}'), s('a'), s('b'), s('1')], '6'],
  ['jsonb_extract_path missing', 'jsonb_extract_path', [j('{"a":1}'), s('x')], 'NULL'],
  ['jsonb_extract_path_text', 'jsonb_extract_path_text', [j('{"a":{"b":"str"}}'), s('a'), s('b')], 'str'],
  ['jsonb_pretty', 'jsonb_pretty', [j('{"a":[1,{}],"b":{}}')], '{\n    "a": [\n        1,\n        {}\n    ],\n    "b": {}\n}'],
  ['jsonb_set', 'jsonb_set', [j('{"a":{"b":1}}'), strs('a', 'b'), j('2')], '{"a": {"b": 2}}'],
  ['jsonb_set creates', 'jsonb_set', [j('{"a":1}'), strs('c'), j('[true]')], '{"a": 1, "c": [true]}'],
  ['jsonb_set no create', 'jsonb_set', [j('{"a":1}'), strs('c'), j('1'), bool(false)], '{"a": 1}'],
  ['jsonb_set array append', 'jsonb_set', [j('[1,2]'), strs('5'), j('3')], '[1, 2, 3]'],
  ['jsonb_strip_nulls', 'jsonb_strip_nulls', [j('{"a":null,"b":[null,{"c":null}]}')], '{"b": [null, {}]}'],
  ['array_to_json', 'array_to_json', [strs('a', null)], '["a", null]'],
];

const arrayRows: Row[] = [
  ['array_length', 'array_length', [ints(1, 2, 3), i(1)], '3'],
  ['array_length empty is NULL', 'array_length', [ints(), i(1)], 'NULL'],
  ['array_length dim 2', 'array_length', [ints(1), i(2)], 'NULL'],
  ['array_upper', 'array_upper', [ints(4, 5), i(1)], '2'],
  ['array_lower', 'array_lower', [ints(4, 5), i(1)], '1'],
  ['cardinality', 'cardinality', [ints()], '0'],
  ['array_append', 'array_append', [ints(1), i(2)], '{1,2}'],
  ['array_append to NULL', 'array_append', [nul(arrayOf(T.int)), i(2)], '{2}'],
  ['array_prepend', 'array_prepend', [i(0), ints(1)], '{0,1}'],
  ['array_cat', 'array_cat', [ints(1), ints(2, 3)], '{1,2,3}'],
  ['array_cat NULL', 'array_cat', [nul(arrayOf(T.int)), ints(2)], '{2}'],
  ['array_position', 'array_position', [strs('a', 'b', 'b'), s('b')], '2'],
  ['array_position from', 'array_position', [strs('a', 'b', 'b'), s('b'), i(3)], '3'],
  ['array_position NULL elem', 'array_position', [ints(1, null), nul(T.int)], '2'],
  ['array_position missing', 'array_position', [ints(1), i(9)], 'NULL'],
  ['array_positions', 'array_positions', [ints(1, 2, 1), i(1)], '{1,3}'],
  ['array_remove', 'array_remove', [ints(1, 2, 1), i(1)], '{2}'],
  ['array_remove NULL', 'array_remove', [ints(1, null), nul(T.int)], '{1}'],
  ['array_replace', 'array_replace', [ints(1, 2, 1), i(1), i(9)], '{9,2,9}'],
  ['array_to_string', 'array_to_string', [ints(1, null, 3), s(',')], '1,3'],
  ['array_to_string null text', 'array_to_string', [ints(1, null, 3), s(','), s('*')], '1,*,3'],
  ['array_to_string decimals', 'array_to_string', [[[null], arrayOf(T.decimal)], s('-')], ''],
  ['string_to_array', 'string_to_array', [s('a,b,,c'), s(',')], '{a,b,"",c}'],
  ['string_to_array null str', 'string_to_array', [s('a,x,c'), s(','), s('x')], '{a,NULL,c}'],
  ['string_to_array NULL delim', 'string_to_array', [s('abc'), nul(T.string)], '{a,b,c}'],
  ['string_to_array empty', 'string_to_array', [s(''), s(',')], '{}'],
];

describe('json builtins', () => {
  for (const [name, fn, args, want] of jsonRows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args), want));
  }
  test('errors', async () => {
    await rejects(() => call('jsonb_build_object', [s('a')]), '22023', 'argument list must have even number of elements');
    await rejects(() => call('jsonb_build_object', [nul(T.string), i(1)]), '22004', 'null value not allowed for object key');
    await rejects(() => call('jsonb_array_length', [j('{"a":1}')]), '22023', 'cannot get array length of a non-array');
    await rejects(() => call('jsonb_array_length', [j('5')]), '22023', 'cannot get array length of a scalar');
  });
  test('timestamptz becomes ISO text in the session zone', async () => {
    assert.equal(await call('to_jsonb', [tstz('2020-01-01 00:00:00')], ctxWith({ timezone: 'Asia/Kolkata' })),
      '"2020-01-01T05:30:00+05:30"');
  });
});

describe('array builtins', () => {
  for (const [name, fn, args, want] of arrayRows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args), want));
  }
  test('polymorphic return types', () => {
    assert.deepEqual(resolveFunction('array_append', [arrayOf(T.string), T.string]).returnType, arrayOf(T.string));
    assert.deepEqual(resolveFunction('array_append', [T.unknown, T.int]).returnType, arrayOf(T.int));
  });
  test('mismatched element types do not resolve', async () => {
    await rejects(() => resolveFunction('array_append', [arrayOf(T.int), T.string]), '42883',
      'unknown signature: array_append(int[], string)');
  });
});

describe('system builtins', () => {
  const ctx = ctxWith({
    user: 'alice', database: 'bank', searchPath: ['$user', 'public'],
    sessionVar: (n) => (n === 'application_name' ? 'psql' : undefined),
    uniqueRowId: () => 42n,
    nextval: async (n) => (n === 'seq' ? 7n : 0n),
    currval: async () => 6n,
    setval: async (_n, v) => v,
  });
  const rows: Row[] = [
    ['current_user', 'current_user', [], 'alice'],
    ['session_user', 'session_user', [], 'alice'],
    ['current_database', 'current_database', [], 'bank'],
    ['current_schema skips $user', 'current_schema', [], 'public'],
    ['current_schemas(false)', 'current_schemas', [bool(false)], '{public}'],
    ['current_schemas(true)', 'current_schemas', [bool(true)], '{pg_catalog,public}'],
    ['current_setting', 'current_setting', [s('application_name')], 'psql'],
    ['current_setting missing_ok', 'current_setting', [s('nope'), bool(true)], 'NULL'],
    ['unique_rowid', 'unique_rowid', [], '42'],
    ['nextval', 'nextval', [s('seq')], '7'],
    ['currval', 'currval', [s('seq')], '6'],
    ['setval', 'setval', [s('seq'), i(100)], '100'],
    ['setval is_called', 'setval', [s('seq'), i(5), bool(false)], '5'],
    ['pg_typeof int', 'pg_typeof', [i(1)], 'bigint'],
    ['pg_typeof NULL', 'pg_typeof', [nul()], 'unknown'],
    ['pg_typeof array', 'pg_typeof', [strs('a')], 'text[]'],
    ['pg_typeof float', 'pg_typeof', [f(1)], 'double precision'],
    ['num_nulls', 'num_nulls', [i(1), nul(T.int), nul(T.string)], '2'],
    ['num_nonnulls', 'num_nonnulls', [i(1), nul(T.int)], '1'],
  ];
  for (const [name, fn, args, want] of rows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args, ctx), want));
  }
  test('gen_random_uuid', async () => {
    const a = await call('gen_random_uuid', []);
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, await call('uuid_generate_v4', []));
  });
  test('version and cluster_logical_timestamp', async () => {
    assert.match(await call('version', []), /CockroachDB/);
    assert.match(await call('cluster_logical_timestamp', [], ctxWith({ clusterLogicalTimestamp: () => '1592224496789000000.0000000001' })),
      /^1592224496789000000\.0000000001$/);
  });
  test('sequence functions are async and volatile', () => {
    const r = resolveFunction('nextval', [T.string]);
    assert.equal(r.async, true);
    assert.equal(r.volatility, 'volatile');
  });
  test('unknown setting', async () => {
    await rejects(() => call('current_setting', [s('nope')], ctx), '42704', 'unrecognized configuration parameter "nope"');
  });
});

describe('registry', () => {
  test('unknown function', async () => {
    await rejects(() => resolveFunction('foo', []), '42883', 'unknown function: foo()');
    assert.equal(lookupFunction('foo'), undefined);
  });
  test('unknown signature', async () => {
    await rejects(() => resolveFunction('length', [T.int]), '42883', 'unknown signature: length(int)');
    await rejects(() => resolveFunction('lpad', [T.string]), '42883', 'unknown signature: lpad(string)');
    await rejects(() => resolveFunction('upper', [T.string, T.string]), '42883', 'unknown signature: upper(string, string)');
    await rejects(() => resolveFunction('substr', [arrayOf(T.int), T.float]), '42883', 'unknown signature: substr(int[], float)');
  });
  test('window function without OVER', async () => {
    await rejects(() => resolveFunction('row_number', []), '42809', 'window function row_number() requires an OVER clause');
  });
  test('kinds and qualified names', () => {
    assert.equal(functionKind('COUNT'), 'aggregate');
    assert.equal(functionKind('rank'), 'window');
    assert.equal(functionKind('generate_series'), 'generator');
    assert.equal(functionKind('pg_catalog.now'), 'scalar');
    assert.equal(lookupFunction('Upper')!.kind, 'scalar');
    assert.equal(resolveFunction('PG_CATALOG.UPPER', [T.string]).returnType, T.string);
  });
  test('NULL literal arguments resolve to the first overload', () => {
    assert.equal(resolveFunction('length', [T.unknown]).returnType, T.int);
  });
  test('varchar and int4 arguments match string and int parameters', async () => {
    assert.equal(await call('length', [['abc', { ...T.string, variant: 'varchar', width: 10 }]]), '3');
    assert.equal(await call('abs', [[-3n, T.int4]]), '3');
  });
  test('the bound function ignores later context changes except the zone', async () => {
    assert.equal(await call('upper', [s('x')], utc), 'X');
  });
});
