// Owns the parser's position in the token array and the small vocabulary
// every parse-*.ts file uses: peek, advance, accept/expect keywords and
// operators, names of the various kinds, and syntax errors.
// Invariants: the token array always ends with an 'eof' token, so peeking
// past the end returns that token; a cursor is a plain object mutated only
// through these helpers (and `p.i` saves/restores for backtracking).

import type { Token } from './lexer.js';
import type { ObjectName } from './ast.js';
import { isNameWord } from './keywords.js';
import { syntaxErrorAt, type PositionedError } from './syntax-error.js';

export interface Cursor {
  sql: string;
  toks: Token[];
  i: number;
  /**
   * Token indexes where `( select )` was tried and failed. The attempt is
   * context-free, so remembering failures keeps backtracking linear.
   */
  failedParenSelect: Set<number>;
}

export function peek(p: Cursor, ahead = 0): Token {
  const t = p.toks[p.i + ahead];
  return t ?? p.toks[p.toks.length - 1]!;
}

export function advance(p: Cursor): Token {
  const t = peek(p);
  if (t.kind !== 'eof') p.i++;
  return t;
}

/** True when the token `ahead` is the unquoted keyword kw (lower case). */
export function isKw(p: Cursor, kw: string, ahead = 0): boolean {
  const t = peek(p, ahead);
  return t.kind === 'word' && t.text === kw;
}

/** True when the next tokens are exactly these keywords. */
export function isKws(p: Cursor, ...kws: string[]): boolean {
  for (let k = 0; k < kws.length; k++) if (!isKw(p, kws[k]!, k)) return false;
  return true;
}

export function isOp(p: Cursor, op: string, ahead = 0): boolean {
  const t = peek(p, ahead);
  return t.kind === 'op' && t.text === op;
}

export function acceptKw(p: Cursor, kw: string): boolean {
  if (!isKw(p, kw)) return false;
  p.i++;
  return true;
}

/** Accepts a sequence of keywords only if all of them are next. */
export function acceptKws(p: Cursor, ...kws: string[]): boolean {
  if (!isKws(p, ...kws)) return false;
  p.i += kws.length;
  return true;
}

export function acceptOp(p: Cursor, op: string): boolean {
  if (!isOp(p, op)) return false;
  p.i++;
  return true;
}

export function expectKw(p: Cursor, kw: string): void {
  if (!acceptKw(p, kw)) fail(p);
}

export function expectKws(p: Cursor, ...kws: string[]): void {
  for (const kw of kws) expectKw(p, kw);
}

export function expectOp(p: Cursor, op: string): void {
  if (!acceptOp(p, op)) fail(p);
}

/** The error for the current token. */
export function errorAt(p: Cursor, tok: Token = peek(p), reason?: string): PositionedError {
  return syntaxErrorAt(p.sql, tok.start, tok.text, reason);
}

/** Throws a syntax error at the current token. */
export function fail(p: Cursor, reason?: string): never {
  throw errorAt(p, peek(p), reason);
}

/** A column/table-style name: identifier, unreserved or column-name keyword. */
export function isNameToken(t: Token): boolean {
  return t.kind === 'qident' || (t.kind === 'word' && isNameWord(t.text));
}

/** Any identifier or keyword (CockroachDB's unrestricted_name). */
export function isAnyWordToken(t: Token): boolean {
  return t.kind === 'qident' || t.kind === 'word';
}

export function parseName(p: Cursor): string {
  const t = peek(p);
  if (!isNameToken(t)) fail(p);
  p.i++;
  return t.text;
}

export function parseUnrestrictedName(p: Cursor): string {
  const t = peek(p);
  if (!isAnyWordToken(t)) fail(p);
  p.i++;
  return t.text;
}

/** A comma-separated list of at least one item. */
export function parseCommaList<T>(p: Cursor, item: (p: Cursor) => T): T[] {
  const out = [item(p)];
  while (acceptOp(p, ',')) out.push(item(p));
  return out;
}

export function parseNameList(p: Cursor): string[] {
  return parseCommaList(p, parseName);
}

/** `( name, ... )` */
export function parseParenNameList(p: Cursor): string[] {
  expectOp(p, '(');
  const names = parseNameList(p);
  expectOp(p, ')');
  return names;
}

/** Dotted name parts: the first a name, later parts unrestricted (as in sql.y). */
export function parseDottedParts(p: Cursor, maxParts: number): string[] {
  const parts = [parseName(p)];
  while (parts.length < maxParts && isOp(p, '.') && isAnyWordToken(peek(p, 1))) {
    p.i++;
    parts.push(parseUnrestrictedName(p));
  }
  return parts;
}

export function objectNameFromParts(parts: string[]): ObjectName {
  const n = parts.length;
  return {
    catalog: n >= 3 ? parts[n - 3]! : null,
    schema: n >= 2 ? parts[n - 2]! : null,
    name: parts[n - 1]!,
  };
}

/** `t`, `s.t` or `db.s.t`. */
export function parseObjectName(p: Cursor): ObjectName {
  return objectNameFromParts(parseDottedParts(p, 3));
}

export function parseObjectNameList(p: Cursor): ObjectName[] {
  return parseCommaList(p, parseObjectName);
}

/** `IF EXISTS` */
export function acceptIfExists(p: Cursor): boolean {
  return acceptKws(p, 'if', 'exists');
}

/** `IF NOT EXISTS` */
export function acceptIfNotExists(p: Cursor): boolean {
  return acceptKws(p, 'if', 'not', 'exists');
}

/** `CASCADE | RESTRICT`, or null. */
export function parseDropBehavior(p: Cursor): 'CASCADE' | 'RESTRICT' | null {
  if (acceptKw(p, 'cascade')) return 'CASCADE';
  if (acceptKw(p, 'restrict')) return 'RESTRICT';
  return null;
}

/** A string literal's value. */
export function parseStringLiteral(p: Cursor): string {
  const t = peek(p);
  if (t.kind !== 'string') fail(p);
  p.i++;
  return t.text;
}

/** A role name: a name or a string (CockroachDB's role_spec). */
export function parseRoleName(p: Cursor): string {
  const t = peek(p);
  if (t.kind === 'string') {
    p.i++;
    return t.text;
  }
  if (t.kind === 'word' && (t.text === 'current_user' || t.text === 'session_user')) {
    p.i++;
    return t.text;
  }
  return parseName(p);
}

/** A signed integer literal, e.g. for sequence options. */
export function parseSignedInt(p: Cursor): bigint {
  const neg = acceptOp(p, '-');
  if (!neg) acceptOp(p, '+');
  const t = peek(p);
  if (t.kind !== 'int') fail(p);
  p.i++;
  const v = BigInt(t.text);
  return neg ? -v : v;
}

/** A non-negative integer literal as a JS number (type lengths etc.). */
export function parseSmallInt(p: Cursor): number {
  const t = peek(p);
  if (t.kind !== 'int') fail(p);
  p.i++;
  return Number(t.text);
}
