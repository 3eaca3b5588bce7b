// Owns the information_schema virtual tables: schemata, tables, columns,
// table_constraints, key_column_usage, referential_constraints,
// check_constraints, constraint_column_usage, views, sequences and
// statistics, with CockroachDB's columns (PostgreSQL's plus CockroachDB's
// extras such as is_hidden and crdb_sql_type).
//
// Invariants: every table is scoped to one database (the current one, or
// the one written in db.information_schema.x); yes/no columns are 'YES' and
// 'NO' text; virtual tables appear in tables and columns as SYSTEM VIEWs.

import type { ColumnDesc, TableDesc } from '../catalog/descriptor.js';
import { typeName } from '../types/types.js';
import {
  characterMaxLength, datetimePrecision, infoSchemaDataType, numericFacts, udtName,
} from './pg-types.js';
import { virtualSchemaOids } from './oids.js';
import { liveTables, schemaNameOf, schemasOf, tableById } from './snapshot.js';
import {
  columnOf, constraintTypeNames, indexColumnRows, indexesOf, tableConstraints, type ConstraintInfo,
} from './table-facts.js';
import { vtable, type ColumnSpec, type VirtualTableDef, type VtContext, type VtRow } from './vtable.js';

const yesNo = (b: boolean): string => (b ? 'YES' : 'NO');

interface Located {
  t: TableDesc;
  catalog: string;
  schema: string;
}

function userTables(c: VtContext): Located[] {
  if (!c.db) return [];
  const catalog = c.db.name;
  return liveTables(c.snap, c.db.id).map((t) => ({ t, catalog, schema: schemaNameOf(c.snap, t) }));
}

const schemata = vtable('information_schema', 'schemata',
  'catalog_name text, schema_name text, default_character_set_name text, sql_path text, crdb_is_user_defined text',
  (c) => {
    if (!c.db) return [];
    const real = schemasOf(c.snap, c.db.id).map((s) => ({ name: s.name, user: true }));
    const virt = Object.keys(virtualSchemaOids).map((name) => ({ name, user: false }));
    return [...real, ...virt]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((s) => ({ catalog_name: c.db!.name, schema_name: s.name, crdb_is_user_defined: yesNo(s.user) }));
  });

const tableTypes = { table: 'BASE TABLE', view: 'VIEW', sequence: 'SEQUENCE' } as const;

const tables = vtable('information_schema', 'tables',
  'table_catalog text, table_schema text, table_name text, table_type text, is_insertable_into text, version int8',
  (c) => {
    const user = userTables(c).map(({ t, catalog, schema }) => ({
      table_catalog: catalog, table_schema: schema, table_name: t.name, table_type: tableTypes[t.kind],
      is_insertable_into: yesNo(t.kind === 'table'), version: t.version,
    }));
    if (!c.db) return user;
    const virt = c.virtualTables.map((v) => ({
      table_catalog: c.db!.name, table_schema: v.schema, table_name: v.name, table_type: 'SYSTEM VIEW',
      is_insertable_into: 'NO', version: 1,
    }));
    return [...user, ...virt];
  });

const columnSpec = `table_catalog text, table_schema text, table_name text, column_name text, column_comment text,
  ordinal_position int8, column_default text, is_nullable text, data_type text, character_maximum_length int8,
  character_octet_length int8, numeric_precision int8, numeric_precision_radix int8, numeric_scale int8,
  datetime_precision int8, interval_type text, interval_precision int8, character_set_catalog text,
  character_set_schema text, character_set_name text, collation_catalog text, collation_schema text,
  collation_name text, domain_catalog text, domain_schema text, domain_name text, udt_catalog text,
  udt_schema text, udt_name text, scope_catalog text, scope_schema text, scope_name text,
  maximum_cardinality int8, dtd_identifier text, is_self_referencing text, is_identity text,
  identity_generation text, identity_start text, identity_increment text, identity_maximum text,
  identity_minimum text, identity_cycle text, is_generated text, generation_expression text,
  is_updatable text, is_hidden text, crdb_sql_type text`;

function typeColumns(col: { type: ColumnDesc['type'] }): VtRow {
  const [precision, radix, scale] = numericFacts(col.type);
  const maxLen = characterMaxLength(col.type);
  return {
    data_type: infoSchemaDataType(col.type), character_maximum_length: maxLen,
    character_octet_length: maxLen === null ? null : maxLen * 4, numeric_precision: precision,
    numeric_precision_radix: radix, numeric_scale: scale, datetime_precision: datetimePrecision(col.type),
    udt_catalog: 'pg_catalog', udt_schema: 'pg_catalog', udt_name: udtName(col.type), crdb_sql_type: typeName(col.type),
  };
}

function userColumnRow(l: Located, col: ColumnDesc, comment: string | null): VtRow {
  return {
    table_catalog: l.catalog, table_schema: l.schema, table_name: l.t.name, column_name: col.name, column_comment: comment,
    ordinal_position: col.id, column_default: col.computeExpr ? null : col.defaultExpr, is_nullable: yesNo(col.nullable),
    ...typeColumns(col), dtd_identifier: String(col.id), is_self_referencing: 'NO', is_identity: 'NO',
    is_generated: col.computeExpr ? 'ALWAYS' : 'NEVER', generation_expression: col.computeExpr ?? '',
    is_updatable: yesNo(l.t.kind === 'table'), is_hidden: yesNo(col.hidden),
  };
}

function virtualColumnRows(catalog: string, v: VirtualTableDef): VtRow[] {
  return v.columns.map((col: ColumnSpec, i) => ({
    table_catalog: catalog, table_schema: v.schema, table_name: v.name, column_name: col.name, ordinal_position: i + 1,
    is_nullable: 'YES', ...typeColumns(col), dtd_identifier: String(i + 1), is_self_referencing: 'NO', is_identity: 'NO',
    is_generated: 'NEVER', generation_expression: '', is_updatable: 'NO', is_hidden: 'NO',
  }));
}

const columnsTable = vtable('information_schema', 'columns', columnSpec, (c) => {
  const user = userTables(c).flatMap((l) => l.t.columns.map((col) => userColumnRow(l, col, null)));
  if (!c.db) return user;
  return [...user, ...c.virtualTables.flatMap((v) => virtualColumnRows(c.db!.name, v))];
});

function constraintsOf(c: VtContext): { l: Located; k: ConstraintInfo }[] {
  return userTables(c).flatMap((l) => tableConstraints(l.t).map((k) => ({ l, k })));
}

const tableConstraintsTable = vtable('information_schema', 'table_constraints',
  `constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text, table_schema text,
   table_name text, constraint_type text, is_deferrable text, initially_deferred text`,
  (c) => constraintsOf(c).map(({ l, k }) => ({
    constraint_catalog: l.catalog, constraint_schema: l.schema, constraint_name: k.name, table_catalog: l.catalog,
    table_schema: l.schema, table_name: l.t.name, constraint_type: constraintTypeNames[k.kind], is_deferrable: 'NO',
    initially_deferred: 'NO',
  })));

const keyColumnUsage = vtable('information_schema', 'key_column_usage',
  `constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text, table_schema text,
   table_name text, column_name text, ordinal_position int8, position_in_unique_constraint int8`,
  (c) => constraintsOf(c)
    .filter(({ k }) => k.kind !== 'c')
    .flatMap(({ l, k }) => k.columnIds.map((id, i) => ({
      constraint_catalog: l.catalog, constraint_schema: l.schema, constraint_name: k.name, table_catalog: l.catalog,
      table_schema: l.schema, table_name: l.t.name, column_name: columnOf(l.t, id).name, ordinal_position: i + 1,
      position_in_unique_constraint: k.kind === 'f' ? i + 1 : null,
    }))));

/** The parent's unique constraint a foreign key refers to (its primary key or a unique index on the same columns). */
function referencedConstraint(parent: TableDesc, columnIds: number[]): ConstraintInfo | undefined {
  const same = (ids: number[]): boolean => ids.length === columnIds.length && ids.every((id) => columnIds.includes(id));
  return tableConstraints(parent).find((k) => (k.kind === 'p' || k.kind === 'u') && same(k.columnIds));
}

const referentialConstraints = vtable('information_schema', 'referential_constraints',
  `constraint_catalog text, constraint_schema text, constraint_name text, unique_constraint_catalog text,
   unique_constraint_schema text, unique_constraint_name text, match_option text, update_rule text, delete_rule text,
   table_name text, referenced_table_name text`,
  (c) => constraintsOf(c).filter(({ k }) => k.kind === 'f').map(({ l, k }) => {
    const parent = tableById(c.snap, k.fk!.referencedTableId);
    return {
      constraint_catalog: l.catalog, constraint_schema: l.schema, constraint_name: k.name,
      unique_constraint_catalog: l.catalog, unique_constraint_schema: parent ? schemaNameOf(c.snap, parent) : null,
      unique_constraint_name: parent ? referencedConstraint(parent, k.fk!.referencedColumnIds)?.name ?? null : null,
      match_option: 'NONE', update_rule: k.fk!.onUpdate, delete_rule: k.fk!.onDelete, table_name: l.t.name,
      referenced_table_name: parent?.name ?? null,
    };
  }));

const checkConstraints = vtable('information_schema', 'check_constraints',
  'constraint_catalog text, constraint_schema text, constraint_name text, check_clause text',
  (c) => constraintsOf(c).filter(({ k }) => k.kind === 'c').map(({ l, k }) => ({
    constraint_catalog: l.catalog, constraint_schema: l.schema, constraint_name: k.name, check_clause: `((${k.check!.expr}))`,
  })));

function usedColumns(c: VtContext, l: Located, k: ConstraintInfo): { t: TableDesc; ids: number[] } {
  if (k.kind !== 'f') return { t: l.t, ids: k.columnIds };
  const parent = tableById(c.snap, k.fk!.referencedTableId);
  return parent ? { t: parent, ids: k.fk!.referencedColumnIds } : { t: l.t, ids: [] };
}

const constraintColumnUsage = vtable('information_schema', 'constraint_column_usage',
  `table_catalog text, table_schema text, table_name text, column_name text, constraint_catalog text,
   constraint_schema text, constraint_name text`,
  (c) => constraintsOf(c).flatMap(({ l, k }) => {
    const used = usedColumns(c, l, k);
    return used.ids.map((id) => ({
      table_catalog: l.catalog, table_schema: schemaNameOf(c.snap, used.t), table_name: used.t.name,
      column_name: columnOf(used.t, id).name, constraint_catalog: l.catalog, constraint_schema: l.schema, constraint_name: k.name,
    }));
  }));

const views = vtable('information_schema', 'views',
  `table_catalog text, table_schema text, table_name text, view_definition text, check_option text, is_updatable text,
   is_insertable_into text, is_trigger_updatable text, is_trigger_deletable text, is_trigger_insertable_into text`,
  (c) => userTables(c).filter(({ t }) => t.kind === 'view').map(({ t, catalog, schema }) => ({
    table_catalog: catalog, table_schema: schema, table_name: t.name, view_definition: t.viewQuery, check_option: 'NONE',
    is_updatable: 'NO', is_insertable_into: 'NO', is_trigger_updatable: 'NO', is_trigger_deletable: 'NO',
    is_trigger_insertable_into: 'NO',
  })));

const sequences = vtable('information_schema', 'sequences',
  `sequence_catalog text, sequence_schema text, sequence_name text, data_type text, numeric_precision int8,
   numeric_precision_radix int8, numeric_scale int8, start_value text, minimum_value text, maximum_value text,
   increment text, cycle_option text`,
  (c) => userTables(c).filter(({ t }) => t.kind === 'sequence').map(({ t, catalog, schema }) => ({
    sequence_catalog: catalog, sequence_schema: schema, sequence_name: t.name, data_type: 'bigint', numeric_precision: 64,
    numeric_precision_radix: 2, numeric_scale: 0, start_value: String(t.sequence?.start ?? 1),
    minimum_value: String(t.sequence?.minValue ?? 1), maximum_value: String(t.sequence?.maxValue ?? 9223372036854775807n),
    increment: String(t.sequence?.increment ?? 1), cycle_option: yesNo(t.sequence?.cycle ?? false),
  })));

const statistics = vtable('information_schema', 'statistics',
  `table_catalog text, table_schema text, table_name text, non_unique text, index_schema text, index_name text,
   seq_in_index int8, column_name text, COLLATION text, CARDINALITY int8, direction text, storing text,
   implicit text, is_visible text`,
  (c) => userTables(c).flatMap((l) => indexesOf(l.t).flatMap((ix) => indexColumnRows(l.t, ix).map((r) => ({
    table_catalog: l.catalog, table_schema: l.schema, table_name: l.t.name, non_unique: yesNo(!ix.unique),
    index_schema: l.schema, index_name: ix.name, seq_in_index: r.seq, column_name: r.column.name, direction: r.direction,
    storing: yesNo(r.storing), implicit: yesNo(r.implicit), is_visible: 'YES',
  })))));

export const informationSchemaTables: VirtualTableDef[] = [
  schemata, tables, columnsTable, tableConstraintsTable, keyColumnUsage, referentialConstraints, checkConstraints,
  constraintColumnUsage, views, sequences, statistics,
];
