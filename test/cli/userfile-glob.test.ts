// userfile pattern matching: Go's path.Match semantics and what a pattern
// selects among stored names (which start with '/').

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatternSyntaxError, pathMatch, pathSelector, relativeTo } from '../../src/cli/userfile-glob.js';

const stored = [
  '/a.csv',
  '/b.txt',
  '/bank-backup',
  '/bank-backup/2024/BACKUP_MANIFEST',
  '/bank-backup/2024/data/1.sst',
  '/bank-backup2/x',
  '/data/1/numbers/n1.csv',
  '/data/2/numbers/n2.csv',
  '/data/2/numbers/sub/n3.csv',
  '/data/2/words/w.csv',
  '/file1.csv',
  '/file2.csv',
  '/filex.csv',
  '/lit*star.csv',
  '/litXstar.csv',
  '/naïve/résumé.csv',
  '/日本/データ.csv',
];

function select(pattern: string): string[] {
  const s = pathSelector(pattern);
  return stored.filter((n) => n.startsWith(s.scanPrefix) && s.matches(n));
}

test('no pattern, "/" and "*" style patterns', () => {
  assert.deepEqual(select(''), stored);
  assert.deepEqual(select('/'), stored);
  // '*' never crosses '/': only top-level names.
  assert.deepEqual(select('*'), ['/a.csv', '/b.txt', '/bank-backup', '/file1.csv', '/file2.csv', '/filex.csv', '/lit*star.csv', '/litXstar.csv']);
  assert.deepEqual(select('/*.csv'), ['/a.csv', '/file1.csv', '/file2.csv', '/filex.csv', '/lit*star.csv', '/litXstar.csv']);
});

test('a literal name selects the file and everything under it as a directory', () => {
  assert.deepEqual(select('bank-backup'), ['/bank-backup', '/bank-backup/2024/BACKUP_MANIFEST', '/bank-backup/2024/data/1.sst']);
  assert.deepEqual(select('/bank-backup/2024'), ['/bank-backup/2024/BACKUP_MANIFEST', '/bank-backup/2024/data/1.sst']);
  assert.deepEqual(select('a.csv'), ['/a.csv']);
  assert.deepEqual(select('a.cs'), []);
  const s = pathSelector('bank-backup/2024');
  assert.equal(s.dir, '/bank-backup');
  assert.equal(relativeTo(s.dir, '/bank-backup/2024/data/1.sst'), '2024/data/1.sst');
});

test('*/numbers/*.csv matches one level on each side only', () => {
  assert.deepEqual(select('data/*/numbers/*.csv'), ['/data/1/numbers/n1.csv', '/data/2/numbers/n2.csv']);
  assert.deepEqual(select('*/numbers/*.csv'), []);
  assert.deepEqual(select('/*/*/numbers/*.csv'), ['/data/1/numbers/n1.csv', '/data/2/numbers/n2.csv']);
  const s = pathSelector('data/*/numbers/*.csv');
  assert.equal(s.dir, '/data');
  assert.equal(s.scanPrefix, '/data/');
  assert.equal(relativeTo(s.dir, '/data/2/numbers/n2.csv'), '2/numbers/n2.csv');
});

test('character classes: ranges, negation, escapes', () => {
  assert.deepEqual(select('file[0-9].csv'), ['/file1.csv', '/file2.csv']);
  assert.deepEqual(select('file[^0-9].csv'), ['/filex.csv']);
  // '!' is not negation in Go: the class is '!' or '1'.
  assert.deepEqual(select('file[!1].csv'), ['/file1.csv']);
  assert.deepEqual(select('file[12x].csv'), ['/file1.csv', '/file2.csv', '/filex.csv']);
  assert.ok(pathMatch('[\\]]', ']'));
  assert.ok(pathMatch('[a\\-z]', '-'));
  assert.ok(!pathMatch('[a\\-z]', 'b'));
  assert.ok(pathMatch('/a[/]b', '/a/b')); // a class may match '/' (Go's does)
});

test('an escaped \\* matches a literal star only', () => {
  assert.deepEqual(select('lit\\*star.csv'), ['/lit*star.csv']);
  assert.deepEqual(select('lit*star.csv'), ['/lit*star.csv', '/litXstar.csv']);
  assert.ok(pathMatch('\\?', '?'));
  assert.ok(!pathMatch('\\?', 'x'));
});

test('? matches one character (a code point), never /', () => {
  assert.deepEqual(select('file?.csv'), ['/file1.csv', '/file2.csv', '/filex.csv']);
  assert.deepEqual(select('/日?/デ?タ.csv'), ['/日本/データ.csv']);
  assert.deepEqual(select('/na?ve/r?sum?.csv'), ['/naïve/résumé.csv']);
  assert.ok(!pathMatch('a?b', 'a/b'));
  assert.ok(pathMatch('/data/?', '/data/1'));
  assert.ok(!pathMatch('/data?1', '/data/1'));
});

test('unicode names as literals and in classes', () => {
  assert.deepEqual(select('日本'), ['/日本/データ.csv']);
  assert.deepEqual(select('/naïve/*.csv'), ['/naïve/résumé.csv']);
  assert.ok(pathMatch('[α-ω]', 'λ'));
  assert.ok(!pathMatch('[^α-ω]', 'λ'));
});

test('* never crosses /', () => {
  assert.ok(pathMatch('/data/*', '/data/x'));
  assert.ok(!pathMatch('/data/*', '/data/1/numbers/n1.csv'));
  assert.ok(!pathMatch('/*.csv', '/data/w.csv'));
  assert.ok(pathMatch('/d*a/*/n*s/*', '/data/1/numbers/n1.csv'));
  assert.ok(pathMatch('a*b*c', 'aXbYbZc'));
  assert.ok(!pathMatch('a*b', 'aXb/b'));
  assert.ok(pathMatch('*', ''));
  assert.ok(!pathMatch('', 'x'));
  assert.ok(pathMatch('', ''));
});

test('malformed patterns are errors, even when nothing could match', () => {
  for (const p of ['[', '/a[', '[]', '[a-]', '/x\\', '[^]', '*[', 'abc[']) {
    assert.throws(() => pathMatch(p, 'zzz'), PatternSyntaxError, p);
    assert.throws(() => pathSelector(p), PatternSyntaxError, p);
  }
  assert.throws(() => pathMatch('a*[', 'b'), /syntax error in pattern/);
});
