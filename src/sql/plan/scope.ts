// Owns name resolution for column references: a scope lists the columns a
// query level can see (with their table aliases); an unresolved name is
// looked up in enclosing scopes, which makes the reference correlated.

import { BurrowError } from '../../util/errors.js';
import type { OutCol } from './types.js';

export interface Scope {
  cols: OutCol[];
  parent: Scope | null;
  /** Told about every column resolved in this scope (from this query or its subqueries): scans decode only those. */
  onRef?: (index: number) => void;
}

export interface ResolvedColumn {
  /** 0 = this scope, 1 = the enclosing query, ... */
  depth: number;
  index: number;
  col: OutCol;
}

export function newScope(cols: OutCol[], parent: Scope | null = null): Scope {
  return { cols, parent };
}

function matches(c: OutCol, table: string | null, name: string): boolean {
  return c.name === name && (table === null ? !c.qualifiedOnly : c.table === table);
}

export function resolveColumn(scope: Scope, table: string | null, name: string): ResolvedColumn {
  for (let s: Scope | null = scope, depth = 0; s; s = s.parent, depth++) {
    let found = -1;
    for (let i = 0; i < s.cols.length; i++) {
      if (!matches(s.cols[i]!, table, name)) continue;
      if (found !== -1 && table === null) {
        throw new BurrowError('42702', `column reference "${name}" is ambiguous`);
      }
      if (found === -1) found = i;
    }
    if (found !== -1) {
      s.onRef?.(found);
      return { depth, index: found, col: s.cols[found]! };
    }
  }
  if (table !== null) {
    let known = false;
    for (let s: Scope | null = scope; s && !known; s = s.parent) known = s.cols.some((c) => c.table === table);
    if (!known) throw new BurrowError('42P01', `no data source matches prefix: ${table} in this context`);
  }
  const full = table ? `${table}.${name}` : name;
  throw new BurrowError('42703', `column "${full}" does not exist`);
}

export function tableColumns(scope: Scope, table: string | null): number[] {
  const out: number[] = [];
  scope.cols.forEach((c, i) => {
    if (table === null ? !c.hidden : c.table === table && !c.hidden) out.push(i);
  });
  for (const i of out) scope.onRef?.(i);
  if (table !== null && out.length === 0 && !scope.cols.some((c) => c.table === table)) {
    throw new BurrowError('42P01', `no data source matches pattern: ${table}.*`);
  }
  return out;
}
