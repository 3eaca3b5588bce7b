// Owns catalog lookups for planning and DDL: resolving database, schema and
// table names with CockroachDB's rules, and a shared descriptor cache.
//
// The cache holds descriptors as of the latest committed catalog. A
// transaction may use it when its read timestamp is at or after the last
// catalog change and it has not itself written catalog rows; otherwise it
// reads through the transaction (so AS OF SYSTEM TIME sees the schema of
// that time, and DDL sees its own changes). Cached reads are recorded in the
// transaction's read set, so a concurrent schema change forces a retry.

import type { KvDb } from '../../kv/db.js';
import type { Txn } from '../../kv/txn.js';
import { BurrowError } from '../../util/errors.js';
import { compareTimestamps, type Timestamp } from '../../util/hlc.js';
import type { ObjectName } from '../parser/ast.js';
import { descriptorKey, isCatalogKey, listNamespace, lookupId, namespaceKey, readDescriptor, type NamespaceEntry } from './catalog-store.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from './descriptor.js';
import { indexSpan, tableLayout } from '../rowenc/table-codec.js';
import { descriptorTable, namespaceTable } from './system-schema.js';

export interface SessionNames {
  database: string;
  searchPath: string[];
}

export interface ResolvedTable {
  db: DatabaseDesc;
  schema: SchemaDesc;
  desc: TableDesc;
}

export interface Catalog {
  getById(txn: Txn, id: number): Promise<Descriptor | undefined>;
  lookup(txn: Txn, parentId: number, schemaId: number, name: string): Promise<number | undefined>;
  getDatabase(txn: Txn, name: string): Promise<DatabaseDesc | undefined>;
  mustGetDatabase(txn: Txn, name: string): Promise<DatabaseDesc>;
  getSchema(txn: Txn, db: DatabaseDesc, name: string): Promise<SchemaDesc | undefined>;
  /** Resolves a table/view/sequence name; undefined when it does not exist. */
  findTable(txn: Txn, name: ObjectName, session: SessionNames): Promise<ResolvedTable | undefined>;
  resolveTable(txn: Txn, name: ObjectName, session: SessionNames): Promise<ResolvedTable>;
  /** Where a new object named `name` goes: its database and schema. */
  resolveTarget(txn: Txn, name: ObjectName, session: SessionNames): Promise<{ db: DatabaseDesc; schema: SchemaDesc }>;
  list(txn: Txn, parentId: number, schemaId?: number): Promise<NamespaceEntry[]>;
  /** Increments whenever a catalog change is sequenced: cached plans compare it. */
  version(): number;
  /** Whether txn may use plans made against the latest catalog (see cacheable). */
  usesLatest(txn: Txn): boolean;
}

const descSpan = indexSpan(tableLayout(descriptorTable).primary);
const nsSpan = indexSpan(tableLayout(namespaceTable).primary);

export function openCatalog(kv: KvDb): Catalog {
  const byId = new Map<number, Descriptor | null>();
  const byName = new Map<string, number | null>();
  // Nothing before this moment is known to be in the cache's state: reads older
  // than it (AS OF SYSTEM TIME after a restart) go through their transaction.
  let changedAt: Timestamp = kv.store.clock.now();
  let version = 0;
  kv.onCommit((keys, ts) => {
    if (keys.some(isCatalogKey)) {
      byId.clear();
      byName.clear();
      changedAt = ts;
      version++;
    }
  });
  const cacheable = (txn: Txn): boolean =>
    compareTimestamps(txn.readTs, changedAt) >= 0 && !txn.wroteInSpan(descSpan.start, descSpan.end) && !txn.wroteInSpan(nsSpan.start, nsSpan.end);

  async function getById(txn: Txn, id: number): Promise<Descriptor | undefined> {
    if (!cacheable(txn)) return readDescriptor(txn, id);
    if (byId.has(id)) {
      txn.recordRead(descriptorKey(id));
      return byId.get(id) ?? undefined;
    }
    const d = await readDescriptor(txn, id);
    if (compareTimestamps(txn.readTs, changedAt) >= 0) byId.set(id, d ?? null);
    return d;
  }

  async function lookup(txn: Txn, parentId: number, schemaId: number, name: string): Promise<number | undefined> {
    if (!cacheable(txn)) return lookupId(txn, parentId, schemaId, name);
    const k = `${parentId}/${schemaId}/${name}`;
    if (byName.has(k)) {
      txn.recordRead(namespaceKey(parentId, schemaId, name));
      return byName.get(k) ?? undefined;
    }
    const id = await lookupId(txn, parentId, schemaId, name);
    if (compareTimestamps(txn.readTs, changedAt) >= 0) byName.set(k, id ?? null);
    return id;
  }

  async function getDatabase(txn: Txn, name: string): Promise<DatabaseDesc | undefined> {
    const id = await lookup(txn, 0, 0, name);
    if (id === undefined) return undefined;
    const d = await getById(txn, id);
    return d && d.kind === 'database' && d.state === 'public' ? d : undefined;
  }

  async function mustGetDatabase(txn: Txn, name: string): Promise<DatabaseDesc> {
    const db = await getDatabase(txn, name);
    if (!db) throw new BurrowError('3D000', `database "${name}" does not exist`);
    return db;
  }

  async function getSchema(txn: Txn, db: DatabaseDesc, name: string): Promise<SchemaDesc | undefined> {
    const id = await lookup(txn, db.id, 0, name);
    if (id === undefined) return undefined;
    const d = await getById(txn, id);
    return d && d.kind === 'schema' && d.state === 'public' ? d : undefined;
  }

  async function tableIn(txn: Txn, db: DatabaseDesc, schema: SchemaDesc, name: string): Promise<ResolvedTable | undefined> {
    const id = await lookup(txn, db.id, schema.id, name);
    if (id === undefined) return undefined;
    const d = await getById(txn, id);
    if (!d || d.kind === 'database' || d.kind === 'schema' || d.state !== 'public') return undefined;
    return { db, schema, desc: d };
  }

  async function findTable(txn: Txn, name: ObjectName, session: SessionNames): Promise<ResolvedTable | undefined> {
    if (name.catalog) {
      const db = await getDatabase(txn, name.catalog);
      if (!db) throw new BurrowError('3D000', `database "${name.catalog}" does not exist`);
      const schema = await getSchema(txn, db, name.schema ?? 'public');
      return schema ? tableIn(txn, db, schema, name.name) : undefined;
    }
    if (name.schema) {
      // `a.b`: schema a in the current database, else database a's public schema.
      const cur = session.database ? await getDatabase(txn, session.database) : undefined;
      const schema = cur ? await getSchema(txn, cur, name.schema) : undefined;
      if (cur && schema) return tableIn(txn, cur, schema, name.name);
      const db = await getDatabase(txn, name.schema);
      if (!db) return undefined;
      const pub = await getSchema(txn, db, 'public');
      return pub ? tableIn(txn, db, pub, name.name) : undefined;
    }
    if (!session.database) return undefined;
    const db = await getDatabase(txn, session.database);
    if (!db) return undefined;
    for (const s of session.searchPath) {
      const schema = await getSchema(txn, db, s);
      if (!schema) continue;
      const t = await tableIn(txn, db, schema, name.name);
      if (t) return t;
    }
    return undefined;
  }

  return {
    getById,
    lookup,
    getDatabase,
    mustGetDatabase,
    getSchema,
    findTable,
    async resolveTable(txn, name, session) {
      const t = await findTable(txn, name, session);
      if (!t) throw new BurrowError('42P01', `relation "${displayName(name)}" does not exist`);
      return t;
    },
    async resolveTarget(txn, name, session) {
      if (name.catalog) {
        const db = await mustGetDatabase(txn, name.catalog);
        const schema = await getSchema(txn, db, name.schema ?? 'public');
        if (!schema) throw new BurrowError('3F000', `unknown schema "${name.schema}"`);
        return { db, schema };
      }
      if (name.schema) {
        const cur = session.database ? await getDatabase(txn, session.database) : undefined;
        const schema = cur ? await getSchema(txn, cur, name.schema) : undefined;
        if (cur && schema) return { db: cur, schema };
        const db = await getDatabase(txn, name.schema);
        if (!db) throw new BurrowError('3F000', `cannot create "${displayName(name)}" because the target database or schema does not exist`, { hint: 'verify that the current database and search_path are valid and/or the target database exists' });
        return { db, schema: (await getSchema(txn, db, 'public'))! };
      }
      if (!session.database) {
        throw new BurrowError('3D000', 'no database or schema specified', { hint: 'Run USE <database> or qualify the name.' });
      }
      const db = await mustGetDatabase(txn, session.database);
      const first = session.searchPath.find((s) => s !== 'pg_catalog' && s !== '$user') ?? 'public';
      const schema = await getSchema(txn, db, first);
      if (!schema) throw new BurrowError('3F000', `cannot create "${displayName(name)}" because the target database or schema does not exist`);
      return { db, schema };
    },
    list: (txn, parentId, schemaId) => listNamespace(txn, parentId, schemaId),
    version: () => version,
    usesLatest: cacheable,
  };
}

export function displayName(n: ObjectName): string {
  return [n.catalog, n.schema, n.name].filter((x) => x !== null).join('.');
}
