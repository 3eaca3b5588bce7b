// Owns the printing of expressions, ORDER BY items and window specs.
// Invariants: keywords are upper case; a child expression is wrapped in
// parentheses exactly when its precedence is below what its position
// requires (see precedence.ts), so that parse(print(e)) rebuilds e; a
// leading sign is never printed right after another sign (no `--`).

import type { Expr, FrameBound, FuncCall, OrderItem, WindowFrame, WindowSpec } from './ast.js';
import { colNameFunctions, niladicFunctions } from './keywords.js';
import { binaryPrec, comparePrec, isNonAssocCompare, Prec } from './precedence.js';
import {
  formatBytes, formatFuncName, formatName, formatObjectName, formatString, formatType, formatUnrestrictedName,
} from './print-names.js';
import { formatSelect } from './print-select.js';

const CALLABLE_KEYWORDS = new Set([...colNameFunctions, ...Object.keys(niladicFunctions)]);

/** The precedence level an expression presents to its parent. */
export function exprPrec(e: Expr): number {
  switch (e.kind) {
    case 'or': return Prec.OR;
    case 'and': return Prec.AND;
    case 'not': return Prec.NOT;
    case 'is': case 'isDistinctFrom': return Prec.IS;
    case 'compare': return e.explicitOp ? Prec.OP : comparePrec[e.op];
    case 'like': case 'in': case 'between': return Prec.LIKE;
    case 'quantified': return e.op in comparePrec ? comparePrec[e.op as keyof typeof comparePrec] : Prec.LIKE;
    case 'binary': return e.explicitOp ? Prec.OP : binaryPrec[e.op];
    case 'unary': return Prec.UNARY;
    case 'num': return e.text.startsWith('-') ? Prec.UNARY : Prec.PRIMARY;
    case 'collate': return Prec.COLLATE;
    case 'cast': return e.syntax === '::' ? Prec.CAST : Prec.PRIMARY;
    case 'annotate': return Prec.CAST;
    case 'subscript': return Prec.SUBSCRIPT;
    default: return Prec.PRIMARY;
  }
}

/** Prints e, parenthesized if its level is below minPrec. */
function child(e: Expr, minPrec: number): string {
  const s = formatExpr(e);
  return exprPrec(e) < minPrec ? `(${s})` : s;
}

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'num': return e.text;
    case 'str': return formatString(e.value);
    case 'bytes': return formatBytes(e.hex);
    case 'bool': return e.value ? 'true' : 'false';
    case 'null': return 'NULL';
    case 'default': return 'DEFAULT';
    case 'typedLit': return `${formatType(e.type)} ${formatString(e.value)}`;
    case 'placeholder': return `$${e.index}`;
    case 'colRef': return e.table === null ? formatName(e.column) : `${formatObjectName(e.table)}.${formatName(e.column)}`;
    case 'star': return e.table === null ? '*' : `${formatObjectName(e.table)}.*`;
    case 'and': return `${child(e.left, Prec.AND)} AND ${child(e.right, Prec.AND + 1)}`;
    case 'or': return `${child(e.left, Prec.OR)} OR ${child(e.right, Prec.OR + 1)}`;
    case 'not': return `NOT ${child(e.expr, Prec.NOT)}`;
    case 'unary': return formatUnary(e.op, e.expr);
    case 'binary':
    case 'compare':
      if (e.explicitOp) return `${child(e.left, Prec.OP)} OPERATOR(pg_catalog.${e.op}) ${child(e.right, Prec.OP + 1)}`;
      return formatOperatorExpr(e);
    default: return formatComplexExpr(e);
  }
}

function formatOperatorExpr(e: Expr & { kind: 'binary' | 'compare' }): string {
  switch (e.kind) {
    case 'binary': {
      const p = binaryPrec[e.op];
      return `${child(e.left, p)} ${e.op} ${child(e.right, p + 1)}`;
    }
    case 'compare': {
      const p = comparePrec[e.op];
      const leftMin = isNonAssocCompare(e.op) ? p + 1 : p;
      return `${child(e.left, leftMin)} ${e.op} ${child(e.right, p + 1)}`;
    }
  }
}

function formatUnary(op: string, operand: Expr): string {
  const s = child(operand, Prec.UNARY);
  return s.startsWith('-') || s.startsWith('+') ? `${op}(${s})` : `${op}${s}`;
}

function formatComplexExpr(e: Expr): string {
  switch (e.kind) {
    case 'is': return `${child(e.expr, Prec.IS + 1)} IS ${e.not ? 'NOT ' : ''}${e.test.toUpperCase()}`;
    case 'isDistinctFrom':
      return `${child(e.left, Prec.IS + 1)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${child(e.right, Prec.IS + 1)}`;
    case 'between': {
      const sym = e.symmetric ? 'SYMMETRIC ' : '';
      return `${child(e.expr, Prec.LIKE + 1)} ${e.not ? 'NOT ' : ''}BETWEEN ${sym}${child(e.low, Prec.ESCAPE)} AND ${child(e.high, Prec.ESCAPE)}`;
    }
    case 'in': {
      const rhs = e.subquery !== null ? formatSelect(e.subquery) : (e.list ?? []).map(formatExpr).join(', ');
      return `${child(e.expr, Prec.LIKE + 1)} ${e.not ? 'NOT ' : ''}IN (${rhs})`;
    }
    case 'like': {
      const esc = e.escape === null ? '' : ` ESCAPE ${child(e.escape, Prec.ESCAPE)}`;
      return `${child(e.expr, Prec.LIKE + 1)} ${e.not ? 'NOT ' : ''}${e.op} ${child(e.pattern, Prec.ESCAPE)}${esc}`;
    }
    case 'quantified': return formatQuantified(e);
    case 'exists': return `EXISTS (${formatSelect(e.subquery)})`;
    case 'subquery': return `(${formatSelect(e.select)})`;
    case 'arraySubquery': return `ARRAY (${formatSelect(e.select)})`;
    case 'array': return `ARRAY[${e.elems.map(formatExpr).join(', ')}]`;
    case 'tuple': return `${e.row ? 'ROW' : ''}(${e.elems.map(formatExpr).join(', ')})`;
    case 'case': return formatCase(e);
    case 'cast':
      return e.syntax === '::' ? `${child(e.expr, Prec.CAST)}::${formatType(e.type)}` : `CAST(${formatExpr(e.expr)} AS ${formatType(e.type)})`;
    case 'annotate': return `${child(e.expr, Prec.CAST)}:::${formatType(e.type)}`;
    case 'collate': {
      const name = e.schema === undefined ? formatName(e.collation) : `${formatName(e.schema)}.${formatUnrestrictedName(e.collation)}`;
      return `${child(e.expr, Prec.COLLATE)} COLLATE ${name}`;
    }
    case 'subscript': return formatSubscript(e);
    case 'func': return formatFuncCall(e);
    default: throw new Error(`formatExpr: unexpected kind ${e.kind}`);
  }
}

function formatQuantified(e: Expr & { kind: 'quantified' }): string {
  const p = exprPrec(e);
  let rhs: string;
  if (e.subquery !== null) rhs = `(${formatSelect(e.subquery)})`;
  else if (e.array!.kind === 'array' || e.array!.kind === 'tuple') rhs = formatExpr(e.array!);
  else rhs = `(${formatExpr(e.array!)})`;
  return `${child(e.left, p + 1)} ${e.op} ${e.quantifier} ${rhs}`;
}

function formatCase(e: Expr & { kind: 'case' }): string {
  let out = 'CASE';
  if (e.operand !== null) out += ` ${formatExpr(e.operand)}`;
  for (const w of e.whens) out += ` WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`;
  if (e.else !== null) out += ` ELSE ${formatExpr(e.else)}`;
  return `${out} END`;
}

/** Expressions PostgreSQL allows a subscript directly after, without parentheses. */
const SUBSCRIPTABLE = new Set(['colRef', 'placeholder', 'subscript', 'subquery']);

function formatSubscript(e: Expr & { kind: 'subscript' }): string {
  const base = SUBSCRIPTABLE.has(e.expr.kind) ? formatExpr(e.expr) : `(${formatExpr(e.expr)})`;
  const index = e.index === null ? '' : formatExpr(e.index);
  if (!e.slice) return `${base}[${index}]`;
  return `${base}[${index}:${e.end === null ? '' : formatExpr(e.end)}]`;
}

export function formatFuncCall(f: FuncCall): string {
  let args: string;
  if (f.star) args = '*';
  else args = (f.distinct ? 'DISTINCT ' : '') + f.args.map(formatExpr).join(', ');
  if (f.orderBy.length > 0) args += ` ORDER BY ${formatOrderBy(f.orderBy)}`;
  let out = `${formatFuncName(f.name, CALLABLE_KEYWORDS)}(${args})`;
  if (f.filter !== null) out += ` FILTER (WHERE ${formatExpr(f.filter)})`;
  if (f.over !== null) out += ` OVER ${formatWindowSpec(f.over)}`;
  return out;
}

export function formatOrderBy(items: OrderItem[]): string {
  return items.map(formatOrderItem).join(', ');
}

function formatOrderItem(o: OrderItem): string {
  let out = formatExpr(o.expr);
  if (o.direction !== null) out += ` ${o.direction}`;
  if (o.nulls !== null) out += ` NULLS ${o.nulls}`;
  return out;
}

export function formatWindowSpec(w: WindowSpec): string {
  if (w.bare) return formatName(w.refName!);
  const parts: string[] = [];
  if (w.refName !== null) parts.push(formatName(w.refName));
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(formatExpr).join(', ')}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${formatOrderBy(w.orderBy)}`);
  if (w.frame !== null) parts.push(formatFrame(w.frame));
  return `(${parts.join(' ')})`;
}

function formatFrame(f: WindowFrame): string {
  let out = f.end === null
    ? `${f.mode} ${formatBound(f.start)}`
    : `${f.mode} BETWEEN ${formatBound(f.start)} AND ${formatBound(f.end)}`;
  if (f.exclude !== null) out += ` EXCLUDE ${f.exclude}`;
  return out;
}

function formatBound(b: FrameBound): string {
  switch (b.kind) {
    case 'unboundedPreceding': return 'UNBOUNDED PRECEDING';
    case 'unboundedFollowing': return 'UNBOUNDED FOLLOWING';
    case 'currentRow': return 'CURRENT ROW';
    case 'preceding': return `${child(b.offset, Prec.ESCAPE)} PRECEDING`;
    case 'following': return `${child(b.offset, Prec.ESCAPE)} FOLLOWING`;
  }
}

export function formatExprList(list: Expr[]): string {
  return list.map(formatExpr).join(', ');
}
