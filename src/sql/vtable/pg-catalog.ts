// Owns the pg_catalog virtual tables that describe relations of the current
// database: pg_namespace, pg_class, pg_attribute, pg_attrdef, pg_index,
// pg_indexes, pg_tables, pg_views, pg_constraint, pg_description,
// pg_sequence, plus the database-independent pg_type and pg_database.
// (Roles, settings and the tables that are always empty live in
// pg-catalog-misc.ts.)
//
// Invariants: OIDs come from oids.ts (descriptor IDs for relations and
// namespaces, packed IDs for indexes, constraints and defaults), so joins
// between these tables and the pg_* builtins agree; columns are
// PostgreSQL 13's, with CockroachDB's extras (pg_indexes.crdb_oid,
// pg_constraint.condef).

import type { ColumnDesc, IndexDesc, TableDesc } from '../catalog/descriptor.js';
import type { Datum } from '../types/datum.js';
import { typeOid } from '../types/types.js';
import {
  attrdefOid, btreeAmOid, constraintOid, defaultCollationOid, indexOid, roleOid, virtualSchemaOids,
} from './oids.js';
import { attlenOf, pgTypeRows, typmodOf } from './pg-types.js';
import { estimatedRowCount } from './sizes.js';
import { liveTables, schemaNameOf, schemasOf, tableById } from './snapshot.js';
import { constraintDef, indexDef, indexesOf, isPrimary, tableConstraints, type ConstraintInfo } from './table-facts.js';
import { virtualTableOid, vtable, type VirtualTableDef, type VtContext, type VtRow } from './vtable.js';

export const pgCatalogOid = virtualSchemaOids.pg_catalog!;
const pgClassOid = 1259;

export function dbTables(c: VtContext): TableDesc[] {
  return c.db ? liveTables(c.snap, c.db.id) : [];
}

const collationOf = (t: ColumnDesc['type']): number => (t.family === 'string' ? defaultCollationOid : 0);

const namespace = vtable('pg_catalog', 'pg_namespace', 'oid oid, nspname name, nspowner oid, nspacl text[]', (c) => {
  if (!c.db) return [];
  const real = schemasOf(c.snap, c.db.id).map((s) => ({ oid: s.id, nspname: s.name, nspowner: roleOid(s.privileges.owner) }));
  const virt = Object.entries(virtualSchemaOids).map(([name, oid]) => ({ oid, nspname: name, nspowner: roleOid('node') }));
  return [...real, ...virt];
});

const classSpec = `oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid,
  relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, reltoastrelid oid,
  relhasindex bool, relisshared bool, relpersistence char, relistemp bool, relkind char, relnatts int2, relchecks int2,
  relhasoids bool, relhaspkey bool, relhasrules bool, relhastriggers bool, relhassubclass bool, relfrozenxid int8,
  relacl text[], reloptions text[], relforcerowsecurity bool, relispartition bool, relispopulated bool,
  relreplident char, relrewrite oid, relrowsecurity bool, relpartbound text, relminmxid int8`;

const classDefaults: VtRow = {
  reltype: 0, reloftype: 0, relam: 0, relfilenode: 0, reltablespace: 0, relpages: 0, reltuples: 0, relallvisible: 0,
  reltoastrelid: 0, relhasindex: false, relisshared: false, relpersistence: 'p', relistemp: false, relchecks: 0,
  relhasoids: false, relhaspkey: false, relhasrules: false, relhastriggers: false, relhassubclass: false, relfrozenxid: 0,
  relforcerowsecurity: false, relispartition: false, relispopulated: true, relreplident: 'd', relrewrite: 0,
  relrowsecurity: false, relminmxid: 0,
};

const relkinds = { table: 'r', view: 'v', sequence: 'S' } as const;

function relationRow(c: VtContext, t: TableDesc): VtRow {
  return {
    ...classDefaults, oid: t.id, relname: t.name, relnamespace: t.schemaId, relowner: roleOid(t.privileges.owner),
    reltuples: estimatedRowCount(c.store, t), relhasindex: t.kind === 'table', relkind: relkinds[t.kind],
    relnatts: t.columns.length, relchecks: t.checks.length, relhaspkey: t.kind === 'table',
    // psql shows foreign keys (both directions) only for relations with triggers, which is how PostgreSQL implements them.
    relhastriggers: t.outboundFks.length > 0 || t.inboundFks.length > 0,
  };
}

function indexClassRow(t: TableDesc, ix: IndexDesc): VtRow {
  return {
    ...classDefaults, oid: indexOid(t.id, ix.id), relname: ix.name, relnamespace: t.schemaId,
    relowner: roleOid(t.privileges.owner), relam: btreeAmOid, relkind: 'i', relnatts: ix.columnIds.length + ix.storeColumnIds.length,
  };
}

function virtualClassRow(c: VtContext, v: VirtualTableDef): VtRow {
  return {
    ...classDefaults, oid: virtualTableOid(c.virtualTables, v), relname: v.name, relnamespace: virtualSchemaOids[v.schema]!,
    relowner: roleOid('node'), relkind: 'v', relnatts: v.columns.length,
  };
}

const pgClass = vtable('pg_catalog', 'pg_class', classSpec, (c) => {
  if (!c.db) return [];
  const rows = dbTables(c).flatMap((t) => [relationRow(c, t), ...indexesOf(t).map((ix) => indexClassRow(t, ix))]);
  return [...rows, ...c.virtualTables.map((v) => virtualClassRow(c, v))];
});

const attributeSpec = `attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2,
  attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attstorage char, attalign char, attnotnull bool,
  atthasdef bool, attidentity char, attgenerated char, attisdropped bool, attislocal bool, attinhcount int4,
  attcollation oid, attacl text[], attoptions text[], attfdwoptions text[], atthasmissing bool`;

function attributeRow(relid: number, num: number, col: { name: string; type: ColumnDesc['type'] }, extra: VtRow): VtRow {
  const len = attlenOf(col.type);
  return {
    attrelid: relid, attname: col.name, atttypid: typeOid(col.type), attstattarget: 0, attlen: len, attnum: num,
    attndims: col.type.family === 'array' ? 1 : 0, attcacheoff: -1, atttypmod: typmodOf(col.type), attbyval: len > 0 && len <= 8,
    attstorage: len > 0 ? 'p' : 'x', attalign: len === 8 ? 'd' : 'i', attnotnull: false, atthasdef: false, attidentity: '',
    attgenerated: '', attisdropped: false, attislocal: true, attinhcount: 0, attcollation: collationOf(col.type),
    atthasmissing: false, ...extra,
  };
}

function tableAttributes(t: TableDesc): VtRow[] {
  const cols = t.columns.map((col) => attributeRow(t.id, col.id, col, {
    attnotnull: !col.nullable, atthasdef: col.defaultExpr !== null || col.computeExpr !== null,
    attgenerated: col.computeExpr !== null ? 's' : '',
  }));
  const idx = indexesOf(t).flatMap((ix) => [...ix.columnIds, ...ix.storeColumnIds].map((id, i) => {
    const col = t.columns.find((x) => x.id === id)!;
    return attributeRow(indexOid(t.id, ix.id), i + 1, col, { attnotnull: !col.nullable });
  }));
  return [...cols, ...idx];
}

const attribute = vtable('pg_catalog', 'pg_attribute', attributeSpec, (c) => {
  if (!c.db) return [];
  const user = dbTables(c).flatMap(tableAttributes);
  const virt = c.virtualTables.flatMap((v) => v.columns.map((col, i) => attributeRow(virtualTableOid(c.virtualTables, v), i + 1, col, {})));
  return [...user, ...virt];
});

const attrdef = vtable('pg_catalog', 'pg_attrdef', 'oid oid, adrelid oid, adnum int2, adbin text, adsrc text', (c) =>
  dbTables(c).flatMap((t) => t.columns
    .filter((col) => col.defaultExpr !== null || col.computeExpr !== null)
    .map((col) => {
      const expr = col.computeExpr ?? col.defaultExpr;
      return { oid: attrdefOid(t.id, col.id), adrelid: t.id, adnum: col.id, adbin: expr, adsrc: expr };
    })));

const typeSpec = `oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char,
  typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, typelem oid, typarray oid,
  typinput text, typoutput text, typreceive text, typsend text, typmodin text, typmodout text, typanalyze text,
  typalign char, typstorage char, typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, typcollation oid,
  typdefaultbin text, typdefault text, typacl text[]`;

const pgType = vtable('pg_catalog', 'pg_type', typeSpec, () => pgTypeRows.map((r) => ({
  oid: r.oid, typname: r.typname, typnamespace: pgCatalogOid, typowner: null, typlen: r.typlen,
  typbyval: r.typlen > 0 && r.typlen <= 8, typtype: r.typtype, typcategory: r.typcategory, typispreferred: false,
  typisdefined: true, typdelim: ',', typrelid: 0, typelem: r.typelem, typarray: r.typarray,
  typinput: r.typcategory === 'A' ? 'array_in' : `${r.typname}in`, typoutput: r.typcategory === 'A' ? 'array_out' : `${r.typname}out`,
  typreceive: r.typcategory === 'A' ? 'array_recv' : `${r.typname}recv`, typsend: r.typcategory === 'A' ? 'array_send' : `${r.typname}send`,
  typmodin: '-', typmodout: '-', typanalyze: '-', typalign: r.typalign, typstorage: r.typlen > 0 ? 'p' : 'x',
  typnotnull: false, typbasetype: 0, typtypmod: -1, typndims: 0, typcollation: r.typcollation,
})));

const aclLetters: Record<string, string> = { CONNECT: 'c', CREATE: 'C', ALL: 'CTc' };

function databaseAcl(owner: string, users: { user: string; privileges: string[] }[]): string[] {
  return users
    .map((u) => ({ user: u.user, letters: [...new Set(u.privileges.map((p) => aclLetters[p] ?? '').join(''))].join('') }))
    .filter((u) => u.letters)
    .map((u) => `${u.user === 'public' ? '' : u.user}=${u.letters}/${owner}`);
}

const database = vtable('pg_catalog', 'pg_database',
  `oid oid, datname name, datdba oid, encoding int4, datcollate text, datctype text, datistemplate bool,
   datallowconn bool, datconnlimit int4, datlastsysoid oid, datfrozenxid int8, datminmxid int8, dattablespace oid,
   datacl text[]`,
  (c) => c.snap.databases.map((d) => ({
    oid: d.id, datname: d.name, datdba: roleOid(d.privileges.owner), encoding: 6, datcollate: 'C.UTF-8', datctype: 'C.UTF-8',
    datistemplate: false, datallowconn: true, datconnlimit: -1, datlastsysoid: 0, datfrozenxid: 0, datminmxid: 0,
    dattablespace: 0, datacl: databaseAcl(d.privileges.owner, d.privileges.users),
  })));

const indexSpec = `indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, indisprimary bool,
  indisexclusion bool, indimmediate bool, indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool,
  indislive bool, indisreplident bool, indkey int2[], indcollation oid[], indclass oid[], indoption int2[],
  indexprs text, indpred text, indnullsnotdistinct bool`;

function indexRow(t: TableDesc, ix: IndexDesc): VtRow {
  const keyTypes = ix.columnIds.map((id) => t.columns.find((x) => x.id === id)!.type);
  return {
    indexrelid: indexOid(t.id, ix.id), indrelid: t.id, indnatts: ix.columnIds.length + ix.storeColumnIds.length,
    indnkeyatts: ix.columnIds.length, indisunique: ix.unique, indisprimary: isPrimary(t, ix), indisexclusion: false,
    indimmediate: true, indisclustered: false, indisvalid: true, indcheckxmin: false, indisready: true, indislive: true,
    indisreplident: false, indkey: [...ix.columnIds, ...ix.storeColumnIds], indcollation: keyTypes.map(collationOf),
    indclass: keyTypes.map(() => 0), indoption: ix.directions.map((d) => (d === 'desc' ? 3 : 0)), indpred: ix.predicate,
    indnullsnotdistinct: false,
  };
}

const pgIndex = vtable('pg_catalog', 'pg_index', indexSpec, (c) =>
  dbTables(c).flatMap((t) => indexesOf(t).map((ix) => indexRow(t, ix))));

const pgIndexes = vtable('pg_catalog', 'pg_indexes',
  'crdb_oid oid, schemaname name, tablename name, indexname name, tablespace name, indexdef text',
  (c) => dbTables(c).flatMap((t) => indexesOf(t).map((ix) => ({
    crdb_oid: indexOid(t.id, ix.id), schemaname: schemaNameOf(c.snap, t), tablename: t.name, indexname: ix.name,
    indexdef: indexDef(c.snap, t, ix),
  }))));

const pgTables = vtable('pg_catalog', 'pg_tables',
  `schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, hasrules bool,
   hastriggers bool, rowsecurity bool`,
  (c) => dbTables(c).filter((t) => t.kind === 'table').map((t) => ({
    schemaname: schemaNameOf(c.snap, t), tablename: t.name, tableowner: t.privileges.owner, hasindexes: true,
    hasrules: false, hastriggers: false, rowsecurity: false,
  })));

const pgViews = vtable('pg_catalog', 'pg_views', 'schemaname name, viewname name, viewowner name, definition text', (c) =>
  dbTables(c).filter((t) => t.kind === 'view').map((t) => ({
    schemaname: schemaNameOf(c.snap, t), viewname: t.name, viewowner: t.privileges.owner, definition: t.viewQuery,
  })));

const constraintSpec = `oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool,
  convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, confupdtype char,
  confdeltype char, confmatchtype char, conislocal bool, coninhcount int4, connoinherit bool, conkey int2[],
  confkey int2[], conpfeqop oid[], conppeqop oid[], conffeqop oid[], conexclop oid[], conbin text, consrc text,
  condef text`;

const fkActionCodes: Record<string, string> = { 'NO ACTION': 'a', RESTRICT: 'r', CASCADE: 'c', 'SET NULL': 'n', 'SET DEFAULT': 'd' };

/** The index backing a constraint: its own for PRIMARY KEY/UNIQUE, the parent's key for FOREIGN KEY. */
function backingIndexOid(c: VtContext, t: TableDesc, k: ConstraintInfo): number {
  if (k.index) return indexOid(t.id, k.index.id);
  if (k.kind !== 'f') return 0;
  const parent = tableById(c.snap, k.fk!.referencedTableId);
  const ids = k.fk!.referencedColumnIds;
  const ix = parent && indexesOf(parent).find((i) => i.unique && i.columnIds.length === ids.length && ids.every((id) => i.columnIds.includes(id)));
  return parent && ix ? indexOid(parent.id, ix.id) : 0;
}

function constraintRow(c: VtContext, t: TableDesc, k: ConstraintInfo): VtRow {
  const fk = k.fk;
  return {
    oid: constraintOid(t.id, k.ordinal), conname: k.name, connamespace: t.schemaId, contype: k.kind, condeferrable: false,
    condeferred: false, convalidated: true, conrelid: t.id, contypid: 0, conindid: backingIndexOid(c, t, k), conparentid: 0,
    confrelid: fk ? fk.referencedTableId : 0, confupdtype: fk ? fkActionCodes[fk.onUpdate]! : ' ',
    confdeltype: fk ? fkActionCodes[fk.onDelete]! : ' ', confmatchtype: fk ? 's' : ' ', conislocal: true, coninhcount: 0,
    connoinherit: true, conkey: k.columnIds, confkey: fk ? fk.referencedColumnIds : null,
    consrc: k.check ? `(${k.check.expr})` : null, condef: constraintDef(c.snap, t, k),
  };
}

const pgConstraint = vtable('pg_catalog', 'pg_constraint', constraintSpec, (c) =>
  dbTables(c).flatMap((t) => tableConstraints(t).map((k) => constraintRow(c, t, k))));

const description = vtable('pg_catalog', 'pg_description', 'objoid oid, classoid oid, objsubid int4, description text', (c) =>
  dbTables(c).filter((t) => t.comment !== null).map((t) => ({ objoid: t.id, classoid: pgClassOid, objsubid: 0, description: t.comment })));

const sequence = vtable('pg_catalog', 'pg_sequence',
  `seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, seqcache int8, seqcycle bool`,
  (c) => dbTables(c).filter((t) => t.kind === 'sequence' && t.sequence).map((t) => {
    const o = t.sequence!;
    const row: Record<string, Datum | number> = {
      seqrelid: t.id, seqtypid: 20, seqstart: o.start, seqincrement: o.increment, seqmax: o.maxValue, seqmin: o.minValue,
      seqcache: o.cache, seqcycle: o.cycle,
    };
    return row;
  }));

export const pgCatalogRelationTables: VirtualTableDef[] = [
  namespace, pgClass, attribute, attrdef, pgType, database, pgIndex, pgIndexes, pgTables, pgViews, pgConstraint,
  description, sequence,
];
