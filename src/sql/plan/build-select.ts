// Owns planning SELECT statements into relational nodes: FROM (tables,
// joins, subqueries, VALUES, CTEs, set-returning functions), WHERE with
// index selection, GROUP BY and aggregates, HAVING, the target list, ORDER
// BY (using an index's order when it can), DISTINCT, LIMIT/OFFSET and set
// operations.

import { requirePrivilege, withoutPrivilegeChecks } from '../privilege/check.js';
import { BurrowError } from '../../util/errors.js';
import type {
  Expr, FuncCall, IndexHint, OrderItem, SelectBody, SelectClause, SelectStatement, TableSource, ValuesClause,
} from '../parser/ast.js';
import { formatExpr } from '../parser/index.js';
import { resolveAggregate, isAggregate } from '../builtins/aggregates.js';
import { resolveGenerator } from '../builtins/srf.js';
import { functionKind } from '../builtins/registry.js';
import { resolveWindow } from '../builtins/window.js';
import { windowNode, type WindowSpecC } from '../exec/window-node.js';
import { T, type SqlType } from '../types/types.js';
import type { Row } from '../types/datum.js';
import { aggregateNode, type AggSpec } from '../exec/aggregate-node.js';
import { filterNode, limitNode, projectNode, rowsNode, valuesNode } from '../exec/basic-nodes.js';
import { joinNode, setOpNode, type JoinKind } from '../exec/join-nodes.js';
import { distinctNode, sortNode, type SortKey } from '../exec/sort-nodes.js';
import { scanNode, type ScanSpec } from '../exec/scan-node.js';
import { sequenceScanNode } from '../objects/sequences.js';
import { compileBool, compileExpr, coerce, unifyTypes, type CompileEnv } from './compile-expr.js';
import { chooseIndex } from './index-select.js';
import type { PlanCtx } from './plan-ctx.js';
import { newScope, resolveColumn, tableColumns, type Scope } from './scope.js';
import { checkpoint, syncExpr, type CExpr, type OutCol, type RelNode } from './types.js';

interface Built {
  node: RelNode;
  scope: Scope;
  /** Set when the plan is a bare scan of one table (index selection and ordering apply). */
  scan?: { spec: ScanSpec; setSpec(s: ScanSpec): void };
}

export interface SelectPlanOptions {
  outer: Scope | null;
}

function env(ctx: PlanCtx, scope: Scope, clause: string, onCorrelated: () => void): CompileEnv {
  return {
    scope,
    params: ctx.params,
    planSubquery: (sel, outer) => planSelect(sel, ctx, { outer }),
    bound: null,
    clause,
    timezone: ctx.session.timezone,
    onCorrelated,
  };
}

export async function planSelect(stmt: SelectStatement, ctx: PlanCtx, opts: SelectPlanOptions = { outer: null }): Promise<RelNode> {
  const saved = new Map(ctx.ctes);
  try {
    if (stmt.with) {
      const seen = new Set<string>();
      for (const cte of stmt.with.ctes) {
        if (seen.has(cte.name)) throw new BurrowError('42712', `WITH query name "${cte.name}" specified more than once`);
        seen.add(cte.name);
        if (cte.statement.kind !== 'select') throw new BurrowError('0A000', 'unimplemented: data-modifying statements in WITH');
        const recursive = stmt.with.recursive ? await planRecursiveCte(cte.name, cte.columns, cte.statement, ctx, opts) : null;
        let node = recursive ?? (await planSelect(cte.statement, ctx, opts));
        if (cte.columns.length > node.cols.length) {
          throw new BurrowError('42P10', `source "${cte.name}" has ${node.cols.length} columns available but ${cte.columns.length} columns specified`);
        }
        node = renameCols(node, cte.name, cte.columns);
        ctx.ctes.set(cte.name, node);
      }
    }
    const state = { correlated: false };
    const node = await planBody(stmt.body, stmt, ctx, opts.outer, state);
    if (state.correlated) (node as RelNode & { correlated?: boolean }).correlated = true;
    return node;
  } finally {
    ctx.ctes.clear();
    for (const [k, v] of saved) ctx.ctes.set(k, v);
  }
}

const maxRecursiveIterations = 1_000_000;

/**
 * WITH RECURSIVE name AS (anchor UNION [ALL] recursive-term): the anchor's rows
 * seed a working table; the recursive term, which reads name as the working
 * table, runs until it yields no new rows. UNION drops rows seen before.
 * Memory (all rows kept) and iterations are bounded.
 */
async function planRecursiveCte(name: string, columns: string[], sel: SelectStatement, ctx: PlanCtx, opts: SelectPlanOptions): Promise<RelNode | null> {
  const body = sel.body;
  if (body.kind !== 'setOp' || body.op !== 'UNION') return null;
  const anchor = await planBody(body.left, null, ctx, opts.outer, { correlated: false });
  const holder: { rows: import('../types/datum.js').Row[] } = { rows: [] };
  const cols = anchor.cols.map((c, i) => ({ ...c, name: columns[i] ?? c.name, table: name }));
  const working: RelNode = {
    cols,
    explain: () => ({ name: 'working table', details: [name], children: [] }),
    async *run() {
      if (holder.rows.length) yield holder.rows;
    },
  };
  ctx.ctes.set(name, working);
  const step = await planBody(body.right, null, ctx, opts.outer, { correlated: false });
  ctx.ctes.delete(name);
  if (step.cols.length !== anchor.cols.length) {
    throw new BurrowError('42601', `each UNION query must have the same number of columns: ${anchor.cols.length} vs ${step.cols.length}`);
  }
  const types = anchor.cols.map((c) => c.type);
  const all = body.all;
  return {
    cols,
    explain: () => ({ name: 'recursive cte', details: [name], children: [anchor.explain(), step.explain()] }),
    async *run(c) {
      const { rowKey } = await import('../types/datum.js');
      const { rowSizeBytes, memoryError } = await import('../exec/sort-nodes.js');
      const { maxOperatorMemoryBytes } = await import('../../util/limits.js');
      const seen = new Set<string>();
      let bytes = 0;
      const keep = (rows: import('../types/datum.js').Row[]) => {
        const out = all ? rows : rows.filter((r) => {
          const k = rowKey(r, types);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        for (const r of out) bytes += rowSizeBytes(r);
        if (bytes > maxOperatorMemoryBytes) throw memoryError('recursive CTE');
        return out;
      };
      let current: import('../types/datum.js').Row[] = [];
      for await (const b of anchor.run(c)) current.push(...keep(b));
      for (let i = 0; current.length > 0; i++) {
        if (i >= maxRecursiveIterations) throw new BurrowError('54001', `recursive CTE "${name}" did not finish after ${maxRecursiveIterations} iterations`);
        yield current;
        holder.rows = current;
        const next: import('../types/datum.js').Row[] = [];
        for await (const b of step.run(c)) next.push(...keep(b));
        current = next;
        await checkpoint(c);
      }
    },
  };
}

function renameCols(node: RelNode, table: string, names: string[]): RelNode {
  const cols = node.cols.map((c, i) => ({ ...c, name: names[i] ?? c.name, table }));
  return { ...node, cols, run: (c) => node.run(c), explain: () => node.explain() };
}

async function planBody(body: SelectBody, stmt: SelectStatement | null, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<RelNode> {
  if (body.kind === 'selectClause') return planClause(body, stmt, ctx, outer, state);
  let node: RelNode;
  if (body.kind === 'values') node = await planValues(body, ctx, outer, state);
  else if (body.kind === 'select') node = await planSelect(body, ctx, { outer });
  else {
    const left = await planBody(body.left, null, ctx, outer, state);
    const right = await planBody(body.right, null, ctx, outer, state);
    if (left.cols.length !== right.cols.length) {
      throw new BurrowError('42601', `each ${body.op} query must have the same number of columns: ${left.cols.length} vs ${right.cols.length}`);
    }
    // A column that is only NULL literals takes the other side's type (SELECT 1 UNION SELECT NULL).
    const side = (b: SelectBody, n: RelNode, i: number): SqlType => (nullOnlyColumn(b, i) ? T.unknown : n.cols[i]!.type);
    const types = left.cols.map((c, i) => {
      const t = unifyTypes([side(body.left, left, i), side(body.right, right, i)], body.op,
        (a, b) => `${body.op} types ${a} and ${b} cannot be matched`);
      return t.family === 'unknown' ? c.type : t;
    });
    node = setOpNode(castNode(left, types, ctx), castNode(right, types, ctx), body.op, body.all);
  }
  if (!stmt || (stmt.body !== body)) return node;
  return finishOrderLimit(node, newScope(node.cols, outer), stmt, ctx, state, null);
}

/** Whether output column i of a set operation's operand is a bare NULL in every row. */
function nullOnlyColumn(b: SelectBody, i: number): boolean {
  if (b.kind === 'selectClause') {
    const t = b.targets[i];
    return !!t && t.expr.kind === 'null' && !b.targets.some((x) => x.expr.kind === 'star');
  }
  if (b.kind === 'values') return b.rows.length > 0 && b.rows.every((r) => r[i]?.kind === 'null');
  if (b.kind === 'setOp') return nullOnlyColumn(b.left, i) && nullOnlyColumn(b.right, i);
  return false;
}

function castNode(node: RelNode, types: SqlType[], ctx: PlanCtx): RelNode {
  if (node.cols.every((c, i) => c.type.family === types[i]!.family)) return node;
  const e = env(ctx, newScope(node.cols), 'set operation', () => {});
  const exprs = node.cols.map((c, i) => coerce(syncExpr(c.type, (r) => r[i]!, c.name), types[i]!, e));
  return projectNode(node, exprs, node.cols.map((c, i) => ({ ...c, type: types[i]! })));
}

async function planValues(v: ValuesClause, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<RelNode> {
  const scope = newScope([], outer);
  const e = env(ctx, scope, 'VALUES', () => (state.correlated = true));
  const width = v.rows[0]?.length ?? 0;
  let rows: CExpr[][] = [];
  for (const r of v.rows) {
    if (r.length !== width) throw new BurrowError('42601', `VALUES lists must all be the same length`);
    rows.push(await Promise.all(r.map((x) => compileExpr(x, e))));
  }
  const types = Array.from({ length: width }, (_, i) => {
    const t = unifyTypes(rows.map((r) => r[i]!.type), 'VALUES');
    return t.family === 'unknown' ? T.string : t;
  });
  rows = rows.map((r) => r.map((x, i) => coerce(x, types[i]!, e)));
  return valuesNode(types.map((t, i) => ({ name: `column${i + 1}`, type: t, table: null, hidden: false })), rows);
}

// ---------------------------------------------------------------- FROM

async function planFrom(sources: TableSource[], ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<Built> {
  if (sources.length === 0) {
    const node = valuesNode([], [[]]);
    return { node, scope: newScope([], outer) };
  }
  const names = new Set<string>();
  for (const src of sources) {
    const n = src.kind === 'tableName' ? src.alias?.name ?? src.name.name : src.kind === 'derived' || src.kind === 'funcSource' ? src.alias?.name : undefined;
    if (!n) continue;
    if (names.has(n)) throw new BurrowError('42712', `source name "${n}" specified more than once (missing AS clause)`);
    names.add(n);
  }
  let acc = await planSource(sources[0]!, ctx, outer, state);
  for (let i = 1; i < sources.length; i++) {
    const right = await planSource(sources[i]!, ctx, outer, state);
    const node = joinNode(acc.node, right.node, { kind: 'CROSS', leftKeys: [], rightKeys: [], keyTypes: [], on: null });
    acc = { node, scope: newScope(node.cols, outer) };
  }
  return acc;
}

async function planSource(src: TableSource, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<Built> {
  switch (src.kind) {
    case 'tableName': {
      const alias = src.alias?.name ?? src.name.name;
      if (!src.name.catalog && !src.name.schema && ctx.ctes.has(src.name.name)) {
        const node = renameCols(ctx.ctes.get(src.name.name)!, alias, src.alias?.columns ?? []);
        return { node, scope: newScope(node.cols, outer) };
      }
      const virtual = await ctx.virtualTable(src.name, ctx);
      if (virtual) {
        const node = renameCols(virtual, alias, src.alias?.columns ?? []);
        return { node, scope: newScope(node.cols, outer) };
      }
      const t = await ctx.catalog.resolveTable(ctx.txn, src.name, ctx.session);
      await requirePrivilege(ctx, t.desc, 'SELECT');
      if (t.desc.kind === 'view') {
        const { parseOne } = await import('../parser/index.js');
        const q = parseOne(t.desc.viewQuery!) as SelectStatement;
        const saved = ctx.session.database;
        ctx.session.database = t.db.name;
        try {
          const node = renameCols(await withoutPrivilegeChecks(ctx, () => planSelect(q, ctx, { outer: null })), alias, src.alias?.columns.length ? src.alias.columns : t.desc.columns.map((c) => c.name));
          return { node, scope: newScope(node.cols, outer) };
        } finally {
          ctx.session.database = saved;
        }
      }
      if (t.desc.kind === 'sequence') {
        const node = renameCols(sequenceScanNode(t.desc, alias), alias, src.alias?.columns ?? []);
        return { node, scope: newScope(node.cols, outer) };
      }
      let spec: ScanSpec = {
        desc: t.desc, alias, indexPos: 0, constraint: { eq: [], range: null }, reverse: false, limitHint: null, covering: true,
      };
      if (src.alias?.columns.length) {
        throw new BurrowError('0A000', 'unimplemented: column aliases on tables');
      }
      if (src.indexHint) spec = applyIndexHint(spec, src.indexHint);
      const holder = { node: scanNode(spec) };
      const built: Built = {
        node: holder.node,
        scope: newScope(holder.node.cols, outer),
        scan: {
          get spec() {
            return spec;
          },
          setSpec(s: ScanSpec) {
            spec = s;
            built.node = scanNode(s);
          },
        },
      };
      return built;
    }
    case 'derived': {
      const node0 = await planSelect(src.select, ctx, { outer: src.lateral ? outer : outer });
      const alias = src.alias?.name ?? null;
      const node = renameCols(node0, alias ?? '', src.alias?.columns ?? []);
      if (!alias) node.cols.forEach((c) => (c.table = null));
      if ((node0 as { correlated?: boolean }).correlated) state.correlated = true;
      return { node, scope: newScope(node.cols, outer) };
    }
    case 'join':
      return planJoin(src, ctx, outer, state);
    case 'funcSource':
      return planFuncSource(src, ctx, outer, state);
    case 'statementSource': {
      if (!ctx.runStatement) throw new BurrowError('0A000', 'unimplemented: statements as row sources here');
      const inner = src.statement.kind === 'explain' || src.statement.kind.startsWith('show') || src.statement.kind === 'select';
      if (!inner) throw new BurrowError('0A000', `unimplemented: ${src.statement.kind} as a row source`);
      const r = await ctx.runStatement(src.statement);
      const alias = src.alias?.name ?? null;
      const cols = r.cols.map((c, i) => ({ ...c, name: src.alias?.columns[i] ?? c.name, table: alias, hidden: false }));
      const node = rowsNode(cols, r.rows, 'statement source');
      return { node, scope: newScope(cols, outer) };
    }
  }
}

async function planFuncSource(src: Extract<TableSource, { kind: 'funcSource' }>, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<Built> {
  const e = env(ctx, newScope([], outer), 'FROM', () => (state.correlated = true));
  const name = src.func.name.join('.');
  const args = await Promise.all(src.func.args.map((a) => compileExpr(a, e)));
  const g = resolveGenerator(name, args.map((a) => a.type));
  const cargs = args.map((a, i) => coerce(a, g.paramTypes[i] ?? a.type, e));
  const alias = src.alias?.name ?? src.func.name[src.func.name.length - 1]!;
  const names = src.alias?.columns ?? [];
  const cols: OutCol[] = g.columns.map((c, i) => ({
    name: names[i] ?? (g.columns.length === 1 && !names.length ? alias : c.name),
    type: c.type,
    table: alias,
    hidden: false,
  }));
  if (src.ordinality) cols.push({ name: names[cols.length] ?? 'ordinality', type: T.int, table: alias, hidden: false });
  const node: RelNode = {
    cols,
    explain: () => ({ name: 'project set', details: [`render: ${name}(${cargs.map((a) => a.text).join(', ')})`], children: [] }),
    async *run(c) {
      const vals = await Promise.all(cargs.map((a) => a.evalAsync([], c)));
      if (g.strict && vals.some((v) => v === null)) return;
      let batch: Row[] = [];
      let n = 0;
      for (const r of g.fn(vals, c.evalCtx)) {
        n++;
        if ((n & 0x3ff) === 0) await checkpoint(c);
        batch.push(src.ordinality ? [...r, BigInt(n)] : r);
        if (batch.length >= 256) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
  return { node, scope: newScope(cols, outer) };
}

async function planJoin(src: Extract<TableSource, { kind: 'join' }>, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<Built> {
  const left = await planSource(src.left, ctx, outer, state);
  const right = await planSource(src.right, ctx, outer, state);
  const cols = [...left.node.cols, ...right.node.cols];
  const scope = newScope(cols, outer);
  const nl = left.node.cols.length;
  let on: Expr | null = src.on;
  let using = src.using;
  if (src.natural) using = left.node.cols.filter((c) => !c.hidden && right.node.cols.some((r) => r.name === c.name && !r.hidden)).map((c) => c.name);
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const keyTypes: SqlType[] = [];
  const residual: Expr[] = [];
  if (using) {
    for (const name of using) {
      const li = resolveColumn(newScope(left.node.cols), null, name).index;
      const ri = resolveColumn(newScope(right.node.cols), null, name).index;
      leftKeys.push(li);
      rightKeys.push(ri);
      keyTypes.push(left.node.cols[li]!.type);
    }
  } else if (on) {
    // Equality conjuncts between a left column and a right column become hash keys.
    for (const conj of splitAnd(on)) {
      const pair = equiPair(conj, scope, nl);
      if (pair && pair.lt.family === pair.rt.family) {
        leftKeys.push(pair.l);
        rightKeys.push(pair.r - nl);
        keyTypes.push(pair.lt);
      } else residual.push(conj);
    }
  }
  const e = env(ctx, scope, 'ON', () => (state.correlated = true));
  const resid = residual.length ? await compileBool(residual.reduce((a, b) => ({ kind: 'and', left: a, right: b })), e) : null;
  const kind: JoinKind = src.joinType === 'CROSS' ? 'CROSS' : src.joinType;
  const node = joinNode(left.node, right.node, { kind: kind === 'CROSS' ? 'INNER' : kind, leftKeys, rightKeys, keyTypes, on: resid });
  if (using) {
    // USING columns come first, once (the right side's value for RIGHT joins, COALESCE for FULL);
    // each side's own copy stays reachable only as table.column.
    const merged = using.map((name, k) => {
      const li = leftKeys[k]!;
      const ri = nl + rightKeys[k]!;
      const t = node.cols[li]!.type;
      const pick = kind === 'RIGHT' ? (r: import('../types/datum.js').Row) => r[ri]! : kind === 'FULL' ? (r: import('../types/datum.js').Row) => (r[li] ?? r[ri]!) : (r: import('../types/datum.js').Row) => r[li]!;
      return { col: { name, type: t, table: null, hidden: false } as OutCol, expr: syncExpr(t, (r) => pick(r), name) };
    });
    const usingIdx = new Set([...leftKeys, ...rightKeys.map((i) => nl + i)]);
    const rest = node.cols.map((c, i) => ({ col: usingIdx.has(i) ? { ...c, hidden: true, qualifiedOnly: true } : c, expr: syncExpr(c.type, (r) => r[i]!, c.name) }));
    const all = [...merged, ...rest];
    const projected = projectNode(node, all.map((a) => a.expr), all.map((a) => a.col));
    return { node: projected, scope: newScope(projected.cols, outer) };
  }
  return { node, scope: newScope(node.cols, outer) };
}

function splitAnd(e: Expr): Expr[] {
  return e.kind === 'and' ? [...splitAnd(e.left), ...splitAnd(e.right)] : [e];
}

function equiPair(e: Expr, scope: Scope, nl: number): { l: number; r: number; lt: SqlType; rt: SqlType } | null {
  if (e.kind !== 'compare' || e.op !== '=' || e.left.kind !== 'colRef' || e.right.kind !== 'colRef') return null;
  try {
    const a = resolveColumn(newScope(scope.cols), e.left.table?.name ?? null, e.left.column);
    const b = resolveColumn(newScope(scope.cols), e.right.table?.name ?? null, e.right.column);
    if (a.index < nl && b.index >= nl) return { l: a.index, r: b.index, lt: a.col.type, rt: b.col.type };
    if (b.index < nl && a.index >= nl) return { l: b.index, r: a.index, lt: b.col.type, rt: a.col.type };
  } catch {
    return null;
  }
  return null;
}

// ---------------------------------------------------------------- SELECT clause

function collectAggregates(e: Expr | null, out: FuncCall[]): void {
  if (!e) return;
  if (e.kind === 'func' && !e.over && e.name.length === 1 && isAggregate(e.name[0]!)) {
    out.push(e);
    return;
  }
  if (e.kind === 'subquery' || e.kind === 'exists' || e.kind === 'arraySubquery') return;
  for (const v of Object.values(e)) {
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) {
        for (const x of v) {
          if (x && typeof x === 'object' && 'kind' in x) collectAggregates(x as Expr, out);
          else if (x && typeof x === 'object' && 'when' in x) {
            collectAggregates((x as { when: Expr }).when, out);
            collectAggregates((x as { then: Expr }).then, out);
          } else if (x && typeof x === 'object' && 'expr' in x) collectAggregates((x as { expr: Expr }).expr, out);
        }
      } else if ('kind' in v && (v as { kind: string }).kind !== 'select') collectAggregates(v as Expr, out);
    }
  }
}

async function planClause(c: SelectClause, stmt: SelectStatement | null, ctx: PlanCtx, outer: Scope | null, state: { correlated: boolean }): Promise<RelNode> {
  const from = await planFrom(c.from, ctx, outer, state);
  let node = from.node;
  const scope0 = from.scope;
  if (from.scan && c.from.length === 1 && c.from[0]!.kind === 'tableName') {
    // Record which columns are read (here or by subqueries) so the scan decodes only those.
    const needed = new Set<number>();
    scope0.onRef = (i) => needed.add(i);
    from.scan.setSpec({ ...from.scan.spec, needed });
    node = from.node;
  }
  const onCorr = () => (state.correlated = true);
  if (c.where) {
    const aggs: FuncCall[] = [];
    collectAggregates(c.where, aggs);
    if (aggs.length) throw new BurrowError('42803', 'aggregate functions are not allowed in WHERE');
    const pred = await compileBool(c.where, env(ctx, scope0, 'WHERE', onCorr));
    if (from.scan) {
      const chosen = await chooseIndex(from.scan.spec, c.where, env(ctx, scope0, 'WHERE', onCorr));
      from.scan.setSpec(chosen);
      node = from.node;
    }
    node = filterNode(node, pred);
  }

  // Aggregation.
  const aggCalls: FuncCall[] = [];
  for (const t of c.targets) collectAggregates(t.expr, aggCalls);
  collectAggregates(c.having, aggCalls);
  if (stmt) for (const o of stmt.orderBy) collectAggregates(o.expr, aggCalls);
  let scope = scope0;
  let bound: Map<string, number> | null = null;
  const grouped = aggCalls.length > 0 || c.groupBy.length > 0 || c.having !== null;
  if (grouped) {
    const e0 = env(ctx, scope0, 'GROUP BY', onCorr);
    const groupAsts = c.groupBy.map((g) => resolveOrdinalOrAlias(g, c, scope0));
    for (const g of groupAsts) {
      const nested: FuncCall[] = [];
      collectAggregates(g, nested);
      if (nested.length) throw new BurrowError('42803', 'aggregate functions are not allowed in GROUP BY');
    }
    const groupExprs = await Promise.all(groupAsts.map((g) => compileExpr(g, e0)));
    const specs: AggSpec[] = [];
    const uniqueAggs: FuncCall[] = [];
    const seenAgg = new Set<string>();
    for (const a of aggCalls) {
      const k = formatExpr(a);
      if (seenAgg.has(k)) continue;
      seenAgg.add(k);
      uniqueAggs.push(a);
      const ea = env(ctx, scope0, `${a.name[0]}()`, onCorr);
      for (const arg of a.args) {
        const nested: FuncCall[] = [];
        collectAggregates(arg, nested);
        if (nested.length) throw new BurrowError('42803', 'aggregate function calls cannot be nested');
      }
      let args = a.star ? [] : await Promise.all(a.args.map((x) => compileExpr(x, ea)));
      const agg = resolveAggregate(a.name[0]!, args.map((x) => x.type), a.distinct);
      args = args.map((x, i) => coerce(x, agg.paramTypes[i] ?? x.type, ea));
      specs.push({
        agg, args, argTypes: args.map((x) => x.type), distinct: a.distinct,
        filter: a.filter ? await compileBool(a.filter, env(ctx, scope0, 'FILTER', onCorr)) : null,
        text: formatExpr(a),
      });
    }
    const cols: OutCol[] = [
      ...groupExprs.map((g, i) => ({ name: groupAsts[i]!.kind === 'colRef' ? (groupAsts[i] as { column: string }).column : g.text, type: g.type, table: null, hidden: false })),
      ...specs.map((s, i) => ({ name: uniqueAggs[i]!.name[0]!, type: s.agg.returnType, table: null, hidden: false })),
    ];
    node = aggregateNode(node, groupExprs, specs, cols, c.groupBy.length === 0);
    bound = new Map();
    groupAsts.forEach((g, i) => {
      bound!.set(formatExpr(g), i);
      if (g.kind === 'colRef') {
        try {
          const r = resolveColumn(scope0, g.table?.name ?? null, g.column);
          if (r.depth === 0) bound!.set(`#col:${r.index}`, i);
        } catch {
          // not a plain column of this level
        }
      }
    });
    uniqueAggs.forEach((a, i) => bound!.set(formatExpr(a), groupExprs.length + i));
    scope = newScope(cols, outer);
  }
  let mkEnv = (clause: string): CompileEnv => ({ ...env(ctx, scope, clause, onCorr), bound, ...(bound ? { preScope: scope0 } : {}) });
  if (c.having) node = filterNode(node, await compileBool(c.having, mkEnv('HAVING')));
  const windowCalls = collectWindows(c, stmt);
  if (windowCalls.length) {
    const specs: WindowSpecC[] = [];
    for (const w of windowCalls) specs.push(await compileWindow(w, c, mkEnv));
    const wcols: OutCol[] = specs.map((sp, i) => ({ name: windowCalls[i]!.name[windowCalls[i]!.name.length - 1]!, type: sp.fn.returnType, table: null, hidden: false }));
    const cols = [...scope.cols, ...wcols];
    node = windowNode(node, specs, cols);
    const wbound = new Map(bound ?? []);
    windowCalls.forEach((w, i) => wbound.set(formatExpr(w), scope.cols.length + i));
    const grouped0 = !!bound;
    scope = extendScope(scope, cols, outer);
    bound = wbound;
    mkEnv = (clause: string): CompileEnv => ({ ...env(ctx, scope, clause, onCorr), bound, ...(grouped0 ? { preScope: scope0 } : {}) });
  }

  // Set-returning functions in the target list run once per input row; their rows are zipped
  // (the shorter ones padded with NULLs) and the calls then refer to the added columns.
  const srfCalls = collectGenerators(c);
  if (srfCalls.length) {
    const e0 = mkEnv('SELECT');
    const gens: { g: ReturnType<typeof resolveGenerator>; args: CExpr[]; call: FuncCall }[] = [];
    for (const call of srfCalls) {
      let args = await Promise.all(call.args.map((a) => compileExpr(a, e0)));
      const g = resolveGenerator(call.name.join('.'), args.map((a) => a.type));
      args = args.map((a, i) => coerce(a, g.paramTypes[i] ?? a.type, e0));
      gens.push({ g, args, call });
    }
    const extra: OutCol[] = gens.map(({ g, call }) => ({ name: call.name[call.name.length - 1]!, type: g.columns[0]!.type, table: null, hidden: false }));
    const input = node;
    const cols = [...scope.cols, ...extra];
    node = {
      cols,
      explain: () => ({ name: 'project set', details: gens.map((x) => formatExpr(x.call)), children: [input.explain()] }),
      async *run(ctx2) {
        for await (const batch of input.run(ctx2)) {
          const out: import('../types/datum.js').Row[] = [];
          for (const r of batch) {
            const lists = await Promise.all(gens.map(async ({ g, args }) => {
              const vals = await Promise.all(args.map((a) => a.evalAsync(r, ctx2)));
              if (g.strict && vals.some((v) => v === null)) return [];
              return [...g.fn(vals, ctx2.evalCtx)].map((row) => row[0]!);
            }));
            const n = Math.max(0, ...lists.map((l) => l.length));
            for (let i = 0; i < n; i++) out.push([...r, ...lists.map((l) => (i < l.length ? l[i]! : null))]);
            await checkpoint(ctx2);
          }
          if (out.length) yield out;
        }
      },
    };
    const sbound = new Map(bound ?? []);
    srfCalls.forEach((call, i) => sbound.set(formatExpr(call), scope.cols.length + i));
    const grouped1 = !!bound;
    scope = extendScope(scope, cols, outer);
    bound = sbound;
    mkEnv = (clause: string): CompileEnv => ({ ...env(ctx, scope, clause, onCorr), bound, ...(grouped1 ? { preScope: scope0 } : {}) });
  }

  // Targets.
  const exprs: CExpr[] = [];
  const outCols: OutCol[] = [];
  for (const t of c.targets) {
    if (t.expr.kind === 'star') {
      if (c.from.length === 0) throw new BurrowError('42602', 'SELECT * with no tables specified is not valid');
      if (grouped) throw new BurrowError('42803', 'column "*" must appear in the GROUP BY clause or be used in an aggregate function');
      const table = t.expr.table?.name ?? null;
      for (const i of tableColumns(scope, table)) {
        const col = scope.cols[i]!;
        exprs.push(syncExpr(col.type, (r) => r[i]!, col.name));
        outCols.push({ name: col.name, type: col.type, table: col.table, hidden: false });
      }
      continue;
    }
    const x = await compileExpr(t.expr, mkEnv('SELECT'));
    exprs.push(x.type.family === 'unknown' ? { ...x, type: T.string } : x);
    outCols.push({ name: t.alias ?? targetName(t.expr), type: x.type.family === 'unknown' ? T.string : x.type, table: null, hidden: false });
  }
  if (!stmt || stmt.body !== c) {
    let n = projectNode(node, exprs, outCols);
    if (c.distinct) n = distinctNode(n);
    return n;
  }
  return finishOrderLimit(node, scope, stmt, ctx, state, { exprs, outCols, clause: c, mkEnv, scan: grouped || c.where || c.from.length !== 1 || windowCalls.length || srfCalls.length ? undefined : from.scan });
}

/** A scope with extra columns after base's; references to base's columns still reach base's recorder. */
function extendScope(base: Scope, cols: OutCol[], outer: Scope | null): Scope {
  const s = newScope(cols, outer);
  const n = base.cols.length;
  s.onRef = (i) => {
    if (i < n) base.onRef?.(i);
  };
  return s;
}

function collectGenerators(c: SelectClause): FuncCall[] {
  const out: FuncCall[] = [];
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    const k = (e as { kind?: string }).kind;
    if (k === 'select' || k === 'subquery' || k === 'exists' || k === 'arraySubquery') return;
    if (k === 'func' && !(e as FuncCall).over && functionKind((e as FuncCall).name.join('.')) === 'generator') {
      if (!out.some((x) => formatExpr(x) === formatExpr(e as FuncCall))) out.push(e as FuncCall);
      return;
    }
    for (const v of Object.values(e as object)) walk(v);
  };
  for (const t of c.targets) walk(t.expr);
  return out;
}

function collectWindows(c: SelectClause, stmt: SelectStatement | null): FuncCall[] {
  const out: FuncCall[] = [];
  const seen = new Set<string>();
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    if ((e as { kind?: string }).kind === 'func' && (e as FuncCall).over) {
      const k = formatExpr(e as FuncCall);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(e as FuncCall);
      }
      return;
    }
    if ((e as { kind?: string }).kind === 'select') return;
    for (const v of Object.values(e as object)) walk(v);
  };
  for (const t of c.targets) walk(t.expr);
  if (stmt && stmt.body === c) for (const o of stmt.orderBy) walk(o.expr);
  return out;
}

async function compileWindow(w: FuncCall, c: SelectClause, mkEnv: (clause: string) => CompileEnv): Promise<WindowSpecC> {
  let spec = w.over!;
  if (spec.refName) {
    const named = c.windows.find((x) => x.name === spec.refName);
    if (!named) throw new BurrowError('42704', `window "${spec.refName}" does not exist`);
    spec = spec.bare ? named.spec : { ...named.spec, orderBy: spec.orderBy.length ? spec.orderBy : named.spec.orderBy, frame: spec.frame ?? named.spec.frame };
  }
  const e = mkEnv('window function');
  const name = w.name[w.name.length - 1]!;
  let args = w.star ? [] : await Promise.all(w.args.map((a) => compileExpr(a, e)));
  const fn = resolveWindow(name, args.map((a) => a.type));
  args = args.map((a, i) => coerce(a, fn.paramTypes[i] ?? a.type, e));
  const partition = await Promise.all(spec.partitionBy.map((p) => compileExpr(p, e)));
  const order = await Promise.all(spec.orderBy.map(async (o) => ({
    expr: await compileExpr(o.expr, e),
    desc: o.direction === 'DESC',
    nullsLast: o.nulls ? (o.nulls === 'LAST') !== (o.direction === 'DESC') : false,
  })));
  let rows: WindowSpecC['rows'] = null;
  if (spec.frame) {
    if (spec.frame.mode !== 'ROWS') {
      const unboundedStart = spec.frame.start.kind === 'unboundedPreceding';
      const toCurrent = !spec.frame.end || spec.frame.end.kind === 'currentRow';
      const toEnd = spec.frame.end?.kind === 'unboundedFollowing';
      if (!(unboundedStart && (toCurrent || toEnd))) throw new BurrowError('0A000', `unimplemented: ${spec.frame.mode} frames with offsets`);
      if (toEnd) rows = { start: null, end: null };
    } else {
      const bound = async (b: NonNullable<typeof spec.frame>['start'] | null): Promise<number | null> => {
        if (!b) return 0;
        if (b.kind === 'unboundedPreceding' || b.kind === 'unboundedFollowing') return null;
        if (b.kind === 'currentRow') return 0;
        if (b.offset.kind !== 'num' || b.offset.numKind !== 'int') {
          throw new BurrowError('0A000', 'unimplemented: window frame offsets other than integer literals');
        }
        const v = Number(b.offset.text);
        if (v < 0) throw new BurrowError('22013', `frame ${b === spec.frame!.start ? 'starting' : 'ending'} offset must not be negative`);
        return b.kind === 'preceding' ? -v : v;
      };
      rows = { start: await bound(spec.frame.start), end: await bound(spec.frame.end) };
    }
  }
  return { fn, args, partition, order, rows, text: formatExpr(w) };
}

function resolveOrdinalOrAlias(g: Expr, c: SelectClause, scope?: Scope): Expr {
  if (g.kind === 'colRef' && !g.table && scope) {
    // A name that is no input column but is an output alias groups by that output expression.
    try {
      resolveColumn(scope, null, g.column);
    } catch {
      const t = c.targets.find((x) => x.alias === g.column);
      if (t) return t.expr;
    }
  }
  if (g.kind === 'num' && g.numKind === 'int') {
    const i = Number(g.text) - 1;
    const t = c.targets[i];
    if (!t) throw new BurrowError('42P10', `GROUP BY position ${g.text} is not in select list`);
    return t.expr;
  }
  return g;
}

function targetName(e: Expr): string {
  switch (e.kind) {
    case 'colRef': return e.column;
    case 'func': return e.name[e.name.length - 1]!;
    case 'cast': case 'annotate': return targetName(e.expr);
    case 'subquery': return '?column?';
    case 'exists': return 'exists';
    case 'case': return 'case';
    case 'array': return 'array';
    default: return '?column?';
  }
}

interface TargetInfo {
  exprs: CExpr[];
  outCols: OutCol[];
  clause: SelectClause;
  mkEnv: (clause: string) => CompileEnv;
  scan: { spec: ScanSpec; setSpec(s: ScanSpec): void } | undefined;
}

async function finishOrderLimit(
  input: RelNode, scope: Scope, stmt: SelectStatement, ctx: PlanCtx, state: { correlated: boolean }, targets: TargetInfo | null,
): Promise<RelNode> {
  let node = input;
  const exprs = targets ? [...targets.exprs] : node.cols.map((c, i) => syncExpr(c.type, (r) => r[i]!, c.name));
  const outCols = targets ? [...targets.outCols] : node.cols.map((c) => ({ ...c }));
  const width = outCols.length;
  const keys: SortKey[] = [];
  for (const o of stmt.orderBy) {
    const idx = await orderColumn(o, exprs, outCols, targets, scope, ctx, state);
    const desc = o.direction === 'DESC';
    keys.push({ index: idx, type: outCols[idx]!.type, desc, nullsLast: o.nulls ? o.nulls === 'LAST' !== desc : false });
  }
  const distinct = !!targets && (targets.clause.distinct || targets.clause.distinctOn !== null);
  if (distinct && !targets!.clause.distinctOn && exprs.length > width) {
    throw new BurrowError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list');
  }
  // DISTINCT ON columns are computed with the projection (they may be extra, hidden columns).
  const onCols = distinct && targets!.clause.distinctOn
    ? await Promise.all(targets!.clause.distinctOn.map((e) => orderColumn({ expr: e, direction: null, nulls: null }, exprs, outCols, targets, scope, ctx, state)))
    : null;
  // An ORDER BY along the primary key of a bare table scan needs no sort.
  let sorted = keys.length === 0;
  if (!sorted && targets?.scan && !distinct) sorted = useIndexOrder(targets.scan, keys, exprs);
  if (targets) node = projectNode(targets.scan ? await rebuildScan(targets) : node, exprs, outCols);
  else if (exprs.length > width) node = projectNode(node, exprs, outCols);
  const e = targets ? targets.mkEnv('LIMIT') : env(ctx, newScope([]), 'LIMIT', () => {});
  const limit = stmt.limit ? await compileExpr(stmt.limit, { ...e, scope: newScope([]), bound: null }, T.int) : null;
  const offset = stmt.offset ? await compileExpr(stmt.offset, { ...e, scope: newScope([]), bound: null }, T.int) : null;
  const lit = (x: Expr | null): number | null => (x && x.kind === 'num' && x.numKind === 'int' ? Number(x.text) : x ? null : 0);
  if (distinct && !onCols) node = distinctNode(node);
  if (!sorted) {
    // DISTINCT ON keeps the first row of each group in ORDER BY order: sort fully first.
    const l0 = lit(stmt.limit);
    const o0 = lit(stmt.offset);
    const hint = stmt.limit && l0 !== null && o0 !== null && !onCols ? l0 + o0 : undefined;
    node = sortNode(node, keys, hint);
  } else if (targets?.scan && stmt.limit?.kind === 'num' && stmt.limit.numKind === 'int' && !offset && !targets.clause.where && !distinct) {
    targets.scan.setSpec({ ...targets.scan.spec, limitHint: Number(stmt.limit.text) });
    node = projectNode(await rebuildScan(targets), exprs, outCols);
  }
  if (onCols) node = distinctNode(node, onCols);
  if (limit || offset) node = limitNode(node, limit, offset);
  if (exprs.length > width) {
    const keep = outCols.slice(0, width);
    node = projectNode(node, keep.map((c, i) => syncExpr(c.type, (r) => r[i]!, c.name)), keep);
  }
  return node;
}

/** `t@idx` / `t@{FORCE_INDEX=idx[,ASC|DESC]}`: the scan uses that index (a full scan unless WHERE constrains it). */
function applyIndexHint(spec: ScanSpec, hint: IndexHint): ScanSpec {
  if (hint.index === null) return spec;
  const name = hint.index;
  const desc = spec.desc;
  let pos = desc.primaryIndex.name === name ? 0 : desc.indexes.findIndex((ix) => ix.name === name) + 1;
  if (pos === 0 && desc.primaryIndex.name !== name) {
    if (name !== 'primary') throw new BurrowError('42704', `index "${name}" not found`);
    pos = 0;
  }
  if (pos > 0 && desc.indexes[pos - 1]!.predicate) {
    throw new BurrowError('42809', `index "${name}" is a partial index that does not contain all the rows needed to execute this query`);
  }
  return { ...spec, indexPos: pos, covering: pos === 0, forced: true, reverse: hint.direction === 'DESC' };
}

async function rebuildScan(t: TargetInfo): Promise<RelNode> {
  return scanNode(t.scan!.spec);
}

function useIndexOrder(scan: { spec: ScanSpec; setSpec(s: ScanSpec): void }, keys: SortKey[], exprs: CExpr[]): boolean {
  const spec = scan.spec;
  const pk = spec.desc.primaryIndex;
  if (spec.indexPos !== 0 || keys.length > pk.columnIds.length) return false;
  const allDesc = keys.every((k, i) => k.desc !== (pk.directions[i] === 'desc'));
  const allAsc = keys.every((k, i) => k.desc === (pk.directions[i] === 'desc'));
  if (!allAsc && !allDesc) return false;
  for (let i = 0; i < keys.length; i++) {
    const colIdx = spec.desc.columns.findIndex((c) => c.id === pk.columnIds[i]);
    const e = exprs[keys[i]!.index]!;
    if (e.text !== spec.desc.columns[colIdx]!.name) return false;
  }
  scan.setSpec({ ...spec, reverse: allDesc });
  return true;
}

async function orderColumn(
  o: OrderItem, exprs: CExpr[], outCols: OutCol[], targets: TargetInfo | null, scope: Scope, ctx: PlanCtx, state: { correlated: boolean },
): Promise<number> {
  const e = o.expr;
  if (e.kind === 'num' && e.numKind === 'int') {
    const i = Number(e.text) - 1;
    if (i < 0 || i >= outCols.length) throw new BurrowError('42P10', `ORDER BY position ${e.text} is not in select list`);
    return i;
  }
  if (e.kind === 'colRef' && !e.table) {
    const matches = outCols.map((c, i) => (c.name === e.column ? i : -1)).filter((i) => i >= 0);
    if (matches.length === 1) return matches[0]!;
  }
  const text = formatExpr(e);
  const same = targets?.clause.targets.findIndex((t) => formatExpr(t.expr) === text) ?? -1;
  if (same >= 0 && same < exprs.length) return same;
  const env0 = targets ? targets.mkEnv('ORDER BY') : env(ctx, scope, 'ORDER BY', () => (state.correlated = true));
  const x = await compileExpr(e, env0);
  exprs.push(x);
  outCols.push({ name: x.text, type: x.type, table: null, hidden: true });
  return exprs.length - 1;
}
