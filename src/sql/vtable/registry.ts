// Owns the list of every virtual table and lookups in it: by schema and
// name, and whether a schema name is a virtual schema.
//
// Invariants: the list is ordered by (schema, name), and a table's OID is
// its position in it (virtualTableOid), so OIDs stay stable while the set of
// tables does not change.

import { crdbInternalTables } from './crdb-internal.js';
import { informationSchemaTables } from './information-schema.js';
import { pgCatalogMiscTables } from './pg-catalog-misc.js';
import { pgCatalogRelationTables } from './pg-catalog.js';
import type { VirtualSchemaName, VirtualTableDef } from './vtable.js';

export const virtualSchemaNames: readonly VirtualSchemaName[] = ['crdb_internal', 'information_schema', 'pg_catalog', 'pg_extension'];

const order = (a: VirtualTableDef, b: VirtualTableDef): number =>
  a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export const allVirtualTables: readonly VirtualTableDef[] = [
  ...informationSchemaTables, ...pgCatalogRelationTables, ...pgCatalogMiscTables, ...crdbInternalTables,
].sort(order);

const byKey = new Map(allVirtualTables.map((d) => [`${d.schema}.${d.name}`, d]));

export function isVirtualSchema(name: string): name is VirtualSchemaName {
  return (virtualSchemaNames as readonly string[]).includes(name);
}

export function findVirtualTable(schema: string, name: string): VirtualTableDef | undefined {
  return byKey.get(`${schema}.${name}`);
}
