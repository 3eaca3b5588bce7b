// Owns deciding whether a table name in a query names a virtual table, with
// PostgreSQL's rules: `information_schema.x`, `crdb_internal.x` and
// `pg_catalog.x` in the current database, `db.<virtual schema>.x` in db,
// and unqualified names in pg_catalog, which is implicitly searched first
// unless the search path lists it (then it is searched where listed).
//
// Invariants: names that cannot be virtual are rejected without any
// catalog read (this runs for every table reference); a real table wins
// over pg_catalog only when an earlier search-path schema holds it.

import type { ObjectName } from '../parser/ast.js';
import type { PlanCtx } from '../plan/plan-ctx.js';
import { findVirtualTable, isVirtualSchema } from './registry.js';
import type { VirtualTableDef } from './vtable.js';

export interface VirtualHit {
  def: VirtualTableDef;
  /** The database the table is scoped to ('' for none). */
  database: string;
}

async function shadowedByRealTable(name: string, ctx: PlanCtx): Promise<boolean> {
  const path = ctx.session.searchPath;
  const at = path.indexOf('pg_catalog');
  for (const schema of path.slice(0, Math.max(at, 0))) {
    if (await ctx.catalog.findTable(ctx.txn, { catalog: null, schema, name }, ctx.session)) return true;
  }
  return false;
}

export async function resolveVirtual(name: ObjectName, ctx: PlanCtx): Promise<VirtualHit | undefined> {
  if (name.schema === null) {
    const def = findVirtualTable('pg_catalog', name.name);
    if (!def || (await shadowedByRealTable(name.name, ctx))) return undefined;
    return { def, database: ctx.session.database };
  }
  if (!isVirtualSchema(name.schema)) return undefined;
  const def = findVirtualTable(name.schema, name.name);
  if (!def) return undefined;
  if (name.catalog === null) return { def, database: ctx.session.database };
  if (!(await ctx.catalog.getDatabase(ctx.txn, name.catalog))) return undefined;
  return { def, database: name.catalog };
}
