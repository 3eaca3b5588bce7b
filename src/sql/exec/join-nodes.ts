// Owns joins. A hash join builds a table on the right input keyed by the
// equality columns and probes it with left rows; other joins use a nested
// loop over the buffered right input. Both handle INNER, LEFT, RIGHT, FULL
// and CROSS, with an optional residual ON condition over the combined row.
// NULL keys never match. The buffered side is bounded in memory.

import { rowKey, type Datum, type Row } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { batchRows, type CExpr, type ExecCtx, type RelNode } from '../plan/types.js';
import { bufferAll } from './sort-nodes.js';

export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'SEMI' | 'ANTI';

export interface JoinSpec {
  kind: JoinKind;
  leftKeys: number[];
  rightKeys: number[];
  keyTypes: SqlType[];
  /** Over the concatenated row (left cols then right cols). */
  on: CExpr | null;
}

async function passes(on: CExpr | null, row: Row, ctx: ExecCtx): Promise<boolean> {
  if (!on) return true;
  return (on.eval ? on.eval(row, ctx) : await on.evalAsync(row, ctx)) === true;
}

export function joinNode(left: RelNode, right: RelNode, spec: JoinSpec): RelNode {
  const semi = spec.kind === 'SEMI' || spec.kind === 'ANTI';
  const cols = semi ? left.cols : [...left.cols, ...right.cols];
  const nullsLeft: Datum[] = left.cols.map(() => null);
  const nullsRight: Datum[] = right.cols.map(() => null);
  const hashed = spec.leftKeys.length > 0;
  return {
    cols,
    explain: () => ({
      name: hashed ? 'hash join' : 'cross join',
      details: [
        `type: ${spec.kind.toLowerCase()}`,
        ...(hashed ? [`equality: (${spec.leftKeys.map((i) => left.cols[i]!.name).join(', ')}) = (${spec.rightKeys.map((i) => right.cols[i]!.name).join(', ')})`] : []),
        ...(spec.on ? [`pred: ${spec.on.text}`] : []),
      ],
      children: [left.explain(), right.explain()],
    }),
    async *run(ctx) {
      const rightRows = await bufferAll(right, ctx, 'join');
      const matched = spec.kind === 'RIGHT' || spec.kind === 'FULL' ? new Uint8Array(rightRows.length) : null;
      let table: Map<string, number[]> | null = null;
      if (hashed) {
        table = new Map();
        rightRows.forEach((r, i) => {
          const k = spec.rightKeys.map((j) => r[j]!);
          if (k.some((d) => d === null)) return;
          const key = rowKey(k, spec.keyTypes);
          const list = table!.get(key);
          if (list) list.push(i);
          else table!.set(key, [i]);
        });
      }
      let out: Row[] = [];
      const all = rightRows.map((_, i) => i);
      for await (const batch of left.run(ctx)) {
        for (const l of batch) {
          let candidates: number[];
          if (table) {
            const k = spec.leftKeys.map((j) => l[j]!);
            candidates = k.some((d) => d === null) ? [] : table.get(rowKey(k, spec.keyTypes)) ?? [];
          } else candidates = all;
          let any = false;
          for (const i of candidates) {
            const combined = [...l, ...rightRows[i]!];
            if (!(await passes(spec.on, combined, ctx))) continue;
            any = true;
            if (semi) break;
            if (matched) matched[i] = 1;
            out.push(combined);
          }
          if (spec.kind === 'SEMI' && any) out.push(l);
          if (spec.kind === 'ANTI' && !any) out.push(l);
          if (!any && (spec.kind === 'LEFT' || spec.kind === 'FULL')) out.push([...l, ...nullsRight]);
          if (out.length >= batchRows) {
            yield out;
            out = [];
          }
        }
      }
      if (matched) {
        for (let i = 0; i < rightRows.length; i++) {
          if (matched[i]) continue;
          out.push([...nullsLeft, ...rightRows[i]!]);
          if (out.length >= batchRows) {
            yield out;
            out = [];
          }
        }
      }
      if (out.length > 0) yield out;
    },
  };
}

/** UNION / INTERSECT / EXCEPT, with or without ALL, over rows of the same shape. */
export function setOpNode(left: RelNode, right: RelNode, op: 'UNION' | 'INTERSECT' | 'EXCEPT', all: boolean): RelNode {
  const types = left.cols.map((c) => c.type);
  return {
    cols: left.cols,
    explain: () => ({ name: `${op.toLowerCase()}${all ? ' all' : ''}`, details: [], children: [left.explain(), right.explain()] }),
    async *run(ctx) {
      if (op === 'UNION') {
        const seen = all ? null : new Set<string>();
        for (const side of [left, right]) {
          for await (const batch of side.run(ctx)) {
            const out = seen ? batch.filter((r) => {
              const k = rowKey(r, types);
              if (seen.has(k)) return false;
              seen.add(k);
              return true;
            }) : batch;
            if (out.length > 0) yield out;
          }
        }
        return;
      }
      const counts = new Map<string, number>();
      for (const r of await bufferAll(right, ctx, 'join')) {
        const k = rowKey(r, types);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const emitted = new Set<string>();
      for await (const batch of left.run(ctx)) {
        const out: Row[] = [];
        for (const r of batch) {
          const k = rowKey(r, types);
          const n = counts.get(k) ?? 0;
          if (op === 'INTERSECT') {
            if (n === 0) continue;
            if (all) counts.set(k, n - 1);
            else if (emitted.has(k)) continue;
            else emitted.add(k);
            out.push(r);
          } else {
            if (all) {
              if (n > 0) {
                counts.set(k, n - 1);
                continue;
              }
              out.push(r);
            } else {
              if (n > 0 || emitted.has(k)) continue;
              emitted.add(k);
              out.push(r);
            }
          }
        }
        if (out.length > 0) yield out;
      }
    },
  };
}
