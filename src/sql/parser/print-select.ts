// Owns the printing of SELECT statements and the clauses DML shares with
// them: WITH, set operations, SELECT clauses, VALUES, FROM sources and
// joins, index hints, aliases, ORDER BY / LIMIT / OFFSET and locking.
// Invariants: set operands and join operands are parenthesized exactly when
// the parser would otherwise group them differently; a nested
// SelectStatement body is always printed in parentheses.

import type {
  AliasClause, IndexHint, LockingItem, SelectBody, SelectClause, SelectStatement, SelectTarget, TableSource,
  WithClause,
} from './ast.js';
import { formatExpr, formatExprList, formatFuncCall, formatOrderBy, formatWindowSpec } from './print-expr.js';
import { formatName, formatNameList, formatObjectName, formatUnrestrictedName } from './print-names.js';
import { formatStatement } from './printer.js';

export function formatSelect(s: SelectStatement): string {
  let out = formatWith(s.with) + formatBody(s.body);
  if (s.orderBy.length > 0) out += ` ORDER BY ${formatOrderBy(s.orderBy)}`;
  if (s.limit !== null) out += ` LIMIT ${formatExpr(s.limit)}`;
  if (s.offset !== null) out += ` OFFSET ${formatExpr(s.offset)}`;
  for (const l of s.locking) out += ` ${formatLocking(l)}`;
  return out;
}

/** `WITH ... ` including the trailing space, or ''. */
export function formatWith(w: WithClause | null): string {
  if (w === null) return '';
  const ctes = w.ctes.map((c) => {
    const cols = c.columns.length > 0 ? ` (${formatNameList(c.columns)})` : '';
    const mat = c.materialized === null ? '' : c.materialized ? 'MATERIALIZED ' : 'NOT MATERIALIZED ';
    return `${formatName(c.name)}${cols} AS ${mat}(${formatStatement(c.statement)})`;
  });
  return `WITH ${w.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')} `;
}

function setOpLevel(b: SelectBody): number {
  if (b.kind !== 'setOp') return 3;
  return b.op === 'INTERSECT' ? 2 : 1;
}

export function formatBody(b: SelectBody): string {
  switch (b.kind) {
    case 'selectClause': return formatSelectClause(b);
    case 'values': return `VALUES ${b.rows.map((r) => `(${formatExprList(r)})`).join(', ')}`;
    case 'select': return `(${formatSelect(b)})`;
    case 'setOp': {
      const level = setOpLevel(b);
      const left = setOpLevel(b.left) < level ? `(${formatBody(b.left)})` : formatBody(b.left);
      const right = setOpLevel(b.right) <= level ? `(${formatBody(b.right)})` : formatBody(b.right);
      return `${left} ${b.op}${b.all ? ' ALL' : ''} ${right}`;
    }
  }
}

function formatSelectClause(c: SelectClause): string {
  let out = 'SELECT';
  if (c.distinctOn !== null) out += ` DISTINCT ON (${formatExprList(c.distinctOn)})`;
  else if (c.distinct) out += ' DISTINCT';
  if (c.targets.length > 0) out += ` ${formatTargets(c.targets)}`;
  if (c.from.length > 0) out += ` FROM ${formatFrom(c.from)}`;
  if (c.asOf !== null) out += ` AS OF SYSTEM TIME ${formatExpr(c.asOf)}`;
  if (c.where !== null) out += ` WHERE ${formatExpr(c.where)}`;
  if (c.groupBy.length > 0) out += ` GROUP BY ${formatExprList(c.groupBy)}`;
  if (c.having !== null) out += ` HAVING ${formatExpr(c.having)}`;
  if (c.windows.length > 0) {
    out += ` WINDOW ${c.windows.map((w) => `${formatName(w.name)} AS ${formatWindowSpec(w.spec)}`).join(', ')}`;
  }
  return out;
}

export function formatTargets(targets: SelectTarget[]): string {
  return targets
    .map((t) => (t.alias === null ? formatExpr(t.expr) : `${formatExpr(t.expr)} AS ${formatUnrestrictedName(t.alias)}`))
    .join(', ');
}

export function formatFrom(sources: TableSource[]): string {
  return sources.map(formatTableSource).join(', ');
}

export function formatTableSource(t: TableSource): string {
  switch (t.kind) {
    case 'tableName': {
      const hint = t.indexHint === null ? '' : formatIndexHint(t.indexHint);
      return `${formatObjectName(t.name)}${hint}${formatAlias(t.alias)}`;
    }
    case 'derived': return `${t.lateral ? 'LATERAL ' : ''}(${formatSelect(t.select)})${formatAlias(t.alias)}`;
    case 'funcSource': {
      const ord = t.ordinality ? ' WITH ORDINALITY' : '';
      return `${t.lateral ? 'LATERAL ' : ''}${formatFuncCall(t.func)}${ord}${formatAlias(t.alias)}`;
    }
    case 'statementSource': return `[${formatStatement(t.statement)}]${formatAlias(t.alias)}`;
    case 'join': return formatJoin(t);
  }
}

function formatJoin(j: TableSource & { kind: 'join' }): string {
  const right = j.right.kind === 'join' ? `(${formatTableSource(j.right)})` : formatTableSource(j.right);
  let op: string;
  if (j.joinType === 'CROSS') op = 'CROSS JOIN';
  else {
    const type = j.joinType === 'INNER' ? (j.hint !== null ? 'INNER ' : '') : `${j.joinType} `;
    op = `${j.natural ? 'NATURAL ' : ''}${type}${j.hint !== null ? `${j.hint} ` : ''}JOIN`;
  }
  let out = `${formatTableSource(j.left)} ${op} ${right}`;
  if (j.on !== null) out += ` ON ${formatExpr(j.on)}`;
  if (j.using !== null) out += ` USING (${formatNameList(j.using)})`;
  return out;
}

export function formatIndexHint(h: IndexHint): string {
  if (h.direction === null && h.flags.length === 0 && h.index !== null) return `@${formatUnrestrictedName(h.index)}`;
  const parts: string[] = [];
  if (h.index !== null) parts.push(`FORCE_INDEX=${formatUnrestrictedName(h.index)}`);
  if (h.direction !== null) parts.push(h.direction);
  parts.push(...h.flags);
  return `@{${parts.join(',')}}`;
}

export function formatAlias(a: AliasClause | null): string {
  if (a === null) return '';
  const cols = a.columns.length > 0 ? ` (${formatNameList(a.columns)})` : '';
  return ` AS ${formatName(a.name)}${cols}`;
}

function formatLocking(l: LockingItem): string {
  let out = `FOR ${l.strength}`;
  if (l.tables.length > 0) out += ` OF ${l.tables.map(formatObjectName).join(', ')}`;
  if (l.wait !== null) out += ` ${l.wait}`;
  return out;
}
