// Owns the printing of transaction, session, SHOW, user/privilege, COPY,
// EXPLAIN / PREPARE / EXECUTE, and backup / restore / job statements.
// Invariants: canonical spellings (BEGIN TRANSACTION, SET x = v, SHOW
// INDEXES FROM, GRANT ... ON TABLE ...); backup options print in written
// order with CockroachDB's spelling (`execution locality`, `skip size`).

import type {
  BackupOption, BackupTargets, CopyOption, Expr, GrantTargets, RoleOption, Statement, TransactionModes,
} from './ast.js';
import { optionSpelling } from './parse-backup.js';
import { formatExpr, formatExprList } from './print-expr.js';
import {
  formatIndexRef, formatName, formatNameList, formatObjectName, formatSchemaName, formatString, formatTablePattern,
  formatType, formatUnrestrictedName,
} from './print-names.js';
import { formatSelect } from './print-select.js';
import { formatZoneTarget } from './print-ddl.js';
import { formatStatement } from './printer.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

// ---------------------------------------------------------------- transactions and session

export function formatModes(m: TransactionModes): string {
  const parts: string[] = [];
  if (m.isolation !== null) parts.push(`ISOLATION LEVEL ${m.isolation}`);
  if (m.priority !== null) parts.push(`PRIORITY ${m.priority}`);
  if (m.readOnly !== null) parts.push(m.readOnly ? 'READ ONLY' : 'READ WRITE');
  if (m.asOf !== null) parts.push(`AS OF SYSTEM TIME ${formatExpr(m.asOf)}`);
  if (m.deferrable !== null) parts.push(m.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  return parts.join(', ');
}

export function formatSessionStatement(s: Statement): string | null {
  switch (s.kind) {
    case 'begin': { const m = formatModes(s.modes); return m === '' ? 'BEGIN TRANSACTION' : `BEGIN TRANSACTION ${m}`; }
    case 'commit': return 'COMMIT TRANSACTION';
    case 'rollback': return s.savepoint === null ? 'ROLLBACK TRANSACTION' : `ROLLBACK TRANSACTION TO SAVEPOINT ${formatName(s.savepoint)}`;
    case 'savepoint': return `SAVEPOINT ${formatName(s.name)}`;
    case 'releaseSavepoint': return `RELEASE SAVEPOINT ${formatName(s.name)}`;
    case 'setTransaction': return `SET TRANSACTION ${formatModes(s.modes)}`;
    case 'setVar': return `SET ${s.local ? 'LOCAL ' : ''}${formatSettingName(s.name)} = ${formatExprList(s.values)}`;
    case 'resetVar': return s.name === null ? 'RESET ALL' : `RESET ${formatSettingName(s.name)}`;
    case 'showVar': return `SHOW ${s.name === 'all' ? 'ALL' : formatSettingName(s.name)}`;
    case 'setClusterSetting':
      return `SET CLUSTER SETTING ${formatSettingName(s.name)} = ${s.value === null ? 'DEFAULT' : formatExpr(s.value)}`;
    case 'showClusterSetting': return `SHOW CLUSTER SETTING ${formatSettingName(s.name)}`;
    case 'showClusterSettings': return s.all ? 'SHOW ALL CLUSTER SETTINGS' : 'SHOW CLUSTER SETTINGS';
    case 'prepare': {
      const types = s.types.length > 0 ? ` (${s.types.map(formatType).join(', ')})` : '';
      return `PREPARE ${formatName(s.name)}${types} AS ${formatStatement(s.statement)}`;
    }
    case 'execute': return `EXECUTE ${formatName(s.name)}${s.args.length > 0 ? ` (${formatExprList(s.args)})` : ''}`;
    case 'deallocate': return s.name === null ? 'DEALLOCATE ALL' : `DEALLOCATE ${formatName(s.name)}`;
    case 'discard': return 'DISCARD ALL';
    case 'explain': return formatExplain(s);
    default: return null;
  }
}

/** Dotted setting names; each part bare when it lexes as a plain word. */
function formatSettingName(name: string): string {
  return name.split('.').map(formatSettingPart).join('.');
}

function formatSettingPart(part: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(part) ? part : formatUnrestrictedName(part);
}

function formatExplain(s: Of<'explain'>): string {
  let out = 'EXPLAIN';
  if (s.analyze) out += ' ANALYZE';
  if (s.options.length > 0) out += ` (${s.options.join(', ')})`;
  return `${out} ${formatStatement(s.statement)}`;
}

// ---------------------------------------------------------------- SHOW

const withComment = (b: boolean): string => (b ? ' WITH COMMENT' : '');

export function formatShowStatement(s: Statement): string | null {
  switch (s.kind) {
    case 'showDatabases': return `SHOW DATABASES${withComment(s.withComment)}`;
    case 'showSchemas': return s.database === null ? 'SHOW SCHEMAS' : `SHOW SCHEMAS FROM ${formatName(s.database)}`;
    case 'showTables': return `SHOW TABLES${s.from === null ? '' : ` FROM ${formatSchemaName(s.from)}`}${withComment(s.withComment)}`;
    case 'showColumns': return `SHOW COLUMNS FROM ${formatObjectName(s.table)}${withComment(s.withComment)}`;
    case 'showIndexes': {
      const from = s.table !== null ? formatObjectName(s.table) : `DATABASE ${formatName(s.database!)}`;
      return `SHOW INDEXES FROM ${from}${withComment(s.withComment)}`;
    }
    case 'showConstraints': return `SHOW CONSTRAINTS FROM ${formatObjectName(s.table)}`;
    case 'showCreate': return `SHOW CREATE ${s.objectType === null ? '' : `${s.objectType} `}${formatObjectName(s.name)}`;
    case 'showCreateAllTables': return 'SHOW CREATE ALL TABLES';
    case 'showUsers': return 'SHOW USERS';
    case 'showRoles': return 'SHOW ROLES';
    case 'showGrants': {
      const on = s.targets === null ? '' : ` ON ${formatGrantTargets(s.targets)}`;
      return `SHOW GRANTS${on}${s.grantees.length > 0 ? ` FOR ${formatNameList(s.grantees)}` : ''}`;
    }
    case 'showRanges': return `SHOW RANGES${formatRangesFrom(s.from)}`;
    case 'showSessions': return `SHOW ${s.all ? 'ALL ' : ''}${s.cluster ? 'CLUSTER' : 'LOCAL'} SESSIONS`;
    case 'showQueries': return `SHOW ${s.all ? 'ALL ' : ''}${s.cluster ? 'CLUSTER' : 'LOCAL'} STATEMENTS`;
    case 'showTransactions': return `SHOW ${s.all ? 'ALL ' : ''}${s.cluster ? 'CLUSTER' : 'LOCAL'} TRANSACTIONS`;
    case 'showSequences': return s.database === null ? 'SHOW SEQUENCES' : `SHOW SEQUENCES FROM ${formatName(s.database)}`;
    case 'showZoneConfig':
      return s.target === null ? 'SHOW ZONE CONFIGURATIONS' : `SHOW ZONE CONFIGURATION FOR ${formatZoneTarget(s.target)}`;
    case 'showSavepointStatus': return 'SHOW SAVEPOINT STATUS';
    case 'showSyntax': return `SHOW SYNTAX ${formatString(s.sql)}`;
    default: return null;
  }
}

function formatRangesFrom(f: Of<'showRanges'>['from']): string {
  if (f === null) return '';
  if (f.kind === 'table') return ` FROM TABLE ${formatObjectName(f.table)}`;
  if (f.kind === 'index') return ` FROM INDEX ${formatIndexRef(f.index)}`;
  return ` FROM DATABASE ${formatName(f.name)}`;
}

// ---------------------------------------------------------------- users and privileges

function formatRoleOptions(opts: RoleOption[]): string {
  if (opts.length === 0) return '';
  return ` WITH ${opts.map((o) => (o.value === null ? o.name : `${o.name} ${formatExpr(o.value)}`)).join(' ')}`;
}

export function formatGrantTargets(t: GrantTargets): string {
  switch (t.kind) {
    case 'tables': return `TABLE ${t.tables.map(formatTablePattern).join(', ')}`;
    case 'databases': return `DATABASE ${formatNameList(t.names)}`;
    case 'schemas': return `SCHEMA ${t.names.map(formatSchemaName).join(', ')}`;
    case 'allTablesInSchema': return `ALL TABLES IN SCHEMA ${t.schemas.map(formatSchemaName).join(', ')}`;
    case 'allSequencesInSchema': return `ALL SEQUENCES IN SCHEMA ${t.schemas.map(formatSchemaName).join(', ')}`;
    case 'sequences': return `SEQUENCE ${t.names.map(formatObjectName).join(', ')}`;
    case 'types': return `TYPE ${t.names.map(formatObjectName).join(', ')}`;
  }
}

export function formatUserStatement(s: Statement): string | null {
  switch (s.kind) {
    case 'createRole': {
      const ine = s.ifNotExists ? 'IF NOT EXISTS ' : '';
      return `CREATE ${s.isRole ? 'ROLE' : 'USER'} ${ine}${formatName(s.name)}${formatRoleOptions(s.options)}`;
    }
    case 'alterRole': {
      const ie = s.ifExists ? 'IF EXISTS ' : '';
      return `ALTER ${s.isRole ? 'ROLE' : 'USER'} ${ie}${formatName(s.name)}${formatRoleOptions(s.options)}`;
    }
    case 'dropRole': return `DROP ${s.isRole ? 'ROLE' : 'USER'} ${s.ifExists ? 'IF EXISTS ' : ''}${formatNameList(s.names)}`;
    case 'grant': {
      const opt = s.withGrantOption ? ' WITH GRANT OPTION' : '';
      return `GRANT ${s.privileges.join(', ')} ON ${formatGrantTargets(s.targets)} TO ${formatNameList(s.grantees)}${opt}`;
    }
    case 'revoke': {
      const gof = s.grantOptionFor ? 'GRANT OPTION FOR ' : '';
      const beh = s.behavior === null ? '' : ` ${s.behavior}`;
      return `REVOKE ${gof}${s.privileges.join(', ')} ON ${formatGrantTargets(s.targets)} FROM ${formatNameList(s.grantees)}${beh}`;
    }
    case 'grantRole':
      return `GRANT ${formatNameList(s.roles)} TO ${formatNameList(s.members)}${s.withAdminOption ? ' WITH ADMIN OPTION' : ''}`;
    case 'revokeRole':
      return `REVOKE ${s.adminOptionFor ? 'ADMIN OPTION FOR ' : ''}${formatNameList(s.roles)} FROM ${formatNameList(s.members)}`;
    default: return null;
  }
}

// ---------------------------------------------------------------- COPY

function formatCopyOptions(opts: CopyOption[]): string {
  if (opts.length === 0) return '';
  return ` WITH (${opts.map(formatCopyOption).join(', ')})`;
}

function formatCopyOption(o: CopyOption): string {
  if (o.name === 'format') return `FORMAT ${String(o.value).toUpperCase()}`;
  if (o.name === 'header') return o.value === true ? 'HEADER' : 'HEADER false';
  if (o.name === 'destination') return `DESTINATION = ${formatString(String(o.value))}`;
  return `${o.name.toUpperCase()} ${formatString(String(o.value))}`;
}

export function formatCopy(s: Of<'copyFrom' | 'copyTo'>): string {
  const cols = s.columns.length > 0 ? ` (${formatNameList(s.columns)})` : '';
  if (s.kind === 'copyFrom') return `COPY ${formatObjectName(s.table)}${cols} FROM STDIN${formatCopyOptions(s.options)}`;
  const src = s.table !== null ? `${formatObjectName(s.table)}${cols}` : `(${formatStatement(s.query!)})`;
  return `COPY ${src} TO STDOUT${formatCopyOptions(s.options)}`;
}

// ---------------------------------------------------------------- backup, restore, jobs

function formatUris(uris: Expr[]): string {
  return uris.length === 1 ? formatExpr(uris[0]!) : `(${formatExprList(uris)})`;
}

function formatBackupTargets(t: BackupTargets): string {
  if (t.kind === 'databases') return `DATABASE ${formatNameList(t.names)}`;
  return `TABLE ${t.tables.map(formatTablePattern).join(', ')}`;
}

function formatBackupOptions(opts: BackupOption[]): string {
  if (opts.length === 0) return '';
  const parts = opts.map((o) => (o.value === null ? optionSpelling(o.name) : `${optionSpelling(o.name)} = ${formatExpr(o.value)}`));
  return ` WITH ${parts.join(', ')}`;
}

const asOf = (e: Expr | null): string => (e === null ? '' : ` AS OF SYSTEM TIME ${formatExpr(e)}`);

export function formatBackupStatement(s: Statement): string | null {
  switch (s.kind) {
    case 'backup': return formatBackup(s);
    case 'restore': return formatRestore(s);
    case 'showBackups': return `SHOW BACKUPS IN ${formatUris(s.collection)}`;
    case 'showBackup': return formatShowBackup(s);
    case 'showJobs': return formatShowJobs(s);
    case 'controlJobs': {
      const target = s.jobId !== null ? `JOB ${formatExpr(s.jobId)}` : `JOBS ${formatSelect(s.select!)}`;
      return `${s.command} ${target}${s.reason === null ? '' : ` WITH REASON = ${formatExpr(s.reason)}`}`;
    }
    case 'cancelQuery':
    case 'cancelSession':
      return `CANCEL ${s.kind === 'cancelQuery' ? 'QUERY' : 'SESSION'} ${s.ifExists ? 'IF EXISTS ' : ''}${formatExpr(s.id)}`;
    default: return null;
  }
}

function formatBackup(s: Of<'backup'>): string {
  let out = 'BACKUP ';
  if (s.targets !== null) out += `${formatBackupTargets(s.targets)} `;
  if (s.nested) {
    out += 'INTO ';
    if (s.latest) out += 'LATEST IN ';
    else if (s.subdir !== null) out += `${formatExpr(s.subdir)} IN `;
  } else {
    out += 'TO ';
  }
  out += formatUris(s.to) + asOf(s.asOf);
  if (s.incrementalFrom.length > 0) out += ` INCREMENTAL FROM ${formatExprList(s.incrementalFrom)}`;
  return out + formatBackupOptions(s.options);
}

function formatRestore(s: Of<'restore'>): string {
  let out = 'RESTORE ';
  if (s.targets !== null) out += `${formatBackupTargets(s.targets)} `;
  out += 'FROM ';
  if (s.latest) out += 'LATEST IN ';
  else if (s.subdir !== null) out += `${formatExpr(s.subdir)} IN `;
  out += s.from.map(formatUris).join(', ');
  return out + asOf(s.asOf) + formatBackupOptions(s.options);
}

function formatShowBackup(s: Of<'showBackup'>): string {
  let out = 'SHOW BACKUP ';
  if (s.details !== null) out += `${s.details} `;
  if (s.from) out += 'FROM ';
  if (s.latest) out += 'LATEST';
  else out += formatExpr(s.path!);
  if (s.inCollection.length > 0) out += ` IN ${formatUris(s.inCollection)}`;
  return out + formatBackupOptions(s.options);
}

function formatShowJobs(s: Of<'showJobs'>): string {
  const when = s.whenComplete ? ' WHEN COMPLETE' : '';
  if (s.jobId !== null) return `SHOW JOB${when} ${formatExpr(s.jobId)}`;
  const sel = s.select === null ? '' : ` ${formatSelect(s.select)}`;
  return `SHOW ${s.automatic ? 'AUTOMATIC ' : ''}JOBS${when}${sel}`;
}
