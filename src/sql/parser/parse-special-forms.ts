// Owns parsing of SQL's function-like special forms and their rewriting to
// plain function calls, exactly as CockroachDB does: CURRENT_TIMESTAMP and
// other niladic keywords, EXTRACT(f FROM x) → extract('f', x),
// SUBSTRING(x FROM a FOR b) → substring(x, a, b), POSITION(a IN b) →
// strpos(b, a), TRIM([BOTH|LEADING|TRAILING] c FROM s) → btrim/ltrim/rtrim,
// OVERLAY(s PLACING r FROM a FOR n) → overlay(s, r, a, n).
// Invariant: the printed call re-parses to the same FuncCall (each form
// also accepts the plain argument-list spelling).

import type { Expr, FuncCall } from './ast.js';
import { acceptKw, acceptOp, expectKw, expectOp, fail, isKw, isOp, peek, type Cursor } from './cursor.js';
import { parseExpr, parseExprList, parseExprPrec } from './parse-expr.js';
import { Prec } from './precedence.js';

export function funcCall(name: string[], args: Expr[]): FuncCall {
  return { kind: 'func', name, args, distinct: false, star: false, orderBy: [], filter: null, over: null };
}

/** CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(3), current_date(), ... */
export function parseNiladic(p: Cursor, name: string): Expr {
  p.i++;
  if (!acceptOp(p, '(')) return funcCall([name], []);
  const args = isOp(p, ')') ? [] : parseExprList(p);
  expectOp(p, ')');
  return funcCall([name], args);
}

/** Generic argument list after `name(` has been consumed by a special form. */
function finishPlainArgs(p: Cursor, name: string): Expr {
  const args = isOp(p, ')') ? [] : parseExprList(p);
  expectOp(p, ')');
  return funcCall([name], args);
}

export function parseExtract(p: Cursor): Expr {
  p.i += 2;
  const t = peek(p);
  if ((t.kind === 'word' || t.kind === 'string') && isKw(p, 'from', 1)) {
    p.i += 2;
    const field: Expr = { kind: 'str', value: t.text };
    const source = parseExpr(p);
    expectOp(p, ')');
    return funcCall(['extract'], [field, source]);
  }
  return finishPlainArgs(p, 'extract');
}

/** SUBSTRING(x FROM a FOR b) → substring(x, a, b); SUBSTRING(x FOR b) → substring(x, 1, b). */
export function parseSubstring(p: Cursor): Expr {
  p.i += 2;
  const first = parseExpr(p);
  if (isOp(p, ',') || isOp(p, ')')) {
    const rest = acceptOp(p, ',') ? parseExprList(p) : [];
    expectOp(p, ')');
    return funcCall(['substring'], [first, ...rest]);
  }
  let from: Expr | null = null;
  let forLen: Expr | null = null;
  if (acceptKw(p, 'from')) from = parseExpr(p);
  if (acceptKw(p, 'for')) forLen = parseExpr(p);
  if (from === null && acceptKw(p, 'from')) from = parseExpr(p);
  if (from === null && forLen === null) fail(p);
  expectOp(p, ')');
  const args = [first, from ?? { kind: 'num', text: '1', numKind: 'int' } as Expr];
  if (forLen !== null) args.push(forLen);
  return funcCall(['substring'], args);
}

/** POSITION(a IN b) → strpos(b, a). */
export function parsePosition(p: Cursor): Expr {
  p.i += 2;
  const needle = parseExprPrec(p, Prec.ESCAPE);
  if (!acceptKw(p, 'in')) {
    const rest = acceptOp(p, ',') ? parseExprList(p) : [];
    expectOp(p, ')');
    return funcCall(['position'], [needle, ...rest]);
  }
  const haystack = parseExprPrec(p, Prec.ESCAPE);
  expectOp(p, ')');
  return funcCall(['strpos'], [haystack, needle]);
}

/** TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) → btrim/ltrim/rtrim(s, chars). */
export function parseTrim(p: Cursor): Expr {
  p.i += 2;
  let name = 'btrim';
  if (acceptKw(p, 'leading')) name = 'ltrim';
  else if (acceptKw(p, 'trailing')) name = 'rtrim';
  else acceptKw(p, 'both');
  if (acceptKw(p, 'from')) {
    const args = parseExprList(p);
    expectOp(p, ')');
    return funcCall([name], args);
  }
  const first = parseExpr(p);
  if (acceptKw(p, 'from')) {
    const args = parseExprList(p);
    expectOp(p, ')');
    return funcCall([name], [...args, first]);
  }
  const rest = acceptOp(p, ',') ? parseExprList(p) : [];
  expectOp(p, ')');
  return funcCall([name], [first, ...rest]);
}

/** OVERLAY(s PLACING r FROM a [FOR n]) → overlay(s, r, a[, n]). */
export function parseOverlay(p: Cursor): Expr {
  p.i += 2;
  const first = parseExpr(p);
  if (!acceptKw(p, 'placing')) {
    const rest = acceptOp(p, ',') ? parseExprList(p) : [];
    expectOp(p, ')');
    return funcCall(['overlay'], [first, ...rest]);
  }
  const args = [first, parseExpr(p)];
  expectKw(p, 'from');
  args.push(parseExpr(p));
  if (acceptKw(p, 'for')) args.push(parseExpr(p));
  expectOp(p, ')');
  return funcCall(['overlay'], args);
}
