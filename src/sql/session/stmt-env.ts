// Owns what a statement handler receives: the transaction it runs in, the
// catalog, the session's names and variables, and helpers to plan SELECTs
// and build evaluation contexts. Handlers never reach the session object.

import type { KvDb } from '../../kv/db.js';
import type { Txn } from '../../kv/txn.js';
import type { Store } from '../../storage/store.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import type { PlanCtx } from '../plan/plan-ctx.js';
import type { ExecCtx } from '../plan/types.js';

export interface SessionState {
  user: string;
  database: string;
  searchPath: string[];
  timezone: string;
  applicationName: string;
  vars: Map<string, string>;
}

export interface StmtEnv {
  kv: KvDb;
  store: Store;
  catalog: Catalog;
  txn: Txn;
  session: SessionState;
  params: Datum[];
  evalCtx: EvalContext;
  planCtx(): PlanCtx;
  execCtx(): ExecCtx;
  /** True inside an explicit BEGIN ... COMMIT. */
  explicitTxn: boolean;
}
