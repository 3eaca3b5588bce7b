// Owns the operators that must see all their input before emitting: sort,
// DISTINCT (hashing), and top-k (sort with a limit). Memory they hold is
// counted and bounded (maxOperatorMemoryBytes): past it the query fails with
// 53200 rather than exhausting the process.

import { BurrowError } from '../../util/errors.js';
import { maxOperatorMemoryBytes } from '../../util/limits.js';
import { compareDatums, datumSizeBytes, rowKey, type Datum, type Row } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { batchRows, type RelNode } from '../plan/types.js';

export interface SortKey {
  index: number;
  type: SqlType;
  desc: boolean;
  /** NULLs sort first unless nullsLast (CockroachDB: NULLs first ascending, last descending). */
  nullsLast: boolean;
}

export function memoryError(what: string): BurrowError {
  return new BurrowError('53200', `${what}: memory budget exceeded: more than ${maxOperatorMemoryBytes} bytes`, {
    hint: 'Add a LIMIT, filter more rows out, or use an index that provides the order.',
  });
}

export function rowSizeBytes(r: Row): number {
  let n = 16;
  for (const d of r) n += datumSizeBytes(d);
  return n;
}

/** All rows of a node, failing with 53200 past the operator memory bound. */
export async function bufferAll(node: RelNode, ctx: import('../plan/types.js').ExecCtx, what: string): Promise<Row[]> {
  const rows: Row[] = [];
  let bytes = 0;
  for await (const batch of node.run(ctx)) {
    for (const r of batch) {
      rows.push(r);
      bytes += rowSizeBytes(r);
    }
    if (bytes > maxOperatorMemoryBytes) throw memoryError(what);
  }
  return rows;
}

export function rowComparator(keys: SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of keys) {
      const x: Datum = a[k.index]!;
      const y: Datum = b[k.index]!;
      let c: number;
      if (x === null || y === null) {
        if (x === y) continue;
        c = x === null ? -1 : 1;
        if (k.nullsLast) c = -c;
        if (k.desc) c = -c;
        return c;
      }
      c = compareDatums(x, y, k.type);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

export function sortNode(input: RelNode, keys: SortKey[], limitHint?: number): RelNode {
  const cmp = rowComparator(keys);
  return {
    cols: input.cols,
    explain: () => ({
      name: 'sort',
      details: [`order: ${keys.map((k) => `${k.desc ? '-' : '+'}${input.cols[k.index]!.name}`).join(',')}`],
      children: [input.explain()],
    }),
    async *run(ctx) {
      const rows: Row[] = [];
      let bytes = 0;
      for await (const batch of input.run(ctx)) {
        for (const r of batch) {
          rows.push(r);
          bytes += rowSizeBytes(r);
        }
        if (bytes > maxOperatorMemoryBytes) throw memoryError('sort');
        if (limitHint !== undefined && rows.length > limitHint * 4 + 1024) {
          rows.sort(cmp);
          rows.length = limitHint;
          bytes = rows.reduce((n, r) => n + rowSizeBytes(r), 0);
        }
      }
      rows.sort(cmp);
      const n = limitHint === undefined ? rows.length : Math.min(rows.length, limitHint);
      for (let i = 0; i < n; i += batchRows) yield rows.slice(i, Math.min(n, i + batchRows));
    },
  };
}

/** DISTINCT over all columns, or over `on` column indexes (DISTINCT ON keeps the first row per key). */
export function distinctNode(input: RelNode, on?: number[]): RelNode {
  const types = input.cols.map((c) => c.type);
  return {
    cols: input.cols,
    explain: () => ({ name: 'distinct', details: [`distinct on: ${(on ?? types.map((_, i) => i)).map((i) => input.cols[i]!.name).join(', ')}`], children: [input.explain()] }),
    async *run(ctx) {
      const seen = new Set<string>();
      let bytes = 0;
      for await (const batch of input.run(ctx)) {
        const out: Row[] = [];
        for (const r of batch) {
          const key = on ? rowKey(on.map((i) => r[i]!), on.map((i) => types[i]!)) : rowKey(r, types);
          if (seen.has(key)) continue;
          seen.add(key);
          bytes += key.length * 2 + 48;
          out.push(r);
        }
        if (bytes > maxOperatorMemoryBytes) throw memoryError('distinct');
        if (out.length > 0) yield out;
      }
    },
  };
}
