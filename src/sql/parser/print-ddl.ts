// Owns the printing of DML and DDL statements: INSERT/UPSERT, UPDATE,
// DELETE, TRUNCATE, CREATE/DROP/ALTER of databases, schemas, tables,
// indexes, views and sequences, CONFIGURE ZONE and COMMENT ON.
// Invariants: canonical spelling (ADD COLUMN, SET DEFAULT, INT8, ...);
// optional flags print only when set; output re-parses to the same AST.

import type {
  AlterColumnCmd, AlterTableCmd, ColumnConstraint, ColumnDef, CommentTarget, DropBehavior, ForeignKeyRef, IndexElem,
  OnConflict, Returning, SequenceOption, Statement, TableConstraint, TableDef, UpdateSet, ZoneTarget,
} from './ast.js';
import { formatExpr } from './print-expr.js';
import {
  formatIndexRef, formatName, formatNameList, formatObjectName, formatSchemaName, formatString, formatType,
  formatUnrestrictedName,
} from './print-names.js';
import { formatAlias, formatFrom, formatIndexHint, formatSelect, formatTargets, formatWith } from './print-select.js';
import { formatOrderBy } from './print-expr.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

const ifExists = (b: boolean): string => (b ? 'IF EXISTS ' : '');
const ifNotExists = (b: boolean): string => (b ? 'IF NOT EXISTS ' : '');
const behavior = (b: DropBehavior): string => (b === null ? '' : ` ${b}`);

// ---------------------------------------------------------------- DML

export function formatInsert(s: Of<'insert'>): string {
  let out = `${formatWith(s.with)}${s.upsert ? 'UPSERT' : 'INSERT'} INTO ${formatObjectName(s.table)}`;
  if (s.alias !== null) out += ` AS ${formatName(s.alias)}`;
  if (s.columns.length > 0) out += ` (${formatNameList(s.columns)})`;
  out += s.source === null ? ' DEFAULT VALUES' : ` ${formatSelect(s.source)}`;
  if (s.onConflict !== null) out += formatOnConflict(s.onConflict);
  return out + formatReturning(s.returning);
}

function formatOnConflict(oc: OnConflict): string {
  let out = ' ON CONFLICT';
  if (oc.columns.length > 0) out += ` (${formatNameList(oc.columns)})`;
  if (oc.arbiterWhere !== null) out += ` WHERE ${formatExpr(oc.arbiterWhere)}`;
  if (oc.constraint !== null) out += ` ON CONSTRAINT ${formatName(oc.constraint)}`;
  if (oc.action.kind === 'doNothing') return `${out} DO NOTHING`;
  out += ` DO UPDATE SET ${formatSets(oc.action.sets)}`;
  if (oc.action.where !== null) out += ` WHERE ${formatExpr(oc.action.where)}`;
  return out;
}

function formatSets(sets: UpdateSet[]): string {
  return sets
    .map((s) => (s.tuple ? `(${formatNameList(s.columns)}) = ${formatExpr(s.value)}` : `${formatName(s.columns[0]!)} = ${formatExpr(s.value)}`))
    .join(', ');
}

function formatReturning(r: Returning): string {
  if (r === null) return '';
  if (r === 'nothing') return ' RETURNING NOTHING';
  return ` RETURNING ${formatTargets(r)}`;
}

function formatDmlTable(t: Of<'update'>['table']): string {
  const hint = t.indexHint === null ? '' : formatIndexHint(t.indexHint);
  return `${formatObjectName(t.name)}${hint}${formatAlias(t.alias)}`;
}

export function formatUpdate(s: Of<'update'>): string {
  let out = `${formatWith(s.with)}UPDATE ${formatDmlTable(s.table)} SET ${formatSets(s.sets)}`;
  if (s.from.length > 0) out += ` FROM ${formatFrom(s.from)}`;
  if (s.where !== null) out += ` WHERE ${formatExpr(s.where)}`;
  if (s.orderBy.length > 0) out += ` ORDER BY ${formatOrderBy(s.orderBy)}`;
  if (s.limit !== null) out += ` LIMIT ${formatExpr(s.limit)}`;
  return out + formatReturning(s.returning);
}

export function formatDelete(s: Of<'delete'>): string {
  let out = `${formatWith(s.with)}DELETE FROM ${formatDmlTable(s.table)}`;
  if (s.using.length > 0) out += ` USING ${formatFrom(s.using)}`;
  if (s.where !== null) out += ` WHERE ${formatExpr(s.where)}`;
  if (s.orderBy.length > 0) out += ` ORDER BY ${formatOrderBy(s.orderBy)}`;
  if (s.limit !== null) out += ` LIMIT ${formatExpr(s.limit)}`;
  return out + formatReturning(s.returning);
}

export function formatTruncate(s: Of<'truncate'>): string {
  return `TRUNCATE TABLE ${s.tables.map(formatObjectName).join(', ')}${behavior(s.behavior)}`;
}

// ---------------------------------------------------------------- databases, schemas

export function formatCreateDatabase(s: Of<'createDatabase'>): string {
  const opts = s.options.map((o) => ` ${o.name} = ${formatExpr(o.value!)}`).join('');
  return `CREATE DATABASE ${ifNotExists(s.ifNotExists)}${formatName(s.name)}${opts}`;
}

export function formatDropDatabase(s: Of<'dropDatabase'>): string {
  return `DROP DATABASE ${ifExists(s.ifExists)}${formatName(s.name)}${behavior(s.behavior)}`;
}

export function formatAlterDatabase(s: Of<'alterDatabase'>): string {
  const cmd = s.cmd.kind === 'renameTo' ? `RENAME TO ${formatName(s.cmd.newName)}` : `OWNER TO ${formatName(s.cmd.owner)}`;
  return `ALTER DATABASE ${formatName(s.name)} ${cmd}`;
}

export function formatCreateSchema(s: Of<'createSchema'>): string {
  if (s.authorization !== null && s.name.catalog === null && s.name.schema === s.authorization) {
    return `CREATE SCHEMA ${ifNotExists(s.ifNotExists)}AUTHORIZATION ${formatName(s.authorization)}`;
  }
  const auth = s.authorization === null ? '' : ` AUTHORIZATION ${formatName(s.authorization)}`;
  return `CREATE SCHEMA ${ifNotExists(s.ifNotExists)}${formatSchemaName(s.name)}${auth}`;
}

export function formatDropSchema(s: Of<'dropSchema'>): string {
  return `DROP SCHEMA ${ifExists(s.ifExists)}${s.names.map(formatSchemaName).join(', ')}${behavior(s.behavior)}`;
}

export function formatAlterSchema(s: Of<'alterSchema'>): string {
  const cmd = s.cmd.kind === 'renameTo' ? `RENAME TO ${formatName(s.cmd.newName)}` : `OWNER TO ${formatName(s.cmd.owner)}`;
  return `ALTER SCHEMA ${formatSchemaName(s.name)} ${cmd}`;
}

// ---------------------------------------------------------------- tables

export function formatCreateTable(s: Of<'createTable'>): string {
  const head = `CREATE ${s.temporary ? 'TEMPORARY ' : ''}TABLE ${ifNotExists(s.ifNotExists)}${formatObjectName(s.name)}`;
  if (s.asSelect !== null) {
    const cols = s.asColumns.length > 0 ? ` (${formatNameList(s.asColumns)})` : '';
    return `${head}${cols} AS ${formatSelect(s.asSelect)}`;
  }
  return `${head} (${s.defs.map(formatTableDef).join(', ')})`;
}

function formatTableDef(d: TableDef): string {
  switch (d.kind) {
    case 'columnDef': return formatColumnDef(d);
    case 'indexDef': {
      const kind = d.unique ? 'UNIQUE INDEX' : d.inverted ? 'INVERTED INDEX' : 'INDEX';
      const name = d.name === null ? '' : ` ${formatName(d.name)}`;
      return `${kind}${name} (${formatIndexElems(d.columns)})${formatStoring(d.storing)}${formatWhere(d.where)}`;
    }
    case 'familyDef': return `FAMILY${d.name === null ? '' : ` ${formatName(d.name)}`} (${formatNameList(d.columns)})`;
    default: return formatTableConstraint(d);
  }
}

function formatWhere(e: Parameters<typeof formatExpr>[0] | null): string {
  return e === null ? '' : ` WHERE ${formatExpr(e)}`;
}

function formatStoring(cols: string[]): string {
  return cols.length === 0 ? '' : ` STORING (${formatNameList(cols)})`;
}

export function formatColumnDef(c: ColumnDef): string {
  const constraints = c.constraints.map((k) => ` ${formatColumnConstraint(k)}`).join('');
  return `${formatName(c.name)} ${formatType(c.type)}${constraints}`;
}

function formatColumnConstraint(c: ColumnConstraint): string {
  const prefix = c.name === null ? '' : `CONSTRAINT ${formatName(c.name)} `;
  return prefix + formatColumnConstraintBody(c);
}

function formatColumnConstraintBody(c: ColumnConstraint): string {
  switch (c.kind) {
    case 'notNull': return 'NOT NULL';
    case 'null': return 'NULL';
    case 'primaryKey': return 'PRIMARY KEY';
    case 'unique': return 'UNIQUE';
    case 'notVisible': return 'NOT VISIBLE';
    case 'default': return `DEFAULT ${formatExpr(c.expr)}`;
    case 'onUpdate': return `ON UPDATE ${formatExpr(c.expr)}`;
    case 'check': return `CHECK (${formatExpr(c.expr)})`;
    case 'references': return `REFERENCES ${formatForeignKeyRef(c.ref)}`;
    case 'computed': return `AS (${formatExpr(c.expr)}) ${c.stored ? 'STORED' : 'VIRTUAL'}`;
    case 'collate': return `COLLATE ${formatName(c.collation)}`;
    case 'family': {
      if (!c.create) return `FAMILY ${formatName(c.family!)}`;
      return `CREATE ${ifNotExists(c.ifNotExists)}FAMILY${c.family === null ? '' : ` ${formatName(c.family)}`}`;
    }
  }
}

function formatForeignKeyRef(r: ForeignKeyRef): string {
  let out = formatObjectName(r.table);
  if (r.columns.length > 0) out += ` (${formatNameList(r.columns)})`;
  if (r.match !== null) out += ` MATCH ${r.match}`;
  if (r.onDelete !== null) out += ` ON DELETE ${r.onDelete}`;
  if (r.onUpdate !== null) out += ` ON UPDATE ${r.onUpdate}`;
  return out;
}

export function formatTableConstraint(c: TableConstraint): string {
  const prefix = c.name === null ? '' : `CONSTRAINT ${formatName(c.name)} `;
  switch (c.kind) {
    case 'primaryKeyConstraint': return `${prefix}PRIMARY KEY (${formatIndexElems(c.columns)})`;
    case 'uniqueConstraint':
      return `${prefix}UNIQUE (${formatIndexElems(c.columns)})${formatStoring(c.storing)}${formatWhere(c.where)}`;
    case 'checkConstraint': return `${prefix}CHECK (${formatExpr(c.expr)})`;
    case 'foreignKeyConstraint':
      return `${prefix}FOREIGN KEY (${formatNameList(c.columns)}) REFERENCES ${formatForeignKeyRef(c.ref)}`;
  }
}

export function formatIndexElems(elems: IndexElem[]): string {
  return elems
    .map((e) => {
      let out = e.column !== null ? formatName(e.column) : formatIndexExpr(e.expr!);
      if (e.direction !== null) out += ` ${e.direction}`;
      if (e.nulls !== null) out += ` NULLS ${e.nulls}`;
      return out;
    })
    .join(', ');
}

function formatIndexExpr(e: Parameters<typeof formatExpr>[0]): string {
  return e.kind === 'func' ? formatExpr(e) : `(${formatExpr(e)})`;
}

export function formatDropObjects(s: Of<'dropTable' | 'dropView' | 'dropSequence'>): string {
  const what = s.kind === 'dropTable' ? 'TABLE' : s.kind === 'dropSequence' ? 'SEQUENCE' : s.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  return `DROP ${what} ${ifExists(s.ifExists)}${s.names.map(formatObjectName).join(', ')}${behavior(s.behavior)}`;
}

export function formatAlterTable(s: Of<'alterTable'>): string {
  return `ALTER TABLE ${ifExists(s.ifExists)}${formatObjectName(s.name)} ${s.cmds.map(formatAlterTableCmd).join(', ')}`;
}

function formatAlterTableCmd(c: AlterTableCmd): string {
  switch (c.kind) {
    case 'renameTable': return `RENAME TO ${formatObjectName(c.newName)}`;
    case 'renameColumn': return `RENAME COLUMN ${formatName(c.column)} TO ${formatName(c.newName)}`;
    case 'renameConstraint': return `RENAME CONSTRAINT ${formatName(c.constraint)} TO ${formatName(c.newName)}`;
    case 'addColumn': return `ADD COLUMN ${ifNotExists(c.ifNotExists)}${formatColumnDef(c.def)}`;
    case 'dropColumn': return `DROP COLUMN ${ifExists(c.ifExists)}${formatName(c.column)}${behavior(c.behavior)}`;
    case 'alterColumn': return `ALTER COLUMN ${formatName(c.column)} ${formatAlterColumnCmd(c.cmd)}`;
    case 'addConstraint': return formatAddConstraint(c);
    case 'dropConstraint': return `DROP CONSTRAINT ${ifExists(c.ifExists)}${formatName(c.constraint)}${behavior(c.behavior)}`;
    case 'validateConstraint': return `VALIDATE CONSTRAINT ${formatName(c.constraint)}`;
    case 'alterPrimaryKey': return `ALTER PRIMARY KEY USING COLUMNS (${formatIndexElems(c.columns)})`;
    case 'ownerTo': return `OWNER TO ${formatName(c.owner)}`;
    case 'setSchema': return `SET SCHEMA ${formatName(c.schema)}`;
  }
}

function formatAddConstraint(c: AlterTableCmd & { kind: 'addConstraint' }): string {
  let body = formatTableConstraint(c.constraint);
  if (c.ifNotExists) body = body.replace(/^CONSTRAINT /, 'CONSTRAINT IF NOT EXISTS ');
  return `ADD ${body}${c.notValid ? ' NOT VALID' : ''}`;
}

function formatAlterColumnCmd(c: AlterColumnCmd): string {
  switch (c.kind) {
    case 'setDefault': return c.expr === null ? 'DROP DEFAULT' : `SET DEFAULT ${formatExpr(c.expr)}`;
    case 'dropDefault': return 'DROP DEFAULT';
    case 'setNotNull': return 'SET NOT NULL';
    case 'dropNotNull': return 'DROP NOT NULL';
    case 'dropStored': return 'DROP STORED';
    case 'setType': {
      let out = `${c.setData ? 'SET DATA ' : ''}TYPE ${formatType(c.type)}`;
      if (c.collation !== null) out += ` COLLATE ${formatName(c.collation)}`;
      if (c.using !== null) out += ` USING ${formatExpr(c.using)}`;
      return out;
    }
  }
}

// ---------------------------------------------------------------- indexes, views, sequences

export function formatCreateIndex(s: Of<'createIndex'>): string {
  const kind = s.unique ? 'UNIQUE INDEX' : s.inverted ? 'INVERTED INDEX' : 'INDEX';
  const conc = s.concurrently ? 'CONCURRENTLY ' : '';
  const name = s.name === null ? '' : `${formatName(s.name)} `;
  return `CREATE ${kind} ${conc}${ifNotExists(s.ifNotExists)}${name}ON ${formatObjectName(s.table)} (${formatIndexElems(s.columns)})${formatStoring(s.storing)}${formatWhere(s.where)}`;
}

export function formatDropIndex(s: Of<'dropIndex'>): string {
  const conc = s.concurrently ? 'CONCURRENTLY ' : '';
  return `DROP INDEX ${conc}${ifExists(s.ifExists)}${s.indexes.map(formatIndexRef).join(', ')}${behavior(s.behavior)}`;
}

export function formatAlterIndex(s: Of<'alterIndex'>): string {
  return `ALTER INDEX ${ifExists(s.ifExists)}${formatIndexRef(s.index)} RENAME TO ${formatName(s.cmd.newName)}`;
}

export function formatCreateView(s: Of<'createView'>): string {
  const orReplace = s.orReplace ? 'OR REPLACE ' : '';
  const temp = s.temporary ? 'TEMPORARY ' : '';
  const mat = s.materialized ? 'MATERIALIZED ' : '';
  const cols = s.columns.length > 0 ? ` (${formatNameList(s.columns)})` : '';
  return `CREATE ${orReplace}${temp}${mat}VIEW ${ifNotExists(s.ifNotExists)}${formatObjectName(s.name)}${cols} AS ${formatSelect(s.select)}`;
}

export function formatCreateSequence(s: Of<'createSequence'>): string {
  const temp = s.temporary ? 'TEMPORARY ' : '';
  return `CREATE ${temp}SEQUENCE ${ifNotExists(s.ifNotExists)}${formatObjectName(s.name)}${formatSequenceOptions(s.options)}`;
}

export function formatAlterSequence(s: Of<'alterSequence'>): string {
  const head = `ALTER SEQUENCE ${ifExists(s.ifExists)}${formatObjectName(s.name)}`;
  switch (s.cmd.kind) {
    case 'options': return head + formatSequenceOptions(s.cmd.options);
    case 'renameTo': return `${head} RENAME TO ${formatObjectName(s.cmd.newName)}`;
    case 'ownerTo': return `${head} OWNER TO ${formatName(s.cmd.owner)}`;
  }
}

function formatSequenceOptions(opts: SequenceOption[]): string {
  return opts.map((o) => ` ${formatSequenceOption(o)}`).join('');
}

function formatSequenceOption(o: SequenceOption): string {
  switch (o.kind) {
    case 'increment': return `INCREMENT BY ${o.by}`;
    case 'minValue': return o.value === null ? 'NO MINVALUE' : `MINVALUE ${o.value}`;
    case 'maxValue': return o.value === null ? 'NO MAXVALUE' : `MAXVALUE ${o.value}`;
    case 'start': return `START WITH ${o.value}`;
    case 'restart': return o.value === null ? 'RESTART' : `RESTART WITH ${o.value}`;
    case 'cache': return `CACHE ${o.value}`;
    case 'cycle': return o.cycle ? 'CYCLE' : 'NO CYCLE';
    case 'ownedBy': return o.column === null ? 'OWNED BY NONE' : `OWNED BY ${formatObjectName(o.column)}`;
    case 'as': return `AS ${formatType(o.type)}`;
    case 'virtual': return 'VIRTUAL';
  }
}

// ---------------------------------------------------------------- zones and comments

export function formatZoneTarget(t: ZoneTarget): string {
  switch (t.kind) {
    case 'database': return `DATABASE ${formatName(t.name)}`;
    case 'table': return `TABLE ${formatObjectName(t.name)}`;
    case 'index': return `INDEX ${formatIndexRef(t.index)}`;
    case 'range': return `RANGE ${formatUnrestrictedName(t.name)}`;
  }
}

export function formatConfigureZone(s: Of<'configureZone'>): string {
  const head = `ALTER ${formatZoneTarget(s.target)} CONFIGURE ZONE`;
  if (s.settings === 'discard') return `${head} DISCARD`;
  const settings = s.settings.map((z) => {
    const name = z.name.split('.').map(formatUnrestrictedName).join('.');
    return `${name} = ${z.value === null ? 'COPY FROM PARENT' : formatExpr(z.value)}`;
  });
  return `${head} USING ${settings.join(', ')}`;
}

function formatCommentTarget(t: CommentTarget): string {
  switch (t.kind) {
    case 'database': return `DATABASE ${formatName(t.name)}`;
    case 'schema': return `SCHEMA ${formatSchemaName(t.name)}`;
    case 'table': return `TABLE ${formatObjectName(t.name)}`;
    case 'column': return `COLUMN ${t.parts.map(formatName).join('.')}`;
    case 'index': return `INDEX ${formatIndexRef(t.index)}`;
    case 'constraint': return `CONSTRAINT ${formatName(t.constraint)} ON ${formatObjectName(t.table)}`;
  }
}

export function formatComment(s: Of<'comment'>): string {
  return `COMMENT ON ${formatCommentTarget(s.target)} IS ${s.comment === null ? 'NULL' : formatString(s.comment)}`;
}
