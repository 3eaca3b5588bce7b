// Owns the facts about one table that several views share: the columns of
// each index as SHOW INDEX and information_schema.statistics list them, the
// table's constraints as CockroachDB reports them (every unique index is a
// UNIQUE constraint; CHECK and FOREIGN KEY from the descriptor), their
// definition texts (pg_constraint.condef / pg_get_constraintdef) and index
// definitions (pg_indexes.indexdef / pg_get_indexdef).
//
// Invariants: constraint ordinals (used in constraint OIDs) are positions
// in tableConstraints(), which depends only on the descriptor; index rows
// list key columns, then STORING columns (for the primary index: every other
// column), then the implicit primary-key suffix.

import type { ColumnDesc, ForeignKeyDesc, IndexDesc, TableDesc, CheckDesc } from '../catalog/descriptor.js';
import { formatName } from '../parser/index.js';
import { schemaNameOf, databaseNameOf, tableById, type CatalogSnapshot } from './snapshot.js';

export interface IndexColumnRow {
  index: IndexDesc;
  column: ColumnDesc;
  /** 1-based position in the index. */
  seq: number;
  direction: 'ASC' | 'DESC' | 'N/A';
  storing: boolean;
  implicit: boolean;
}

export function columnOf(t: TableDesc, id: number): ColumnDesc {
  const c = t.columns.find((x) => x.id === id);
  if (!c) throw new Error(`column ${id} not in table ${t.name}`);
  return c;
}

export function isPrimary(t: TableDesc, ix: IndexDesc): boolean {
  return ix.id === t.primaryIndex.id;
}

/** The primary key is the hidden rowid CockroachDB adds to tables without one. */
export function hasImplicitRowidPk(t: TableDesc): boolean {
  const ids = t.primaryIndex.columnIds;
  return ids.length === 1 && columnOf(t, ids[0]!).hidden && columnOf(t, ids[0]!).name === 'rowid';
}

const dirText = (d: string | undefined): 'ASC' | 'DESC' => (d === 'desc' ? 'DESC' : 'ASC');

export function indexColumnRows(t: TableDesc, ix: IndexDesc): IndexColumnRow[] {
  const out: IndexColumnRow[] = [];
  const add = (id: number, direction: IndexColumnRow['direction'], storing: boolean, implicit: boolean): void => {
    out.push({ index: ix, column: columnOf(t, id), seq: out.length + 1, direction, storing, implicit });
  };
  ix.columnIds.forEach((id, i) => add(id, dirText(ix.directions[i]), false, false));
  if (isPrimary(t, ix)) {
    for (const c of t.columns) if (!ix.columnIds.includes(c.id)) add(c.id, 'N/A', true, false);
    return out;
  }
  for (const id of ix.storeColumnIds) add(id, 'N/A', true, false);
  const pk = t.primaryIndex;
  pk.columnIds.forEach((id, i) => {
    if (!ix.columnIds.includes(id) && !ix.storeColumnIds.includes(id)) add(id, dirText(pk.directions[i]), false, true);
  });
  return out;
}

/** Every index of t, primary first, then secondary indexes in creation order. */
export function indexesOf(t: TableDesc): IndexDesc[] {
  return t.kind === 'table' ? [t.primaryIndex, ...t.indexes] : [];
}

export type ConstraintKind = 'p' | 'u' | 'c' | 'f';

export interface ConstraintInfo {
  ordinal: number;
  name: string;
  kind: ConstraintKind;
  /** Constrained column IDs (conkey). */
  columnIds: number[];
  index: IndexDesc | null;
  check: CheckDesc | null;
  fk: ForeignKeyDesc | null;
}

export function tableConstraints(t: TableDesc): ConstraintInfo[] {
  if (t.kind !== 'table') return [];
  const out: ConstraintInfo[] = [];
  const push = (c: Omit<ConstraintInfo, 'ordinal'>): void => void out.push({ ...c, ordinal: out.length });
  push({ name: t.primaryIndex.name, kind: 'p', columnIds: t.primaryIndex.columnIds, index: t.primaryIndex, check: null, fk: null });
  for (const ix of t.indexes) {
    if (ix.unique) push({ name: ix.name, kind: 'u', columnIds: ix.columnIds, index: ix, check: null, fk: null });
  }
  for (const ch of t.checks) push({ name: ch.name, kind: 'c', columnIds: ch.columnIds, index: null, check: ch, fk: null });
  for (const fk of t.outboundFks) push({ name: fk.name, kind: 'f', columnIds: fk.originColumnIds, index: null, check: null, fk });
  return out;
}

export const constraintTypeNames: Record<ConstraintKind, string> = {
  p: 'PRIMARY KEY', u: 'UNIQUE', c: 'CHECK', f: 'FOREIGN KEY',
};

function keyList(t: TableDesc, ix: IndexDesc): string {
  return ix.columnIds.map((id, i) => `${formatName(columnOf(t, id).name)} ${dirText(ix.directions[i])}`).join(', ');
}

function nameList(t: TableDesc, ids: number[]): string {
  return ids.map((id) => formatName(columnOf(t, id).name)).join(', ');
}

/** ` ON DELETE ... ON UPDATE ...` for non-default actions. */
export function fkActions(fk: ForeignKeyDesc): string {
  const del = fk.onDelete !== 'NO ACTION' ? ` ON DELETE ${fk.onDelete}` : '';
  const upd = fk.onUpdate !== 'NO ACTION' ? ` ON UPDATE ${fk.onUpdate}` : '';
  return del + upd;
}

/** `REFERENCES parent(cols)`, the parent qualified as `qualify` asks. */
export function fkReference(snap: CatalogSnapshot, fk: ForeignKeyDesc, qualify: (p: TableDesc) => string): string {
  const parent = tableById(snap, fk.referencedTableId);
  if (!parent) return `REFERENCES [${fk.referencedTableId}]`;
  return `REFERENCES ${qualify(parent)}(${nameList(parent, fk.referencedColumnIds)})`;
}

/** pg_constraint.condef, as CockroachDB prints it. */
export function constraintDef(snap: CatalogSnapshot, t: TableDesc, c: ConstraintInfo): string {
  switch (c.kind) {
    case 'p': return `PRIMARY KEY (${keyList(t, c.index!)})`;
    case 'u': return `UNIQUE (${keyList(t, c.index!)})${c.index!.predicate ? ` WHERE (${c.index!.predicate})` : ''}`;
    case 'c': return `CHECK ((${c.check!.expr}))`;
    case 'f': {
      const ref = fkReference(snap, c.fk!, (p) => formatName(p.name));
      return `FOREIGN KEY (${nameList(t, c.columnIds)}) ${ref}${fkActions(c.fk!)}`;
    }
  }
}

/** `db.schema.table` with each part quoted as needed. */
export function qualifiedTableName(snap: CatalogSnapshot, t: TableDesc): string {
  return [databaseNameOf(snap, t), schemaNameOf(snap, t), t.name].map(formatName).join('.');
}

/** pg_indexes.indexdef / pg_get_indexdef: `CREATE [UNIQUE] INDEX name ON db.schema.t USING btree (a ASC) ...`. */
export function indexDef(snap: CatalogSnapshot, t: TableDesc, ix: IndexDesc): string {
  const unique = ix.unique ? 'UNIQUE ' : '';
  const storing = ix.storeColumnIds.length ? ` STORING (${nameList(t, ix.storeColumnIds)})` : '';
  const where = ix.predicate ? ` WHERE (${ix.predicate})` : '';
  return `CREATE ${unique}INDEX ${formatName(ix.name)} ON ${qualifiedTableName(snap, t)} USING btree (${keyList(t, ix)})${storing}${where}`;
}

/** The key columns `(a ASC, b DESC)` text used by SHOW CREATE. */
export function indexKeyText(t: TableDesc, ix: IndexDesc): string {
  return keyList(t, ix);
}

export function columnNames(t: TableDesc, ids: number[]): string {
  return nameList(t, ids);
}
