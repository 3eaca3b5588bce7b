// Owns the catalog snapshot that virtual tables, SHOW statements and the
// pg_* builtins read: every descriptor and role as one transaction sees
// them, read through that transaction (so AS OF SYSTEM TIME sees the schema
// of that time, and a transaction sees its own DDL).
//
// Invariants: a snapshot is read once per statement (memoized by the
// statement's EvalContext) and never mutated; databases, schemas and roles
// are sorted by name; `tables` holds every table, view and sequence in any
// state (callers that want live objects use liveTables).

import type { Txn } from '../../kv/txn.js';
import { allDescriptors } from '../catalog/catalog-store.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from '../catalog/descriptor.js';
import { roleMembersTable, usersTable } from '../catalog/system-schema.js';
import { decodePrimaryRow, indexSpan, tableLayout } from '../rowenc/table-codec.js';
import type { Datum } from '../types/datum.js';

export interface RoleInfo {
  name: string;
  isRole: boolean;
  hasPassword: boolean;
  /** Roles this role is a direct member of, with the admin option. */
  memberOf: { role: string; admin: boolean }[];
}

export interface CatalogSnapshot {
  databases: DatabaseDesc[];
  schemas: SchemaDesc[];
  tables: TableDesc[];
  byId: Map<number, Descriptor>;
  roles: RoleInfo[];
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Each row of a system table, as an object keyed by column name (robust to added columns). */
async function scanRows(txn: Txn, desc: TableDesc, fn: (row: Record<string, Datum>) => void): Promise<void> {
  const layout = tableLayout(desc);
  const span = indexSpan(layout.primary);
  for await (const page of txn.scan(span.start, span.end)) {
    for (const kv of page) {
      const row = decodePrimaryRow(layout, kv.key, kv.value);
      fn(Object.fromEntries(desc.columns.map((c, i) => [c.name, row[i]!])));
    }
  }
}

async function readRoles(txn: Txn): Promise<RoleInfo[]> {
  const roles = new Map<string, RoleInfo>();
  await scanRows(txn, usersTable, (r) => {
    const name = r.username as string;
    roles.set(name, { name, isRole: r.isRole === true, hasPassword: r.hashedPassword !== null, memberOf: [] });
  });
  await scanRows(txn, roleMembersTable, (r) => {
    roles.get(r.member as string)?.memberOf.push({ role: r.role as string, admin: r.isAdmin === true });
  });
  return [...roles.values()].sort(byName);
}

export async function readSnapshot(txn: Txn): Promise<CatalogSnapshot> {
  const descs = await allDescriptors(txn);
  const live = <T extends Descriptor>(d: T): boolean => d.state === 'public';
  return {
    databases: descs.filter((d): d is DatabaseDesc => d.kind === 'database' && live(d)).sort(byName),
    schemas: descs.filter((d): d is SchemaDesc => d.kind === 'schema' && live(d)).sort(byName),
    tables: descs.filter((d): d is TableDesc => d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence'),
    byId: new Map(descs.map((d) => [d.id, d])),
    roles: await readRoles(txn),
  };
}

const memo = new WeakMap<object, { txn: Txn; snap: Promise<CatalogSnapshot> }>();

/** The snapshot for one statement: `key` is its EvalContext (shared by planning, execution and builtins). */
export function statementSnapshot(txn: Txn, key: object): Promise<CatalogSnapshot> {
  const m = memo.get(key);
  if (m && m.txn === txn) return m.snap;
  const snap = readSnapshot(txn);
  memo.set(key, { txn, snap });
  snap.catch(() => memo.delete(key));
  return snap;
}

export function databaseNamed(s: CatalogSnapshot, name: string): DatabaseDesc | undefined {
  return s.databases.find((d) => d.name === name);
}

export function schemasOf(s: CatalogSnapshot, dbId: number): SchemaDesc[] {
  return s.schemas.filter((x) => x.parentId === dbId);
}

/** Public tables, views and sequences of a database, ordered by schema name then name. */
export function liveTables(s: CatalogSnapshot, dbId: number): TableDesc[] {
  const schemaName = (t: TableDesc): string => (s.byId.get(t.schemaId) as SchemaDesc | undefined)?.name ?? '';
  return s.tables
    .filter((t) => t.parentId === dbId && t.state === 'public')
    .sort((a, b) => byName({ name: schemaName(a) }, { name: schemaName(b) }) || byName(a, b));
}

export function schemaNameOf(s: CatalogSnapshot, t: TableDesc): string {
  return (s.byId.get(t.schemaId) as SchemaDesc | undefined)?.name ?? 'public';
}

export function databaseNameOf(s: CatalogSnapshot, t: TableDesc): string {
  return (s.byId.get(t.parentId) as DatabaseDesc | undefined)?.name ?? '';
}

export function tableById(s: CatalogSnapshot, id: number): TableDesc | undefined {
  const d = s.byId.get(id);
  return d && (d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence') ? d : undefined;
}
