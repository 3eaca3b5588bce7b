// Owns parsing of transaction control (BEGIN, START TRANSACTION, COMMIT,
// END, ROLLBACK [TO SAVEPOINT], SAVEPOINT, RELEASE, SET TRANSACTION) and
// session settings (SET, SET CLUSTER SETTING, RESET, USE).
// Invariants: transaction modes may repeat only once each and may be
// separated by commas or spaces; `SET TIME ZONE x` is `SET timezone = x` and
// `USE d` is `SET database = d`, as in CockroachDB; setting names are
// lower-cased and dotted parts are joined with '.'.

import type { Expr, IsolationLevel, Statement, TransactionModes } from './ast.js';
import {
  acceptKw, acceptKws, acceptOp, expectKw, fail, isOp, parseCommaList, parseName, parseUnrestrictedName, peek,
  type Cursor,
} from './cursor.js';
import { parseExpr } from './parse-expr.js';

export function emptyModes(): TransactionModes {
  return { isolation: null, priority: null, readOnly: null, asOf: null, deferrable: null };
}

export function parseBegin(p: Cursor): Statement {
  if (acceptKw(p, 'start')) {
    expectKw(p, 'transaction');
  } else {
    expectKw(p, 'begin');
    if (!acceptKw(p, 'transaction')) acceptKw(p, 'work');
  }
  return { kind: 'begin', modes: parseTransactionModes(p) };
}

export function parseCommit(p: Cursor): Statement {
  p.i++;
  if (!acceptKw(p, 'transaction')) acceptKw(p, 'work');
  return { kind: 'commit' };
}

export function parseRollback(p: Cursor): Statement {
  p.i++;
  if (!acceptKw(p, 'transaction')) acceptKw(p, 'work');
  if (!acceptKw(p, 'to')) return { kind: 'rollback', savepoint: null };
  acceptKw(p, 'savepoint');
  return { kind: 'rollback', savepoint: parseName(p) };
}

export function parseSavepoint(p: Cursor): Statement {
  expectKw(p, 'savepoint');
  return { kind: 'savepoint', name: parseName(p) };
}

export function parseRelease(p: Cursor): Statement {
  expectKw(p, 'release');
  acceptKw(p, 'savepoint');
  return { kind: 'releaseSavepoint', name: parseName(p) };
}

/** Modes separated by commas or spaces; empty modes when none follow. */
export function parseTransactionModes(p: Cursor): TransactionModes {
  const modes = emptyModes();
  let first = true;
  for (;;) {
    if (!first && acceptOp(p, ',')) {
      if (!parseTransactionMode(p, modes)) fail(p);
      continue;
    }
    if (!parseTransactionMode(p, modes)) return modes;
    first = false;
  }
}

function parseTransactionMode(p: Cursor, modes: TransactionModes): boolean {
  if (acceptKws(p, 'isolation', 'level')) {
    modes.isolation = parseIsolationLevel(p);
  } else if (acceptKw(p, 'priority')) {
    modes.priority = parsePriority(p);
  } else if (acceptKws(p, 'read', 'only')) {
    modes.readOnly = true;
  } else if (acceptKws(p, 'read', 'write')) {
    modes.readOnly = false;
  } else if (acceptKws(p, 'as', 'of', 'system', 'time')) {
    modes.asOf = parseExpr(p);
  } else if (acceptKw(p, 'deferrable')) {
    modes.deferrable = true;
  } else if (acceptKws(p, 'not', 'deferrable')) {
    modes.deferrable = false;
  } else {
    return false;
  }
  return true;
}

function parseIsolationLevel(p: Cursor): IsolationLevel {
  if (acceptKw(p, 'serializable')) return 'SERIALIZABLE';
  if (acceptKw(p, 'snapshot')) return 'SNAPSHOT';
  if (acceptKws(p, 'repeatable', 'read')) return 'REPEATABLE READ';
  if (acceptKws(p, 'read', 'committed')) return 'READ COMMITTED';
  if (acceptKws(p, 'read', 'uncommitted')) return 'READ UNCOMMITTED';
  return fail(p);
}

function parsePriority(p: Cursor): 'LOW' | 'NORMAL' | 'HIGH' {
  if (acceptKw(p, 'low')) return 'LOW';
  if (acceptKw(p, 'normal')) return 'NORMAL';
  expectKw(p, 'high');
  return 'HIGH';
}

// ---------------------------------------------------------------- SET / RESET / USE

export function parseSet(p: Cursor): Statement {
  expectKw(p, 'set');
  if (acceptKws(p, 'cluster', 'setting')) return parseSetClusterSetting(p);
  let local = false;
  if (acceptKw(p, 'local')) local = true;
  else acceptKw(p, 'session');
  if (acceptKw(p, 'transaction')) return { kind: 'setTransaction', modes: requireModes(p) };
  if (acceptKws(p, 'time', 'zone')) return { kind: 'setVar', name: 'timezone', values: [parseTimeZoneValue(p)], local };
  const name = parseSettingName(p);
  if (!acceptOp(p, '=')) expectKw(p, 'to');
  return { kind: 'setVar', name, values: parseCommaList(p, parseSetValue), local };
}

function requireModes(p: Cursor): TransactionModes {
  const modes = parseTransactionModes(p);
  if (Object.values(modes).every((v) => v === null)) fail(p);
  return modes;
}

function parseTimeZoneValue(p: Cursor): Expr {
  if (acceptKw(p, 'local')) return { kind: 'str', value: 'local' };
  if (acceptKw(p, 'default')) return { kind: 'default' };
  return parseExpr(p);
}

/** `name` or `a.b.c`; any keyword may be a part. */
export function parseSettingName(p: Cursor): string {
  const parts = [parseUnrestrictedName(p)];
  while (isOp(p, '.')) {
    p.i++;
    parts.push(parseUnrestrictedName(p));
  }
  return parts.join('.');
}

/** A SET value: ON (the string 'on'), DEFAULT, or an expression. */
function parseSetValue(p: Cursor): Expr {
  if (acceptKw(p, 'on')) return { kind: 'str', value: 'on' };
  if (acceptKw(p, 'default')) return { kind: 'default' };
  return parseExpr(p);
}

function parseSetClusterSetting(p: Cursor): Statement {
  const name = parseSettingName(p);
  if (!acceptOp(p, '=')) expectKw(p, 'to');
  const value = parseSetValue(p);
  return { kind: 'setClusterSetting', name, value: value.kind === 'default' ? null : value };
}

export function parseReset(p: Cursor): Statement {
  expectKw(p, 'reset');
  if (acceptKws(p, 'cluster', 'setting')) return { kind: 'setClusterSetting', name: parseSettingName(p), value: null };
  if (acceptKw(p, 'all')) return { kind: 'resetVar', name: null };
  acceptKw(p, 'session');
  if (acceptKws(p, 'time', 'zone')) return { kind: 'resetVar', name: 'timezone' };
  return { kind: 'resetVar', name: parseSettingName(p) };
}

export function parseUse(p: Cursor): Statement {
  expectKw(p, 'use');
  const t = peek(p);
  const value: Expr = t.kind === 'string'
    ? (p.i++, { kind: 'str', value: t.text })
    : { kind: 'colRef', table: null, column: parseName(p) };
  return { kind: 'setVar', name: 'database', values: [value], local: false };
}
