// Owns parsing of EXPLAIN, PREPARE / EXECUTE / DEALLOCATE, DISCARD and
// COPY (FROM STDIN and TO STDOUT).
// Invariants: EXPLAIN options are upper case and known to CockroachDB;
// COPY options are normalized to {name, value} with lower-case names
// (CSV and BINARY become format options; a bare HEADER is header = true).

import type { CopyOption, ExplainStatement, Statement } from './ast.js';
import {
  acceptKw, acceptOp, expectKw, expectOp, fail, isOp, parseCommaList, parseName, parseObjectName,
  parseParenNameList, parseStringLiteral, parseUnrestrictedName, peek, type Cursor,
} from './cursor.js';
import { parseExprList, selectAhead } from './parse-expr.js';
import { parseType } from './parse-types.js';
import { parseStatement } from './parser.js';

const EXPLAIN_OPTIONS = new Set([
  'verbose', 'types', 'opt', 'distsql', 'vec', 'debug', 'redact', 'env', 'memo', 'json', 'shape', 'gist', 'plan', 'analyze',
]);

export function parseExplain(p: Cursor): ExplainStatement {
  expectKw(p, 'explain');
  let analyze = acceptKw(p, 'analyze') || acceptKw(p, 'analyse');
  const options: string[] = [];
  if (isOp(p, '(') && !selectAhead(p, 1)) {
    p.i++;
    for (const word of parseCommaList(p, parseExplainOption)) {
      if (word === 'ANALYZE') analyze = true;
      else options.push(word);
    }
    expectOp(p, ')');
  }
  return { kind: 'explain', analyze, options, statement: parseStatement(p) };
}

function parseExplainOption(p: Cursor): string {
  const t = peek(p);
  if (t.kind !== 'word' || !EXPLAIN_OPTIONS.has(t.text)) fail(p);
  p.i++;
  return t.text.toUpperCase();
}

export function parsePrepare(p: Cursor): Statement {
  expectKw(p, 'prepare');
  const name = parseName(p);
  let types: ReturnType<typeof parseType>[] = [];
  if (acceptOp(p, '(')) {
    types = parseCommaList(p, parseType);
    expectOp(p, ')');
  }
  expectKw(p, 'as');
  return { kind: 'prepare', name, types, statement: parseStatement(p) };
}

export function parseExecute(p: Cursor): Statement {
  expectKw(p, 'execute');
  const name = parseName(p);
  let args: ReturnType<typeof parseExprList> = [];
  if (acceptOp(p, '(')) {
    args = parseExprList(p);
    expectOp(p, ')');
  }
  return { kind: 'execute', name, args };
}

export function parseDeallocate(p: Cursor): Statement {
  expectKw(p, 'deallocate');
  acceptKw(p, 'prepare');
  if (acceptKw(p, 'all')) return { kind: 'deallocate', name: null };
  return { kind: 'deallocate', name: parseName(p) };
}

export function parseDiscard(p: Cursor): Statement {
  expectKw(p, 'discard');
  expectKw(p, 'all');
  return { kind: 'discard', mode: 'ALL' };
}

// ---------------------------------------------------------------- COPY

export function parseCopy(p: Cursor): Statement {
  expectKw(p, 'copy');
  if (acceptOp(p, '(')) {
    const query = parseStatement(p);
    expectOp(p, ')');
    expectKw(p, 'to');
    expectKw(p, 'stdout');
    return { kind: 'copyTo', table: null, columns: [], query, options: parseCopyOptions(p) };
  }
  const table = parseObjectName(p);
  const columns = isOp(p, '(') ? parseParenNameList(p) : [];
  if (acceptKw(p, 'to')) {
    expectKw(p, 'stdout');
    return { kind: 'copyTo', table, columns, query: null, options: parseCopyOptions(p) };
  }
  expectKw(p, 'from');
  expectKw(p, 'stdin');
  return { kind: 'copyFrom', table, columns, options: parseCopyOptions(p) };
}

/** `[WITH] opt opt ...` or `[WITH] (opt, opt, ...)`. */
function parseCopyOptions(p: Cursor): CopyOption[] {
  const withKw = acceptKw(p, 'with');
  if (acceptOp(p, '(')) {
    const opts = parseCommaList(p, parseCopyOption);
    expectOp(p, ')');
    return opts;
  }
  const opts: CopyOption[] = [];
  while (peek(p).kind === 'word' && isCopyOptionStart(p)) opts.push(parseCopyOption(p));
  if (withKw && opts.length === 0) fail(p);
  return opts;
}

const COPY_OPTION_WORDS = new Set(['binary', 'csv', 'text', 'delimiter', 'null', 'header', 'escape', 'quote', 'encoding', 'format', 'destination', 'oids']);

function isCopyOptionStart(p: Cursor): boolean {
  return COPY_OPTION_WORDS.has(peek(p).text);
}

function parseCopyOption(p: Cursor): CopyOption {
  const word = parseUnrestrictedName(p);
  switch (word) {
    case 'binary':
    case 'csv':
    case 'text':
      return { name: 'format', value: word };
    case 'format':
      return { name: 'format', value: parseCopyFormat(p) };
    case 'header':
      return { name: 'header', value: parseOptBool(p) };
    case 'delimiter':
    case 'null':
    case 'escape':
    case 'quote':
    case 'encoding':
    case 'destination':
      if (!acceptOp(p, '=')) acceptKw(p, 'as');
      return { name: word, value: parseStringLiteral(p) };
    default:
      p.i--;
      return fail(p);
  }
}

function parseCopyFormat(p: Cursor): string {
  acceptOp(p, '=');
  const t = peek(p);
  if (t.kind !== 'word' || !['csv', 'text', 'binary'].includes(t.text)) fail(p);
  p.i++;
  return t.text;
}

function parseOptBool(p: Cursor): boolean {
  acceptOp(p, '=');
  if (acceptKw(p, 'true') || acceptKw(p, 'on')) return true;
  if (acceptKw(p, 'false') || acceptKw(p, 'off')) return false;
  return true;
}
