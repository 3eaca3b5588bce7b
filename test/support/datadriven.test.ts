// Tests the datadriven runner: file parsing (arguments, comments, the
// double-separator form), mismatch reporting with positions, rewrite mode
// on a temporary file, and mapping compiled test paths back to sources.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { parseArgs, parseDataDriven, runDataDrivenFile, sourcePath } from './datadriven.js';

const SAMPLE = `# a comment
echo a=1 b=(x, y) flag
hello
world
----
hello
world

# another comment

upper
abc
----
ABC

blank
x
----
----
x

x
----
----

empty
----
`;

function withTempFile(text: string, body: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dd-'));
  const path = join(dir, 'case.txt');
  writeFileSync(path, text);
  return body(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function withRewrite(body: () => Promise<void>): Promise<void> {
  const before = process.env['BURROW_REWRITE'];
  process.env['BURROW_REWRITE'] = '1';
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env['BURROW_REWRITE'];
    else process.env['BURROW_REWRITE'] = before;
  }
}

/** Echo for "echo"/"blank", upper-case for "upper", nothing for "empty". */
function handler(tc: { directive: string; input: string }): string {
  if (tc.directive === 'upper') return tc.input.toUpperCase();
  if (tc.directive === 'blank') return `${tc.input}\n\n${tc.input}`;
  if (tc.directive === 'empty') return '';
  return tc.input;
}

test('parseArgs handles key, key=val and key=(a,b)', () => {
  assert.deepEqual(parseArgs(['k', 'a=1', 'b=(x, y)', 'c=()']), [
    { key: 'k', vals: [] },
    { key: 'a', vals: ['1'] },
    { key: 'b', vals: ['x', 'y'] },
    { key: 'c', vals: [] },
  ]);
});

test('parseDataDriven reads directives, inputs, outputs and positions', () => {
  const cases = parseDataDriven(SAMPLE, 'f.txt');
  assert.equal(cases.length, 4);
  assert.equal(cases[0]!.directive, 'echo');
  assert.deepEqual(cases[0]!.args, [
    { key: 'a', vals: ['1'] },
    { key: 'b', vals: ['x', 'y'] },
    { key: 'flag', vals: [] },
  ]);
  assert.equal(cases[0]!.input, 'hello\nworld');
  assert.equal(cases[0]!.expected, 'hello\nworld');
  assert.equal(cases[0]!.pos, 'f.txt:2');
  assert.equal(cases[1]!.pos, 'f.txt:11');
  assert.equal(cases[2]!.expected, 'x\n\nx');
  assert.equal(cases[3]!.directive, 'empty');
  assert.equal(cases[3]!.expected, '');
});

test('parseDataDriven rejects a case without a separator', () => {
  assert.throws(() => parseDataDriven('echo\nabc\n', 'g.txt'), /g\.txt:1: missing ---- separator/);
});

test('runDataDrivenFile passes when outputs match', async () => {
  await withTempFile(SAMPLE, async (path) => {
    const res = await runDataDrivenFile(path, handler);
    assert.equal(res.cases, 4);
    assert.equal(res.rewritten, false);
  });
});

test('runDataDrivenFile reports every mismatch with its position', async () => {
  await withTempFile(SAMPLE, async (path) => {
    await assert.rejects(
      runDataDrivenFile(path, (tc) => (tc.directive === 'empty' ? '' : 'wrong')),
      (err: Error) => {
        assert.match(err.message, /3 of 4 datadriven cases failed/);
        assert.ok(err.message.includes(`${path}:2: echo`));
        assert.ok(err.message.includes(`${path}:11: upper`));
        assert.match(err.message, /expected:\nABC\nfound:\nwrong/);
        return true;
      },
    );
  });
});

test('runDataDrivenFile reports a throwing handler as a failure', async () => {
  await withTempFile('echo\na\n----\na\n', async (path) => {
    await assert.rejects(runDataDrivenFile(path, () => { throw new Error('boom'); }), /handler threw: Error: boom/);
  });
});

test('rewrite mode replaces expected outputs and keeps everything else', async () => {
  const stale = `# keep me
upper
abc
----
stale

# and me
blank
y
----
old

echo
z
----
`;
  await withTempFile(stale, async (path) => {
    await withRewrite(async () => {
      const res = await runDataDrivenFile(path, handler);
      assert.equal(res.rewritten, true);
    });
    const text = readFileSync(path, 'utf8');
    assert.equal(text, `# keep me
upper
abc
----
ABC

# and me
blank
y
----
----
y

y
----
----

echo
z
----
z
`);
    const again = await runDataDrivenFile(path, handler);
    assert.equal(again.cases, 3);
  });
});

test('sourcePath maps dist/ test modules back to the source tree', () => {
  const url = `file://${sep}repo${sep}dist${sep}test${sep}sql${sep}parser${sep}p.test.js`.replace(/\\/g, '/');
  assert.equal(sourcePath(url, 'testdata', 'a.txt'), join(`${sep}repo`, 'test', 'sql', 'parser', 'testdata', 'a.txt'));
});
