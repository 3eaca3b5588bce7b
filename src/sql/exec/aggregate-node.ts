// Owns hash aggregation: input rows are grouped by the values of group
// expressions (already computed into input columns) and each group feeds
// one accumulator per aggregate. Output row = group values then aggregate
// results. With no GROUP BY, exactly one row comes out even for no input.
//
// Batch path: without GROUP BY, over a table scan that offers a column visit
// (scan-node.ts), when every aggregate is count(*) or reads plain columns
// (no DISTINCT, no FILTER), rows are not built: each aggregate reads its
// columns from the row's value bytes. DECIMAL sum/avg take finite values
// with coefficients below 2^53 as numbers (Accumulator.addDecimalParts),
// everything else is decoded to datums and added as usual.

import { maxOperatorMemoryBytes } from '../../util/limits.js';
import type { Accumulator, ResolvedAggregate } from '../builtins/aggregates.js';
import { withDistinct } from '../builtins/aggregates.js';
import { rowKey, type Datum, type Row } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { batchRows, evalExpr, type CExpr, type ExecCtx, type OutCol, type RelNode } from '../plan/types.js';
import { decodeValueDatum, readDecimalParts, type DecimalParts, type ValueReader } from '../rowenc/value-codec.js';
import { memoryError } from './sort-nodes.js';
import type { ColumnScan, ColumnVisitor } from './scan-node.js';

export interface AggSpec {
  agg: ResolvedAggregate;
  args: CExpr[];
  argTypes: SqlType[];
  distinct: boolean;
  filter: CExpr | null;
  text: string;
}

interface Group {
  values: Datum[];
  accs: Accumulator[];
}

type BatchPlan = { ords: number[]; run: (ctx: ExecCtx, visit: ColumnVisitor) => Promise<void> } | null;

/** The columns the batch path reads and the scan's visit, or null when the batch path does not apply. */
function batchPlan(input: RelNode, groupExprs: CExpr[], aggs: AggSpec[]): BatchPlan {
  const cs = (input as Partial<ColumnScan>).columnVisitor;
  if (groupExprs.length > 0 || !cs) return null;
  const ords: number[] = [];
  for (const a of aggs) {
    if (a.distinct || a.filter) return null;
    for (const e of a.args) {
      const i = e.colIndex;
      if (i === undefined || !e.eval || input.cols[i]?.type.family !== e.type.family) return null;
      if (!ords.includes(i)) ords.push(i);
    }
  }
  const run = cs.call(input, ords);
  return run ? { ords, run } : null;
}

/** Per row of a column visit: feeds one aggregate from the row's bytes. */
function batchAdder(spec: AggSpec, acc: Accumulator, ords: number[], input: RelNode): ColumnVisitor {
  const slots = spec.args.map((e) => ords.indexOf(e.colIndex!));
  const types = spec.args.map((e) => input.cols[e.colIndex!]!.type);
  const args: Datum[] = new Array(slots.length);
  const rd: ValueReader = { buf: Buffer.alloc(0), offset: 0 };
  const decodeArgs = (buf: Buffer, pos: Int32Array): void => {
    for (let i = 0; i < slots.length; i++) {
      const p = pos[slots[i]!]!;
      if (p < 0) args[i] = null;
      else {
        rd.buf = buf;
        rd.offset = p;
        args[i] = decodeValueDatum(rd, types[i]!);
      }
    }
  };
  const addParts = acc.addDecimalParts;
  if (addParts && slots.length === 1 && types[0]!.family === 'decimal') {
    const slot = slots[0]!;
    const parts: DecimalParts = { coef: 0, exp: 0 };
    return (buf, pos) => {
      const p = pos[slot]!;
      if (p >= 0 && readDecimalParts(buf, p, parts)) addParts(parts.coef, parts.exp);
      else {
        decodeArgs(buf, pos);
        acc.add(args);
      }
    };
  }
  return (buf, pos) => {
    decodeArgs(buf, pos);
    acc.add(args);
  };
}

export function aggregateNode(input: RelNode, groupExprs: CExpr[], aggs: AggSpec[], cols: OutCol[], scalar: boolean): RelNode {
  let batch: BatchPlan | undefined;
  const groupTypes = groupExprs.map((g) => g.type);
  const newGroup = (values: Datum[], ctx: ExecCtx): Group => ({
    values,
    accs: aggs.map((a) => (a.distinct ? withDistinct(a.agg.create(ctx.evalCtx), a.argTypes) : a.agg.create(ctx.evalCtx))),
  });
  return {
    cols,
    explain: () => ({
      name: 'group',
      details: [
        ...(groupExprs.length ? [`group by: ${groupExprs.map((g) => g.text).join(', ')}`] : []),
        ...aggs.map((a) => `aggregate: ${a.text}`),
        ...(scalar ? ['scalar'] : []),
      ],
      children: [input.explain()],
    }),
    async *run(ctx) {
      if (batch === undefined) batch = batchPlan(input, groupExprs, aggs);
      if (batch) {
        const g = newGroup([], ctx);
        const adders = aggs.map((a, i) => batchAdder(a, g.accs[i]!, batch!.ords, input));
        const visit: ColumnVisitor = adders.length === 1
          ? adders[0]!
          : (buf, pos) => {
            for (let i = 0; i < adders.length; i++) adders[i]!(buf, pos);
          };
        await batch.run(ctx, visit);
        yield [[...g.accs.map((a) => a.result())]];
        return;
      }
      const groups = new Map<string, Group>();
      const single = groupExprs.length === 0 ? newGroup([], ctx) : null;
      const gvals: Datum[] = new Array(groupExprs.length);
      const args: Datum[][] = aggs.map((a) => new Array(a.args.length));
      let bytes = 0;
      for await (const batch of input.run(ctx)) {
        for (const r of batch) {
          let g = single;
          if (!g) {
            for (let i = 0; i < groupExprs.length; i++) gvals[i] = await evalExpr(groupExprs[i]!, r, ctx);
            const key = rowKey(gvals, groupTypes);
            g = groups.get(key) ?? null;
            if (!g) {
              g = newGroup(gvals.slice(), ctx);
              groups.set(key, g);
              bytes += key.length * 2 + 64 * (aggs.length + 1);
              if (bytes > maxOperatorMemoryBytes) throw memoryError('aggregation');
            }
          }
          for (let a = 0; a < aggs.length; a++) {
            const spec = aggs[a]!;
            if (spec.filter && (await evalExpr(spec.filter, r, ctx)) !== true) continue;
            const av = args[a]!;
            for (let i = 0; i < spec.args.length; i++) {
              const e = spec.args[i]!;
              av[i] = e.eval ? e.eval(r, ctx) : await e.evalAsync(r, ctx);
            }
            g.accs[a]!.add(av);
          }
        }
      }
      const all = single ? [single] : [...groups.values()];
      if (!single && all.length === 0 && scalar) all.push(newGroup(groupExprs.map(() => null), ctx));
      let out: Row[] = [];
      for (const g of all) {
        out.push([...g.values, ...g.accs.map((a) => a.result())]);
        if (out.length >= batchRows) {
          yield out;
          out = [];
        }
      }
      if (out.length > 0) yield out;
    },
  };
}
