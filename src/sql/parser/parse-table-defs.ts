// Owns parsing of table element definitions shared by CREATE TABLE and
// ALTER TABLE: column definitions with their constraints, table
// constraints (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY), inline INDEX /
// UNIQUE INDEX / INVERTED INDEX definitions, FAMILY definitions, index
// element lists and STORING clauses.
// Invariants: a `CONSTRAINT name` prefix names exactly the constraint that
// follows it; column constraints keep their written order.

import type {
  ColumnConstraint, ColumnConstraintBody, ColumnDef, ForeignKeyRef, IndexDef, IndexElem, RefAction, TableConstraint,
  TableDef,
} from './ast.js';
import {
  acceptIfNotExists, acceptKw, acceptKws, expectKw, expectOp, fail, isKw, isKws, isOp, parseCommaList, parseName,
  parseObjectName, parseParenNameList, parseUnrestrictedName, peek, type Cursor,
} from './cursor.js';
import { parseExpr } from './parse-expr.js';
import { parseType } from './parse-types.js';

export function parseTableDef(p: Cursor): TableDef {
  const t = peek(p);
  if (t.kind === 'word') {
    switch (t.text) {
      case 'constraint':
      case 'primary':
      case 'check':
      case 'foreign':
        return parseTableConstraint(p);
      case 'unique':
        return isKw(p, 'index', 1) ? parseIndexDef(p) : parseTableConstraint(p);
      case 'index':
        return parseIndexDef(p);
      case 'inverted':
        if (isKw(p, 'index', 1)) return parseIndexDef(p);
        break;
      case 'family':
        return parseFamilyDef(p);
    }
  }
  return parseColumnDef(p);
}

export function parseColumnDef(p: Cursor): ColumnDef {
  const name = parseName(p);
  const type = parseType(p);
  const constraints: ColumnConstraint[] = [];
  for (;;) {
    const c = parseColumnConstraint(p);
    if (c === null) break;
    constraints.push(c);
  }
  return { kind: 'columnDef', name, type, constraints };
}

function parseColumnConstraint(p: Cursor): ColumnConstraint | null {
  const name = acceptKw(p, 'constraint') ? parseName(p) : null;
  const body = parseColumnConstraintBody(p);
  if (body === null) {
    if (name !== null) fail(p);
    return null;
  }
  return { ...body, name };
}

function parseColumnConstraintBody(p: Cursor): ColumnConstraintBody | null {
  const t = peek(p);
  if (t.kind !== 'word') return null;
  switch (t.text) {
    case 'not':
      if (acceptKws(p, 'not', 'null')) return { kind: 'notNull' };
      if (acceptKws(p, 'not', 'visible')) return { kind: 'notVisible' };
      return null;
    case 'null': p.i++; return { kind: 'null' };
    case 'primary': p.i++; expectKw(p, 'key'); return { kind: 'primaryKey' };
    case 'unique': p.i++; return { kind: 'unique' };
    case 'default': p.i++; return { kind: 'default', expr: parseExpr(p) };
    case 'on':
      if (!isKw(p, 'update', 1)) return null;
      p.i += 2;
      return { kind: 'onUpdate', expr: parseExpr(p) };
    case 'check': p.i++; return { kind: 'check', expr: parseParenExpr(p) };
    case 'references': p.i++; return { kind: 'references', ref: parseForeignKeyRef(p) };
    case 'as': return parseComputed(p);
    case 'generated': p.i++; expectKw(p, 'always'); return parseComputed(p);
    case 'collate': p.i++; return { kind: 'collate', collation: parseCollation(p) };
    case 'family': p.i++; return { kind: 'family', family: parseName(p), create: false, ifNotExists: false };
    case 'create': return parseCreateFamily(p);
    default: return null;
  }
}

function parseCollation(p: Cursor): string {
  const t = peek(p);
  if (t.kind === 'string') {
    p.i++;
    return t.text;
  }
  return parseUnrestrictedName(p);
}

/** `AS (expr) STORED|VIRTUAL` (GENERATED ALWAYS already consumed). */
function parseComputed(p: Cursor): ColumnConstraintBody {
  expectKw(p, 'as');
  const expr = parseParenExpr(p);
  if (acceptKw(p, 'stored')) return { kind: 'computed', expr, stored: true };
  expectKw(p, 'virtual');
  return { kind: 'computed', expr, stored: false };
}

/** `CREATE [IF NOT EXISTS] FAMILY [name]` in a column definition. */
function parseCreateFamily(p: Cursor): ColumnConstraintBody | null {
  if (!isKw(p, 'family', 1) && !isKw(p, 'if', 1)) return null;
  p.i++;
  const ifNotExists = acceptIfNotExists(p);
  expectKw(p, 'family');
  const t = peek(p);
  const family = t.kind === 'qident' || (t.kind === 'word' && !isConstraintStart(t.text)) ? parseName(p) : null;
  return { kind: 'family', family, create: true, ifNotExists };
}

function isConstraintStart(w: string): boolean {
  return ['not', 'null', 'primary', 'unique', 'default', 'on', 'check', 'references', 'as', 'generated', 'collate', 'family', 'create', 'constraint'].includes(w);
}

function parseParenExpr(p: Cursor) {
  expectOp(p, '(');
  const e = parseExpr(p);
  expectOp(p, ')');
  return e;
}

/** After REFERENCES: `table [(cols)] [MATCH ...] [ON DELETE a] [ON UPDATE a]`. */
export function parseForeignKeyRef(p: Cursor): ForeignKeyRef {
  const table = parseObjectName(p);
  const columns = isOp(p, '(') ? parseParenNameList(p) : [];
  const ref: ForeignKeyRef = { table, columns, onDelete: null, onUpdate: null, match: null };
  if (acceptKw(p, 'match')) {
    if (acceptKw(p, 'full')) ref.match = 'FULL';
    else { expectKw(p, 'simple'); ref.match = 'SIMPLE'; }
  }
  for (;;) {
    if (acceptKws(p, 'on', 'delete')) {
      ref.onDelete = parseRefAction(p);
    } else if (isKws(p, 'on', 'update') && isRefActionStart(p, 2)) {
      p.i += 2;
      ref.onUpdate = parseRefAction(p);
    } else {
      return ref;
    }
  }
}

function isRefActionStart(p: Cursor, ahead: number): boolean {
  return ['cascade', 'set', 'restrict', 'no'].some((w) => isKw(p, w, ahead));
}

function parseRefAction(p: Cursor): RefAction {
  if (acceptKw(p, 'cascade')) return 'CASCADE';
  if (acceptKw(p, 'restrict')) return 'RESTRICT';
  if (acceptKws(p, 'set', 'null')) return 'SET NULL';
  if (acceptKws(p, 'set', 'default')) return 'SET DEFAULT';
  if (acceptKws(p, 'no', 'action')) return 'NO ACTION';
  return fail(p);
}

/** `[CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...) | CHECK (...) | FOREIGN KEY (...) REFERENCES ...` */
export function parseTableConstraint(p: Cursor): TableConstraint {
  const name = acceptKw(p, 'constraint') ? parseName(p) : null;
  return parseTableConstraintBody(p, name);
}

/** The constraint after its optional `CONSTRAINT name` prefix. */
export function parseTableConstraintBody(p: Cursor, name: string | null): TableConstraint {
  if (acceptKws(p, 'primary', 'key')) {
    return { kind: 'primaryKeyConstraint', name, columns: parseIndexElems(p) };
  }
  if (acceptKw(p, 'unique')) {
    acceptKws(p, 'without', 'index');
    const columns = parseIndexElems(p);
    const storing = parseOptStoring(p);
    const where = acceptKw(p, 'where') ? parseExpr(p) : null;
    return { kind: 'uniqueConstraint', name, columns, storing, where };
  }
  if (acceptKw(p, 'check')) return { kind: 'checkConstraint', name, expr: parseParenExpr(p) };
  expectKw(p, 'foreign');
  expectKw(p, 'key');
  const columns = parseParenNameList(p);
  expectKw(p, 'references');
  return { kind: 'foreignKeyConstraint', name, columns, ref: parseForeignKeyRef(p) };
}

/** `[UNIQUE|INVERTED] INDEX [name] (elems) [STORING (...)] [WHERE ...]` inside CREATE TABLE. */
function parseIndexDef(p: Cursor): IndexDef {
  const unique = acceptKw(p, 'unique');
  const inverted = !unique && acceptKw(p, 'inverted');
  expectKw(p, 'index');
  const name = isOp(p, '(') ? null : parseName(p);
  const columns = parseIndexElems(p);
  const storing = parseOptStoring(p);
  const where = acceptKw(p, 'where') ? parseExpr(p) : null;
  return { kind: 'indexDef', name, unique, inverted, columns, storing, where };
}

function parseFamilyDef(p: Cursor): TableDef {
  expectKw(p, 'family');
  const name = isOp(p, '(') ? null : parseName(p);
  return { kind: 'familyDef', name, columns: parseParenNameList(p) };
}

/** `(col [ASC|DESC] [NULLS FIRST|LAST], (expr), ...)` */
export function parseIndexElems(p: Cursor): IndexElem[] {
  expectOp(p, '(');
  const elems = parseCommaList(p, parseIndexElem);
  expectOp(p, ')');
  return elems;
}

function parseIndexElem(p: Cursor): IndexElem {
  const expr = parseExpr(p);
  const elem: IndexElem = { column: null, expr: null, direction: null, nulls: null };
  if (expr.kind === 'colRef' && expr.table === null) elem.column = expr.column;
  else elem.expr = expr;
  if (acceptKw(p, 'asc')) elem.direction = 'ASC';
  else if (acceptKw(p, 'desc')) elem.direction = 'DESC';
  if (acceptKw(p, 'nulls')) {
    if (acceptKw(p, 'first')) elem.nulls = 'FIRST';
    else { expectKw(p, 'last'); elem.nulls = 'LAST'; }
  }
  return elem;
}

/** `STORING | INCLUDE | COVERING (cols)`; empty when absent. */
export function parseOptStoring(p: Cursor): string[] {
  if (acceptKw(p, 'storing') || acceptKw(p, 'include') || acceptKw(p, 'covering')) return parseParenNameList(p);
  return [];
}
