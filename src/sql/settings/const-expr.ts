// Owns evaluating the constant value expressions of SET CLUSTER SETTING and
// CONFIGURE ZONE USING: bare names become strings (`= off`, `= auto`, as
// CockroachDB's UnresolvedNameToStrVal does), everything else is compiled
// with no columns in scope and evaluated once.

import type { Expr } from '../parser/ast.js';
import { formatObjectName } from '../parser/index.js';
import { compileExpr, type CompileEnv } from '../plan/compile-expr.js';
import { planSelect } from '../plan/build-select.js';
import { newScope } from '../plan/scope.js';
import type { Datum } from '../types/datum.js';
import { typeName, type SqlType } from '../types/types.js';
import type { StmtEnv } from '../session/stmt-env.js';

export interface TypedValue {
  type: SqlType;
  value: Datum;
}

function bareNameAsString(e: Expr): Expr {
  if (e.kind !== 'colRef') return e;
  const text = e.table ? `${formatObjectName(e.table)}.${e.column}` : e.column;
  return { kind: 'str', value: text };
}

export async function evalConstant(e: Expr, env: StmtEnv, clause: string, hint?: SqlType): Promise<TypedValue> {
  return evalConstExpr(bareNameAsString(e), env, clause, hint);
}

/** Compiles e with no columns in scope and evaluates it once (subqueries and placeholders allowed). */
export async function evalConstExpr(e: Expr, env: StmtEnv, clause: string, hint?: SqlType): Promise<TypedValue> {
  const pctx = env.planCtx();
  const cenv: CompileEnv = {
    scope: newScope([]),
    params: pctx.params,
    planSubquery: (sel, outer) => planSelect(sel, pctx, { outer }),
    bound: null,
    clause,
    timezone: env.session.timezone,
  };
  const c = await compileExpr(e, cenv, hint);
  return { type: c.type, value: await c.evalAsync([], env.execCtx()) };
}

/** CockroachDB's short type names in errors: int, float, string, interval, ... */
export function shortTypeName(t: SqlType): string {
  const n = typeName(t).toLowerCase();
  return n === 'int8' ? 'int' : n === 'float8' ? 'float' : n;
}
