// Owns the SQL text that recreates a table, view, sequence or database, in
// CockroachDB's SHOW CREATE format:
//   CREATE TABLE public.kv (
//   	k INT8 NOT NULL,
//   	v STRING NULL,
//   	CONSTRAINT kv_pkey PRIMARY KEY (k ASC),
//   	INDEX kv_v_idx (v ASC)
//   )
// Invariants: executing the text in another database creates an identical
// table (SHOW CREATE of the copy prints the same text); the hidden rowid
// column and its primary key are left out, since CREATE TABLE adds them
// back; names are quoted only when needed; foreign keys name the parent as
// schema.table (database.schema.table across databases).

import type { ColumnDesc, DatabaseDesc, IndexDesc, TableDesc } from '../catalog/descriptor.js';
import { formatName, formatString } from '../parser/index.js';
import { typeName } from '../types/types.js';
import { databaseNameOf, schemaNameOf, type CatalogSnapshot } from '../vtable/snapshot.js';
import { columnNames, fkActions, fkReference, hasImplicitRowidPk, indexKeyText } from '../vtable/table-facts.js';

/** `schema.name` as SHOW CREATE names an object. */
export function createName(snap: CatalogSnapshot, t: TableDesc): string {
  return `${formatName(schemaNameOf(snap, t))}.${formatName(t.name)}`;
}

function columnLine(c: ColumnDesc): string {
  let s = `${formatName(c.name)} ${typeName(c.type)}`;
  if (c.hidden) s += ' NOT VISIBLE';
  s += c.nullable ? ' NULL' : ' NOT NULL';
  if (c.defaultExpr !== null && c.computeExpr === null) s += ` DEFAULT ${c.defaultExpr}`;
  if (c.onUpdateExpr !== null) s += ` ON UPDATE ${c.onUpdateExpr}`;
  if (c.computeExpr !== null) s += ` AS (${c.computeExpr}) STORED`;
  return s;
}

function indexLine(t: TableDesc, ix: IndexDesc): string {
  let s = `${ix.unique ? 'UNIQUE ' : ''}INDEX ${formatName(ix.name)} (${indexKeyText(t, ix)})`;
  if (ix.storeColumnIds.length) s += ` STORING (${columnNames(t, ix.storeColumnIds)})`;
  if (ix.predicate) s += ` WHERE ${ix.predicate}`;
  return s;
}

function fkParentName(snap: CatalogSnapshot, child: TableDesc): (p: TableDesc) => string {
  return (p) => (p.parentId === child.parentId ? createName(snap, p) : `${formatName(databaseNameOf(snap, p))}.${createName(snap, p)}`);
}

function fkLines(snap: CatalogSnapshot, t: TableDesc): string[] {
  return t.outboundFks.map((fk) => {
    const ref = fkReference(snap, fk, fkParentName(snap, t));
    return `CONSTRAINT ${formatName(fk.name)} FOREIGN KEY (${columnNames(t, fk.originColumnIds)}) ${ref}${fkActions(fk)}`;
  });
}

function tableBodyLines(snap: CatalogSnapshot, t: TableDesc, withFks: boolean): string[] {
  const implicitPk = hasImplicitRowidPk(t);
  const lines = t.columns.filter((c) => !(implicitPk && t.primaryIndex.columnIds.includes(c.id))).map(columnLine);
  if (!implicitPk) lines.push(`CONSTRAINT ${formatName(t.primaryIndex.name)} PRIMARY KEY (${indexKeyText(t, t.primaryIndex)})`);
  if (withFks) lines.push(...fkLines(snap, t));
  lines.push(...t.indexes.map((ix) => indexLine(t, ix)));
  lines.push(...t.checks.map((ch) => `CONSTRAINT ${formatName(ch.name)} CHECK (${ch.expr})`));
  return lines;
}

function commentSuffix(snap: CatalogSnapshot, t: TableDesc): string {
  if (t.comment === null) return '';
  const what = t.kind === 'view' ? 'VIEW' : t.kind === 'sequence' ? 'SEQUENCE' : 'TABLE';
  return `;\nCOMMENT ON ${what} ${createName(snap, t)} IS ${formatString(t.comment)}`;
}

export function createTableText(snap: CatalogSnapshot, t: TableDesc, withFks = true): string {
  const body = tableBodyLines(snap, t, withFks).map((l) => `\t${l}`).join(',\n');
  return `CREATE TABLE ${createName(snap, t)} (\n${body}\n)`;
}

export function createViewText(snap: CatalogSnapshot, t: TableDesc): string {
  const cols = t.columns.map((c) => `\t${formatName(c.name)}`).join(',\n');
  return `CREATE VIEW ${createName(snap, t)} (\n${cols}\n) AS ${t.viewQuery ?? ''}`;
}

export function createSequenceText(snap: CatalogSnapshot, t: TableDesc): string {
  const o = t.sequence;
  if (!o) return `CREATE SEQUENCE ${createName(snap, t)}`;
  let s = `CREATE SEQUENCE ${createName(snap, t)} MINVALUE ${o.minValue} MAXVALUE ${o.maxValue} INCREMENT ${o.increment} START ${o.start}`;
  if (o.cache > 1) s += ` CACHE ${o.cache}`;
  if (o.cycle) s += ' CYCLE';
  return s;
}

/** SHOW CREATE's create_statement for any table-like object, with its COMMENT statements. */
export function createStatementText(snap: CatalogSnapshot, t: TableDesc): string {
  const main = t.kind === 'view' ? createViewText(snap, t) : t.kind === 'sequence' ? createSequenceText(snap, t) : createTableText(snap, t);
  return main + commentSuffix(snap, t);
}

export function createDatabaseText(db: DatabaseDesc): string {
  return `CREATE DATABASE ${formatName(db.name)}`;
}

/** `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` statements, as SHOW CREATE ALL TABLES emits after the tables. */
export function alterFkStatements(snap: CatalogSnapshot, t: TableDesc): { add: string[]; validate: string[] } {
  const name = createName(snap, t);
  const add = fkLines(snap, t).map((l) => `ALTER TABLE ${name} ADD ${l}`);
  const validate = t.outboundFks.map((fk) => `ALTER TABLE ${name} VALIDATE CONSTRAINT ${formatName(fk.name)}`);
  return { add, validate };
}

/** Every statement SHOW CREATE ALL TABLES prints for a database: sequences and tables, views, then foreign keys. */
export function createAllStatements(snap: CatalogSnapshot, objects: TableDesc[]): string[] {
  const byId = [...objects].sort((a, b) => a.id - b.id);
  const base = byId.filter((t) => t.kind !== 'view');
  const views = byId.filter((t) => t.kind === 'view');
  const out: string[] = [];
  for (const t of base) {
    const main = t.kind === 'sequence' ? createSequenceText(snap, t) : createTableText(snap, t, false);
    out.push(`${main + commentSuffix(snap, t)};`);
  }
  for (const v of views) out.push(`${createStatementText(snap, v)};`);
  const alters = base.map((t) => alterFkStatements(snap, t));
  for (const a of alters) out.push(...a.add.map((s) => `${s};`));
  for (const a of alters) out.push(...a.validate.map((s) => `${s};`));
  return out;
}
