// Owns a whole-catalog snapshot for statements that look at every object
// (DROP ROLE's dependency check, SHOW GRANTS without a target): all public
// descriptors read through the transaction, with their names qualified as
// CockroachDB prints them (db, db.schema, db.schema.table; quoted when needed).

import type { Txn } from '../../kv/txn.js';
import { allDescriptors } from '../catalog/catalog-store.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from '../catalog/descriptor.js';
import { formatName } from '../parser/index.js';

export interface CatalogView {
  /** Public descriptors in ID order. */
  descs: Descriptor[];
  byId: Map<number, Descriptor>;
}

export async function loadCatalogView(txn: Txn): Promise<CatalogView> {
  const descs = (await allDescriptors(txn)).filter((d) => d.state === 'public').sort((a, b) => a.id - b.id);
  return { descs, byId: new Map(descs.map((d) => [d.id, d])) };
}

export function databases(v: CatalogView): DatabaseDesc[] {
  return v.descs.filter((d): d is DatabaseDesc => d.kind === 'database');
}

export function schemas(v: CatalogView): SchemaDesc[] {
  return v.descs.filter((d): d is SchemaDesc => d.kind === 'schema');
}

export function tables(v: CatalogView): TableDesc[] {
  return v.descs.filter((d): d is TableDesc => d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence');
}

/** The database a descriptor belongs to (itself for a database). */
export function databaseName(v: CatalogView, d: Descriptor): string {
  if (d.kind === 'database') return d.name;
  return v.byId.get(d.parentId)?.name ?? '';
}

export function schemaName(v: CatalogView, t: TableDesc): string {
  return v.byId.get(t.schemaId)?.name ?? 'public';
}

/** `db`, `db.s` or `db.s.t`, each part quoted as needed. */
export function qualifiedName(v: CatalogView, d: Descriptor): string {
  if (d.kind === 'database') return formatName(d.name);
  const db = formatName(databaseName(v, d));
  if (d.kind === 'schema') return `${db}.${formatName(d.name)}`;
  return `${db}.${formatName(schemaName(v, d))}.${formatName(d.name)}`;
}
