// Owns the simple relational operators: VALUES, filter, project, limit and
// offset, and a node over precomputed rows. Each streams batches and never
// emits an empty batch.

import type { Row } from '../types/datum.js';
import { batchRows, evalExpr, type CExpr, type ExecCtx, type ExplainNode, type OutCol, type RelNode } from '../plan/types.js';

export function valuesNode(cols: OutCol[], rows: CExpr[][]): RelNode {
  return {
    cols,
    explain: () => ({ name: 'values', details: [`size: ${cols.length} column${cols.length === 1 ? '' : 's'}, ${rows.length} row${rows.length === 1 ? '' : 's'}`], children: [] }),
    async *run(ctx) {
      let batch: Row[] = [];
      for (const exprs of rows) {
        const row: Row = new Array(exprs.length);
        for (let i = 0; i < exprs.length; i++) row[i] = await evalExpr(exprs[i]!, [], ctx);
        batch.push(row);
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}

export function rowsNode(cols: OutCol[], rows: Row[], name = 'values'): RelNode {
  return {
    cols,
    explain: () => ({ name, details: [`${rows.length} rows`], children: [] }),
    async *run() {
      for (let i = 0; i < rows.length; i += batchRows) yield rows.slice(i, i + batchRows);
    },
  };
}

export function filterNode(input: RelNode, pred: CExpr): RelNode {
  return {
    cols: input.cols,
    explain: () => ({ name: 'filter', details: [`filter: ${pred.text}`], children: [input.explain()] }),
    async *run(ctx) {
      const f = pred.eval;
      for await (const batch of input.run(ctx)) {
        const out: Row[] = [];
        if (f) {
          for (const r of batch) if (f(r, ctx) === true) out.push(r);
        } else {
          for (const r of batch) if ((await pred.evalAsync(r, ctx)) === true) out.push(r);
        }
        if (out.length > 0) yield out;
      }
    },
  };
}

export function projectNode(input: RelNode, exprs: CExpr[], cols: OutCol[]): RelNode {
  const allSync = exprs.every((e) => e.eval);
  const fns = exprs.map((e) => e.eval!);
  // A projection that only picks columns is a cheap re-index.
  return {
    cols,
    explain: () => ({ name: 'render', details: exprs.map((e, i) => `${cols[i]!.name}: ${e.text}`), children: [input.explain()] }),
    async *run(ctx) {
      for await (const batch of input.run(ctx)) {
        const out: Row[] = new Array(batch.length);
        for (let j = 0; j < batch.length; j++) {
          const r = batch[j]!;
          const row: Row = new Array(exprs.length);
          if (allSync) for (let i = 0; i < fns.length; i++) row[i] = fns[i]!(r, ctx);
          else for (let i = 0; i < exprs.length; i++) row[i] = await evalExpr(exprs[i]!, r, ctx);
          out[j] = row;
        }
        yield out;
      }
    },
  };
}

export function limitNode(input: RelNode, limit: CExpr | null, offset: CExpr | null): RelNode {
  return {
    cols: input.cols,
    explain: () => ({ name: 'limit', details: [...(limit ? [`count: ${limit.text}`] : []), ...(offset ? [`offset: ${offset.text}`] : [])], children: [input.explain()] }),
    async *run(ctx) {
      const lim = limit ? await evalExpr(limit, [], ctx) : null;
      const off = offset ? await evalExpr(offset, [], ctx) : null;
      let left = lim === null ? Infinity : Number(lim as bigint);
      let skip = off === null ? 0 : Number(off as bigint);
      if (left < 0 || skip < 0) {
        const { BurrowError } = await import('../../util/errors.js');
        throw new BurrowError('2201W', `negative ${left < 0 ? 'LIMIT' : 'OFFSET'}`);
      }
      if (left === 0) return;
      for await (const batch of input.run(ctx)) {
        let b = batch;
        if (skip > 0) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          b = b.slice(skip);
          skip = 0;
        }
        if (b.length >= left) {
          yield b.slice(0, left);
          return;
        }
        left -= b.length;
        yield b;
      }
    },
  };
}

export function explainOf(name: string, details: string[], children: RelNode[]): ExplainNode {
  return { name, details, children: children.map((c) => c.explain()) };
}

export async function collectRows(node: RelNode, ctx: ExecCtx, limitRows = Infinity): Promise<Row[]> {
  const out: Row[] = [];
  for await (const batch of node.run(ctx)) {
    for (const r of batch) {
      out.push(r);
      if (out.length >= limitRows) return out;
    }
  }
  return out;
}
