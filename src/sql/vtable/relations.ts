// Owns the relations of one database as pg_class numbers them (tables,
// views, sequences, their indexes, and the virtual tables), with lookups
// the pg_* builtins need: by OID, by (possibly qualified) name along the
// search path (regclass input), and search-path visibility
// (pg_table_is_visible).
//
// Invariants: pg_catalog is searched first unless the search path lists
// it; a relation is visible when it is the first of its name found along
// the path. Built once per (snapshot, database) and cached.

import { indexOid, virtualSchemaOids } from './oids.js';
import { allVirtualTables } from './registry.js';
import { databaseNamed, liveTables, schemaNameOf, type CatalogSnapshot } from './snapshot.js';
import { indexesOf } from './table-facts.js';
import { virtualTableOid } from './vtable.js';
import type { TableDesc } from '../catalog/descriptor.js';

export interface Relation {
  oid: number;
  name: string;
  schema: string;
  schemaOid: number;
  table: TableDesc | null;
  /** Set for an index: its id within `table`. */
  indexId: number | null;
}

interface RelationIndex {
  byOid: Map<number, Relation>;
  byName: Map<string, Relation[]>;
}

const cache = new WeakMap<CatalogSnapshot, Map<string, RelationIndex>>();

function tableRelations(snap: CatalogSnapshot, t: TableDesc): Relation[] {
  const schema = schemaNameOf(snap, t);
  const own: Relation = { oid: t.id, name: t.name, schema, schemaOid: t.schemaId, table: t, indexId: null };
  const ixs = indexesOf(t).map((ix) => ({ oid: indexOid(t.id, ix.id), name: ix.name, schema, schemaOid: t.schemaId, table: t, indexId: ix.id }));
  return [own, ...ixs];
}

function buildIndex(snap: CatalogSnapshot, database: string): RelationIndex {
  const db = databaseNamed(snap, database);
  const user = db ? liveTables(snap, db.id).flatMap((t) => tableRelations(snap, t)) : [];
  const virt: Relation[] = allVirtualTables.map((v) => ({
    oid: virtualTableOid(allVirtualTables, v), name: v.name, schema: v.schema, schemaOid: virtualSchemaOids[v.schema]!,
    table: null, indexId: null,
  }));
  const all = [...user, ...virt];
  const byName = new Map<string, Relation[]>();
  for (const r of all) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return { byOid: new Map(all.map((r) => [r.oid, r])), byName };
}

export function relationsOf(snap: CatalogSnapshot, database: string): RelationIndex {
  let perDb = cache.get(snap);
  if (!perDb) cache.set(snap, (perDb = new Map()));
  let idx = perDb.get(database);
  if (!idx) perDb.set(database, (idx = buildIndex(snap, database)));
  return idx;
}

/** The schemas an unqualified name is looked up in, in order. */
export function effectivePath(searchPath: string[]): string[] {
  return searchPath.includes('pg_catalog') ? searchPath : ['pg_catalog', ...searchPath];
}

export function findRelation(idx: RelationIndex, schema: string | null, name: string, searchPath: string[]): Relation | undefined {
  const candidates = idx.byName.get(name) ?? [];
  if (schema !== null) return candidates.find((r) => r.schema === schema);
  for (const s of effectivePath(searchPath)) {
    const r = candidates.find((c) => c.schema === s);
    if (r) return r;
  }
  return undefined;
}

export function isVisible(idx: RelationIndex, oid: number, searchPath: string[]): boolean | null {
  const rel = idx.byOid.get(oid);
  if (!rel) return null;
  return findRelation(idx, null, rel.name, searchPath) === rel;
}

/** Splits `a.b."C"` into lower-cased (unless quoted) parts. */
export function splitQualifiedName(text: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
    if (m[3] === '') break;
  }
  return parts;
}
