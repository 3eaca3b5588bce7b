// Owns a runner for CockroachDB-style datadriven test files. A test case is
// a directive line (`directive key key=val key=(a,b)`), input lines, a
// `----` separator and the expected output, ended by a blank line or end of
// file. Output containing blank lines uses the double-separator form
// (`----\n----\n<output>\n----\n----`). Lines starting with `#` between
// cases are comments.
// Invariants: the runner evaluates every case and reports all mismatches
// in one failure, each pointing at `<file>:<line>`; with BURROW_REWRITE=1 it
// instead rewrites the expected outputs in the source file, leaving every
// other byte (comments, spacing, inputs) unchanged.

import { AssertionError } from 'node:assert';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DataDrivenArg {
  key: string;
  vals: string[];
}

export interface DataDrivenTestCase {
  directive: string;
  args: DataDrivenArg[];
  /** Input lines joined with '\n' (no trailing newline). */
  input: string;
  /** `<path>:<line of the directive>` (1-based). */
  pos: string;
  /** Expected output lines joined with '\n' (no trailing newline). */
  expected: string;
  /** 0-based index of the first `----` line. */
  separatorLine: number;
  /** 0-based index one past the last line of the expected block (separators included). */
  endLine: number;
}

export type DataDrivenHandler = (tc: DataDrivenTestCase) => string | Promise<string>;

export interface DataDrivenResult {
  cases: number;
  failures: number;
  rewritten: boolean;
}

/** Parses `key`, `key=val`, `key=(a,b)` arguments. */
export function parseArgs(words: string[]): DataDrivenArg[] {
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq === -1) return { key: w, vals: [] };
    const key = w.slice(0, eq);
    const val = w.slice(eq + 1);
    if (val.startsWith('(') && val.endsWith(')')) {
      const inner = val.slice(1, -1).trim();
      return { key, vals: inner === '' ? [] : inner.split(',').map((v) => v.trim()) };
    }
    return { key, vals: [val] };
  });
}

/** Splits a directive line into words, keeping `key=(a, b)` together. */
function splitDirective(line: string): string[] {
  return line.trim().match(/\S+?=\([^)]*\)|\S+/g) ?? [];
}

/** Parses a whole datadriven file into test cases. */
export function parseDataDriven(text: string, path: string): DataDrivenTestCase[] {
  const lines = text.split('\n');
  const cases: DataDrivenTestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const tc = parseCase(lines, i, path);
    cases.push(tc);
    i = tc.endLine;
  }
  return cases;
}

function parseCase(lines: string[], start: number, path: string): DataDrivenTestCase {
  const [directive, ...argWords] = splitDirective(lines[start]!);
  const pos = `${path}:${start + 1}`;
  let i = start + 1;
  const input: string[] = [];
  while (i < lines.length && lines[i] !== '----') input.push(lines[i++]!);
  if (i >= lines.length) throw new Error(`${pos}: missing ---- separator after the input of "${directive}"`);
  const separatorLine = i++;
  const expected: string[] = [];
  if (lines[i] === '----') {
    i++;
    while (i < lines.length && !(lines[i] === '----' && lines[i + 1] === '----')) expected.push(lines[i++]!);
    if (i >= lines.length) throw new Error(`${pos}: unterminated double-separator output block`);
    i += 2;
  } else {
    while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
  }
  return {
    directive: directive!, args: parseArgs(argWords), input: input.join('\n'), pos,
    expected: expected.join('\n'), separatorLine, endLine: i,
  };
}

/** Canonical form of a handler's output for comparison: no trailing newlines. */
function normalizeOutput(out: string): string {
  return out.replace(/\n+$/, '');
}

/** The lines that encode `output` after the input (separator included). */
function outputBlock(output: string): string[] {
  if (output === '') return ['----'];
  if (output.split('\n').some((l) => l.trim() === '')) return ['----', '----', ...output.split('\n'), '----', '----'];
  return ['----', ...output.split('\n')];
}

function describeMismatch(tc: DataDrivenTestCase, actual: string): string {
  return `${tc.pos}: ${tc.directive}\ninput:\n${tc.input}\nexpected:\n${tc.expected}\nfound:\n${actual}\n`;
}

async function runCase(tc: DataDrivenTestCase, handler: DataDrivenHandler): Promise<string> {
  try {
    return normalizeOutput(await handler(tc));
  } catch (err) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return `handler threw: ${detail}`;
  }
}

/**
 * Runs every case of the file at `path` through `handler`. Throws one
 * AssertionError listing every mismatch, unless BURROW_REWRITE=1, in which
 * case the file's expected outputs are rewritten instead.
 */
export async function runDataDrivenFile(path: string, handler: DataDrivenHandler): Promise<DataDrivenResult> {
  const text = readFileSync(path, 'utf8');
  const cases = parseDataDriven(text, path);
  const rewrite = process.env['BURROW_REWRITE'] === '1';
  const actuals: string[] = [];
  const mismatches: string[] = [];
  for (const tc of cases) {
    const actual = await runCase(tc, handler);
    actuals.push(actual);
    if (actual !== tc.expected) mismatches.push(describeMismatch(tc, actual));
  }
  if (rewrite) {
    writeFileSync(path, rewriteText(text, cases, actuals));
    return { cases: cases.length, failures: 0, rewritten: true };
  }
  if (mismatches.length > 0) {
    throw new AssertionError({
      message: `${mismatches.length} of ${cases.length} datadriven cases failed in ${path}\n\n${mismatches.join('\n')}`,
    });
  }
  return { cases: cases.length, failures: 0, rewritten: false };
}

/** Replaces each case's expected block with the actual output. */
export function rewriteText(text: string, cases: DataDrivenTestCase[], actuals: string[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let next = 0;
  cases.forEach((tc, k) => {
    out.push(...lines.slice(next, tc.separatorLine), ...outputBlock(actuals[k]!));
    next = tc.endLine;
  });
  out.push(...lines.slice(next));
  return out.join('\n');
}

/**
 * Maps a compiled test module's URL (under `<repo>/dist/`) to a path in the
 * source tree: sourcePath(import.meta.url, 'testdata') from
 * dist/test/sql/parser/x.test.js is <repo>/test/sql/parser/testdata.
 */
export function sourcePath(moduleUrl: string, ...relative: string[]): string {
  const compiledDir = dirname(fileURLToPath(moduleUrl));
  const marker = `${sep}dist${sep}`;
  const at = compiledDir.lastIndexOf(marker);
  const sourceDir = at === -1 ? compiledDir : compiledDir.slice(0, at) + sep + compiledDir.slice(at + marker.length);
  return join(sourceDir, ...relative);
}

/** The `.txt` datadriven files in a directory, sorted by name. */
export function listDataFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(dir, f));
}
