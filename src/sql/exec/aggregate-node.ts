// Owns hash aggregation: input rows are grouped by the values of group
// expressions (already computed into input columns) and each group feeds
// one accumulator per aggregate. Output row = group values then aggregate
// results. With no GROUP BY, exactly one row comes out even for no input.

import { maxOperatorMemoryBytes } from '../../util/limits.js';
import type { Accumulator, ResolvedAggregate } from '../builtins/aggregates.js';
import { withDistinct } from '../builtins/aggregates.js';
import { rowKey, type Datum, type Row } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { batchRows, evalExpr, type CExpr, type ExecCtx, type OutCol, type RelNode } from '../plan/types.js';
import { memoryError } from './sort-nodes.js';

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

export function aggregateNode(input: RelNode, groupExprs: CExpr[], aggs: AggSpec[], cols: OutCol[], scalar: boolean): RelNode {
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
