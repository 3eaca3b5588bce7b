// Owns parsing of SHOW statements: catalog listings (DATABASES, SCHEMAS,
// TABLES, COLUMNS, INDEXES, CONSTRAINTS, CREATE, USERS, ROLES, GRANTS,
// RANGES, SEQUENCES, ZONE CONFIGURATIONS), activity (SESSIONS, QUERIES,
// STATEMENTS, TRANSACTIONS), cluster settings and session variables.
// SHOW BACKUP(S) and SHOW JOB(S) are delegated to parse-backup.ts.
// Invariants: `SHOW TRANSACTION ISOLATION LEVEL`, `SHOW TIME ZONE` and
// friends become showVar with CockroachDB's variable names; anything not
// recognized as a SHOW form is `SHOW <variable>`.

import type { ObjectName, Statement, ZoneTarget } from './ast.js';
import {
  acceptKw, acceptKws, expectKw, fail, isKw, parseCommaList, parseName, parseObjectName, parseRoleName,
  parseStringLiteral, peek, type Cursor,
} from './cursor.js';
import { parseIndexRef, parseSchemaName } from './parse-ddl.js';
import { parseSettingName } from './parse-session.js';
import { parseShowBackup, parseShowJobs } from './parse-backup.js';
import { parseGrantTargets } from './parse-users.js';

export function parseShow(p: Cursor): Statement {
  expectKw(p, 'show');
  const t = peek(p);
  if (t.kind !== 'word') return { kind: 'showVar', name: parseSettingName(p) };
  const special = parseShowKeyword(p, t.text);
  if (special !== null) return special;
  acceptKw(p, 'session');
  return { kind: 'showVar', name: parseSettingName(p) };
}

function parseShowKeyword(p: Cursor, w: string): Statement | null {
  switch (w) {
    case 'databases': p.i++; return { kind: 'showDatabases', withComment: acceptKws(p, 'with', 'comment') };
    case 'schemas': p.i++; return { kind: 'showSchemas', database: acceptKw(p, 'from') ? parseName(p) : null };
    case 'tables': return parseShowTables(p);
    case 'columns': p.i++; expectKw(p, 'from'); return showColumns(p);
    case 'index': case 'indexes': case 'keys': return parseShowIndexes(p);
    case 'constraint': case 'constraints': p.i++; expectKw(p, 'from'); return { kind: 'showConstraints', table: parseObjectName(p) };
    case 'create': return parseShowCreate(p);
    case 'users': p.i++; return { kind: 'showUsers' };
    case 'roles': p.i++; return { kind: 'showRoles' };
    case 'grants': return parseShowGrants(p);
    case 'ranges': return parseShowRanges(p);
    case 'sequences': p.i++; return { kind: 'showSequences', database: acceptKw(p, 'from') ? parseName(p) : null };
    case 'zone': return parseShowZone(p);
    case 'savepoint': p.i++; expectKw(p, 'status'); return { kind: 'showSavepointStatus' };
    case 'syntax': p.i++; return { kind: 'showSyntax', sql: parseStringLiteral(p) };
    case 'transaction': return parseShowTransaction(p);
    case 'time': if (!isKw(p, 'zone', 1)) return null; p.i += 2; return { kind: 'showVar', name: 'timezone' };
    case 'all': return parseShowAll(p);
    case 'cluster': case 'local': case 'sessions': case 'queries': case 'statements': case 'transactions':
      return parseShowActivity(p, false);
    case 'backup': case 'backups': return parseShowBackup(p);
    case 'jobs': case 'job': case 'automatic': return parseShowJobs(p);
    default: return null;
  }
}

function showColumns(p: Cursor): Statement {
  const table = parseObjectName(p);
  return { kind: 'showColumns', table, withComment: acceptKws(p, 'with', 'comment') };
}

function parseShowTables(p: Cursor): Statement {
  expectKw(p, 'tables');
  const from = acceptKw(p, 'from') ? parseSchemaName(p) : null;
  return { kind: 'showTables', from, withComment: acceptKws(p, 'with', 'comment') };
}

function parseShowIndexes(p: Cursor): Statement {
  p.i++;
  expectKw(p, 'from');
  if (acceptKw(p, 'database')) {
    const database = parseName(p);
    return { kind: 'showIndexes', table: null, database, withComment: acceptKws(p, 'with', 'comment') };
  }
  const table = parseObjectName(p);
  return { kind: 'showIndexes', table, database: null, withComment: acceptKws(p, 'with', 'comment') };
}

function parseShowCreate(p: Cursor): Statement {
  expectKw(p, 'create');
  if (acceptKws(p, 'all', 'tables')) return { kind: 'showCreateAllTables' };
  for (const word of ['table', 'view', 'sequence'] as const) {
    if (acceptKw(p, word)) return { kind: 'showCreate', objectType: word.toUpperCase() as 'TABLE', name: parseObjectName(p) };
  }
  if (acceptKw(p, 'database')) {
    const name: ObjectName = { catalog: null, schema: null, name: parseName(p) };
    return { kind: 'showCreate', objectType: 'DATABASE', name };
  }
  return { kind: 'showCreate', objectType: null, name: parseObjectName(p) };
}

function parseShowGrants(p: Cursor): Statement {
  expectKw(p, 'grants');
  const targets = acceptKw(p, 'on') ? parseGrantTargets(p) : null;
  const grantees = acceptKw(p, 'for') ? parseCommaList(p, parseRoleName) : [];
  return { kind: 'showGrants', targets, grantees };
}

function parseShowRanges(p: Cursor): Statement {
  expectKw(p, 'ranges');
  if (!acceptKw(p, 'from')) return { kind: 'showRanges', from: null };
  if (acceptKw(p, 'table')) return { kind: 'showRanges', from: { kind: 'table', table: parseObjectName(p) } };
  if (acceptKw(p, 'index')) return { kind: 'showRanges', from: { kind: 'index', index: parseIndexRef(p) } };
  expectKw(p, 'database');
  return { kind: 'showRanges', from: { kind: 'database', name: parseName(p) } };
}

/** SHOW ZONE CONFIGURATIONS | SHOW ZONE CONFIGURATION FOR|FROM target. */
function parseShowZone(p: Cursor): Statement {
  expectKw(p, 'zone');
  if (acceptKw(p, 'configurations')) return { kind: 'showZoneConfig', target: null };
  expectKw(p, 'configuration');
  if (!acceptKw(p, 'for')) expectKw(p, 'from');
  return { kind: 'showZoneConfig', target: parseZoneTarget(p) };
}

function parseZoneTarget(p: Cursor): ZoneTarget {
  if (acceptKw(p, 'database')) return { kind: 'database', name: parseName(p) };
  if (acceptKw(p, 'table')) return { kind: 'table', name: parseObjectName(p) };
  if (acceptKw(p, 'index')) return { kind: 'index', index: parseIndexRef(p) };
  expectKw(p, 'range');
  const t = peek(p);
  if (t.kind !== 'word' && t.kind !== 'qident') fail(p);
  p.i++;
  return { kind: 'range', name: t.text };
}

function parseShowTransaction(p: Cursor): Statement {
  expectKw(p, 'transaction');
  if (acceptKws(p, 'isolation', 'level')) return { kind: 'showVar', name: 'transaction_isolation' };
  if (acceptKw(p, 'priority')) return { kind: 'showVar', name: 'transaction_priority' };
  if (acceptKw(p, 'status')) return { kind: 'showVar', name: 'transaction_status' };
  if (acceptKws(p, 'read', 'only')) return { kind: 'showVar', name: 'transaction_read_only' };
  return fail(p);
}

function parseShowAll(p: Cursor): Statement {
  if (isKw(p, 'cluster', 1) && (isKw(p, 'settings', 2) || isKw(p, 'setting', 2))) {
    p.i += 3;
    return { kind: 'showClusterSettings', all: true };
  }
  const n = peek(p, 1);
  if (n.kind === 'word' && ['cluster', 'local', 'sessions', 'queries', 'statements', 'transactions'].includes(n.text)) {
    p.i++;
    return parseShowActivity(p, true);
  }
  p.i++;
  return { kind: 'showVar', name: 'all' };
}

/** [CLUSTER|LOCAL] SESSIONS|QUERIES|STATEMENTS|TRANSACTIONS, and CLUSTER SETTING(S). */
function parseShowActivity(p: Cursor, all: boolean): Statement {
  if (!all && isKw(p, 'cluster') && isKw(p, 'setting', 1)) {
    p.i += 2;
    return { kind: 'showClusterSetting', name: parseSettingName(p) };
  }
  if (!all && acceptKws(p, 'cluster', 'settings')) return { kind: 'showClusterSettings', all: false };
  let cluster = true;
  if (acceptKw(p, 'local')) cluster = false;
  else acceptKw(p, 'cluster');
  if (acceptKw(p, 'sessions')) return { kind: 'showSessions', all, cluster };
  if (acceptKw(p, 'queries') || acceptKw(p, 'statements')) return { kind: 'showQueries', all, cluster };
  expectKw(p, 'transactions');
  return { kind: 'showTransactions', all, cluster };
}
