// Owns parsing of ALTER statements: ALTER DATABASE / SCHEMA / TABLE /
// INDEX / SEQUENCE / USER / ROLE / RANGE, including CONFIGURE ZONE on any of
// them (which becomes a configureZone statement).
// Invariants: ALTER TABLE commands are kept in written order;
// `CONFIGURE ZONE` must be the only command of its ALTER statement.

import type {
  AlterColumnCmd, AlterTableCmd, AlterTableStatement, ConfigureZoneStatement, Statement, ZoneSetting, ZoneTarget,
} from './ast.js';
import {
  acceptIfExists, acceptIfNotExists, acceptKw, acceptKws, acceptOp, expectKw, expectOp, fail, isKw, parseCommaList,
  parseDropBehavior, parseName, parseObjectName, parseRoleName, parseUnrestrictedName, peek, type Cursor,
} from './cursor.js';
import { parseExpr } from './parse-expr.js';
import { parseIndexRef, parseSchemaName, parseSequenceOptions } from './parse-ddl.js';
import { parseColumnDef, parseIndexElems, parseTableConstraintBody } from './parse-table-defs.js';
import { parseType } from './parse-types.js';
import { parseAlterRole } from './parse-users.js';

export function parseAlter(p: Cursor): Statement {
  expectKw(p, 'alter');
  const t = peek(p);
  switch (t.kind === 'word' ? t.text : '') {
    case 'database': return parseAlterDatabase(p);
    case 'schema': return parseAlterSchema(p);
    case 'table': return parseAlterTable(p);
    case 'index': return parseAlterIndex(p);
    case 'sequence': return parseAlterSequence(p);
    case 'range': return parseAlterRange(p);
    case 'user':
    case 'role': return parseAlterRole(p);
    default: return fail(p);
  }
}

function parseAlterDatabase(p: Cursor): Statement {
  expectKw(p, 'database');
  const name = parseName(p);
  if (isKw(p, 'configure')) return parseConfigureZone(p, { kind: 'database', name });
  if (acceptKws(p, 'rename', 'to')) return { kind: 'alterDatabase', name, cmd: { kind: 'renameTo', newName: parseName(p) } };
  expectKw(p, 'owner');
  expectKw(p, 'to');
  return { kind: 'alterDatabase', name, cmd: { kind: 'ownerTo', owner: parseRoleName(p) } };
}

function parseAlterSchema(p: Cursor): Statement {
  expectKw(p, 'schema');
  const name = parseSchemaName(p);
  if (acceptKws(p, 'rename', 'to')) return { kind: 'alterSchema', name, cmd: { kind: 'renameTo', newName: parseName(p) } };
  expectKw(p, 'owner');
  expectKw(p, 'to');
  return { kind: 'alterSchema', name, cmd: { kind: 'ownerTo', owner: parseRoleName(p) } };
}

function parseAlterIndex(p: Cursor): Statement {
  expectKw(p, 'index');
  const ifExists = acceptIfExists(p);
  const index = parseIndexRef(p);
  if (!ifExists && isKw(p, 'configure')) return parseConfigureZone(p, { kind: 'index', index });
  expectKw(p, 'rename');
  expectKw(p, 'to');
  return { kind: 'alterIndex', index, ifExists, cmd: { kind: 'renameTo', newName: parseName(p) } };
}

function parseAlterSequence(p: Cursor): Statement {
  expectKw(p, 'sequence');
  const ifExists = acceptIfExists(p);
  const name = parseObjectName(p);
  if (acceptKws(p, 'rename', 'to')) {
    return { kind: 'alterSequence', name, ifExists, cmd: { kind: 'renameTo', newName: parseObjectName(p) } };
  }
  if (acceptKws(p, 'owner', 'to')) {
    return { kind: 'alterSequence', name, ifExists, cmd: { kind: 'ownerTo', owner: parseRoleName(p) } };
  }
  const options = parseSequenceOptions(p);
  if (options.length === 0) fail(p);
  return { kind: 'alterSequence', name, ifExists, cmd: { kind: 'options', options } };
}

function parseAlterRange(p: Cursor): Statement {
  expectKw(p, 'range');
  const name = parseUnrestrictedName(p);
  return parseConfigureZone(p, { kind: 'range', name });
}

// ---------------------------------------------------------------- CONFIGURE ZONE

/** `CONFIGURE ZONE USING a = v, ... | CONFIGURE ZONE DISCARD` */
function parseConfigureZone(p: Cursor, target: ZoneTarget): ConfigureZoneStatement {
  expectKw(p, 'configure');
  expectKw(p, 'zone');
  if (acceptKw(p, 'discard')) return { kind: 'configureZone', target, settings: 'discard' };
  expectKw(p, 'using');
  return { kind: 'configureZone', target, settings: parseCommaList(p, parseZoneSetting) };
}

function parseZoneSetting(p: Cursor): ZoneSetting {
  const parts = [parseUnrestrictedName(p)];
  while (acceptOp(p, '.')) parts.push(parseUnrestrictedName(p));
  expectOp(p, '=');
  if (acceptKws(p, 'copy', 'from', 'parent')) return { name: parts.join('.'), value: null };
  return { name: parts.join('.'), value: parseExpr(p) };
}

// ---------------------------------------------------------------- ALTER TABLE

function parseAlterTable(p: Cursor): Statement {
  expectKw(p, 'table');
  const ifExists = acceptIfExists(p);
  const name = parseObjectName(p);
  if (!ifExists && isKw(p, 'configure')) return parseConfigureZone(p, { kind: 'table', name });
  const cmds = parseCommaList(p, parseAlterTableCmd);
  const stmt: AlterTableStatement = { kind: 'alterTable', name, ifExists, cmds };
  return stmt;
}

function parseAlterTableCmd(p: Cursor): AlterTableCmd {
  const t = peek(p);
  switch (t.kind === 'word' ? t.text : '') {
    case 'rename': return parseRenameCmd(p);
    case 'add': return parseAddCmd(p);
    case 'drop': return parseDropCmd(p);
    case 'alter': return parseAlterCmd(p);
    case 'validate':
      p.i++;
      expectKw(p, 'constraint');
      return { kind: 'validateConstraint', constraint: parseName(p) };
    case 'owner':
      p.i++;
      expectKw(p, 'to');
      return { kind: 'ownerTo', owner: parseRoleName(p) };
    case 'set':
      p.i++;
      expectKw(p, 'schema');
      return { kind: 'setSchema', schema: parseName(p) };
    default:
      return fail(p);
  }
}

function parseRenameCmd(p: Cursor): AlterTableCmd {
  expectKw(p, 'rename');
  if (acceptKw(p, 'to')) return { kind: 'renameTable', newName: parseObjectName(p) };
  if (acceptKw(p, 'constraint')) {
    const constraint = parseName(p);
    expectKw(p, 'to');
    return { kind: 'renameConstraint', constraint, newName: parseName(p) };
  }
  acceptKw(p, 'column');
  const column = parseName(p);
  expectKw(p, 'to');
  return { kind: 'renameColumn', column, newName: parseName(p) };
}

const CONSTRAINT_STARTS = ['constraint', 'primary', 'unique', 'check', 'foreign'];

function parseAddCmd(p: Cursor): AlterTableCmd {
  expectKw(p, 'add');
  if (CONSTRAINT_STARTS.some((w) => isKw(p, w))) {
    let ifNotExists = false;
    let name: string | null = null;
    if (acceptKw(p, 'constraint')) {
      ifNotExists = acceptIfNotExists(p);
      name = parseName(p);
    }
    const constraint = parseTableConstraintBody(p, name);
    const notValid = acceptKws(p, 'not', 'valid');
    return { kind: 'addConstraint', constraint, ifNotExists, notValid };
  }
  acceptKw(p, 'column');
  const ifNotExists = acceptIfNotExists(p);
  return { kind: 'addColumn', ifNotExists, def: parseColumnDef(p) };
}

function parseDropCmd(p: Cursor): AlterTableCmd {
  expectKw(p, 'drop');
  if (acceptKw(p, 'constraint')) {
    const ifExists = acceptIfExists(p);
    const constraint = parseName(p);
    return { kind: 'dropConstraint', constraint, ifExists, behavior: parseDropBehavior(p) };
  }
  acceptKw(p, 'column');
  const ifExists = acceptIfExists(p);
  const column = parseName(p);
  return { kind: 'dropColumn', column, ifExists, behavior: parseDropBehavior(p) };
}

function parseAlterCmd(p: Cursor): AlterTableCmd {
  expectKw(p, 'alter');
  if (acceptKws(p, 'primary', 'key')) {
    expectKw(p, 'using');
    expectKw(p, 'columns');
    return { kind: 'alterPrimaryKey', columns: parseIndexElems(p) };
  }
  acceptKw(p, 'column');
  const column = parseName(p);
  return { kind: 'alterColumn', column, cmd: parseAlterColumnCmd(p) };
}

function parseAlterColumnCmd(p: Cursor): AlterColumnCmd {
  if (acceptKw(p, 'set')) {
    if (acceptKw(p, 'default')) return { kind: 'setDefault', expr: parseExpr(p) };
    if (acceptKws(p, 'not', 'null')) return { kind: 'setNotNull' };
    expectKw(p, 'data');
    return parseSetType(p, true);
  }
  if (acceptKw(p, 'drop')) {
    if (acceptKw(p, 'default')) return { kind: 'dropDefault' };
    if (acceptKw(p, 'stored')) return { kind: 'dropStored' };
    expectKw(p, 'not');
    expectKw(p, 'null');
    return { kind: 'dropNotNull' };
  }
  return parseSetType(p, false);
}

function parseSetType(p: Cursor, setData: boolean): AlterColumnCmd {
  expectKw(p, 'type');
  const type = parseType(p);
  const collation = acceptKw(p, 'collate') ? parseUnrestrictedName(p) : null;
  const using = acceptKw(p, 'using') ? parseExpr(p) : null;
  return { kind: 'setType', type, collation, using, setData };
}
