// Owns parsing of bulk-operation and job statements: BACKUP (INTO
// collections and the old TO form), RESTORE, SHOW BACKUPS IN, SHOW BACKUP,
// SHOW [AUTOMATIC] JOBS / SHOW JOB, PAUSE / RESUME / CANCEL JOB(S), and
// CANCEL QUERY / SESSION.
// Invariants: option names follow CockroachDB's grammar (sql.y) and docs,
// normalized to lower_snake_case (`execution locality` → execution_locality,
// `skip size` → skip_size, `include_all_secondary_tenants` →
// include_all_virtual_clusters); an unknown option, a value where none is
// allowed, a missing required value or a repeated option is a 42601 error.

import type {
  BackupOption, BackupStatement, BackupTargets, Expr, RestoreStatement, ShowBackupStatement, Statement,
} from './ast.js';
import {
  acceptIfExists, acceptKw, acceptKws, acceptOp, advance, errorAt, expectKw, expectOp, fail, isKw, isOp,
  parseCommaList, parseName, peek, type Cursor,
} from './cursor.js';
import type { Token } from './lexer.js';
import { parseExpr, selectAhead } from './parse-expr.js';
import { parseOptAsOf, parseSelectStatement } from './parse-select.js';
import { parseStringOrPlaceholder, parseTablePattern } from './parse-users.js';

/** How an option takes a value. 'uris' values are a string/placeholder or a parenthesized list of them. */
type ValueRule = 'none' | 'optional' | 'required' | 'uris';

interface OptionSpec { rule: ValueRule; words: string[] }

/** Builds a spec table; keys are the normalized names. */
function specs(entries: [string, ValueRule, string?][]): Map<string, OptionSpec> {
  const m = new Map<string, OptionSpec>();
  for (const [name, rule, spelled] of entries) m.set(name, { rule, words: (spelled ?? name).split(' ') });
  return m;
}

const BACKUP_OPTIONS = specs([
  ['revision_history', 'optional'],
  ['encryption_passphrase', 'required'],
  ['detached', 'optional'],
  ['kms', 'uris'],
  ['incremental_location', 'uris'],
  ['execution_locality', 'required', 'execution locality'],
  ['include_all_virtual_clusters', 'optional'],
  ['updates_cluster_monitoring_metrics', 'optional'],
]);

const RESTORE_OPTIONS = specs([
  ['encryption_passphrase', 'required'],
  ['kms', 'uris'],
  ['into_db', 'required'],
  ['skip_missing_foreign_keys', 'none'],
  ['skip_missing_sequences', 'none'],
  ['skip_missing_sequence_owners', 'none'],
  ['skip_missing_views', 'none'],
  ['skip_missing_udfs', 'none'],
  ['detached', 'optional'],
  ['skip_localities_check', 'none'],
  ['debug_pause_on', 'required'],
  ['new_db_name', 'required'],
  ['incremental_location', 'uris'],
  ['virtual_cluster_name', 'required'],
  ['virtual_cluster', 'required'],
  ['schema_only', 'none'],
  ['verify_backup_table_data', 'none'],
  ['unsafe_restore_incompatible_version', 'none'],
  ['execution_locality', 'required', 'execution locality'],
  ['experimental_deferred_copy', 'none', 'experimental deferred copy'],
  ['remove_regions', 'none'],
]);

const SHOW_BACKUP_OPTIONS = specs([
  ['as_json', 'none'],
  ['check_files', 'none'],
  ['debug_ids', 'none'],
  ['incremental_location', 'uris'],
  ['kms', 'uris'],
  ['encryption_passphrase', 'required'],
  ['privileges', 'none'],
  ['skip_size', 'none', 'skip size'],
  ['encryption_info_dir', 'required'],
  ['debug_dump_metadata_sst', 'none'],
]);

/** Older spellings CockroachDB still accepts, mapped to the current name. */
const OPTION_ALIASES: Record<string, string> = {
  include_all_secondary_tenants: 'include_all_virtual_clusters',
  tenant_name: 'virtual_cluster_name',
  tenant: 'virtual_cluster',
};

/** How the printer spells each normalized option name. */
export function optionSpelling(name: string): string {
  for (const table of [BACKUP_OPTIONS, RESTORE_OPTIONS, SHOW_BACKUP_OPTIONS]) {
    const spec = table.get(name);
    if (spec !== undefined) return spec.words.join(' ');
  }
  return name;
}

// ---------------------------------------------------------------- shared pieces

/** `'uri'`, `$1`, `('a', 'b')` or, leniently, `'a', 'b'`. */
function parseUriList(p: Cursor): Expr[] {
  if (acceptOp(p, '(')) {
    const list = parseCommaList(p, parseStringOrPlaceholder);
    expectOp(p, ')');
    return list;
  }
  return parseCommaList(p, parseStringOrPlaceholder);
}

/** One parenthesized-or-single URI list (no bare commas): a value of kms etc. */
function parseUriValue(p: Cursor): Expr {
  if (!acceptOp(p, '(')) return parseStringOrPlaceholder(p);
  const elems = parseCommaList(p, parseStringOrPlaceholder);
  expectOp(p, ')');
  return elems.length === 1 ? elems[0]! : { kind: 'tuple', elems, row: false };
}

/** `WITH opt [= v], ...` or `WITH OPTIONS (opt [= v], ...)`; empty when absent. */
function parseOptions(p: Cursor, table: Map<string, OptionSpec>): BackupOption[] {
  if (!acceptKw(p, 'with')) return [];
  const parenthesized = acceptKw(p, 'options');
  if (parenthesized) expectOp(p, '(');
  const out: BackupOption[] = [];
  do {
    const start = peek(p);
    const opt = parseOption(p, table);
    if (out.some((o) => o.name === opt.name)) {
      throw errorAt(p, start, `${opt.name} option specified multiple times`);
    }
    out.push(opt);
  } while (acceptOp(p, ','));
  if (parenthesized) expectOp(p, ')');
  return out;
}

function parseOption(p: Cursor, table: Map<string, OptionSpec>): BackupOption {
  const name = matchOptionName(p, table);
  if (name === null) fail(p);
  const spec = table.get(name)!;
  if (!isOp(p, '=')) {
    if (spec.rule === 'required' || spec.rule === 'uris') fail(p);
    return { name, value: null };
  }
  if (spec.rule === 'none') fail(p);
  p.i++;
  if (spec.rule === 'uris') return { name, value: parseUriValue(p) };
  return { name, value: parseExpr(p) };
}

/** Matches the option's (possibly multi-word) spelling at the cursor; consumes it. */
function matchOptionName(p: Cursor, table: Map<string, OptionSpec>): string | null {
  const first = peek(p);
  if (first.kind !== 'word') return null;
  for (const [name, spec] of table) {
    if (spec.words.length > 1 && spec.words.every((w, k) => isKw(p, w, k))) {
      p.i += spec.words.length;
      return name;
    }
  }
  const name = OPTION_ALIASES[first.text] ?? first.text;
  if (!table.has(name)) return null;
  p.i++;
  return name;
}

/** `DATABASE a, b` | `[TABLE] t, d.*, ...`; null when the next word is INTO/TO/FROM. */
function parseBackupTargets(p: Cursor, terminator: string): BackupTargets | null {
  if (isKw(p, terminator)) return null;
  if (acceptKw(p, 'database')) return { kind: 'databases', names: parseCommaList(p, parseName) };
  acceptKw(p, 'table');
  return { kind: 'tables', tables: parseCommaList(p, parseTablePattern) };
}

// ---------------------------------------------------------------- BACKUP and RESTORE

export function parseBackup(p: Cursor): BackupStatement {
  expectKw(p, 'backup');
  const targets = isKw(p, 'into') ? null : parseBackupTargets(p, 'to');
  const stmt: BackupStatement = {
    kind: 'backup', targets, nested: false, latest: false, subdir: null, to: [], asOf: null,
    incrementalFrom: [], options: [],
  };
  if (acceptKw(p, 'into')) {
    stmt.nested = true;
    parseBackupInto(p, stmt);
  } else {
    expectKw(p, 'to');
    stmt.to = parseUriList(p);
  }
  stmt.asOf = parseOptAsOf(p);
  if (!stmt.nested && acceptKws(p, 'incremental', 'from')) stmt.incrementalFrom = parseCommaList(p, parseStringOrPlaceholder);
  stmt.options = parseOptions(p, BACKUP_OPTIONS);
  return stmt;
}

/** After INTO: `[LATEST IN | 'subdir' IN] uris`. */
function parseBackupInto(p: Cursor, stmt: BackupStatement): void {
  if (isKw(p, 'latest') && isKw(p, 'in', 1)) {
    p.i += 2;
    stmt.latest = true;
    stmt.to = parseUriList(p);
    return;
  }
  if (acceptOp(p, '(')) {
    stmt.to = parseCommaList(p, parseStringOrPlaceholder);
    expectOp(p, ')');
    return;
  }
  const first = parseStringOrPlaceholder(p);
  if (acceptKw(p, 'in')) {
    stmt.subdir = first;
    stmt.to = parseUriList(p);
    return;
  }
  stmt.to = [first, ...(acceptOp(p, ',') ? parseCommaList(p, parseStringOrPlaceholder) : [])];
}

export function parseRestore(p: Cursor): RestoreStatement {
  expectKw(p, 'restore');
  const targets = parseBackupTargets(p, 'from');
  expectKw(p, 'from');
  const stmt: RestoreStatement = {
    kind: 'restore', targets, latest: false, subdir: null, from: [], asOf: null, options: [],
  };
  parseRestoreFrom(p, stmt);
  stmt.asOf = parseOptAsOf(p);
  stmt.options = parseOptions(p, RESTORE_OPTIONS);
  return stmt;
}

/** `LATEST IN uris` | `'subdir' IN uris` | old form: `uris, uris, ...` (one list per layer). */
function parseRestoreFrom(p: Cursor, stmt: RestoreStatement): void {
  if (isKw(p, 'latest') && isKw(p, 'in', 1)) {
    p.i += 2;
    stmt.latest = true;
    stmt.from = [parseUriList(p)];
    return;
  }
  if (!isOp(p, '(')) {
    const first = parseStringOrPlaceholder(p);
    if (acceptKw(p, 'in')) {
      stmt.subdir = first;
      stmt.from = [parseUriList(p)];
      return;
    }
    stmt.from = [[first]];
    if (!acceptOp(p, ',')) return;
  }
  stmt.from.push(...parseCommaList(p, parseLayer));
}

function parseLayer(p: Cursor): Expr[] {
  if (!acceptOp(p, '(')) return [parseStringOrPlaceholder(p)];
  const list = parseCommaList(p, parseStringOrPlaceholder);
  expectOp(p, ')');
  return list;
}

// ---------------------------------------------------------------- SHOW BACKUP(S)

/** At BACKUP or BACKUPS (after SHOW). */
export function parseShowBackup(p: Cursor): Statement {
  if (acceptKw(p, 'backups')) {
    expectKw(p, 'in');
    return { kind: 'showBackups', collection: parseUriList(p) };
  }
  expectKw(p, 'backup');
  const stmt: ShowBackupStatement = {
    kind: 'showBackup', details: parseShowBackupDetails(p), from: false, latest: false, path: null,
    inCollection: [], options: [],
  };
  stmt.from = acceptKw(p, 'from');
  if (isKw(p, 'latest') && isKw(p, 'in', 1)) {
    p.i += 2;
    stmt.latest = true;
    stmt.inCollection = parseUriList(p);
  } else {
    stmt.path = parseStringOrPlaceholder(p);
    if (acceptKw(p, 'in')) stmt.inCollection = parseUriList(p);
    else if (stmt.from) fail(p);
  }
  stmt.options = parseOptions(p, SHOW_BACKUP_OPTIONS);
  return stmt;
}

function parseShowBackupDetails(p: Cursor): ShowBackupStatement['details'] {
  for (const w of ['schemas', 'files', 'ranges'] as const) {
    if (acceptKw(p, w)) return w.toUpperCase() as 'SCHEMAS';
  }
  return null;
}

// ---------------------------------------------------------------- jobs

/** At JOBS, JOB or AUTOMATIC (after SHOW). */
export function parseShowJobs(p: Cursor): Statement {
  const automatic = acceptKw(p, 'automatic');
  if (!automatic && acceptKw(p, 'job')) {
    const whenComplete = acceptKws(p, 'when', 'complete');
    return { kind: 'showJobs', automatic: false, whenComplete, select: null, jobId: parseExpr(p) };
  }
  expectKw(p, 'jobs');
  const whenComplete = !automatic && acceptKws(p, 'when', 'complete');
  const select = selectAhead(p, 0) ? parseSelectStatement(p) : null;
  if (whenComplete && select === null) fail(p);
  return { kind: 'showJobs', automatic, whenComplete, select, jobId: null };
}

/** PAUSE|RESUME|CANCEL JOB expr | JOBS select; CANCEL QUERY|SESSION [IF EXISTS] expr. */
export function parseControlJobs(p: Cursor): Statement {
  const verb: Token = advance(p);
  const command = verb.text.toUpperCase() as 'PAUSE' | 'RESUME' | 'CANCEL';
  if (command === 'CANCEL' && (isKw(p, 'query') || isKw(p, 'session'))) {
    const kind = advance(p).text === 'query' ? 'cancelQuery' : 'cancelSession';
    const ifExists = acceptIfExists(p);
    return { kind, ifExists, id: parseExpr(p) };
  }
  if (acceptKw(p, 'job')) {
    const jobId = parseExpr(p);
    return { kind: 'controlJobs', command, jobId, select: null, reason: parseReason(p, command) };
  }
  expectKw(p, 'jobs');
  const select = parseSelectStatement(p);
  return { kind: 'controlJobs', command, jobId: null, select, reason: parseReason(p, command) };
}

/** `WITH REASON = expr`, PAUSE only. */
function parseReason(p: Cursor, command: string): Expr | null {
  if (command !== 'PAUSE' || !acceptKw(p, 'with')) return null;
  expectKw(p, 'reason');
  expectOp(p, '=');
  return parseExpr(p);
}
