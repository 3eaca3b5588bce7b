// Owns parsing of SELECT statements: WITH, set operations (INTERSECT binds
// tighter than UNION/EXCEPT), SELECT clauses, VALUES, TABLE, FROM sources
// and joins, AS OF SYSTEM TIME, ORDER BY / LIMIT / OFFSET / FETCH and
// locking clauses.
// Invariants: a parenthesized select used as a set operand or wrapped in
// extra clauses stays a nested SelectStatement; a parenthesized select with
// nothing around it is unwrapped; `TABLE t` becomes `SELECT * FROM t`.

import type {
  AliasClause, CommonTableExpr, Expr, IndexHint, LockingItem, SelectBody, SelectClause, SelectStatement,
  SelectTarget, Statement, TableSource, WithClause,
} from './ast.js';
import {
  acceptKw, acceptKws, acceptOp, advance, expectKw, expectOp, fail, isKw, isKws, isOp, objectNameFromParts,
  parseCommaList, parseDottedParts, parseName, parseObjectName, parseParenNameList, parseUnrestrictedName,
  peek, type Cursor,
} from './cursor.js';
import { colNameKeywords, reservedKeywords, typeFuncNameKeywords } from './keywords.js';
import {
  parseExpr, parseExprList, parseFuncCallTail, tryParenSelect,
} from './parse-expr.js';
import { parseOrderItems, parseWindowSpec } from './parse-window.js';
import { parseDmlStatement } from './parse-dml.js';
import { parseStatement } from './parser.js';

export function parseSelectStatement(p: Cursor): SelectStatement {
  const withClause = isKw(p, 'with') ? parseWithClause(p) : null;
  return parseSelectAfterWith(p, withClause);
}

/** The rest of a SELECT once an optional WITH clause has been read. */
export function parseSelectAfterWith(p: Cursor, withClause: WithClause | null): SelectStatement {
  const body = parseUnionLevel(p);
  const stmt: SelectStatement = {
    kind: 'select', with: withClause, body, orderBy: [], limit: null, offset: null, locking: [],
  };
  parseSelectModifiers(p, stmt);
  const plain = withClause === null && stmt.orderBy.length === 0 && stmt.limit === null
    && stmt.offset === null && stmt.locking.length === 0;
  if (plain && body.kind === 'select') return body;
  return stmt;
}

export function parseWithClause(p: Cursor): WithClause {
  expectKw(p, 'with');
  const recursive = acceptKw(p, 'recursive');
  return { recursive, ctes: parseCommaList(p, parseCte) };
}

function parseCte(p: Cursor): CommonTableExpr {
  const name = parseName(p);
  const columns = isOp(p, '(') ? parseParenNameList(p) : [];
  expectKw(p, 'as');
  let materialized: boolean | null = null;
  if (acceptKw(p, 'materialized')) materialized = true;
  else if (acceptKws(p, 'not', 'materialized')) materialized = false;
  expectOp(p, '(');
  const statement = parseCteBody(p);
  expectOp(p, ')');
  return { name, columns, statement, materialized };
}

function parseCteBody(p: Cursor): Statement {
  const t = peek(p);
  if (t.kind === 'word' && ['insert', 'upsert', 'update', 'delete'].includes(t.text)) {
    return parseDmlStatement(p, null);
  }
  return parseSelectStatement(p);
}

function parseUnionLevel(p: Cursor): SelectBody {
  let left = parseIntersectLevel(p);
  for (;;) {
    const op = isKw(p, 'union') ? 'UNION' : isKw(p, 'except') ? 'EXCEPT' : null;
    if (op === null) return left;
    p.i++;
    const all = parseSetQuantifier(p);
    left = { kind: 'setOp', op, all, left, right: parseIntersectLevel(p) };
  }
}

function parseIntersectLevel(p: Cursor): SelectBody {
  let left = parseSimpleSelect(p);
  while (acceptKw(p, 'intersect')) {
    const all = parseSetQuantifier(p);
    left = { kind: 'setOp', op: 'INTERSECT', all, left, right: parseSimpleSelect(p) };
  }
  return left;
}

function parseSetQuantifier(p: Cursor): boolean {
  if (acceptKw(p, 'all')) return true;
  acceptKw(p, 'distinct');
  return false;
}

function parseSimpleSelect(p: Cursor): SelectBody {
  if (isOp(p, '(')) {
    p.i++;
    const inner = parseSelectStatement(p);
    expectOp(p, ')');
    return inner;
  }
  if (isKw(p, 'select')) return parseSelectClause(p);
  if (isKw(p, 'values')) return parseValuesClause(p);
  if (acceptKw(p, 'table')) return tableSelect(p);
  return fail(p);
}

function emptySelectClause(): SelectClause {
  return {
    kind: 'selectClause', distinct: false, distinctOn: null, targets: [], from: [], asOf: null,
    where: null, groupBy: [], having: null, windows: [],
  };
}

/** `TABLE t` is `SELECT * FROM t`. */
function tableSelect(p: Cursor): SelectClause {
  const clause = emptySelectClause();
  clause.targets = [{ expr: { kind: 'star', table: null }, alias: null }];
  clause.from = [{ kind: 'tableName', name: parseObjectName(p), indexHint: null, alias: null }];
  return clause;
}

function parseSelectClause(p: Cursor): SelectClause {
  expectKw(p, 'select');
  const clause = emptySelectClause();
  if (acceptKw(p, 'distinct')) {
    if (acceptKw(p, 'on')) {
      expectOp(p, '(');
      clause.distinctOn = parseExprList(p);
      expectOp(p, ')');
    } else {
      clause.distinct = true;
    }
  } else {
    acceptKw(p, 'all');
  }
  if (!targetListEnds(p)) clause.targets = parseTargetList(p);
  parseSelectClauseTail(p, clause);
  return clause;
}

/** SELECT with an empty target list (`SELECT FROM t`) is allowed, as in PostgreSQL. */
function targetListEnds(p: Cursor): boolean {
  const t = peek(p);
  if (t.kind === 'eof') return true;
  if (t.kind === 'op') return t.text === ';' || t.text === ')';
  return t.kind === 'word' && ['from', 'where', 'group', 'having', 'window', 'union', 'intersect', 'except', 'order', 'limit', 'offset'].includes(t.text);
}

function parseSelectClauseTail(p: Cursor, clause: SelectClause): void {
  if (acceptKw(p, 'from')) {
    clause.from = parseFromList(p);
    clause.asOf = parseOptAsOf(p);
  }
  if (acceptKw(p, 'where')) clause.where = parseExpr(p);
  if (acceptKws(p, 'group', 'by')) clause.groupBy = parseExprList(p);
  if (acceptKw(p, 'having')) clause.having = parseExpr(p);
  if (acceptKw(p, 'window')) {
    clause.windows = parseCommaList(p, (q) => {
      const name = parseName(q);
      expectKw(q, 'as');
      return { name, spec: parseWindowSpec(q) };
    });
  }
}

/** `AS OF SYSTEM TIME expr`, or null. */
export function parseOptAsOf(p: Cursor): Expr | null {
  if (!acceptKws(p, 'as', 'of', 'system', 'time')) return null;
  return parseExpr(p);
}

export function parseTargetList(p: Cursor): SelectTarget[] {
  return parseCommaList(p, parseTarget);
}

function parseTarget(p: Cursor): SelectTarget {
  if (acceptOp(p, '*')) return { expr: { kind: 'star', table: null }, alias: null };
  const expr = parseExpr(p);
  if (acceptKw(p, 'as')) return { expr, alias: parseUnrestrictedName(p) };
  const t = peek(p);
  if (t.kind === 'qident' || (t.kind === 'word' && isBareLabelWord(t.text))) {
    p.i++;
    return { expr, alias: t.text };
  }
  return { expr, alias: null };
}

/** Words usable as a column label without AS: identifiers and unreserved keywords. */
function isBareLabelWord(w: string): boolean {
  return !reservedKeywords.has(w) && !typeFuncNameKeywords.has(w) && !colNameKeywords.has(w);
}

// ---------------------------------------------------------------- VALUES

function parseValuesClause(p: Cursor): SelectBody {
  expectKw(p, 'values');
  const rows = parseCommaList(p, parseValuesRow);
  return { kind: 'values', rows };
}

function parseValuesRow(p: Cursor): Expr[] {
  expectOp(p, '(');
  const row = parseCommaList(p, parseExprOrDefault);
  expectOp(p, ')');
  return row;
}

/** An expression, or DEFAULT where a column default may stand. */
export function parseExprOrDefault(p: Cursor): Expr {
  if (acceptKw(p, 'default')) return { kind: 'default' };
  return parseExpr(p);
}

// ---------------------------------------------------------------- ORDER BY, LIMIT, locking

function parseSelectModifiers(p: Cursor, stmt: SelectStatement): void {
  if (acceptKws(p, 'order', 'by')) stmt.orderBy = parseOrderItems(p);
  for (;;) {
    if (acceptKw(p, 'limit')) {
      stmt.limit = acceptKw(p, 'all') ? null : parseExpr(p);
    } else if (acceptKw(p, 'offset')) {
      stmt.offset = parseExpr(p);
      if (!acceptKw(p, 'rows')) acceptKw(p, 'row');
    } else if (acceptKw(p, 'fetch')) {
      stmt.limit = parseFetchFirst(p);
    } else if (isKw(p, 'for')) {
      stmt.locking.push(parseLockingItem(p));
    } else {
      return;
    }
  }
}

/** After FETCH: `FIRST|NEXT [n] ROW|ROWS ONLY`. */
function parseFetchFirst(p: Cursor): Expr {
  if (!acceptKw(p, 'first')) expectKw(p, 'next');
  let count: Expr = { kind: 'num', text: '1', numKind: 'int' };
  if (!isKw(p, 'row') && !isKw(p, 'rows')) count = parseExpr(p);
  if (!acceptKw(p, 'rows')) expectKw(p, 'row');
  expectKw(p, 'only');
  return count;
}

function parseLockingItem(p: Cursor): LockingItem {
  expectKw(p, 'for');
  let strength: LockingItem['strength'];
  if (acceptKw(p, 'update')) strength = 'UPDATE';
  else if (acceptKws(p, 'no', 'key', 'update')) strength = 'NO KEY UPDATE';
  else if (acceptKw(p, 'share')) strength = 'SHARE';
  else if (acceptKws(p, 'key', 'share')) strength = 'KEY SHARE';
  else return fail(p);
  const tables = acceptKw(p, 'of') ? parseCommaList(p, parseObjectName) : [];
  let wait: LockingItem['wait'] = null;
  if (acceptKw(p, 'nowait')) wait = 'NOWAIT';
  else if (acceptKws(p, 'skip', 'locked')) wait = 'SKIP LOCKED';
  return { strength, tables, wait };
}

// ---------------------------------------------------------------- FROM

export function parseFromList(p: Cursor): TableSource[] {
  return parseCommaList(p, parseTableRef);
}

const JOIN_HINTS = new Set(['hash', 'merge', 'lookup', 'inverted', 'straight']);

/** A table source followed by any number of joins (left-associative). */
export function parseTableRef(p: Cursor): TableSource {
  let left = parseTablePrimary(p);
  for (;;) {
    const joined = parseJoinTail(p, left);
    if (joined === null) return left;
    left = joined;
  }
}

function parseJoinTail(p: Cursor, left: TableSource): TableSource | null {
  if (acceptKws(p, 'cross', 'join')) {
    return { kind: 'join', joinType: 'CROSS', natural: false, hint: null, left, right: parseTablePrimary(p), on: null, using: null };
  }
  const natural = acceptKw(p, 'natural');
  const joinType = parseJoinType(p);
  const hint = parseJoinHint(p, joinType !== null);
  if (!acceptKw(p, 'join')) {
    if (natural || joinType !== null) fail(p);
    return null;
  }
  const right = parseTablePrimary(p);
  const join: TableSource = {
    kind: 'join', joinType: joinType ?? 'INNER', natural, hint, left, right, on: null, using: null,
  };
  if (!natural) parseJoinQual(p, join);
  return join;
}

function parseJoinType(p: Cursor): 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | null {
  if (acceptKw(p, 'inner')) return 'INNER';
  for (const w of ['left', 'right', 'full'] as const) {
    if (acceptKw(p, w)) {
      acceptKw(p, 'outer');
      return w.toUpperCase() as 'LEFT' | 'RIGHT' | 'FULL';
    }
  }
  return null;
}

function parseJoinHint(p: Cursor, typed: boolean): string | null {
  const t = peek(p);
  if (typed && t.kind === 'word' && JOIN_HINTS.has(t.text) && isKw(p, 'join', 1)) {
    p.i++;
    return t.text.toUpperCase();
  }
  return null;
}

function parseJoinQual(p: Cursor, join: TableSource & { kind: 'join' }): void {
  if (acceptKw(p, 'on')) {
    join.on = parseExpr(p);
  } else if (acceptKw(p, 'using')) {
    join.using = parseParenNameList(p);
  } else {
    fail(p);
  }
}

function parseTablePrimary(p: Cursor): TableSource {
  if (isOp(p, '(')) return parseParenTableSource(p);
  if (isOp(p, '[')) return parseStatementSource(p);
  if (acceptKw(p, 'lateral')) return parseLateral(p);
  const parts = parseDottedParts(p, 3);
  if (isOp(p, '(')) return parseFuncSource(p, parts, false);
  const name = objectNameFromParts(parts);
  const indexHint = isOp(p, '@') ? parseIndexHint(p) : null;
  return { kind: 'tableName', name, indexHint, alias: parseOptAlias(p) };
}

function parseParenTableSource(p: Cursor): TableSource {
  const select = tryParenSelect(p);
  if (select !== null) return { kind: 'derived', select, lateral: false, alias: parseOptAlias(p) };
  expectOp(p, '(');
  const inner = parseTableRef(p);
  expectOp(p, ')');
  return inner;
}

function parseLateral(p: Cursor): TableSource {
  if (isOp(p, '(')) {
    expectOp(p, '(');
    const select = parseSelectStatement(p);
    expectOp(p, ')');
    return { kind: 'derived', select, lateral: true, alias: parseOptAlias(p) };
  }
  const parts = parseDottedParts(p, 3);
  if (!isOp(p, '(')) fail(p);
  return parseFuncSource(p, parts, true);
}

/**
 * `f(...)` in FROM. Built-in set-returning functions live in pg_catalog, so
 * `pg_catalog.unnest(...)` (psql's \d sends it) is recorded as `unnest(...)`:
 * the planner resolves set-returning functions by bare name.
 */
function parseFuncSource(p: Cursor, parts: string[], lateral: boolean): TableSource {
  const name = parts.length === 2 && parts[0] === 'pg_catalog' ? parts.slice(1) : parts;
  const func = parseFuncCallTail(p, name);
  const ordinality = acceptKws(p, 'with', 'ordinality');
  return { kind: 'funcSource', func, lateral, ordinality, alias: parseOptAlias(p) };
}

/** `[SHOW ...]`, `[EXPLAIN ...]` and other statements used as row sources. */
function parseStatementSource(p: Cursor): TableSource {
  expectOp(p, '[');
  const statement = parseStatement(p);
  expectOp(p, ']');
  return { kind: 'statementSource', statement, alias: parseOptAlias(p) };
}

/** `@idx`, `@{FORCE_INDEX=idx,ASC,NO_INDEX_JOIN}`. */
export function parseIndexHint(p: Cursor): IndexHint {
  expectOp(p, '@');
  const hint: IndexHint = { index: null, direction: null, flags: [] };
  if (!acceptOp(p, '{')) {
    hint.index = parseUnrestrictedName(p);
    return hint;
  }
  do {
    parseIndexHintParam(p, hint);
  } while (acceptOp(p, ','));
  expectOp(p, '}');
  return hint;
}

function parseIndexHintParam(p: Cursor, hint: IndexHint): void {
  if (acceptKw(p, 'asc')) {
    hint.direction = 'ASC';
    return;
  }
  if (acceptKw(p, 'desc')) {
    hint.direction = 'DESC';
    return;
  }
  const t = advance(p);
  if (t.kind !== 'word') {
    p.i--;
    fail(p);
  }
  if (t.text === 'force_index') {
    expectOp(p, '=');
    hint.index = parseUnrestrictedName(p);
    return;
  }
  hint.flags.push(t.text.toUpperCase());
}

/** Words that may follow a table source and so cannot be a bare alias. */
const NOT_BARE_ALIAS = new Set(['set']);

/** `[AS] name [(col, ...)]`, or null. */
export function parseOptAlias(p: Cursor): AliasClause | null {
  let name: string;
  if (isKw(p, 'as')) {
    if (isKws(p, 'as', 'of', 'system')) return null;
    p.i++;
    name = parseName(p);
  } else {
    const t = peek(p);
    const bare = t.kind === 'qident'
      || (t.kind === 'word' && isBareLabelWord(t.text) && !NOT_BARE_ALIAS.has(t.text));
    if (!bare) return null;
    p.i++;
    name = t.text;
  }
  const columns = isOp(p, '(') ? parseParenNameList(p) : [];
  return { name, columns };
}
