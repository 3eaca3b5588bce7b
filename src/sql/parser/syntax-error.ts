// Owns the construction of syntax and lexical errors for the SQL parser.
// Invariants: every error is a BurrowError with SQLSTATE 42601; its detail
// reproduces CockroachDB's "source SQL:\n<sql up to the error line>\n<caret>"
// block; it carries a `position` property holding the 1-based character
// (code point) offset of the offending token, as PostgreSQL's ErrorResponse
// 'P' field expects. errors.ts is not changed: `position` is attached here.

import { BurrowError, SqlState } from '../../util/errors.js';

/** A BurrowError that points at a character of the statement text. */
export type PositionedError = BurrowError & { position: number };

/** Counts code points in sql[0, end) so positions are characters, not UTF-16 units. */
function codePointCount(sql: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) {
    const c = sql.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) i++;
    count++;
  }
  return count;
}

/** CockroachDB's detail block: the SQL through the error line, then a caret. */
export function sourceDetail(sql: string, offset: number): string {
  const at = Math.min(offset, sql.length);
  const nl = sql.indexOf('\n', at);
  const lineEnd = nl === -1 ? sql.length : nl;
  const lineStart = sql.lastIndexOf('\n', at - 1) + 1;
  const column = codePointCount(sql.slice(lineStart, at), at - lineStart);
  return `source SQL:\n${sql.slice(0, lineEnd)}\n${' '.repeat(column)}^`;
}

/** Builds a 42601 error positioned at the given UTF-16 offset of sql. */
export function positionedError(sql: string, offset: number, message: string): PositionedError {
  const err = new BurrowError(SqlState.SyntaxError, message, { detail: sourceDetail(sql, offset) });
  const positioned = err as PositionedError;
  positioned.position = codePointCount(sql, Math.min(offset, sql.length)) + 1;
  return positioned;
}

/** `at or near "<token>": syntax error`, CockroachDB's wording. */
export function syntaxErrorAt(sql: string, offset: number, tokenText: string, reason?: string): PositionedError {
  const suffix = reason === undefined ? 'syntax error' : `syntax error: ${reason}`;
  return positionedError(sql, offset, `at or near "${tokenText}": ${suffix}`);
}

/** A tokenizer error such as `lexical error: unterminated string`. */
export function lexicalError(sql: string, offset: number, what: string): PositionedError {
  return positionedError(sql, offset, `lexical error: ${what}`);
}
