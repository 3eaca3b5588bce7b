// Runs the parser's datadriven files (testdata/*.txt), checks the printer's
// round-trip invariant over every `parse` case, and prints (without
// asserting) a micro-measure of parsing a simple point query.
// Directives:
//   parse        input SQL → each statement formatted, one per line
//   parse-expr   input expression → fully parenthesized form (shows precedence)
//   ast          input SQL → the AST as compact JSON
//   lex          input SQL → one `kind text` line per token
//   error        input SQL → `(code) message`, `position: n`, then the detail

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { listDataFiles, parseDataDriven, runDataDrivenFile, sourcePath, type DataDrivenTestCase } from '../../support/datadriven.js';
import { readFileSync } from 'node:fs';
import { parse, parseExpression, parseOne, parseTypeRef } from '../../../src/sql/parser/parser.js';
import { formatStatement, formatExpr, formatType } from '../../../src/sql/parser/printer.js';
import { lex } from '../../../src/sql/parser/lexer.js';
import type { Expr } from '../../../src/sql/parser/ast.js';

const testdata = sourcePath(import.meta.url, 'testdata');
const files = listDataFiles(testdata);

function formatAll(sql: string): string {
  return parse(sql).map(formatStatement).join('\n');
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message: string; position?: number; detail?: string };
  const lines = [`(${e.code ?? '?'}) ${e.message}`];
  if (e.position !== undefined) lines.push(`position: ${e.position}`);
  if (e.detail !== undefined) lines.push(e.detail);
  return lines.join('\n');
}

/** Prints operators with explicit parentheses so precedence is visible. */
function explicit(e: Expr): string {
  switch (e.kind) {
    case 'and': return `(${explicit(e.left)} AND ${explicit(e.right)})`;
    case 'or': return `(${explicit(e.left)} OR ${explicit(e.right)})`;
    case 'not': return `(NOT ${explicit(e.expr)})`;
    case 'unary': return `(${e.op}${explicit(e.expr)})`;
    case 'binary': case 'compare': return `(${explicit(e.left)} ${e.op} ${explicit(e.right)})`;
    case 'is': return `(${explicit(e.expr)} IS ${e.not ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'isDistinctFrom': return `(${explicit(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${explicit(e.right)})`;
    case 'like': return `(${explicit(e.expr)} ${e.not ? 'NOT ' : ''}${e.op} ${explicit(e.pattern)}${e.escape ? ` ESCAPE ${explicit(e.escape)}` : ''})`;
    case 'between': return `(${explicit(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${explicit(e.low)} AND ${explicit(e.high)})`;
    case 'in': return `(${explicit(e.expr)} ${e.not ? 'NOT ' : ''}IN ${e.list ? `(${e.list.map(explicit).join(', ')})` : '(subquery)'})`;
    case 'cast': return e.syntax === '::' ? `(${explicit(e.expr)}::${formatType(e.type)})` : formatExpr(e);
    case 'collate': return `(${explicit(e.expr)} COLLATE ${e.collation})`;
    case 'subscript': return `(${explicit(e.expr)}[${e.index ? explicit(e.index) : ''}])`;
    default: return formatExpr(e);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function handle(tc: DataDrivenTestCase): string {
  switch (tc.directive) {
    case 'parse':
      try { return formatAll(tc.input); } catch (err) { return `unexpected error: ${describeError(err)}`; }
    case 'parse-expr':
      try { return explicit(parseExpression(tc.input)); } catch (err) { return `unexpected error: ${describeError(err)}`; }
    case 'ast':
      return parse(tc.input).map((s) => JSON.stringify(s, jsonReplacer)).join('\n');
    case 'lex':
      try { return lex(tc.input).map((t) => `${t.kind} ${JSON.stringify(t.text)}`).join("\n"); } catch (err) { return describeError(err); }
    case 'error':
      try {
        const out = formatAll(tc.input);
        return `expected an error, parsed: ${out}`;
      } catch (err) {
        return describeError(err);
      }
    default:
      throw new Error(`${tc.pos}: unknown directive ${tc.directive}`);
  }
}

for (const file of files) {
  test(`datadriven ${basename(file)}`, async () => {
    const res = await runDataDrivenFile(file, handle);
    assert.ok(res.cases > 0);
  });
}

test('at least 250 datadriven cases', () => {
  const total = files.reduce((n, f) => n + parseDataDriven(readFileSync(f, 'utf8'), f).length, 0);
  assert.ok(total >= 250, `only ${total} cases`);
});

/** Formats each statement of sql, then re-parses and re-formats each one alone. */
function roundTrip(sql: string): { once: string[]; twice: string[] } {
  const once = parse(sql).map(formatStatement);
  const twice = once.map((s) => parse(s).map(formatStatement).join('; '));
  return { once, twice };
}

test('printing is a fixed point: format(parse(format(parse(sql)))) === format(parse(sql))', () => {
  let checked = 0;
  for (const file of files) {
    for (const tc of parseDataDriven(readFileSync(file, 'utf8'), file)) {
      if (tc.directive !== 'parse') continue;
      let result: { once: string[]; twice: string[] };
      try {
        result = roundTrip(tc.input);
      } catch (err) {
        assert.fail(`${tc.pos}: round trip failed: ${describeError(err)}`);
      }
      assert.deepEqual(result.twice, result.once, `${tc.pos}: round trip differs`);
      checked++;
    }
  }
  assert.ok(checked > 0);
});

test('parseOne requires exactly one statement', () => {
  assert.equal(parseOne('SELECT 1;').kind, 'select');
  assert.throws(() => parseOne('SELECT 1; SELECT 2'), { code: '42601', message: 'expected 1 statement, but found 2' });
  assert.throws(() => parseOne(' -- nothing'), { code: '42601', message: 'expected 1 statement, but found 0' });
});

test('parseExpression and parseTypeRef parse stored fragments', () => {
  assert.deepEqual(parseExpression('-1'), { kind: 'num', text: '-1', numKind: 'int' });
  assert.deepEqual(parseTypeRef('decimal(10, 2)[]'), { name: 'DECIMAL', params: [10, 2], arrayDims: 1, userDefined: null });
  assert.throws(() => parseExpression('a b'), { code: '42601', message: 'at or near "b": syntax error', position: 3 });
});

test('positions count characters, not UTF-16 units or bytes', () => {
  assert.throws(() => parse("SELECT '😀é' FROM FROM"), { position: 18 });
});

test('absurd nesting fails cleanly instead of overflowing the stack', () => {
  const sql = `SELECT ${'('.repeat(100000)}1${')'.repeat(100000)}`;
  assert.throws(() => parse(sql), { code: '54001', message: 'stack depth limit exceeded' });
});

test('backtracking over nested parenthesized selects stays fast', () => {
  let e = '1';
  for (let i = 0; i < 40; i++) e = `((SELECT ${e}) + 1)`;
  const start = Date.now();
  assert.equal(parse(`SELECT ${e}`).length, 1);
  assert.ok(Date.now() - start < 2000);
});

test('micro-measure: parse a point query (printed, not asserted)', () => {
  const sql = 'SELECT a, b FROM t WHERE id = $1';
  for (let i = 0; i < 5000; i++) parse(sql);
  const iterations = 10000;
  let bestUs = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) parse(sql);
    bestUs = Math.min(bestUs, Number(process.hrtime.bigint() - start) / iterations / 1000);
  }
  console.log(`parse(${JSON.stringify(sql)}): ${bestUs.toFixed(2)} µs per statement (best of 5 rounds)`);
});
