// Owns the parser's entry points: `parse(sql)` for a script of statements,
// `parseOne(sql)` for exactly one, `parseExpression(sql)` and
// `parseTypeRef(sql)` for stored fragments, and statement dispatch on the
// first keyword.
// Invariants: statements are separated by semicolons (empty statements are
// skipped); every input is tokenized once; any error is a positioned
// 42601 BurrowError (see syntax-error.ts).

import type { Expr, Statement, TypeRef } from './ast.js';
import { fail, isOp, peek, type Cursor } from './cursor.js';
import { lex } from './lexer.js';
import { parseAlter } from './parse-alter.js';
import { parseBackup, parseControlJobs, parseRestore } from './parse-backup.js';
import { parseComment, parseCreate, parseDrop } from './parse-ddl.js';
import { parseDmlStatement, parseTruncate } from './parse-dml.js';
import { parseExpr } from './parse-expr.js';
import { parseCopy, parseDeallocate, parseDiscard, parseExecute, parseExplain, parsePrepare } from './parse-misc.js';
import { parseSelectAfterWith, parseSelectStatement, parseWithClause } from './parse-select.js';
import {
  parseBegin, parseCommit, parseRelease, parseReset, parseRollback, parseSavepoint, parseSet, parseUse,
} from './parse-session.js';
import { parseShow } from './parse-show.js';
import { parseType } from './parse-types.js';
import { parseGrant, parseRevoke } from './parse-users.js';
import { positionedError } from './syntax-error.js';
import { BurrowError } from '../../util/errors.js';

function cursorFor(sql: string): Cursor {
  return { sql, toks: lex(sql), i: 0, failedParenSelect: new Set() };
}

/** Runs a parse, turning JavaScript stack exhaustion on absurd nesting into a SQL error. */
function guarded<T>(sql: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof RangeError) {
      throw new BurrowError(STACK_DEPTH_EXCEEDED, 'stack depth limit exceeded', {
        hint: 'the statement is nested too deeply to parse',
        detail: `statement length: ${sql.length} characters`,
      });
    }
    throw err;
  }
}

/** PostgreSQL's SQLSTATE for stack depth exhaustion. */
const STACK_DEPTH_EXCEEDED = '54001';

/** Parses a script of semicolon-separated statements. */
export function parse(sql: string): Statement[] {
  return guarded(sql, () => parseScript(cursorFor(sql)));
}

function parseScript(p: Cursor): Statement[] {
  const out: Statement[] = [];
  for (;;) {
    while (isOp(p, ';')) p.i++;
    if (peek(p).kind === 'eof') return out;
    out.push(parseStatement(p));
    if (peek(p).kind !== 'eof' && !isOp(p, ';')) fail(p);
  }
}

/** Parses exactly one statement (a trailing semicolon is allowed). */
export function parseOne(sql: string): Statement {
  const stmts = parse(sql);
  if (stmts.length !== 1) {
    throw positionedError(sql, 0, `expected 1 statement, but found ${stmts.length}`);
  }
  return stmts[0]!;
}

/** Parses a standalone scalar expression, e.g. a stored DEFAULT. */
export function parseExpression(sql: string): Expr {
  return guarded(sql, () => {
    const p = cursorFor(sql);
    const e = parseExpr(p);
    if (peek(p).kind !== 'eof') fail(p);
    return e;
  });
}

/** Parses a standalone type reference, e.g. `DECIMAL(10,2)`. */
export function parseTypeRef(sql: string): TypeRef {
  const p = cursorFor(sql);
  const t = parseType(p);
  if (peek(p).kind !== 'eof') fail(p);
  return t;
}

/** Dispatches on the statement's first token. */
export function parseStatement(p: Cursor): Statement {
  const t = peek(p);
  if (t.kind === 'op' && t.text === '(') return parseSelectStatement(p);
  if (t.kind !== 'word') return fail(p);
  const handler = STATEMENT_PARSERS[t.text];
  if (handler === undefined) return fail(p);
  return handler(p);
}

type StatementParser = (p: Cursor) => Statement;

const STATEMENT_PARSERS: Record<string, StatementParser> = {
  select: parseSelectStatement,
  values: parseSelectStatement,
  table: parseSelectStatement,
  with: parseWithStatement,
  insert: (p) => parseDmlStatement(p, null),
  upsert: (p) => parseDmlStatement(p, null),
  update: (p) => parseDmlStatement(p, null),
  delete: (p) => parseDmlStatement(p, null),
  truncate: parseTruncate,
  create: parseCreate,
  drop: parseDrop,
  alter: parseAlter,
  comment: parseComment,
  begin: parseBegin,
  start: parseBegin,
  commit: parseCommit,
  end: parseCommit,
  rollback: parseRollback,
  abort: parseRollback,
  savepoint: parseSavepoint,
  release: parseRelease,
  set: parseSet,
  reset: parseReset,
  use: parseUse,
  show: parseShow,
  prepare: parsePrepare,
  execute: parseExecute,
  deallocate: parseDeallocate,
  discard: parseDiscard,
  explain: parseExplain,
  copy: parseCopy,
  grant: parseGrant,
  revoke: parseRevoke,
  backup: parseBackup,
  restore: parseRestore,
  pause: parseControlJobs,
  resume: parseControlJobs,
  cancel: parseControlJobs,
};

/** `WITH ...` followed by SELECT or a DML statement. */
function parseWithStatement(p: Cursor): Statement {
  const withClause = parseWithClause(p);
  const t = peek(p);
  if (t.kind === 'word' && ['insert', 'upsert', 'update', 'delete'].includes(t.text)) {
    return parseDmlStatement(p, withClause);
  }
  return parseSelectAfterWith(p, withClause);
}

