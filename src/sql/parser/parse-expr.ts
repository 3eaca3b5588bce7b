// Owns parsing of scalar expressions (a_expr in sql.y) by precedence
// climbing: operators, literals, column references, function calls,
// CASE / CAST / ARRAY / EXISTS / ROW, subqueries and typed literals.
// Function-like special forms live in parse-special-forms.ts and ORDER BY /
// window syntax in parse-window.ts.
// Invariants: precedence and associativity follow precedence.ts; non-
// associative levels (IS, comparison, LIKE/IN/BETWEEN, containment) reject
// chaining such as `a < b < c` with a syntax error at the second operator;
// special SQL forms (EXTRACT, SUBSTRING ... FROM, POSITION ... IN, TRIM,
// OVERLAY, AT TIME ZONE, CURRENT_*) become ordinary function calls exactly
// as CockroachDB rewrites them; a unary minus directly on a numeric literal
// is folded into the literal's text.

import { BurrowError } from '../../util/errors.js';
import type { BinaryOp, CompareOp, Expr, FuncCall, SelectStatement } from './ast.js';
import {
  acceptKw, acceptKws, acceptOp, advance, expectKw, expectOp, fail, isAnyWordToken, isKw, isKws, isOp,
  objectNameFromParts, parseCommaList, parseUnrestrictedName, peek, type Cursor,
} from './cursor.js';
import { colNameFunctions, colNameKeywords, niladicFunctions, reservedKeywords, typeFuncNameKeywords } from './keywords.js';
import {
  funcCall, parseExtract, parseNiladic, parseOverlay, parsePosition, parseSubstring, parseTrim,
} from './parse-special-forms.js';
import { parseOrderItems, parseOver } from './parse-window.js';
import { isBuiltinTypeWord, parseType } from './parse-types.js';
import { binaryPrec, comparePrec, isNonAssocCompare, Prec } from './precedence.js';
import { parseSelectStatement } from './parse-select.js';

const LIKE_WORDS = new Set(['like', 'ilike', 'similar', 'in', 'between']);

export function parseExpr(p: Cursor): Expr {
  return parseExprPrec(p, 0);
}

export function parseExprList(p: Cursor): Expr[] {
  return parseCommaList(p, parseExpr);
}

/** True when tokens from `ahead` (after any opening parens) start a SELECT. */
export function selectAhead(p: Cursor, ahead: number): boolean {
  let k = ahead;
  while (isOp(p, '(', k)) k++;
  const t = peek(p, k);
  return t.kind === 'word' && (t.text === 'select' || t.text === 'values' || t.text === 'with' || t.text === 'table');
}

/**
 * At `(`: tries `( select )`. Returns null (cursor restored) when the
 * parenthesized text is not a complete select, so the caller can parse an
 * expression instead. Errors propagate when no other reading is possible.
 */
export function tryParenSelect(p: Cursor): SelectStatement | null {
  if (!selectAhead(p, 1) || p.failedParenSelect.has(p.i)) return null;
  const save = p.i;
  const direct = !isOp(p, '(', 1);
  try {
    p.i++;
    const select = parseSelectStatement(p);
    expectOp(p, ')');
    return select;
  } catch (err) {
    if (direct || !(err instanceof BurrowError)) throw err;
    p.failedParenSelect.add(save);
    p.i = save;
    return null;
  }
}

/** Parses an expression whose operators all bind at least as tightly as minPrec. */
export function parseExprPrec(p: Cursor, minPrec: number): Expr {
  let left = parsePrefix(p);
  let blocked = -1;
  for (;;) {
    const level = infixLevel(p);
    if (level < minPrec || level === blocked) break;
    left = applyInfix(p, left);
    blocked = isNonAssocLevel(level, left) ? level : -1;
  }
  return left;
}

function isNonAssocLevel(level: number, built: Expr): boolean {
  if ((built.kind === 'compare' || built.kind === 'binary') && built.explicitOp) return false;
  if (built.kind === 'compare') return isNonAssocCompare(built.op);
  return level === Prec.IS || level === Prec.CMP || level === Prec.LIKE || level === Prec.CONTAINS;
}

/** The level of the infix/postfix operator at the cursor, or -1. */
function infixLevel(p: Cursor): number {
  const t = peek(p);
  if (t.kind === 'op') {
    const op = t.text;
    if (op === '::' || op === ':::') return Prec.CAST;
    if (op === '[') return Prec.SUBSCRIPT;
    const cmp = comparePrec[op as CompareOp];
    if (cmp !== undefined) return cmp;
    return binaryPrec[op as BinaryOp] ?? -1;
  }
  if (t.kind !== 'word') return -1;
  return wordInfixLevel(p, t.text);
}

function wordInfixLevel(p: Cursor, w: string): number {
  switch (w) {
    case 'or': return Prec.OR;
    case 'and': return Prec.AND;
    case 'is': case 'isnull': case 'notnull': return Prec.IS;
    case 'like': case 'ilike': case 'similar': case 'in': case 'between': return Prec.LIKE;
    case 'not': {
      const n = peek(p, 1);
      return n.kind === 'word' && LIKE_WORDS.has(n.text) ? Prec.LIKE : -1;
    }
    case 'collate': return Prec.COLLATE;
    case 'at': return isKws(p, 'at', 'time', 'zone') ? Prec.AT : -1;
    case 'operator': return isOp(p, '(', 1) ? Prec.OP : -1;
    default: return -1;
  }
}

function applyInfix(p: Cursor, left: Expr): Expr {
  const t = advance(p);
  if (t.kind === 'op') return applyOpInfix(p, t.text, left);
  switch (t.text) {
    case 'or': return { kind: 'or', left, right: parseExprPrec(p, Prec.OR + 1) };
    case 'and': return { kind: 'and', left, right: parseExprPrec(p, Prec.AND + 1) };
    case 'is': return parseIsTail(p, left);
    case 'isnull': return { kind: 'is', not: false, expr: left, test: 'null' };
    case 'notnull': return { kind: 'is', not: true, expr: left, test: 'null' };
    case 'collate': return parseCollateTail(p, left);
    case 'at': return parseAtTimeZone(p, left);
    case 'operator': return parseExplicitOperatorTail(p, left);
    case 'not': return parseLikeFamily(p, advance(p).text, left, true);
    default: return parseLikeFamily(p, t.text, left, false);
  }
}

function applyOpInfix(p: Cursor, op: string, left: Expr): Expr {
  if (op === '::') return { kind: 'cast', expr: left, type: parseType(p), syntax: '::' };
  if (op === ':::') return { kind: 'annotate', expr: left, type: parseType(p) };
  if (op === '[') return parseSubscriptTail(p, left);
  const cmp = comparePrec[op as CompareOp];
  if (cmp !== undefined) return parseCompareTail(p, op as CompareOp, left, cmp);
  const prec = binaryPrec[op as BinaryOp];
  return { kind: 'binary', op: op as BinaryOp, left, right: parseExprPrec(p, prec + 1) };
}

function parseCompareTail(p: Cursor, op: CompareOp, left: Expr, prec: number): Expr {
  const quantified = parseQuantifiedTail(p, op, left);
  if (quantified !== null) return quantified;
  return { kind: 'compare', op, left, right: parseExprPrec(p, prec + 1) };
}

/** `ANY|SOME|ALL (subquery | expr)` after a comparison or LIKE operator. */
function parseQuantifiedTail(
  p: Cursor, op: CompareOp | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE', left: Expr,
): Expr | null {
  const t = peek(p);
  if (t.kind !== 'word' || (t.text !== 'any' && t.text !== 'some' && t.text !== 'all')) return null;
  p.i++;
  const quantifier = t.text.toUpperCase() as 'ANY' | 'SOME' | 'ALL';
  if (isOp(p, '(')) {
    const select = tryParenSelect(p);
    if (select !== null) return { kind: 'quantified', op, quantifier, left, subquery: select, array: null };
    p.i++;
    const list = parseExprList(p);
    expectOp(p, ')');
    const array: Expr = list.length === 1 ? list[0]! : { kind: 'tuple', elems: list, row: false };
    return { kind: 'quantified', op, quantifier, left, subquery: null, array };
  }
  return { kind: 'quantified', op, quantifier, left, subquery: null, array: parseExprPrec(p, Prec.SUBSCRIPT) };
}

function parseSubscriptTail(p: Cursor, left: Expr): Expr {
  const index = isOp(p, ':') ? null : parseExpr(p);
  if (acceptOp(p, ':')) {
    const end = isOp(p, ']') ? null : parseExpr(p);
    expectOp(p, ']');
    return { kind: 'subscript', expr: left, index, end, slice: true };
  }
  expectOp(p, ']');
  return { kind: 'subscript', expr: left, index, end: null, slice: false };
}

function parseIsTail(p: Cursor, left: Expr): Expr {
  const not = acceptKw(p, 'not');
  const t = advance(p);
  if (t.kind === 'word') {
    switch (t.text) {
      case 'null': return { kind: 'is', not, expr: left, test: 'null' };
      case 'true': return { kind: 'is', not, expr: left, test: 'true' };
      case 'false': return { kind: 'is', not, expr: left, test: 'false' };
      case 'unknown': return { kind: 'is', not, expr: left, test: 'unknown' };
      case 'distinct':
        expectKw(p, 'from');
        return { kind: 'isDistinctFrom', not, left, right: parseExprPrec(p, Prec.IS + 1) };
    }
  }
  p.i--;
  return fail(p);
}

function parseAtTimeZone(p: Cursor, left: Expr): Expr {
  expectKw(p, 'time');
  expectKw(p, 'zone');
  const zone = parseExprPrec(p, Prec.AT + 1);
  return funcCall(['timezone'], [zone, left]);
}

/** `COLLATE name`, `COLLATE "C"`, `COLLATE 'x'` or `COLLATE schema.name` (psql: `pg_catalog.default`). */
function parseCollateTail(p: Cursor, left: Expr): Expr {
  const t = peek(p);
  if (t.kind === 'string') {
    p.i++;
    return { kind: 'collate', expr: left, collation: t.text };
  }
  const first = parseUnrestrictedName(p);
  if (isOp(p, '.') && isAnyWordToken(peek(p, 1))) {
    p.i++;
    return { kind: 'collate', expr: left, collation: parseUnrestrictedName(p), schema: first };
  }
  return { kind: 'collate', expr: left, collation: first };
}

/**
 * After `a OPERATOR`: `(op)` or `(pg_catalog.op)` and the right operand.
 * Only built-in operators exist, so any other schema is an error.
 */
function parseExplicitOperatorTail(p: Cursor, left: Expr): Expr {
  expectOp(p, '(');
  if (isAnyWordToken(peek(p)) && isOp(p, '.', 1)) {
    if (peek(p).text !== 'pg_catalog') fail(p, `operator schema must be pg_catalog`);
    p.i += 2;
  }
  const t = peek(p);
  const op = t.text;
  const isCompare = t.kind === 'op' && comparePrec[op as CompareOp] !== undefined;
  const isBinary = t.kind === 'op' && binaryPrec[op as BinaryOp] !== undefined;
  if (!isCompare && !isBinary) fail(p);
  p.i++;
  expectOp(p, ')');
  if (isCompare) {
    // `a OPERATOR(pg_catalog.=) ANY (...)` is the plain quantified comparison.
    const quantified = parseQuantifiedTail(p, op as CompareOp, left);
    if (quantified !== null) return quantified;
  }
  const right = parseExprPrec(p, Prec.OP + 1);
  return isCompare
    ? { kind: 'compare', op: op as CompareOp, left, right, explicitOp: true }
    : { kind: 'binary', op: op as BinaryOp, left, right, explicitOp: true };
}

/** LIKE, ILIKE, SIMILAR TO, IN, BETWEEN (the keyword already consumed). */
function parseLikeFamily(p: Cursor, word: string, left: Expr, not: boolean): Expr {
  switch (word) {
    case 'in': return parseInTail(p, left, not);
    case 'between': return parseBetweenTail(p, left, not);
    case 'like': return parseLikeTail(p, 'LIKE', left, not);
    case 'ilike': return parseLikeTail(p, 'ILIKE', left, not);
    case 'similar':
      expectKw(p, 'to');
      return parseLikeTail(p, 'SIMILAR TO', left, not);
    default:
      p.i--;
      return fail(p);
  }
}

function parseLikeTail(p: Cursor, op: 'LIKE' | 'ILIKE' | 'SIMILAR TO', left: Expr, not: boolean): Expr {
  if (op !== 'SIMILAR TO') {
    const qop = (not ? `NOT ${op}` : op) as 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE';
    const quantified = parseQuantifiedTail(p, qop, left);
    if (quantified !== null) return quantified;
  }
  const pattern = parseExprPrec(p, Prec.ESCAPE);
  const escape = acceptKw(p, 'escape') ? parseExprPrec(p, Prec.ESCAPE) : null;
  return { kind: 'like', op, not, expr: left, pattern, escape };
}

function parseInTail(p: Cursor, left: Expr, not: boolean): Expr {
  if (!isOp(p, '(')) fail(p);
  const select = tryParenSelect(p);
  if (select !== null) return { kind: 'in', not, expr: left, list: null, subquery: select };
  p.i++;
  const list = isOp(p, ')') ? [] : parseExprList(p);
  expectOp(p, ')');
  return { kind: 'in', not, expr: left, list, subquery: null };
}

function parseBetweenTail(p: Cursor, left: Expr, not: boolean): Expr {
  const symmetric = acceptKw(p, 'symmetric');
  if (!symmetric) acceptKw(p, 'asymmetric');
  const low = parseExprPrec(p, Prec.ESCAPE);
  expectKw(p, 'and');
  const high = parseExprPrec(p, Prec.ESCAPE);
  return { kind: 'between', not, symmetric, expr: left, low, high };
}

// ---------------------------------------------------------------- prefix and primary

function parsePrefix(p: Cursor): Expr {
  const t = peek(p);
  if (t.kind === 'word' && t.text === 'not') {
    p.i++;
    return { kind: 'not', expr: parseExprPrec(p, Prec.NOT) };
  }
  if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
    p.i++;
    return makeUnary(t.text, parseExprPrec(p, Prec.UNARY));
  }
  return parsePrimary(p);
}

function makeUnary(op: '-' | '+' | '~', expr: Expr): Expr {
  if (op === '-' && expr.kind === 'num' && !expr.text.startsWith('-')) {
    return { kind: 'num', text: `-${expr.text}`, numKind: expr.numKind };
  }
  return { kind: 'unary', op, expr };
}

function parsePrimary(p: Cursor): Expr {
  const t = peek(p);
  switch (t.kind) {
    case 'int':
    case 'decimal':
    case 'float':
      p.i++;
      return { kind: 'num', text: t.text, numKind: t.kind };
    case 'string':
      p.i++;
      return { kind: 'str', value: t.text };
    case 'bytes':
      p.i++;
      return { kind: 'bytes', hex: t.text };
    case 'placeholder':
      p.i++;
      return { kind: 'placeholder', index: Number(t.text) };
    case 'qident':
      return parseNamePath(p);
    case 'word':
      return parseWordPrimary(p, t.text);
    case 'op':
      if (t.text === '(') return parseParenExpr(p);
      return fail(p);
    default:
      return fail(p);
  }
}

/** `( select )`, `(a, b)` tuple, or `(expr)`. */
function parseParenExpr(p: Cursor): Expr {
  const select = tryParenSelect(p);
  if (select !== null) return { kind: 'subquery', select };
  expectOp(p, '(');
  if (acceptOp(p, ')')) return { kind: 'tuple', elems: [], row: false };
  const elems = parseExprList(p);
  expectOp(p, ')');
  return elems.length === 1 ? elems[0]! : { kind: 'tuple', elems, row: false };
}

function parseWordPrimary(p: Cursor, w: string): Expr {
  const special = parseKeywordPrimary(p, w);
  if (special !== null) return special;
  const niladic = niladicFunctions[w];
  if (niladic !== undefined) return parseNiladic(p, niladic);
  if (isBuiltinTypeWord(w)) {
    const typed = tryTypedLiteral(p);
    if (typed !== null) return typed;
  }
  return parseNamePath(p);
}

/** Literals and special syntactic forms introduced by a keyword; null if none. */
function parseKeywordPrimary(p: Cursor, w: string): Expr | null {
  const paren = isOp(p, '(', 1);
  switch (w) {
    case 'true': p.i++; return { kind: 'bool', value: true };
    case 'false': p.i++; return { kind: 'bool', value: false };
    case 'null': p.i++; return { kind: 'null' };
    case 'case': return parseCase(p);
    case 'cast': return parseCast(p);
    case 'array': return parseArrayExpr(p);
    case 'exists': return paren ? parseExists(p) : null;
    case 'row': return paren ? parseRow(p) : null;
    case 'annotate_type': return paren ? parseAnnotateType(p) : null;
    case 'extract': return paren ? parseExtract(p) : null;
    case 'substring': return paren ? parseSubstring(p) : null;
    case 'position': return paren ? parsePosition(p) : null;
    case 'trim': return paren ? parseTrim(p) : null;
    case 'overlay': return paren ? parseOverlay(p) : null;
    default: return null;
  }
}

/** `DATE '2020-01-01'`, `TIMESTAMP WITH TIME ZONE '...'`; null (cursor restored) if not one. */
function tryTypedLiteral(p: Cursor): Expr | null {
  const save = p.i;
  try {
    const type = parseType(p);
    const t = peek(p);
    if (t.kind === 'string' && type.userDefined === null) {
      p.i++;
      return { kind: 'typedLit', type, value: t.text };
    }
  } catch (err) {
    if (!(err instanceof BurrowError)) throw err;
  }
  p.i = save;
  return null;
}

function parseCase(p: Cursor): Expr {
  expectKw(p, 'case');
  const operand = isKw(p, 'when') ? null : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  while (acceptKw(p, 'when')) {
    const when = parseExpr(p);
    expectKw(p, 'then');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) fail(p);
  const elseExpr = acceptKw(p, 'else') ? parseExpr(p) : null;
  expectKw(p, 'end');
  return { kind: 'case', operand, whens, else: elseExpr };
}

function parseCast(p: Cursor): Expr {
  expectKw(p, 'cast');
  expectOp(p, '(');
  const expr = parseExpr(p);
  expectKw(p, 'as');
  const type = parseType(p);
  expectOp(p, ')');
  return { kind: 'cast', expr, type, syntax: 'cast' };
}

function parseAnnotateType(p: Cursor): Expr {
  p.i += 2;
  const expr = parseExpr(p);
  expectOp(p, ',');
  const type = parseType(p);
  expectOp(p, ')');
  return { kind: 'annotate', expr, type };
}

function parseExists(p: Cursor): Expr {
  p.i++;
  expectOp(p, '(');
  const subquery = parseSelectStatement(p);
  expectOp(p, ')');
  return { kind: 'exists', subquery };
}

function parseRow(p: Cursor): Expr {
  p.i += 2;
  const elems = isOp(p, ')') ? [] : parseExprList(p);
  expectOp(p, ')');
  return { kind: 'tuple', elems, row: true };
}

/** `ARRAY[...]` (nested brackets allowed) or `ARRAY(select)`. */
function parseArrayExpr(p: Cursor): Expr {
  expectKw(p, 'array');
  if (isOp(p, '(')) {
    p.i++;
    const select = parseSelectStatement(p);
    expectOp(p, ')');
    return { kind: 'arraySubquery', select };
  }
  return parseArrayBrackets(p);
}

function parseArrayBrackets(p: Cursor): Expr {
  expectOp(p, '[');
  const elems: Expr[] = [];
  if (!isOp(p, ']')) {
    do {
      elems.push(isOp(p, '[') ? parseArrayBrackets(p) : parseExpr(p));
    } while (acceptOp(p, ','));
  }
  expectOp(p, ']');
  return { kind: 'array', elems };
}

// ---------------------------------------------------------------- names and function calls

/** Dotted names: column refs (up to 4 parts), `t.*`, or function calls. */
function parseNamePath(p: Cursor): Expr {
  const firstIndex = p.i;
  const first = peek(p);
  const parts = [first.text];
  p.i++;
  while (isOp(p, '.')) {
    const n = peek(p, 1);
    if (n.kind === 'op' && n.text === '*') {
      p.i += 2;
      checkNameWord(p, firstIndex, false);
      if (parts.length > 3) fail(p);
      return { kind: 'star', table: objectNameFromParts(parts) };
    }
    if (!isAnyWordToken(n)) break;
    p.i += 2;
    parts.push(n.text);
  }
  if (isOp(p, '(')) {
    checkNameWord(p, firstIndex, true);
    return parseFuncCallTail(p, parts);
  }
  checkNameWord(p, firstIndex, false);
  if (parts.length > 4) fail(p);
  const column = parts.pop()!;
  return { kind: 'colRef', table: parts.length === 0 ? null : objectNameFromParts(parts), column };
}

/** Rejects keywords that cannot start a column reference (or a function name). */
function checkNameWord(p: Cursor, firstIndex: number, asFunc: boolean): void {
  const first = p.toks[firstIndex]!;
  if (first.kind !== 'word') return;
  const w = first.text;
  const ok = asFunc
    ? !reservedKeywords.has(w) && (!colNameKeywords.has(w) || colNameFunctions.has(w))
    : !reservedKeywords.has(w) && !typeFuncNameKeywords.has(w);
  if (!ok) {
    p.i = firstIndex;
    fail(p);
  }
}

/**
 * PostgreSQL's built-in aggregates. psql qualifies them
 * (`pg_catalog.string_agg(...)`); the planner recognizes aggregates by bare
 * name, so a `pg_catalog.` qualifier on one of these is dropped here. (Every
 * built-in lives in pg_catalog, which is searched first, so the meaning is
 * the same.)
 */
const PG_CATALOG_AGGREGATES = new Set([
  'array_agg', 'avg', 'bit_and', 'bit_or', 'bool_and', 'bool_or', 'count', 'every', 'json_agg', 'json_object_agg',
  'jsonb_agg', 'jsonb_object_agg', 'max', 'min', 'stddev', 'stddev_pop', 'stddev_samp', 'string_agg', 'sum',
  'var_pop', 'var_samp', 'variance',
]);

function normalizeCallName(name: string[]): string[] {
  return name.length === 2 && name[0] === 'pg_catalog' && PG_CATALOG_AGGREGATES.has(name[1]!) ? name.slice(1) : name;
}

/** After the function name: `(args) [FILTER (WHERE e)] [OVER ...]`. */
export function parseFuncCallTail(p: Cursor, name: string[]): FuncCall {
  const f = funcCall(normalizeCallName(name), []);
  expectOp(p, '(');
  if (acceptOp(p, '*')) {
    f.star = true;
  } else if (!isOp(p, ')')) {
    if (acceptKw(p, 'distinct')) f.distinct = true;
    else acceptKw(p, 'all');
    f.args = parseExprList(p);
    if (acceptKws(p, 'order', 'by')) f.orderBy = parseOrderItems(p);
  }
  expectOp(p, ')');
  if (isKw(p, 'filter') && isOp(p, '(', 1)) {
    p.i += 2;
    expectKw(p, 'where');
    f.filter = parseExpr(p);
    expectOp(p, ')');
  }
  if (acceptKw(p, 'over')) f.over = parseOver(p);
  return f;
}
