// Owns parsing of data-modifying statements: INSERT, UPSERT, UPDATE,
// DELETE (each optionally preceded by a WITH clause) and TRUNCATE.
// Invariants: INSERT's source is a SelectStatement (VALUES rows may hold
// DEFAULT) or null for DEFAULT VALUES; RETURNING NOTHING is 'nothing';
// UPDATE ... SET (a, b) = (x, y) keeps the tuple with DEFAULT allowed.

import type {
  DeleteStatement, Expr, InsertStatement, OnConflict, Returning, Statement, TableNameSource,
  TruncateStatement, UpdateSet, UpdateStatement, WithClause,
} from './ast.js';
import {
  acceptKw, acceptKws, expectKw, expectOp, fail, isKw, isOp, parseCommaList, parseName,
  parseObjectName, parseObjectNameList, parseParenNameList, parseDropBehavior, peek, type Cursor,
} from './cursor.js';
import { parseExpr, selectAhead, tryParenSelect } from './parse-expr.js';
import { parseOrderItems } from './parse-window.js';
import {
  parseExprOrDefault, parseFromList, parseIndexHint, parseOptAlias, parseSelectStatement, parseTargetList,
} from './parse-select.js';

/** INSERT / UPSERT / UPDATE / DELETE, with an already-parsed WITH clause (or null). */
export function parseDmlStatement(p: Cursor, withClause: WithClause | null): Statement {
  const t = peek(p);
  switch (t.kind === 'word' ? t.text : '') {
    case 'insert': return parseInsert(p, withClause, false);
    case 'upsert': return parseInsert(p, withClause, true);
    case 'update': return parseUpdate(p, withClause);
    case 'delete': return parseDelete(p, withClause);
    default: return fail(p);
  }
}

function parseInsert(p: Cursor, withClause: WithClause | null, upsert: boolean): InsertStatement {
  p.i++;
  expectKw(p, 'into');
  const table = parseObjectName(p);
  const alias = acceptKw(p, 'as') ? parseName(p) : null;
  const stmt: InsertStatement = {
    kind: 'insert', upsert, with: withClause, table, alias, columns: [], source: null, onConflict: null, returning: null,
  };
  if (isOp(p, '(') && !selectAhead(p, 1)) stmt.columns = parseParenNameList(p);
  if (!acceptKws(p, 'default', 'values')) stmt.source = parseSelectStatement(p);
  if (!upsert && isKw(p, 'on')) stmt.onConflict = parseOnConflict(p);
  stmt.returning = parseOptReturning(p);
  return stmt;
}

function parseOnConflict(p: Cursor): OnConflict {
  expectKw(p, 'on');
  expectKw(p, 'conflict');
  const oc: OnConflict = { columns: [], constraint: null, arbiterWhere: null, action: { kind: 'doNothing' } };
  if (isOp(p, '(')) {
    oc.columns = parseParenNameList(p);
    if (acceptKw(p, 'where')) oc.arbiterWhere = parseExpr(p);
  } else if (acceptKws(p, 'on', 'constraint')) {
    oc.constraint = parseName(p);
  }
  expectKw(p, 'do');
  if (acceptKw(p, 'nothing')) return oc;
  expectKw(p, 'update');
  expectKw(p, 'set');
  const sets = parseSetList(p);
  const where = acceptKw(p, 'where') ? parseExpr(p) : null;
  oc.action = { kind: 'doUpdate', sets, where };
  return oc;
}

export function parseOptReturning(p: Cursor): Returning {
  if (!acceptKw(p, 'returning')) return null;
  if (acceptKw(p, 'nothing')) return 'nothing';
  return parseTargetList(p);
}

/** `a = x, (b, c) = (y, z), ...` */
export function parseSetList(p: Cursor): UpdateSet[] {
  return parseCommaList(p, parseSetItem);
}

function parseSetItem(p: Cursor): UpdateSet {
  if (isOp(p, '(')) {
    const columns = parseParenNameList(p);
    expectOp(p, '=');
    return { columns, value: parseTupleSetValue(p), tuple: true };
  }
  const column = parseName(p);
  expectOp(p, '=');
  return { columns: [column], value: parseExprOrDefault(p), tuple: false };
}

/** `(x, DEFAULT)`, `ROW(...)`, or `(subquery)` on the right of a tuple SET. */
function parseTupleSetValue(p: Cursor): Expr {
  if (!isOp(p, '(')) return parseExpr(p);
  const select = tryParenSelect(p);
  if (select !== null) return { kind: 'subquery', select };
  expectOp(p, '(');
  const elems = parseCommaList(p, parseExprOrDefault);
  expectOp(p, ')');
  return { kind: 'tuple', elems, row: false };
}

function parseDmlTable(p: Cursor): TableNameSource {
  const name = parseObjectName(p);
  const indexHint = isOp(p, '@') ? parseIndexHint(p) : null;
  return { kind: 'tableName', name, indexHint, alias: parseOptAlias(p) };
}

function parseUpdate(p: Cursor, withClause: WithClause | null): UpdateStatement {
  p.i++;
  const table = parseDmlTable(p);
  expectKw(p, 'set');
  const stmt: UpdateStatement = {
    kind: 'update', with: withClause, table, sets: parseSetList(p), from: [], where: null, orderBy: [],
    limit: null, returning: null,
  };
  if (acceptKw(p, 'from')) stmt.from = parseFromList(p);
  if (acceptKw(p, 'where')) stmt.where = parseExpr(p);
  if (acceptKws(p, 'order', 'by')) stmt.orderBy = parseOrderItems(p);
  if (acceptKw(p, 'limit')) stmt.limit = parseExpr(p);
  stmt.returning = parseOptReturning(p);
  return stmt;
}

function parseDelete(p: Cursor, withClause: WithClause | null): DeleteStatement {
  p.i++;
  expectKw(p, 'from');
  const stmt: DeleteStatement = {
    kind: 'delete', with: withClause, table: parseDmlTable(p), using: [], where: null, orderBy: [],
    limit: null, returning: null,
  };
  if (acceptKw(p, 'using')) stmt.using = parseFromList(p);
  if (acceptKw(p, 'where')) stmt.where = parseExpr(p);
  if (acceptKws(p, 'order', 'by')) stmt.orderBy = parseOrderItems(p);
  if (acceptKw(p, 'limit')) stmt.limit = parseExpr(p);
  stmt.returning = parseOptReturning(p);
  return stmt;
}

export function parseTruncate(p: Cursor): TruncateStatement {
  expectKw(p, 'truncate');
  acceptKw(p, 'table');
  const tables = parseObjectNameList(p);
  return { kind: 'truncate', tables, behavior: parseDropBehavior(p) };
}

