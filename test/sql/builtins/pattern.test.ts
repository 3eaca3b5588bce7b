// Tests src/sql/builtins/pattern.ts: LIKE/ILIKE with wildcards and
// escapes (default backslash, custom, disabled), SIMILAR TO, regexp
// replacement syntax, and caching.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileLike, compileRegexMatch, compileSimilar, pgReplacement, regexpExtract, regexpReplace,
} from '../../../src/sql/builtins/pattern.js';
import { rejects } from './helpers.js';

describe('LIKE', () => {
  const cases: [string, string, string, boolean, boolean][] = [
    // [subject, pattern, escape, caseInsensitive, expected]
    ['abc', 'abc', '\\', false, true],
    ['abc', 'ab', '\\', false, false],
    ['abc', 'a%', '\\', false, true],
    ['abc', '%c', '\\', false, true],
    ['abc', '%b%', '\\', false, true],
    ['abc', '_b_', '\\', false, true],
    ['abc', '__', '\\', false, false],
    ['', '%', '\\', false, true],
    ['a%c', 'a\\%c', '\\', false, true],
    ['abc', 'a\\%c', '\\', false, false],
    ['a_c', 'a\\_c', '\\', false, true],
    ['axc', 'a\\_c', '\\', false, false],
    ['a\\c', 'a\\\\c', '\\', false, true],
    ['a%c', 'a#%c', '#', false, true],
    ['a\\c', 'a\\c', '', false, true],
    ['ABC', 'a%', '\\', true, true],
    ['ABC', 'a%', '\\', false, false],
    ['straße', 'STRA%', '\\', true, true],
    ['a.c', 'a.c', '\\', false, true],
    ['abc', 'a.c', '\\', false, false],
    ['a\nb', 'a_b', '\\', false, true],
    ['(x)', '(%)', '\\', false, true],
    ['😀x', '_x', '\\', false, true],
  ];
  for (const [subject, pattern, escape, ci, want] of cases) {
    test(`${JSON.stringify(subject)} ${ci ? 'ILIKE' : 'LIKE'} ${JSON.stringify(pattern)} ESCAPE ${JSON.stringify(escape)}`, () => {
      assert.equal(compileLike(pattern, escape, ci)(subject), want);
    });
  }

  test('pattern ending in the escape character is 22025', async () => {
    await rejects(() => compileLike('abc\\', '\\'), '22025', 'LIKE pattern must not end with escape character');
  });

  test('multi-character escape is rejected', async () => {
    await rejects(() => compileLike('a', 'ab'), '22025', 'invalid escape string');
  });

  test('matchers are cached per pattern', () => {
    assert.equal(compileLike('x%', '\\', false), compileLike('x%', '\\', false));
  });
});

describe('SIMILAR TO', () => {
  const cases: [string, string, boolean][] = [
    ['abc', 'abc', true],
    ['abc', 'a', false],
    ['abc', '%(b|d)%', true],
    ['abd', 'a(b|c)d', true],
    ['aaa', 'a*', true],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['abc', '_b_', true],
    ['a1', 'a[0-9]', true],
  ];
  for (const [subject, pattern, want] of cases) {
    test(`${subject} SIMILAR TO ${pattern}`, () => assert.equal(compileSimilar(pattern)(subject), want));
  }
});

describe('regexps', () => {
  test('match and replace', () => {
    assert.equal(compileRegexMatch('^\\d+$')('123'), true);
    assert.equal(regexpReplace('foobarbar', 'b..', 'X'), 'fooXbar');
    assert.equal(regexpReplace('foobarbar', 'b..', 'X', 'g'), 'fooXX');
    assert.equal(regexpReplace('Hello', 'h', 'J', 'i'), 'Jello');
    assert.equal(regexpReplace('abc', '(b)', '[\\1]'), 'a[b]c');
    assert.equal(regexpReplace('abc', 'b', '$'), 'a$c');
    assert.equal(regexpReplace('abc', 'b', '<\\&>'), 'a<b>c');
    assert.equal(pgReplacement('\\\\'), '\\');
  });

  test('extract', () => {
    assert.equal(regexpExtract('foo123bar', '\\d+'), '123');
    assert.equal(regexpExtract('foo123bar', 'o(\\d)'), '1');
    assert.equal(regexpExtract('foo', '\\d'), null);
  });

  test('bad flag', async () => {
    await rejects(() => regexpReplace('a', 'a', 'b', 'z'), '22023', 'invalid regexp flag: "z"');
  });
});
