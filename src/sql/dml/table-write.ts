// Owns what every write to a table checks and fills in, compiled once per
// statement: DEFAULT expressions (and unique_rowid() for the hidden rowid),
// assignment casts to column types, NOT NULL (23502), CHECK constraints
// (23514) and foreign keys (23503, in fk.ts).

import { BurrowError } from '../../util/errors.js';
import { parseExpression } from '../parser/index.js';
import type { Datum, Row } from '../types/datum.js';
import { assignmentCast } from '../types/cast.js';
import type { TableDesc } from '../catalog/descriptor.js';
import { compileBool, compileExpr, type CompileEnv } from '../plan/compile-expr.js';
import type { PlanCtx } from '../plan/plan-ctx.js';
import { newScope } from '../plan/scope.js';
import { evalExpr, type CExpr, type ExecCtx, type OutCol } from '../plan/types.js';

export interface TableWrite {
  desc: TableDesc;
  cols: OutCol[];
  defaults: (CExpr | null)[];
  checks: { name: string; text: string; expr: CExpr }[];
  computed: (CExpr | null)[];
}

export function tableEnv(desc: TableDesc, ctx: PlanCtx, clause: string, alias?: string): CompileEnv {
  const cols: OutCol[] = desc.columns.map((c) => ({ name: c.name, type: c.type, table: alias ?? desc.name, hidden: c.hidden }));
  return {
    scope: newScope(cols),
    params: ctx.params,
    planSubquery: async () => {
      throw new BurrowError('0A000', `subqueries are not allowed in ${clause}`);
    },
    bound: null,
    clause,
    timezone: ctx.session.timezone,
  };
}

export async function prepareTableWrite(desc: TableDesc, ctx: PlanCtx): Promise<TableWrite> {
  const env = tableEnv(desc, ctx, 'DEFAULT');
  const defaults = await Promise.all(desc.columns.map((c) => (c.defaultExpr ? compileExpr(parseExpression(c.defaultExpr), { ...env, scope: newScope([]) }, c.type) : null)));
  const computed = await Promise.all(desc.columns.map((c) => (c.computeExpr ? compileExpr(parseExpression(c.computeExpr), tableEnv(desc, ctx, 'computed column'), c.type) : null)));
  const checks = await Promise.all(desc.checks.map(async (ch) => ({
    name: ch.name,
    text: ch.expr,
    expr: await compileBool(parseExpression(ch.expr), tableEnv(desc, ctx, 'CHECK')),
  })));
  return { desc, cols: env.scope.cols, defaults, checks, computed };
}

/** Fills defaults for columns not given (given[i] false), casts, computes, and checks a full row. */
export async function completeRow(w: TableWrite, row: Row, given: boolean[], ctx: ExecCtx): Promise<Row> {
  const tz = ctx.evalCtx.timezone;
  for (let i = 0; i < w.desc.columns.length; i++) {
    const col = w.desc.columns[i]!;
    if (!given[i] && !col.computeExpr) {
      const d = w.defaults[i];
      row[i] = d ? await evalExpr(d, [], ctx) : null;
      if (d && d.type.family !== col.type.family && row[i] !== null) row[i] = assignmentCast(row[i]!, d.type, col.type, { timezone: tz }, col.name);
    }
  }
  for (let i = 0; i < w.desc.columns.length; i++) {
    const c = w.computed[i];
    if (c) row[i] = await evalExpr(c, row, ctx);
  }
  await checkRow(w, row, ctx);
  return row;
}

export async function checkRow(w: TableWrite, row: Row, ctx: ExecCtx): Promise<void> {
  for (let i = 0; i < w.desc.columns.length; i++) {
    const col = w.desc.columns[i]!;
    if (!col.nullable && row[i] === null) {
      throw new BurrowError('23502', `null value in column "${col.name}" violates not-null constraint`);
    }
  }
  for (const ch of w.checks) {
    const v = await evalExpr(ch.expr, row, ctx);
    if (v === false) throw new BurrowError('23514', `failed to satisfy CHECK constraint (${ch.text})`);
  }
}

/** Casts a value being written into column i to its type (assignment rules). */
export function castForColumn(w: TableWrite, i: number, d: Datum, fromType: import('../types/types.js').SqlType, tz: string): Datum {
  const col = w.desc.columns[i]!;
  if (d === null) return null;
  return assignmentCast(d, fromType, col.type, { timezone: tz }, col.name);
}
