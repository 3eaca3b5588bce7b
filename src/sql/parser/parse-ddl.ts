// Owns parsing of CREATE and DROP statements for databases, schemas,
// tables, indexes, views and sequences, plus COMMENT ON and sequence
// options (shared with ALTER SEQUENCE). Users and roles are dispatched to
// parse-users.ts.
// Invariants: IF [NOT] EXISTS, CASCADE/RESTRICT and OR REPLACE are recorded
// as flags; names are normalized ObjectNames/IndexRefs.

import type {
  CommentStatement, CommentTarget, CreateDatabaseStatement, CreateIndexStatement, CreateSchemaStatement,
  CreateSequenceStatement, CreateTableStatement, CreateViewStatement, DropIndexStatement, DropObjectsStatement,
  Expr, IndexRef, KvOption, SchemaName, SequenceOption, Statement,
} from './ast.js';
import {
  acceptIfExists, acceptIfNotExists, acceptKw, acceptKws, acceptOp, expectKw, expectOp, fail, isKw, isOp,
  objectNameFromParts, parseCommaList, parseDottedParts, parseDropBehavior, parseName, parseObjectName,
  parseObjectNameList, parseParenNameList, parseRoleName, parseSignedInt, parseStringLiteral,
  parseUnrestrictedName, peek, type Cursor,
} from './cursor.js';
import { parseExpr } from './parse-expr.js';
import { parseSelectStatement } from './parse-select.js';
import { parseIndexElems, parseOptStoring, parseTableDef } from './parse-table-defs.js';
import { parseType } from './parse-types.js';
import { parseCreateRole, parseDropRole } from './parse-users.js';

export function parseCreate(p: Cursor): Statement {
  expectKw(p, 'create');
  if (acceptKws(p, 'or', 'replace')) return parseCreateView(p, true, false);
  const temporary = acceptKw(p, 'temp') || acceptKw(p, 'temporary');
  const t = peek(p);
  switch (t.kind === 'word' ? t.text : '') {
    case 'database': return parseCreateDatabase(p);
    case 'schema': return parseCreateSchema(p);
    case 'table': return parseCreateTable(p, temporary);
    case 'unique':
    case 'inverted':
    case 'index': return parseCreateIndex(p);
    case 'view': return parseCreateView(p, false, temporary);
    case 'materialized': p.i++; return parseCreateView(p, false, temporary, true);
    case 'sequence': return parseCreateSequence(p, temporary);
    case 'user':
    case 'role': return parseCreateRole(p);
    default: return fail(p);
  }
}

export function parseDrop(p: Cursor): Statement {
  expectKw(p, 'drop');
  const t = peek(p);
  switch (t.kind === 'word' ? t.text : '') {
    case 'database': return parseDropDatabase(p);
    case 'schema': return parseDropSchema(p);
    case 'table': p.i++; return parseDropObjects(p, 'dropTable', false);
    case 'view': p.i++; return parseDropObjects(p, 'dropView', false);
    case 'materialized': p.i++; expectKw(p, 'view'); return parseDropObjects(p, 'dropView', true);
    case 'sequence': p.i++; return parseDropObjects(p, 'dropSequence', false);
    case 'index': return parseDropIndex(p);
    case 'user':
    case 'role': return parseDropRole(p);
    default: return fail(p);
  }
}

// ---------------------------------------------------------------- databases and schemas

const DATABASE_OPTIONS = ['encoding', 'template', 'lc_collate', 'lc_ctype', 'owner'];

function parseCreateDatabase(p: Cursor): CreateDatabaseStatement {
  expectKw(p, 'database');
  const ifNotExists = acceptIfNotExists(p);
  const name = parseName(p);
  acceptKw(p, 'with');
  const options: KvOption[] = [];
  for (;;) {
    const opt = parseDatabaseOption(p);
    if (opt === null) break;
    options.push(opt);
  }
  return { kind: 'createDatabase', name, ifNotExists, options };
}

function parseDatabaseOption(p: Cursor): KvOption | null {
  const t = peek(p);
  if (t.kind !== 'word') return null;
  let name: string;
  if (DATABASE_OPTIONS.includes(t.text)) {
    p.i++;
    name = t.text.toUpperCase();
  } else if (acceptKws(p, 'connection', 'limit')) {
    name = 'CONNECTION LIMIT';
  } else if (acceptKws(p, 'primary', 'region')) {
    name = 'PRIMARY REGION';
  } else {
    return null;
  }
  acceptOp(p, '=');
  return { name, value: parseOptionValue(p) };
}

/** A string, number, or bare name (kept as a column reference). */
function parseOptionValue(p: Cursor): Expr {
  const t = peek(p);
  if (t.kind === 'string') { p.i++; return { kind: 'str', value: t.text }; }
  if (t.kind === 'int' || (t.kind === 'op' && t.text === '-')) return { kind: 'num', text: String(parseSignedInt(p)), numKind: 'int' };
  return { kind: 'colRef', table: null, column: parseRoleName(p) };
}

function parseDropDatabase(p: Cursor): Statement {
  expectKw(p, 'database');
  const ifExists = acceptIfExists(p);
  const name = parseName(p);
  return { kind: 'dropDatabase', name, ifExists, behavior: parseDropBehavior(p) };
}

export function parseSchemaName(p: Cursor): SchemaName {
  const parts = parseDottedParts(p, 2);
  return parts.length === 2 ? { catalog: parts[0]!, schema: parts[1]! } : { catalog: null, schema: parts[0]! };
}

function parseCreateSchema(p: Cursor): CreateSchemaStatement {
  expectKw(p, 'schema');
  const ifNotExists = acceptIfNotExists(p);
  if (acceptKw(p, 'authorization')) {
    const role = parseRoleName(p);
    return { kind: 'createSchema', name: { catalog: null, schema: role }, ifNotExists, authorization: role };
  }
  const name = parseSchemaName(p);
  const authorization = acceptKw(p, 'authorization') ? parseRoleName(p) : null;
  return { kind: 'createSchema', name, ifNotExists, authorization };
}

function parseDropSchema(p: Cursor): Statement {
  expectKw(p, 'schema');
  const ifExists = acceptIfExists(p);
  const names = parseCommaList(p, parseSchemaName);
  return { kind: 'dropSchema', names, ifExists, behavior: parseDropBehavior(p) };
}

// ---------------------------------------------------------------- tables

function parseCreateTable(p: Cursor, temporary: boolean): CreateTableStatement {
  expectKw(p, 'table');
  const ifNotExists = acceptIfNotExists(p);
  const name = parseObjectName(p);
  const stmt: CreateTableStatement = {
    kind: 'createTable', name, ifNotExists, temporary, defs: [], asSelect: null, asColumns: [],
  };
  if (isOp(p, '(') && !parenFollowedByAs(p)) {
    p.i++;
    stmt.defs = isOp(p, ')') ? [] : parseCommaList(p, parseTableDef);
    expectOp(p, ')');
    return stmt;
  }
  if (isOp(p, '(')) stmt.asColumns = parseParenNameList(p);
  expectKw(p, 'as');
  stmt.asSelect = parseSelectStatement(p);
  return stmt;
}

/** True when the parenthesized group at the cursor is followed by AS (CREATE TABLE t (a, b) AS ...). */
function parenFollowedByAs(p: Cursor): boolean {
  let depth = 0;
  for (let k = 0; ; k++) {
    const t = peek(p, k);
    if (t.kind === 'eof') return false;
    if (t.kind !== 'op') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return isKw(p, 'as', k + 1);
  }
}

function parseDropObjects(p: Cursor, kind: DropObjectsStatement['kind'], materialized: boolean): DropObjectsStatement {
  const ifExists = acceptIfExists(p);
  const names = parseObjectNameList(p);
  return { kind, names, ifExists, behavior: parseDropBehavior(p), materialized };
}

// ---------------------------------------------------------------- indexes

/** `t@idx`, `idx`, `s.idx`, `db.s.t@idx`. */
export function parseIndexRef(p: Cursor): IndexRef {
  const parts = parseDottedParts(p, 3);
  if (acceptOp(p, '@')) {
    return { table: objectNameFromParts(parts), index: parseUnrestrictedName(p), prefix: [] };
  }
  const index = parts.pop()!;
  return { table: null, index, prefix: parts };
}

function parseCreateIndex(p: Cursor): CreateIndexStatement {
  const unique = acceptKw(p, 'unique');
  const inverted = !unique && acceptKw(p, 'inverted');
  expectKw(p, 'index');
  const concurrently = acceptKw(p, 'concurrently');
  const ifNotExists = acceptIfNotExists(p);
  const name = isKw(p, 'on') ? null : parseName(p);
  expectKw(p, 'on');
  const table = parseObjectName(p);
  let usingInverted = false;
  if (acceptKw(p, 'using')) {
    const method = parseName(p);
    usingInverted = method === 'gin' || method === 'gist';
  }
  const columns = parseIndexElems(p);
  const storing = parseOptStoring(p);
  const where = acceptKw(p, 'where') ? parseExpr(p) : null;
  return {
    kind: 'createIndex', name, table, unique, inverted: inverted || usingInverted, ifNotExists, concurrently,
    columns, storing, where,
  };
}

function parseDropIndex(p: Cursor): DropIndexStatement {
  expectKw(p, 'index');
  const concurrently = acceptKw(p, 'concurrently');
  const ifExists = acceptIfExists(p);
  const indexes = parseCommaList(p, parseIndexRef);
  return { kind: 'dropIndex', indexes, ifExists, concurrently, behavior: parseDropBehavior(p) };
}

// ---------------------------------------------------------------- views and sequences

function parseCreateView(p: Cursor, orReplace: boolean, temporary: boolean, materialized = false): CreateViewStatement {
  expectKw(p, 'view');
  const ifNotExists = acceptIfNotExists(p);
  const name = parseObjectName(p);
  const columns = isOp(p, '(') ? parseParenNameList(p) : [];
  expectKw(p, 'as');
  const select = parseSelectStatement(p);
  return { kind: 'createView', name, orReplace, ifNotExists, materialized, temporary, columns, select };
}

function parseCreateSequence(p: Cursor, temporary: boolean): CreateSequenceStatement {
  expectKw(p, 'sequence');
  const ifNotExists = acceptIfNotExists(p);
  const name = parseObjectName(p);
  return { kind: 'createSequence', name, ifNotExists, temporary, options: parseSequenceOptions(p) };
}

/** Space-separated sequence options; empty when none follow. */
export function parseSequenceOptions(p: Cursor): SequenceOption[] {
  const out: SequenceOption[] = [];
  for (;;) {
    const opt = parseSequenceOption(p);
    if (opt === null) return out;
    out.push(opt);
  }
}

function parseSequenceOption(p: Cursor): SequenceOption | null {
  const t = peek(p);
  if (t.kind !== 'word') return null;
  switch (t.text) {
    case 'increment': p.i++; acceptKw(p, 'by'); return { kind: 'increment', by: parseSignedInt(p) };
    case 'minvalue': p.i++; return { kind: 'minValue', value: parseSignedInt(p) };
    case 'maxvalue': p.i++; return { kind: 'maxValue', value: parseSignedInt(p) };
    case 'start': p.i++; acceptKw(p, 'with'); return { kind: 'start', value: parseSignedInt(p) };
    case 'cache': p.i++; return { kind: 'cache', value: parseSignedInt(p) };
    case 'cycle': p.i++; return { kind: 'cycle', cycle: true };
    case 'virtual': p.i++; return { kind: 'virtual' };
    case 'as': p.i++; return { kind: 'as', type: parseType(p) };
    case 'restart': return parseRestart(p);
    case 'owned': return parseOwnedBy(p);
    case 'no': return parseNoOption(p);
    default: return null;
  }
}

function parseRestart(p: Cursor): SequenceOption {
  p.i++;
  const hasWith = acceptKw(p, 'with');
  const t = peek(p);
  const hasValue = hasWith || t.kind === 'int' || (t.kind === 'op' && (t.text === '-' || t.text === '+'));
  return { kind: 'restart', value: hasValue ? parseSignedInt(p) : null };
}

function parseOwnedBy(p: Cursor): SequenceOption {
  p.i++;
  expectKw(p, 'by');
  if (acceptKw(p, 'none')) return { kind: 'ownedBy', column: null };
  return { kind: 'ownedBy', column: objectNameFromParts(parseDottedParts(p, 4)) };
}

function parseNoOption(p: Cursor): SequenceOption {
  p.i++;
  if (acceptKw(p, 'minvalue')) return { kind: 'minValue', value: null };
  if (acceptKw(p, 'maxvalue')) return { kind: 'maxValue', value: null };
  expectKw(p, 'cycle');
  return { kind: 'cycle', cycle: false };
}

// ---------------------------------------------------------------- COMMENT ON

export function parseComment(p: Cursor): CommentStatement {
  expectKw(p, 'comment');
  expectKw(p, 'on');
  const target = parseCommentTarget(p);
  expectKw(p, 'is');
  const comment = acceptKw(p, 'null') ? null : parseStringLiteral(p);
  return { kind: 'comment', target, comment };
}

function parseCommentTarget(p: Cursor): CommentTarget {
  if (acceptKw(p, 'database')) return { kind: 'database', name: parseName(p) };
  if (acceptKw(p, 'schema')) return { kind: 'schema', name: parseSchemaName(p) };
  if (acceptKw(p, 'table')) return { kind: 'table', name: parseObjectName(p) };
  if (acceptKw(p, 'index')) return { kind: 'index', index: parseIndexRef(p) };
  if (acceptKw(p, 'column')) {
    const parts = parseDottedParts(p, 4);
    const column = parts.pop()!;
    return { kind: 'column', table: parts.length ? objectNameFromParts(parts) : null, column, parts: [...parts, column] };
  }
  expectKw(p, 'constraint');
  const constraint = parseName(p);
  expectKw(p, 'on');
  return { kind: 'constraint', constraint, table: parseObjectName(p) };
}

