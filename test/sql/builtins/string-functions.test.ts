// Tests the string and bytes builtins through the registry, as the
// executor calls them: code-point semantics, SQL's 1-based substring rules,
// NULL handling (strict vs concat-style), encodings, format() and errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T } from '../../../src/sql/types/types.js';
import { resolveFunction } from '../../../src/sql/builtins/registry.js';
import { bool, by, call, d, date, f, i, ints, nul, rejects, s, tstz, type Arg } from './helpers.js';

type Row = [string, string, Arg[], string];

const rows: Row[] = [
  ['length chars', 'length', [s('héllo')], '5'],
  ['length astral', 'length', [s('a😀b')], '3'],
  ['length bytes', 'length', [by('0102')], '2'],
  ['char_length', 'char_length', [s('abc')], '3'],
  ['octet_length utf8', 'octet_length', [s('é')], '2'],
  ['bit_length', 'bit_length', [s('ab')], '16'],
  ['lower', 'lower', [s('ÀBC')], 'àbc'],
  ['upper', 'upper', [s('straße')], 'STRASSE'],
  ['substr from', 'substr', [s('hello'), i(2)], 'ello'],
  ['substr from,len', 'substr', [s('hello'), i(2), i(3)], 'ell'],
  ['substring start 0', 'substring', [s('hello'), i(0), i(2)], 'h'],
  ['substring negative start', 'substring', [s('hello'), i(-3), i(5)], 'h'],
  ['substring past end', 'substring', [s('hello'), i(10)], ''],
  ['substring astral', 'substring', [s('😀ab'), i(2), i(1)], 'a'],
  ['substring bytes', 'substring', [by('010203'), i(2), i(1)], '\\x02'],
  ['substring regex', 'substring', [s('abc123'), s('[0-9]+')], '123'],
  ['substring regex group', 'substring', [s('key=value'), s('=(.*)$')], 'value'],
  ['concat skips NULL', 'concat', [s('a'), nul(T.string), i(1), bool(true)], 'a1true'],
  ['concat all NULL', 'concat', [nul(T.string)], ''],
  ['concat_ws', 'concat_ws', [s(', '), s('a'), nul(T.string), s('b')], 'a, b'],
  ['concat_ws NULL sep', 'concat_ws', [nul(T.string), s('a')], 'NULL'],
  ['overlay', 'overlay', [s('Txxxxas'), s('hom'), i(2), i(4)], 'Thomas'],
  ['overlay default length', 'overlay', [s('abcdef'), s('XY'), i(3)], 'abXYef'],
  ['overlay bytes', 'overlay', [by('010203'), by('ff'), i(2)], '\\x01ff03'],
  ['replace', 'replace', [s('abcabc'), s('b'), s('XY')], 'aXYcaXYc'],
  ['replace empty from', 'replace', [s('abc'), s(''), s('X')], 'abc'],
  ['btrim default', 'btrim', [s('  x  ')], 'x'],
  ['trim set', 'trim', [s('xxhixy'), s('xy')], 'hi'],
  ['ltrim', 'ltrim', [s('  x  ')], 'x  '],
  ['rtrim set', 'rtrim', [s('abcxx'), s('x')], 'abc'],
  ['lpad', 'lpad', [s('hi'), i(5)], '   hi'],
  ['lpad fill', 'lpad', [s('hi'), i(6), s('xy')], 'xyxyhi'],
  ['lpad truncates', 'lpad', [s('hello'), i(2)], 'he'],
  ['rpad fill', 'rpad', [s('hi'), i(5), s('*')], 'hi***'],
  ['rpad empty fill', 'rpad', [s('hi'), i(5), s('')], 'hi'],
  ['left', 'left', [s('abcde'), i(2)], 'ab'],
  ['left negative', 'left', [s('abcde'), i(-2)], 'abc'],
  ['right', 'right', [s('abcde'), i(2)], 'de'],
  ['right negative', 'right', [s('abcde'), i(-2)], 'cde'],
  ['left bytes', 'left', [by('0102'), i(1)], '\\x01'],
  ['repeat', 'repeat', [s('ab'), i(3)], 'ababab'],
  ['repeat negative', 'repeat', [s('ab'), i(-1)], ''],
  ['reverse', 'reverse', [s('abc😀')], '😀cba'],
  ['strpos', 'strpos', [s('hello'), s('ll')], '3'],
  ['strpos missing', 'strpos', [s('hello'), s('z')], '0'],
  ['strpos after astral', 'strpos', [s('😀ab'), s('b')], '3'],
  ['position(sub, s)', 'position', [s('lo'), s('hello')], '4'],
  ['split_part', 'split_part', [s('a,b,c'), s(','), i(2)], 'b'],
  ['split_part past end', 'split_part', [s('a,b,c'), s(','), i(5)], ''],
  ['split_part negative', 'split_part', [s('a,b,c'), s(','), i(-1)], 'c'],
  ['starts_with', 'starts_with', [s('hello'), s('he')], 't'],
  ['initcap', 'initcap', [s('hELLO wORLD-foo')], 'Hello World-Foo'],
  ['translate', 'translate', [s('12345'), s('143'), s('ax')], 'a2x5'],
  ['md5', 'md5', [s('abc')], '900150983cd24fb0d6963f7d28e17f72'],
  ['sha256', 'sha256', [s('abc')], 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['md5 bytes', 'md5', [by('')], 'd41d8cd98f00b204e9800998ecf8427e'],
  ['encode hex', 'encode', [by('00ff'), s('hex')], '00ff'],
  ['encode base64', 'encode', [by('68656c6c6f'), s('base64')], 'aGVsbG8='],
  ['encode escape', 'encode', [by('610080'), s('escape')], 'a\\000\\200'],
  ['decode hex', 'decode', [s('00ff'), s('hex')], '\\x00ff'],
  ['decode base64', 'decode', [s('aGVsbG8='), s('base64')], '\\x68656c6c6f'],
  ['decode escape', 'decode', [s('a\\000b'), s('escape')], '\\x610062'],
  ['to_hex int', 'to_hex', [i(255)], 'ff'],
  ['to_hex negative', 'to_hex', [i(-1)], 'ffffffffffffffff'],
  ['to_hex bytes', 'to_hex', [by('0aff')], '0aff'],
  ['ascii', 'ascii', [s('A')], '65'],
  ['ascii astral', 'ascii', [s('😀')], '128512'],
  ['chr', 'chr', [i(65)], 'A'],
  ['chr astral', 'chr', [i(128512)], '😀'],
  ['format %s', 'format', [s('%s-%s'), s('a'), i(1)], 'a-1'],
  ['format %I', 'format', [s('SELECT %I'), s('My Col')], 'SELECT "My Col"'],
  ['format %L', 'format', [s('x = %L'), s("it's")], "x = 'it''s'"],
  ['format %L NULL', 'format', [s('x = %L'), nul(T.string)], 'x = NULL'],
  ['format positional', 'format', [s('%2$s %1$s'), s('a'), s('b')], 'b a'],
  ['format %%', 'format', [s('100%%')], '100%'],
  ['format width', 'format', [s('[%5s]'), s('ab')], '[   ab]'],
  ['quote_ident plain', 'quote_ident', [s('abc')], 'abc'],
  ['quote_ident needs quotes', 'quote_ident', [s('Abc')], '"Abc"'],
  ['quote_ident keyword', 'quote_ident', [s('select')], '"select"'],
  ['quote_literal', 'quote_literal', [s("O'Reilly")], "'O''Reilly'"],
  ['quote_literal backslash', 'quote_literal', [s('a\\b')], "e'a\\\\b'"],
  ['quote_literal number', 'quote_literal', [d('1.50')], "'1.50'"],
  ['quote_nullable NULL', 'quote_nullable', [nul(T.string)], 'NULL'],
  ['regexp_replace', 'regexp_replace', [s('Thomas'), s('.[mN]a.'), s('M')], 'ThM'],
  ['regexp_replace global', 'regexp_replace', [s('aaa'), s('a'), s('b'), s('g')], 'bbb'],
  ['regexp_extract', 'regexp_extract', [s('x=42'), s('[0-9]+')], '42'],
  ['regexp_split_to_array', 'regexp_split_to_array', [s('a1b22c'), s('[0-9]+')], '{a,b,c}'],
  ['regexp_split_to_array empty', 'regexp_split_to_array', [s('abc'), s('')], '{a,b,c}'],
  ['strict NULL', 'upper', [nul(T.string)], 'NULL'],
  ['concat float and date', 'concat', [f(1.5), s('/'), date('2020-01-02')], '1.5/2020-01-02'],
  ['concat timestamptz in session zone', 'concat', [tstz('2020-01-01 00:00:00')], '2020-01-01 00:00:00+00'],
  ['concat array', 'concat', [ints(1, 2)], '{1,2}'],
];

describe('string builtins', () => {
  for (const [name, fn, args, want] of rows) {
    test(`${name}: ${fn}`, async () => assert.equal(await call(fn, args), want));
  }
});

describe('string builtin errors', () => {
  test('negative substring length', async () => {
    await rejects(() => call('substring', [s('abc'), i(1), i(-1)]), '22011', 'negative substring length not allowed');
  });
  test('split_part zero', async () => {
    await rejects(() => call('split_part', [s('a'), s(','), i(0)]), '22023', 'field position must not be zero');
  });
  test('ascii of empty string', async () => {
    await rejects(() => call('ascii', [s('')]), '22023', 'the input string must not be empty');
  });
  test('chr out of range', async () => {
    await rejects(() => call('chr', [i(-1)]), '22023', 'input value must be >= 0');
    await rejects(() => call('chr', [i(0x110000)]), '22023', 'input value must be <= 1114111 (maximum Unicode code point)');
  });
  test('encode format', async () => {
    await rejects(() => call('encode', [by('00'), s('base32')]), '22023',
      "only 'hex', 'escape', and 'base64' formats are supported for encode()");
  });
  test('format too few arguments', async () => {
    await rejects(() => call('format', [s('%s %s'), s('a')]), '22023', 'too few arguments for format()');
  });
  test('repeat too large', async () => {
    await rejects(() => call('repeat', [s('ab'), i(1e9)]), '54000');
  });
  test('concat is not strict, upper is', () => {
    assert.equal(resolveFunction('concat', [T.string]).strict, false);
    assert.equal(resolveFunction('upper', [T.string]).strict, true);
  });
});
