// Owns parsing of user/role management and privileges: CREATE / ALTER /
// DROP USER|ROLE with role options, GRANT / REVOKE of privileges on
// targets, and GRANT / REVOKE of role membership.
// Invariants: privilege and role-option names are upper case; ALL
// [PRIVILEGES] is ['ALL']; `PASSWORD NULL` keeps a NullLit value.

import type {
  AlterRoleStatement, CreateRoleStatement, DropRoleStatement, Expr, GrantTargets, RoleOption, Statement,
  TablePattern,
} from './ast.js';
import {
  acceptIfExists, acceptIfNotExists, acceptKw, acceptKws, acceptOp, expectKw, fail, isOp,
  objectNameFromParts, parseCommaList, parseName, parseObjectName, parseRoleName, parseUnrestrictedName, peek,
  type Cursor,
} from './cursor.js';
import { parseSchemaName } from './parse-ddl.js';
import { isNameWord } from './keywords.js';

/** Role options that take no value. */
const FLAG_OPTIONS = new Set([
  'login', 'nologin', 'createdb', 'nocreatedb', 'createrole', 'nocreaterole', 'createlogin', 'nocreatelogin',
  'controljob', 'nocontroljob', 'controlchangefeed', 'nocontrolchangefeed', 'viewactivity', 'noviewactivity',
  'viewactivityredacted', 'noviewactivityredacted', 'cancelquery', 'nocancelquery', 'modifyclustersetting',
  'nomodifyclustersetting', 'viewclustersetting', 'noviewclustersetting', 'sqllogin', 'nosqllogin',
  'replication', 'noreplication', 'bypassrls', 'nobypassrls', 'superuser', 'nosuperuser', 'inherit', 'noinherit',
]);

/** After CREATE: `USER|ROLE [IF NOT EXISTS] name [WITH] options`. */
export function parseCreateRole(p: Cursor): CreateRoleStatement {
  const isRole = acceptKw(p, 'role');
  if (!isRole) expectKw(p, 'user');
  const ifNotExists = acceptIfNotExists(p);
  const name = parseRoleName(p);
  return { kind: 'createRole', isRole, name, ifNotExists, options: parseRoleOptions(p) };
}

/** After ALTER: `USER|ROLE [IF EXISTS] name [WITH] options`. */
export function parseAlterRole(p: Cursor): AlterRoleStatement {
  const isRole = acceptKw(p, 'role');
  if (!isRole) expectKw(p, 'user');
  const ifExists = acceptIfExists(p);
  const name = parseRoleName(p);
  const options = parseRoleOptions(p);
  if (options.length === 0) fail(p);
  return { kind: 'alterRole', isRole, name, ifExists, options };
}

/** After DROP: `USER|ROLE [IF EXISTS] a, b`. */
export function parseDropRole(p: Cursor): DropRoleStatement {
  const isRole = acceptKw(p, 'role');
  if (!isRole) expectKw(p, 'user');
  const ifExists = acceptIfExists(p);
  return { kind: 'dropRole', isRole, names: parseCommaList(p, parseRoleName), ifExists };
}

function parseRoleOptions(p: Cursor): RoleOption[] {
  acceptKw(p, 'with');
  const out: RoleOption[] = [];
  for (;;) {
    const opt = parseRoleOption(p);
    if (opt === null) return out;
    out.push(opt);
  }
}

function parseRoleOption(p: Cursor): RoleOption | null {
  const t = peek(p);
  if (t.kind !== 'word') return null;
  if (t.text === 'password') {
    p.i++;
    return { name: 'PASSWORD', value: parseStringOrNull(p) };
  }
  if (acceptKws(p, 'valid', 'until')) return { name: 'VALID UNTIL', value: parseStringOrNull(p) };
  if (!FLAG_OPTIONS.has(t.text)) return null;
  p.i++;
  return { name: t.text.toUpperCase(), value: null };
}

/** A string literal or placeholder (also used by BACKUP/RESTORE options). */
export function parseStringOrPlaceholder(p: Cursor): Expr {
  const t = peek(p);
  if (t.kind === 'string') {
    p.i++;
    return { kind: 'str', value: t.text };
  }
  if (t.kind === 'placeholder') {
    p.i++;
    return { kind: 'placeholder', index: Number(t.text) };
  }
  return fail(p);
}

function parseStringOrNull(p: Cursor): Expr {
  if (acceptKw(p, 'null')) return { kind: 'null' };
  return parseStringOrPlaceholder(p);
}

// ---------------------------------------------------------------- GRANT / REVOKE

export function parseGrant(p: Cursor): Statement {
  expectKw(p, 'grant');
  const words = parsePrivilegeOrRoleList(p);
  if (acceptKw(p, 'on')) {
    const targets = parseGrantTargets(p);
    expectKw(p, 'to');
    const grantees = parseCommaList(p, parseRoleName);
    const withGrantOption = acceptKws(p, 'with', 'grant', 'option');
    return { kind: 'grant', privileges: privilegeNames(words), targets, grantees, withGrantOption };
  }
  expectKw(p, 'to');
  const members = parseCommaList(p, parseRoleName);
  const withAdminOption = acceptKws(p, 'with', 'admin', 'option');
  return { kind: 'grantRole', roles: roleNames(p, words), members, withAdminOption };
}

export function parseRevoke(p: Cursor): Statement {
  expectKw(p, 'revoke');
  const grantOptionFor = acceptKws(p, 'grant', 'option', 'for');
  const adminOptionFor = !grantOptionFor && acceptKws(p, 'admin', 'option', 'for');
  const words = parsePrivilegeOrRoleList(p);
  if (!adminOptionFor && acceptKw(p, 'on')) {
    const targets = parseGrantTargets(p);
    expectKw(p, 'from');
    const grantees = parseCommaList(p, parseRoleName);
    const behavior = acceptKw(p, 'cascade') ? 'CASCADE' : acceptKw(p, 'restrict') ? 'RESTRICT' : null;
    return { kind: 'revoke', privileges: privilegeNames(words), targets, grantees, grantOptionFor, behavior };
  }
  if (grantOptionFor) fail(p);
  expectKw(p, 'from');
  const members = parseCommaList(p, parseRoleName);
  return { kind: 'revokeRole', roles: roleNames(p, words), members, adminOptionFor };
}

interface ListedWord { text: string; quoted: boolean; start: number }

/** Privileges (any keywords, `ALL [PRIVILEGES]`) or role names, before ON / TO / FROM. */
function parsePrivilegeOrRoleList(p: Cursor): ListedWord[] {
  return parseCommaList(p, (q) => {
    const t = peek(q);
    if (t.kind !== 'word' && t.kind !== 'qident' && t.kind !== 'string') fail(q);
    q.i++;
    if (t.kind === 'word' && t.text === 'all') acceptKw(q, 'privileges');
    return { text: t.text, quoted: t.kind !== 'word', start: t.start };
  });
}

function privilegeNames(words: ListedWord[]): string[] {
  return words.map((w) => w.text.toUpperCase());
}

function roleNames(p: Cursor, words: ListedWord[]): string[] {
  for (const w of words) {
    if (!w.quoted && !isNameWord(w.text)) {
      p.i = p.toks.findIndex((t) => t.start === w.start);
      fail(p);
    }
  }
  return words.map((w) => w.text);
}

export function parseGrantTargets(p: Cursor): GrantTargets {
  if (acceptKw(p, 'database')) return { kind: 'databases', names: parseCommaList(p, parseName) };
  if (acceptKw(p, 'schema')) return { kind: 'schemas', names: parseCommaList(p, parseSchemaName) };
  if (acceptKw(p, 'sequence')) return { kind: 'sequences', names: parseCommaList(p, parseObjectName) };
  if (acceptKw(p, 'type')) return { kind: 'types', names: parseCommaList(p, parseObjectName) };
  if (acceptKws(p, 'all', 'tables', 'in', 'schema')) {
    return { kind: 'allTablesInSchema', schemas: parseCommaList(p, parseSchemaName) };
  }
  if (acceptKws(p, 'all', 'sequences', 'in', 'schema')) {
    return { kind: 'allSequencesInSchema', schemas: parseCommaList(p, parseSchemaName) };
  }
  acceptKw(p, 'table');
  return { kind: 'tables', tables: parseCommaList(p, parseTablePattern) };
}

/** `t`, `s.t`, `db.s.t`, `*`, `db.*`, `db.s.*`. */
export function parseTablePattern(p: Cursor): TablePattern {
  if (acceptOp(p, '*')) return { kind: 'tableStar', prefix: [] };
  const parts = [parseName(p)];
  while (isOp(p, '.')) {
    p.i++;
    if (acceptOp(p, '*')) return { kind: 'tableStar', prefix: parts };
    if (parts.length === 3) fail(p);
    parts.push(parseUnrestrictedName(p));
  }
  return { kind: 'tableName', name: objectNameFromParts(parts) };
}
