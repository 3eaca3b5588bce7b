// Owns installing the virtual schemas (information_schema, pg_catalog,
// crdb_internal) into an SQL engine: the resolver the planner calls for
// every table name, and the engine registration the pg_* builtins use.
// Call once per engine, after openSqlEngine.

import type { SqlEngine } from '../engine.js';
import { noteStatementTxn, registerPgFunctionEngine } from './pg-functions.js';
import { allVirtualTables } from './registry.js';
import { resolveVirtual } from './resolve.js';
import { vtableNode } from './vtable.js';

export function installVirtualTables(engine: SqlEngine): void {
  registerPgFunctionEngine(engine);
  engine.setVirtualTables(async (name, ctx) => {
    const hit = await resolveVirtual(name, ctx);
    if (!hit) return undefined;
    const scope = {
      database: hit.database, user: ctx.session.user, searchPath: [...ctx.session.searchPath], store: engine.store,
      virtualTables: allVirtualTables,
    };
    return vtableNode(hit.def, scope, noteStatementTxn);
  });
}
