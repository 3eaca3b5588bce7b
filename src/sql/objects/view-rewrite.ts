// Owns preparing a view's query for storage, as CockroachDB does: every
// table, view and sequence it names is qualified (`t` -> `test.public.t`) so
// the stored text means the same thing whatever the reader's database and
// search path, `*` in the top-level SELECT lists is expanded to the columns
// it stands for today (so columns added to a table later do not change the
// view), and the descriptors the query depends on are collected.
//
// Invariants: the input statement is not modified (work is on a clone);
// names that are CTEs or virtual tables are left as written; a name that
// does not resolve is left too (planning the view then reports it).

import { BurrowError } from '../../util/errors.js';
import type { Expr, SelectBody, SelectClause, SelectStatement, SelectTarget, TableNameSource } from '../parser/ast.js';
import { planSelect } from '../plan/build-select.js';
import type { PlanCtx } from '../plan/plan-ctx.js';
import { parseRelationName } from './names.js';

type Node = Record<string, unknown>;

/** Calls visit on every AST object (anything with a `kind`) under root, parents first. */
function walk(root: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(root)) {
    for (const x of root) walk(x, visit);
    return;
  }
  if (!root || typeof root !== 'object' || Buffer.isBuffer(root)) return;
  const n = root as Node;
  if (typeof n.kind === 'string') visit(n);
  for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v, visit);
}

const dmlKinds: Record<string, string> = { insert: 'INSERT', update: 'UPDATE', delete: 'DELETE' };

function rejectMutations(select: SelectStatement): void {
  walk(select, (n) => {
    if (n.kind !== 'statementSource') return;
    const inner = (n.statement as Node).kind as string;
    const verb = dmlKinds[inner];
    if (verb) throw new BurrowError('0A000', `${verb} cannot be used inside a view definition`);
  });
}

function cteNames(select: SelectStatement): Set<string> {
  const out = new Set<string>();
  walk(select, (n) => {
    if (n.kind === 'select' && n.with) for (const c of (n.with as SelectStatement['with'])!.ctes) out.add(c.name);
  });
  return out;
}

async function qualifyTables(select: SelectStatement, ctx: PlanCtx, deps: Set<number>): Promise<void> {
  const ctes = cteNames(select);
  const sources: TableNameSource[] = [];
  walk(select, (n) => {
    if (n.kind === 'tableName' && 'indexHint' in n) sources.push(n as unknown as TableNameSource);
  });
  for (const src of sources) {
    const nm = src.name;
    if (!nm.catalog && !nm.schema && ctes.has(nm.name)) continue;
    if (await ctx.virtualTable(nm, ctx)) continue;
    const r = await ctx.catalog.findTable(ctx.txn, nm, ctx.session);
    if (!r) continue;
    src.name = { catalog: r.db.name, schema: r.schema.name, name: nm.name };
    deps.add(r.desc.id);
  }
}

const sequenceFns = new Set(['nextval', 'currval', 'setval']);

/** Sequences named by string literals in nextval/currval/setval calls. */
async function collectSequences(select: SelectStatement, ctx: PlanCtx, deps: Set<number>): Promise<void> {
  const names: string[] = [];
  walk(select, (n) => {
    if (n.kind !== 'func') return;
    const fn = (n.name as string[]).join('.');
    const arg = (n.args as Expr[])[0];
    if (sequenceFns.has(fn) && arg?.kind === 'str') names.push(arg.value);
  });
  for (const text of names) {
    const r = await ctx.catalog.findTable(ctx.txn, parseRelationName(text, 'nextval'), ctx.session);
    if (r?.desc.kind === 'sequence') deps.add(r.desc.id);
  }
}

/** The column references a `*` (or `t.*`) target stands for in clause's FROM. */
async function starTargets(clause: SelectClause, target: SelectTarget, root: SelectStatement, ctx: PlanCtx): Promise<SelectTarget[]> {
  const probe: SelectStatement = {
    kind: 'select', with: root.with, orderBy: [], limit: null, offset: null, locking: [],
    body: { ...clause, targets: [target], where: null, groupBy: [], having: null, distinct: false, distinctOn: null, windows: [] },
  };
  const node = await planSelect(probe, ctx);
  return node.cols.filter((c) => !c.hidden).map((c) => ({
    expr: { kind: 'colRef', table: c.table ? { catalog: null, schema: null, name: c.table } : null, column: c.name },
    alias: null,
  }));
}

async function expandStars(body: SelectBody, root: SelectStatement, ctx: PlanCtx): Promise<void> {
  if (body.kind === 'setOp') {
    await expandStars(body.left, root, ctx);
    await expandStars(body.right, root, ctx);
  } else if (body.kind === 'select') {
    await expandStars(body.body, body, ctx);
  } else if (body.kind === 'selectClause') {
    const out: SelectTarget[] = [];
    for (const t of body.targets) out.push(...(t.expr.kind === 'star' ? await starTargets(body, t, root, ctx) : [t]));
    body.targets = out;
  }
}

export interface PreparedViewQuery {
  select: SelectStatement;
  /** IDs of the tables, views and sequences the query uses. */
  dependsOn: number[];
}

export async function prepareViewQuery(select: SelectStatement, ctx: PlanCtx): Promise<PreparedViewQuery> {
  const copy = structuredClone(select);
  rejectMutations(copy);
  const deps = new Set<number>();
  await qualifyTables(copy, ctx, deps);
  await collectSequences(copy, ctx, deps);
  await expandStars(copy.body, copy, ctx);
  return { select: copy, dependsOn: [...deps] };
}
