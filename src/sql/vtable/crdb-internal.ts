// Owns the crdb_internal virtual tables: tables (every table, view and
// sequence of every database, in any state), databases, table_spans,
// table_sizes (Burrow's: live and total MVCC bytes per table),
// create_statements and table_indexes (the current database's).
//
// Invariants: states print as CockroachDB's PUBLIC / DROP / OFFLINE / ADD;
// sizes are the store's current MVCC statistics over the table's key span.

import type { TableDesc } from '../catalog/descriptor.js';
import { tableSpan } from '../rowenc/table-codec.js';
import { alterFkStatements, createDatabaseText, createStatementText, createTableText } from '../show/create-stmt.js';
import { dbTables } from './pg-catalog.js';
import { tableSize } from './sizes.js';
import { databaseNameOf, schemaNameOf } from './snapshot.js';
import { indexesOf, isPrimary } from './table-facts.js';
import { vtable, type VirtualTableDef, type VtContext } from './vtable.js';

const states = { public: 'PUBLIC', dropped: 'DROP', offline: 'OFFLINE', adding: 'ADD' } as const;

function schemaIdName(c: VtContext, t: TableDesc): string {
  return c.snap.byId.has(t.schemaId) ? schemaNameOf(c.snap, t) : '';
}

const tables = vtable('crdb_internal', 'tables',
  `table_id int8, parent_id int8, name text, database_name text, version int8, mod_time timestamp,
   mod_time_logical decimal, format_version text, state text, sc_lease_node_id int8, sc_lease_expiration_time timestamp,
   drop_time timestamp, audit_mode text, schema_name text, parent_schema_id int8, locality text`,
  (c) => [...c.snap.tables].sort((a, b) => a.id - b.id).map((t) => ({
    table_id: t.id, parent_id: t.parentId, name: t.name, database_name: databaseNameOf(c.snap, t), version: t.version,
    format_version: 'InterleavedFormatVersion', state: states[t.state], drop_time: t.dropTimeMicros,
    audit_mode: 'DISABLED', schema_name: schemaIdName(c, t), parent_schema_id: t.schemaId,
  })));

const databases = vtable('crdb_internal', 'databases',
  `id int8, name text, owner name, primary_region text, secondary_region text, regions text[], survival_goal text,
   placement_policy text, create_statement text`,
  (c) => c.snap.databases.map((d) => ({
    id: d.id, name: d.name, owner: d.privileges.owner, regions: [], create_statement: createDatabaseText(d),
  })));

const tableSpans = vtable('crdb_internal', 'table_spans', 'descriptor_id int8, start_key bytes, end_key bytes, dropped bool', (c) =>
  c.snap.tables.filter((t) => t.kind === 'table').sort((a, b) => a.id - b.id).map((t) => {
    const span = tableSpan(t.id);
    return { descriptor_id: t.id, start_key: span.start, end_key: span.end, dropped: t.state === 'dropped' };
  }));

const tableSizes = vtable('crdb_internal', 'table_sizes',
  'table_id int8, database_name text, schema_name text, table_name text, live_bytes int8, total_bytes int8, dropped bool',
  (c) => c.snap.tables.filter((t) => t.kind === 'table').sort((a, b) => a.id - b.id).map((t) => {
    const size = tableSize(c.store, t.id);
    return {
      table_id: t.id, database_name: databaseNameOf(c.snap, t), schema_name: schemaIdName(c, t), table_name: t.name,
      live_bytes: size.liveBytes, total_bytes: size.totalBytes, dropped: t.state === 'dropped',
    };
  }));

const createStatements = vtable('crdb_internal', 'create_statements',
  `database_id int8, database_name text, schema_name text, descriptor_id int8, descriptor_type text,
   descriptor_name text, create_statement text, state text, create_nofks text, alter_statements text[],
   validate_statements text[], has_partitions bool, is_multi_region bool, is_virtual bool, is_temporary bool`,
  (c) => dbTables(c).map((t) => {
    const fks = alterFkStatements(c.snap, t);
    return {
      database_id: t.parentId, database_name: c.db!.name, schema_name: schemaNameOf(c.snap, t), descriptor_id: t.id,
      descriptor_type: t.kind, descriptor_name: t.name, create_statement: createStatementText(c.snap, t), state: states[t.state],
      create_nofks: t.kind === 'table' ? createTableText(c.snap, t, false) : createStatementText(c.snap, t),
      alter_statements: fks.add, validate_statements: fks.validate, has_partitions: false, is_multi_region: false,
      is_virtual: false, is_temporary: false,
    };
  }));

const tableIndexes = vtable('crdb_internal', 'table_indexes',
  `descriptor_id int8, descriptor_name text, index_id int8, index_name text, index_type text, is_unique bool,
   is_inverted bool, is_sharded bool, is_visible bool, shard_bucket_count int8, created_at timestamp`,
  (c) => dbTables(c).flatMap((t) => indexesOf(t).map((ix) => ({
    descriptor_id: t.id, descriptor_name: t.name, index_id: ix.id, index_name: ix.name,
    index_type: isPrimary(t, ix) ? 'primary' : 'secondary', is_unique: ix.unique, is_inverted: false, is_sharded: false,
    is_visible: true,
  }))));

export const crdbInternalTables: VirtualTableDef[] = [tables, databases, tableSpans, tableSizes, createStatements, tableIndexes];
