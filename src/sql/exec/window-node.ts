// Owns window function evaluation: all input rows are buffered (bounded),
// and for each window call rows are partitioned, sorted by the window's
// ORDER BY, framed, and handed to the builtin's evaluator; results are
// appended to each row as extra columns, in input order.

import { defaultFrames, peerEndsFromKeys, rowsFrames, type ResolvedWindow, type WindowFrameBounds } from '../builtins/window.js';
import { rowKey, type Datum, type Row } from '../types/datum.js';
import { batchRows, evalExpr, type CExpr, type OutCol, type RelNode } from '../plan/types.js';
import { bufferAll, rowComparator, type SortKey } from './sort-nodes.js';

export interface WindowSpecC {
  fn: ResolvedWindow;
  args: CExpr[];
  partition: CExpr[];
  order: { expr: CExpr; desc: boolean; nullsLast: boolean }[];
  /** ROWS frame offsets (negative = preceding; null = unbounded); null for the default frame. */
  rows: { start: number | null; end: number | null } | null;
  text: string;
}

export function windowNode(input: RelNode, specs: WindowSpecC[], cols: OutCol[]): RelNode {
  return {
    cols,
    explain: () => ({ name: 'window', details: specs.map((s) => `window: ${s.text}`), children: [input.explain()] }),
    async *run(ctx) {
      const rows = await bufferAll(input, ctx, 'window');
      const results: Datum[][] = specs.map(() => new Array(rows.length));
      for (let s = 0; s < specs.length; s++) {
        const spec = specs[s]!;
        // Per row: partition values, order values, args.
        const width = spec.partition.length + spec.order.length;
        const ext: Row[] = [];
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const v: Row = new Array(width + 1);
          for (let j = 0; j < spec.partition.length; j++) v[j] = await evalExpr(spec.partition[j]!, r, ctx);
          for (let j = 0; j < spec.order.length; j++) v[spec.partition.length + j] = await evalExpr(spec.order[j]!.expr, r, ctx);
          v[width] = BigInt(i);
          ext.push(v);
        }
        const args: Datum[][] = [];
        for (const r of rows) {
          const a: Datum[] = [];
          for (const e of spec.args) a.push(await evalExpr(e, r, ctx));
          args.push(a);
        }
        const partTypes = spec.partition.map((p) => p.type);
        const parts = new Map<string, number[]>();
        ext.forEach((v, i) => {
          const k = rowKey(v.slice(0, spec.partition.length), partTypes);
          const list = parts.get(k);
          if (list) list.push(i);
          else parts.set(k, [i]);
        });
        const keys: SortKey[] = spec.order.map((o, j) => ({ index: spec.partition.length + j, type: o.expr.type, desc: o.desc, nullsLast: o.nullsLast }));
        const cmp = rowComparator(keys);
        const orderTypes = spec.order.map((o) => o.expr.type);
        for (const idx of parts.values()) {
          idx.sort((a, b) => cmp(ext[a]!, ext[b]!) || a - b);
          const peerEnds = spec.order.length
            ? peerEndsFromKeys(idx.map((i) => rowKey(ext[i]!.slice(spec.partition.length, width), orderTypes)))
            : idx.map(() => idx.length);
          const frames: WindowFrameBounds[] = spec.rows ? rowsFrames(idx.length, spec.rows.start, spec.rows.end) : defaultFrames(peerEnds);
          const out = spec.fn.create(ctx.evalCtx).evaluate({ rowCount: idx.length, args: (i) => args[idx[i]!]!, peerEnds, frames });
          idx.forEach((rowIdx, i) => (results[s]![rowIdx] = out[i]!));
        }
      }
      let batch: Row[] = [];
      for (let i = 0; i < rows.length; i++) {
        batch.push([...rows[i]!, ...results.map((r) => r[i]!)]);
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
