// Owns the SQL engine over an open store: the kv database, the catalog and
// its cache, bootstrap of a new store, the unique_rowid() generator, the
// virtual-table hook, and new sessions. One per store, per process.

import path from 'node:path';
import type { KvDb } from '../kv/db.js';
import { openKv } from '../kv/db.js';
import type { Store } from '../storage/store.js';
import { bootstrapCatalog } from './catalog/bootstrap.js';
import { openCatalog, type Catalog } from './catalog/catalog.js';
import type { ObjectName } from './parser/ast.js';
import type { PlanCtx } from './plan/plan-ctx.js';
import type { RelNode } from './plan/types.js';
import { newSession, type Session } from './session/session.js';
import { registerObjectHandlers } from './objects/register.js';
import { installVirtualTables } from './vtable/register.js';
import { registerShowHandlers } from './show/register.js';
import { registerSettingsHandlers } from './settings/register.js';
import { registerPrivilegeHandlers } from './privilege/register.js';

export type VirtualTableResolver = (name: ObjectName, ctx: PlanCtx) => Promise<RelNode | undefined>;

export interface SqlEngine {
  store: Store;
  kv: KvDb;
  catalog: Catalog;
  uniqueRowId(): bigint;
  virtualTable: VirtualTableResolver;
  /** Root of nodelocal://1/ (the server's --external-io-dir); undefined when disabled or embedded in memory. */
  externalIoDir: string | undefined;
  newSession(user?: string, database?: string): Session;
  /** Lets another module provide virtual tables (information_schema, pg_catalog, crdb_internal). */
  setVirtualTables(r: VirtualTableResolver): void;
}

export async function openSqlEngine(store: Store): Promise<SqlEngine> {
  registerObjectHandlers();
  registerShowHandlers();
  registerSettingsHandlers();
  registerPrivilegeHandlers();
  const kv = openKv(store);
  await bootstrapCatalog(kv);
  const catalog = openCatalog(kv);
  let lastRowId = 0n;
  const engine: SqlEngine = {
    store,
    kv,
    catalog,
    // CockroachDB's layout: timestamp in units of 10µs shifted left 15 bits, then the node ID (1).
    uniqueRowId() {
      const micros10 = store.clock.physicalNowNs() / 10_000n;
      let id = (micros10 << 15n) | 1n;
      if (id <= lastRowId) id = lastRowId + (1n << 15n);
      lastRowId = id;
      return id;
    },
    virtualTable: async () => undefined,
    externalIoDir: store.path ? path.join(store.path, 'extern') : undefined,
    newSession: (user = 'root', database = 'defaultdb') => newSession(engine, user, database),
    setVirtualTables(r) {
      engine.virtualTable = r;
    },
  };
  installVirtualTables(engine);
  return engine;
}
