// Owns the context a statement is planned in: the transaction (catalog reads
// happen through it), the catalog, session names, placeholder types, CTEs in
// scope, and hooks for sources other layers provide (virtual tables).

import type { Txn } from '../../kv/txn.js';
import type { Catalog, SessionNames } from '../catalog/catalog.js';
import type { ObjectName, Statement } from '../parser/ast.js';
import type { ParamTypes } from './compile-expr.js';
import type { RelNode } from './types.js';

export interface PlanCtx {
  txn: Txn;
  catalog: Catalog;
  session: SessionNames & { user: string; timezone: string };
  params: ParamTypes;
  ctes: Map<string, RelNode>;
  /** Virtual tables (information_schema, pg_catalog, crdb_internal); undefined when not one. */
  virtualTable(name: ObjectName, ctx: PlanCtx): Promise<RelNode | undefined>;
  /** Runs a statement used as a row source (`[SHOW ...]`) in the same transaction. */
  runStatement?(stmt: Statement): Promise<{ cols: import('./types.js').OutCol[]; rows: import('../types/datum.js').Row[] }>;
}
