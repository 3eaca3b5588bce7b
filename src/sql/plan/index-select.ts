// Owns index selection for a single-table scan: the WHERE clause's
// conjuncts of the form `column op constant` (op in =, <, <=, >, >=, IN,
// BETWEEN; constants include placeholders) constrain index columns; each
// index is scored by how many leading columns are fixed by equality and
// whether the next one has a range; the best index wins (the primary index
// on ties). The full predicate is still applied above the scan, so spans
// only need to be a superset of the matching rows. A scan whose index an
// index hint fixed (`spec.forced`) keeps that index: WHERE may only narrow it.

import type { Expr } from '../parser/ast.js';
import type { IndexDesc } from '../catalog/descriptor.js';
import { keyEncodable } from '../rowenc/key-codec.js';
import type { IndexConstraint, ScanSpec } from '../exec/scan-node.js';
import { compileExpr, type CompileEnv } from './compile-expr.js';
import type { CExpr } from './types.js';

interface ColumnConstraints {
  eq: Expr[][];
  lo: { e: Expr; inclusive: boolean } | null;
  hi: { e: Expr; inclusive: boolean } | null;
}

function splitAnd(e: Expr): Expr[] {
  return e.kind === 'and' ? [...splitAnd(e.left), ...splitAnd(e.right)] : [e];
}

function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'num': case 'str': case 'bool': case 'placeholder': case 'typedLit': case 'bytes':
      return true;
    case 'cast': case 'annotate':
      return isConstant(e.expr);
    case 'unary':
      return isConstant(e.expr);
    default:
      return false;
  }
}

const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=' };

function gather(where: Expr, spec: ScanSpec): Map<string, ColumnConstraints> {
  const out = new Map<string, ColumnConstraints>();
  const get = (col: string): ColumnConstraints => {
    let c = out.get(col);
    if (!c) out.set(col, (c = { eq: [], lo: null, hi: null }));
    return c;
  };
  const colName = (e: Expr): string | null => {
    if (e.kind !== 'colRef') return null;
    if (e.table && e.table.name !== spec.alias) return null;
    return spec.desc.columns.some((c) => c.name === e.column) ? e.column : null;
  };
  for (const conj of splitAnd(where)) {
    if (conj.kind === 'compare' && flip[conj.op]) {
      let col = colName(conj.left);
      let val = conj.right;
      let op = conj.op;
      if (!col || !isConstant(val)) {
        col = colName(conj.right);
        val = conj.left;
        op = flip[conj.op] as typeof op;
        if (!col || !isConstant(val)) continue;
      }
      const c = get(col);
      if (op === '=') c.eq.push([val]);
      else if (op === '>' || op === '>=') c.lo = { e: val, inclusive: op === '>=' };
      else c.hi = { e: val, inclusive: op === '<=' };
    } else if (conj.kind === 'in' && !conj.not && conj.list && conj.list.every(isConstant)) {
      const col = colName(conj.expr);
      if (col && conj.list.length > 0 && conj.list.length <= 1000) get(col).eq.push(conj.list);
    } else if (conj.kind === 'between' && !conj.not && !conj.symmetric && isConstant(conj.low) && isConstant(conj.high)) {
      const col = colName(conj.expr);
      if (!col) continue;
      const c = get(col);
      c.lo = { e: conj.low, inclusive: true };
      c.hi = { e: conj.high, inclusive: true };
    }
  }
  return out;
}

function score(ix: IndexDesc, spec: ScanSpec, cons: Map<string, ColumnConstraints>): [number, boolean] {
  let eq = 0;
  for (const id of ix.columnIds) {
    const col = spec.desc.columns.find((c) => c.id === id)!;
    const c = cons.get(col.name);
    if (c && c.eq.length > 0) {
      eq++;
      continue;
    }
    return [eq, !!c && (c.lo !== null || c.hi !== null)];
  }
  return [eq, false];
}

export async function chooseIndex(spec: ScanSpec, where: Expr, env: CompileEnv): Promise<ScanSpec> {
  const cons = gather(where, spec);
  if (cons.size === 0) return spec;
  const indexes = [spec.desc.primaryIndex, ...spec.desc.indexes];
  let best = -1;
  let bestScore: [number, boolean] = [0, false];
  indexes.forEach((ix, pos) => {
    if (ix.predicate && !spec.forced) return;
    // A hinted index is the only candidate: WHERE may only narrow its spans.
    if (spec.forced && pos !== spec.indexPos) return;
    const s = score(ix, spec, cons);
    const better = s[0] > bestScore[0] || (s[0] === bestScore[0] && s[1] && !bestScore[1]);
    if (better) {
      best = pos;
      bestScore = s;
    }
  });
  if (best === -1) return spec;
  const ix = indexes[best]!;
  const constraint: IndexConstraint = { eq: [], range: null };
  for (let i = 0; i < ix.columnIds.length; i++) {
    const col = spec.desc.columns.find((c) => c.id === ix.columnIds[i])!;
    if (!keyEncodable(col.type)) break;
    const c = cons.get(col.name);
    if (c && c.eq.length > 0) {
      constraint.eq.push(await Promise.all(c.eq[0]!.map((e) => compileConst(e, env, col.type))));
      continue;
    }
    if (c && (c.lo || c.hi)) {
      constraint.range = {
        lo: c.lo ? await compileConst(c.lo.e, env, col.type) : null,
        loInclusive: c.lo?.inclusive ?? true,
        hi: c.hi ? await compileConst(c.hi.e, env, col.type) : null,
        hiInclusive: c.hi?.inclusive ?? true,
      };
    }
    break;
  }
  if (constraint.eq.length === 0 && !constraint.range) return spec;
  return { ...spec, indexPos: best, constraint, covering: best === 0 };
}

async function compileConst(e: Expr, env: CompileEnv, type: import('../types/types.js').SqlType): Promise<CExpr> {
  const { coerce } = await import('./compile-expr.js');
  const x = await compileExpr(e, env, type);
  return coerce(x, type, env);
}
