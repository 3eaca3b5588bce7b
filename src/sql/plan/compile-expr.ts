// Owns turning a parsed expression into a typed, compiled closure (CExpr):
// name resolution through scopes (outer scopes make a reference
// correlated), typing of untyped literals and placeholders from context,
// operator and function overload resolution (once, at plan time), SQL's
// three-valued logic, and subqueries (uncorrelated ones run once per
// execution and are cached; correlated ones run per row).
//
// After aggregation, expressions that match a GROUP BY expression or an
// aggregate call (by printed text) compile to a reference to the aggregated
// column, and any other column reference is an error, as in PostgreSQL.
// A plain reference to a column of the current row carries colIndex, so
// operators may read that column in bulk (aggregation over a scan).

import { BurrowError } from '../../util/errors.js';
import { parseDecimal } from '../../util/decimal.js';
import type { Decimal } from '../../util/decimal.js';
import type { Expr, SelectStatement } from '../parser/ast.js';
import { formatExpr } from '../parser/index.js';
import type { Datum, Row } from '../types/datum.js';
import { compareDatums } from '../types/datum.js';
import { T, arrayOf, tupleOf, typeFromRef, type SqlType } from '../types/types.js';
import { castDatum } from '../types/cast.js';
import { parseDatum } from '../types/parse.js';
import { crdbTypeName } from '../types/parse.js';
import { coerceParam } from '../types/param.js';
import {
  compileLike, compileRegexMatch, compileSimilar, mustResolveBinaryOp, mustResolveComparison, mustResolveSqlComparison, mustResolveUnaryOp,
  type ComparisonOpName,
} from '../builtins/operators.js';
import { resolveFunction } from '../builtins/registry.js';
import { noteStatementTxn } from '../vtable/pg-functions.js';
import { resolveColumn, type Scope } from './scope.js';
import { asyncExpr, evalExpr, syncExpr, type CExpr, type ExecCtx, type RelNode } from './types.js';

export interface ParamTypes {
  types: (SqlType | undefined)[];
}

export interface CompileEnv {
  scope: Scope;
  params: ParamTypes;
  planSubquery(sel: SelectStatement, outer: Scope): Promise<RelNode>;
  /** Post-aggregation: printed expression text -> column index in scope. */
  bound: Map<string, number> | null;
  /** Post-aggregation: the scope before grouping, to match grouped columns however they are written. */
  preScope?: Scope;
  /** Where this expression is (for errors): 'WHERE', 'ON', ... aggregates are not allowed there. */
  clause: string;
  timezone: string;
  /** Called when an expression references an enclosing query's column. */
  onCorrelated?: () => void;
}

const cctx = (env: CompileEnv) => ({ timezone: env.timezone });

function typeError(msg: string): BurrowError {
  return new BurrowError('42804', msg);
}

function isUntyped(e: Expr): boolean {
  return e.kind === 'str' || e.kind === 'null' || e.kind === 'placeholder' || e.kind === 'num';
}

export function unifyTypes(types: SqlType[], what: string, mismatch?: (a: string, b: string) => string): SqlType {
  let t: SqlType | undefined;
  for (const x of types) {
    if (x.family === 'unknown') continue;
    if (!t) {
      t = x;
      continue;
    }
    if (t.family === x.family) {
      if (t.family === 'int' && x.width > t.width) t = x;
      continue;
    }
    const fams = new Set([t.family, x.family]);
    if (fams.has('int') && fams.has('decimal')) t = T.decimal;
    else if (fams.has('int') && fams.has('float')) t = T.float;
    else if (fams.has('decimal') && fams.has('float')) t = T.float;
    else if (fams.has('timestamp') && fams.has('timestamptz')) t = T.timestamptz;
    else if (fams.has('date') && (fams.has('timestamp') || fams.has('timestamptz'))) t = fams.has('timestamptz') ? T.timestamptz : T.timestamp;
    else if (mismatch) throw typeError(mismatch(crdbTypeName(t), crdbTypeName(x)));
    else throw typeError(`incompatible value type: expected ${crdbTypeName(t)}, found type ${crdbTypeName(x)} in ${what}`);
  }
  return t ?? T.unknown;
}

/** Wraps e in a cast to t when its type differs in family (or is unknown). */
export function coerce(e: CExpr, t: SqlType, env: CompileEnv): CExpr {
  if (e.type.family === t.family && (t.family !== 'array' || e.type.elem?.family === t.elem?.family)) return e;
  if (t.family === 'unknown') return e;
  if (e.type.family === 'unknown') return { ...e, type: t };
  const from = e.type;
  const c = cctx(env);
  if (e.eval) {
    const f = e.eval;
    return folded(syncExpr(t, (r, x) => castDatum(f(r, x), from, t, c), `${e.text}::${crdbTypeName(t)}`, e.constant));
  }
  return asyncExpr(t, async (r, x) => castDatum(await e.evalAsync(r, x), from, t, c), `${e.text}::${crdbTypeName(t)}`);
}

/** Constant expressions are evaluated once at plan time (unless volatile). */
function folded(e: CExpr): CExpr {
  if (!e.constant || !e.eval) return e;
  let cached: { v: Datum } | null = null;
  const f = e.eval;
  return syncExpr(e.type, (r, c) => (cached ??= { v: f(r, c) }).v, e.text, true);
}

function constExpr(t: SqlType, v: Datum, text: string): CExpr {
  return syncExpr(t, () => v, text, true);
}

function numLiteral(text: string, numKind: 'int' | 'decimal' | 'float', hint: SqlType | undefined): CExpr {
  const fam = hint?.family;
  if (numKind === 'int' && fam !== 'float' && fam !== 'decimal') {
    let v: bigint;
    try {
      v = BigInt(text);
    } catch {
      throw new BurrowError('22P02', `could not parse "${text}" as type int`);
    }
    if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) {
      return constExpr(T.decimal, parseDecimal(text), text);
    }
    return constExpr(hint && (fam === 'int' || fam === 'oid') ? hint : T.int, v, text);
  }
  if (fam === 'float' || numKind === 'float') return constExpr(hint?.family === 'float' ? hint : T.float, Number(text), text);
  const d: Decimal = parseDecimal(text);
  return constExpr(T.decimal, d, text);
}

export async function compileExpr(e: Expr, env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  if (env.bound) {
    const idx = env.bound.get(formatExpr(e));
    if (idx !== undefined) {
      const col = env.scope.cols[idx]!;
      return syncExpr(col.type, (r) => r[idx]!, col.name);
    }
  }
  switch (e.kind) {
    case 'num':
      return numLiteral(e.text, e.numKind, hint);
    case 'str': {
      if (hint && hint.family !== 'unknown' && hint.family !== 'string') {
        return constExpr(hint, parseDatum(e.value, hint, cctx(env)), `'${e.value}'`);
      }
      return constExpr(hint?.family === 'string' ? hint : T.string, e.value, `'${e.value}'`);
    }
    case 'bytes':
      return constExpr(T.bytes, Buffer.from(e.hex, 'hex'), `x'${e.hex}'`);
    case 'bool':
      return constExpr(T.bool, e.value, String(e.value));
    case 'null':
      return constExpr(hint ?? T.unknown, null, 'NULL');
    case 'typedLit': {
      const t = typeFromRef(e.type);
      return constExpr(t, parseDatum(e.value, t, cctx(env)), `${crdbTypeName(t)} '${e.value}'`);
    }
    case 'placeholder':
      return compilePlaceholder(e.index, env, hint);
    case 'colRef':
      return compileColumn(e.table?.name ?? null, e.column, env);
    case 'star':
      throw new BurrowError('42601', '"*" is not allowed here');
    case 'cast':
    case 'annotate': {
      const t = typeFromRef(e.type);
      const regIn = e.type.arrayDims === 0 ? regInputFunctions[e.type.name] : undefined;
      // A string becomes a reg* OID by name lookup, so it is not parsed as an OID literal.
      const inner = await compileExpr(e.expr, env, regIn && e.expr.kind !== 'placeholder' ? T.string : t);
      if (inner.type.family === 'unknown') return { ...inner, type: t };
      if (regIn && inner.type.family === 'string') return compileRegInput(inner, regIn, e.type.name, t);
      return coerceExact(inner, t, env);
    }
    case 'unary':
      return compileUnary(e.op, await compileExpr(e.expr, env, hint));
    case 'binary':
      return compileBinary(e, env, hint);
    case 'compare':
      return compileCompare(e.op, e.left, e.right, env);
    case 'and':
    case 'or': {
      const what = e.kind.toUpperCase();
      return compileLogic(e.kind, await compileBool(e.left, env, what), await compileBool(e.right, env, what));
    }
    case 'not': {
      const x = await compileBool(e.expr, env, 'NOT');
      return mapSync(T.bool, [x], (v) => (v[0] === null ? null : !v[0]), `NOT ${x.text}`);
    }
    case 'is':
      return compileIs(e, env);
    case 'isDistinctFrom': {
      const [l, r] = await compilePair(e.left, e.right, env);
      const cmp = mustResolveComparison('=', l.type, r.type);
      return mapSync(T.bool, [l, r], (v, c) => {
        const same = v[0] === null || v[1] === null ? v[0] === v[1] : cmp(v[0], v[1], c.evalCtx);
        return e.not ? same : !same;
      }, `${l.text} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${r.text}`, true);
    }
    case 'between':
      return compileBetween(e, env);
    case 'in':
      return compileIn(e, env);
    case 'like':
      return compileLikeExpr(e, env);
    case 'case':
      return compileCase(e, env, hint);
    case 'func':
      return compileFunc(e, env, hint);
    case 'array':
      return compileArray(e.elems, env, hint);
    case 'tuple': {
      const elems = await Promise.all(e.elems.map((x) => compileExpr(x, env)));
      return mapSync(tupleOf(elems.map((x) => x.type)), elems, (v) => v.slice(), `(${elems.map((x) => x.text).join(', ')})`, true);
    }
    case 'subquery':
      return compileScalarSubquery(e.select, env);
    case 'exists':
      return compileExists(e.subquery, env);
    case 'arraySubquery':
      return compileArraySubquery(e.select, env);
    case 'subscript':
      return compileSubscript(e, env);
    case 'collate':
      return compileExpr(e.expr, env, hint);
    case 'quantified':
      return compileQuantified(e, env);
    case 'default':
      throw new BurrowError('42601', 'DEFAULT can only appear in a VALUES list within INSERT or on the right side of a SET');
    default:
      throw new BurrowError('0A000', `unimplemented: expression ${(e as Expr).kind}`);
  }
}

/**
 * Casts of a string to these OID aliases look the name up (PostgreSQL's
 * regclassin, ...): 't'::regclass is the table's OID, 42P01 when there is
 * none; digits are taken as the OID itself. The result stays type OID and
 * prints as a number (PostgreSQL prints a regclass by name).
 */
const regInputFunctions: Readonly<Record<string, string>> = {
  REGCLASS: 'regclassin', REGTYPE: 'regtypein', REGNAMESPACE: 'regnamespacein',
};

function compileRegInput(inner: CExpr, fnName: string, typeName: string, t: SqlType): CExpr {
  const resolved = resolveFunction(fnName, [T.string]);
  const fn = resolved.fn;
  // A constant name is looked up once per statement, not once per row.
  let cached: { ctx: object; v: Datum } | null = null;
  return asyncExpr(t, async (r, x) => {
    if (inner.constant && cached?.ctx === x.evalCtx) return cached.v;
    const s = await inner.evalAsync(r, x);
    if (s === null) return null;
    // The lookup reads the catalog through the statement's transaction (its own DDL included).
    noteStatementTxn(x);
    const v = await fn([s], x.evalCtx);
    if (inner.constant) cached = { ctx: x.evalCtx, v };
    return v;
  }, `${inner.text}::${typeName}`);
}

function coerceExact(inner: CExpr, t: SqlType, env: CompileEnv): CExpr {
  const from = inner.type;
  const c = cctx(env);
  const text = `${inner.text}::${crdbTypeName(t)}`;
  if (inner.eval) {
    const f = inner.eval;
    return folded(syncExpr(t, (r, x) => castDatum(f(r, x), from, t, c), text, inner.constant));
  }
  return asyncExpr(t, async (r, x) => castDatum(await inner.evalAsync(r, x), from, t, c), text);
}

function compilePlaceholder(index: number, env: CompileEnv, hint: SqlType | undefined): CExpr {
  const i = index - 1;
  let t = env.params.types[i];
  if (!t && hint && hint.family !== 'unknown') {
    env.params.types[i] = hint;
    t = hint;
  }
  const types = env.params.types;
  return syncExpr(t ?? T.unknown, (_r, c) => {
    const v = c.evalCtx.params[i];
    if (v === undefined) throw new BurrowError('08P01', `no value provided for placeholder: $${index}`);
    return coerceParam(v, types[i] ?? T.unknown, c.evalCtx.timezone);
  }, `$${index}`, false);
}

function compileColumn(table: string | null, name: string, env: CompileEnv): CExpr {
  if (env.bound && env.preScope) {
    // After aggregation only grouped columns are visible.
    const r = resolveColumn(env.preScope, table, name);
    if (r.depth === 0) {
      const idx = env.bound.get(`#col:${r.index}`);
      if (idx !== undefined) {
        const col = env.scope.cols[idx]!;
        return syncExpr(col.type, (row) => row[idx]!, col.name);
      }
      throw new BurrowError('42803', `column "${table ? table + '.' : ''}${name}" must appear in the GROUP BY clause or be used in an aggregate function`);
    }
  }
  const r = resolveColumn(env.bound && env.preScope ? env.preScope : env.scope, table, name);
  const idx = r.index;
  if (r.depth === 0) return { ...syncExpr(r.col.type, (row) => row[idx]!, r.col.name), colIndex: idx };
  env.onCorrelated?.();
  const depth = r.depth - 1;
  return syncExpr(r.col.type, (_row, c) => c.outer[depth]![idx]!, r.col.name);
}

/** Evaluates children (sync when all are) and maps them; strict = NULL in -> NULL out is the caller's job. */
function mapSync(t: SqlType, kids: CExpr[], fn: (v: Datum[], c: ExecCtx) => Datum, text: string, _keepNulls = false): CExpr {
  const constant = kids.every((k) => k.constant);
  if (kids.every((k) => k.eval)) {
    const evs = kids.map((k) => k.eval!);
    if (evs.length === 1) {
      const a = evs[0]!;
      return folded(syncExpr(t, (r, c) => fn([a(r, c)], c), text, constant));
    }
    if (evs.length === 2) {
      const [a, b] = evs as [(r: Row, c: ExecCtx) => Datum, (r: Row, c: ExecCtx) => Datum];
      return folded(syncExpr(t, (r, c) => fn([a(r, c), b(r, c)], c), text, constant));
    }
    return folded(syncExpr(t, (r, c) => fn(evs.map((f) => f(r, c)), c), text, constant));
  }
  return asyncExpr(t, async (r, c) => fn(await Promise.all(kids.map((k) => k.evalAsync(r, c))), c), text);
}

function compileUnary(op: string, x: CExpr): CExpr {
  const resolved = mustResolveUnaryOp(op as '-' | '+' | '~', x.type);
  const fn = resolved.fn;
  return mapSync(resolved.returnType, [x], (v) => (v[0] === null ? null : fn(v[0])), `${op}${x.text}`);
}

async function compilePair(le: Expr, re: Expr, env: CompileEnv, hint?: SqlType): Promise<[CExpr, CExpr]> {
  if (isUntyped(le) && !isUntyped(re)) {
    const r = await compileExpr(re, env);
    const l = await compileExpr(le, env, r.type);
    return [l, r];
  }
  const l = await compileExpr(le, env, isUntyped(le) ? hint : undefined);
  const r = await compileExpr(re, env, l.type.family === 'unknown' ? hint : l.type);
  if (l.type.family === 'unknown' && r.type.family !== 'unknown') return [await compileExpr(le, env, r.type), r];
  return [l, r];
}

const fetchOps = new Set(['->', '->>', '#>', '#>>', '#-']);
const concatKeepsType = new Set<string>(['string', 'bytes', 'array', 'jsonb', 'varbit', 'unknown']);

async function compileBinary(e: Extract<Expr, { kind: 'binary' }>, env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  let l: CExpr;
  let r: CExpr;
  if (fetchOps.has(e.op) || (e.op === '-' && !isUntyped(e.left))) {
    l = await compileExpr(e.left, env);
    // JSON fetch operators take a key, index or path, never a value of the left side's type.
    r = await compileExpr(e.right, env, l.type.family === 'jsonb' && e.right.kind === 'str' ? (fetchOps.has(e.op) && (e.op === '#>' || e.op === '#>>') ? arrayOf(T.string) : T.string) : l.type);
  } else if (e.op === '||' && (e.left.kind === 'str') !== (e.right.kind === 'str') && !isUntyped(e.left.kind === 'str' ? e.right : e.left)) {
    // An untyped string next to `||` with a scalar of another type is a STRING ('(' || 1 -> '(1'),
    // except beside strings, bytes, arrays and JSON, where it takes the other side's type.
    const litLeft = e.left.kind === 'str';
    const other = await compileExpr(litLeft ? e.right : e.left, env);
    const lit = await compileExpr(litLeft ? e.left : e.right, env, concatKeepsType.has(other.type.family) ? other.type : T.string);
    [l, r] = litLeft ? [lit, other] : [other, lit];
  } else [l, r] = await compilePair(e.left, e.right, env, hint);
  if (e.op === '||' && (l.type.family === 'unknown' || r.type.family === 'unknown')) {
    if (l.type.family === 'unknown') l = { ...l, type: T.string };
    if (r.type.family === 'unknown') r = { ...r, type: T.string };
  }
  if (l.type.family === 'unknown' && r.type.family === 'unknown') {
    l = { ...l, type: T.string };
    r = { ...r, type: T.string };
  }
  const op = mustResolveBinaryOp(e.op, l.type, r.type);
  const fn = op.fn;
  const strict = op.strict;
  return mapSync(op.returnType, [l, r], (v, c) => (strict && (v[0] === null || v[1] === null) ? null : fn(v[0]!, v[1]!, c.evalCtx)), `${l.text} ${e.op} ${r.text}`);
}

/** Compiles a boolean argument; `what` names it in the type error (the clause by default, or NOT/AND/OR). */
export async function compileBool(e: Expr, env: CompileEnv, what?: string): Promise<CExpr> {
  const x = await compileExpr(e, env, T.bool);
  if (x.type.family === 'unknown') return { ...x, type: T.bool };
  if (x.type.family !== 'bool') {
    throw new BurrowError('42804', `argument of ${what ?? env.clause} must be type bool, not type ${crdbTypeName(x.type)}`);
  }
  return x;
}

function compileLogic(kind: 'and' | 'or', a: CExpr, b: CExpr): CExpr {
  const text = `${a.text} ${kind.toUpperCase()} ${b.text}`;
  if (a.eval && b.eval) {
    const fa = a.eval;
    const fb = b.eval;
    if (kind === 'and') {
      return folded(syncExpr(T.bool, (r, c) => {
        const x = fa(r, c);
        if (x === false) return false;
        const y = fb(r, c);
        if (y === false) return false;
        return x === null || y === null ? null : true;
      }, text, a.constant && b.constant));
    }
    return folded(syncExpr(T.bool, (r, c) => {
      const x = fa(r, c);
      if (x === true) return true;
      const y = fb(r, c);
      if (y === true) return true;
      return x === null || y === null ? null : false;
    }, text, a.constant && b.constant));
  }
  return asyncExpr(T.bool, async (r, c) => {
    const x = await a.evalAsync(r, c);
    if (kind === 'and' && x === false) return false;
    if (kind === 'or' && x === true) return true;
    const y = await b.evalAsync(r, c);
    if (kind === 'and') return y === false ? false : x === null || y === null ? null : true;
    return y === true ? true : x === null || y === null ? null : false;
  }, text);
}

async function compileCompare(op: string, le: Expr, re: Expr, env: CompileEnv): Promise<CExpr> {
  const [l, r] = await compilePair(le, re, env);
  if (op === '~' || op === '~*' || op === '!~' || op === '!~*') {
    const ci = op.includes('*');
    const neg = op.startsWith('!');
    return mapSync(T.bool, [l, r], (v) => {
      if (v[0] === null || v[1] === null) return null;
      const m = compileRegexMatch(v[1] as string, ci)(v[0] as string);
      return neg ? !m : m;
    }, `${l.text} ${op} ${r.text}`);
  }
  const lt = l.type.family === 'unknown' ? (r.type.family === 'unknown' ? T.string : r.type) : l.type;
  const rt = r.type.family === 'unknown' ? lt : r.type;
  if (lt.family === 'tuple' && rt.family === 'tuple' && lt.fields!.length !== rt.fields!.length) {
    throw new BurrowError('42804', `expected tuple ${r.text} to have a length of ${lt.fields!.length}`);
  }
  const cmp = mustResolveSqlComparison(op as ComparisonOpName, lt, rt);
  return mapSync(T.bool, [l, r], (v, c) => (v[0] === null || v[1] === null ? null : cmp(v[0], v[1], c.evalCtx)), `${l.text} ${op} ${r.text}`);
}

async function compileIs(e: Extract<Expr, { kind: 'is' }>, env: CompileEnv): Promise<CExpr> {
  const x = await compileExpr(e.expr, env);
  const test = e.test;
  const not = e.not;
  return mapSync(T.bool, [x], (v) => {
    const d = v[0];
    let r: boolean;
    if (test === 'null') r = d === null || (Array.isArray(d) && x.type.family === 'tuple' && d.every((y) => y === null));
    else if (test === 'unknown') r = d === null;
    else r = d === (test === 'true');
    return not ? !r : r;
  }, `${x.text} IS ${not ? 'NOT ' : ''}${test.toUpperCase()}`);
}

async function compileBetween(e: Extract<Expr, { kind: 'between' }>, env: CompileEnv): Promise<CExpr> {
  const x = await compileExpr(e.expr, env);
  const lo = await compileExpr(e.low, env, x.type);
  const hi = await compileExpr(e.high, env, x.type);
  const ge = mustResolveComparison('>=', x.type, lo.type.family === 'unknown' ? x.type : lo.type);
  const le = mustResolveComparison('<=', x.type, hi.type.family === 'unknown' ? x.type : hi.type);
  const sym = e.symmetric;
  const not = e.not;
  return mapSync(T.bool, [x, lo, hi], (v, c) => {
    let [a, b, d] = v as [Datum, Datum, Datum];
    if (a === null) return null;
    if (sym && b !== null && d !== null && compareDatums(b, d, x.type) > 0) [b, d] = [d, b];
    const r1 = b === null ? null : ge(a, b, c.evalCtx);
    const r2 = d === null ? null : le(a, d, c.evalCtx);
    let r: boolean | null = r1 === false || r2 === false ? false : r1 === null || r2 === null ? null : true;
    if (not && r !== null) r = !r;
    return r;
  }, `${x.text} ${not ? 'NOT ' : ''}BETWEEN ${lo.text} AND ${hi.text}`);
}

async function compileIn(e: Extract<Expr, { kind: 'in' }>, env: CompileEnv): Promise<CExpr> {
  const x = await compileExpr(e.expr, env);
  const not = e.not;
  if (e.subquery) {
    const sub = await subqueryRows(e.subquery, env);
    const cmp = mustResolveSqlComparison('=', x.type, sub.type);
    return asyncExpr(T.bool, async (r, c) => {
      const v = await x.evalAsync(r, c);
      const rows = await sub.rows(r, c);
      return inResult(v, rows.map((row) => row[0]!), (a, b) => cmp(a, b, c.evalCtx), not);
    }, `${x.text} IN (subquery)`);
  }
  const items = await Promise.all(e.list!.map((i) => compileExpr(i, env, x.type)));
  const itemType = items.find((i) => i.type.family !== 'unknown')?.type ?? x.type;
  const cmp = mustResolveSqlComparison('=', x.type.family === 'unknown' ? itemType : x.type, itemType);
  // A constant list of a hashable type becomes a set lookup.
  return mapSync(T.bool, [x, ...items], (v, c) => inResult(v[0]!, v.slice(1), (a, b) => cmp(a, b, c.evalCtx), not), `${x.text} IN (...)`);
}

function inResult(v: Datum, list: Datum[], eq: (a: Datum, b: Datum) => boolean | null, not: boolean): Datum {
  if (v === null) return list.length === 0 ? not : null;
  let sawNull = false;
  for (const item of list) {
    if (item === null) {
      sawNull = true;
      continue;
    }
    const m = eq(v, item);
    if (m === null) sawNull = true;
    else if (m) return !not;
  }
  return sawNull ? null : not;
}

async function compileLikeExpr(e: Extract<Expr, { kind: 'like' }>, env: CompileEnv): Promise<CExpr> {
  const x = await compileExpr(e.expr, env, T.string);
  const p = await compileExpr(e.pattern, env, T.string);
  const esc = e.escape ? await compileExpr(e.escape, env, T.string) : null;
  const ci = e.op === 'ILIKE';
  const similar = e.op === 'SIMILAR TO';
  const not = e.not;
  const cache = new Map<string, (s: string) => boolean>();
  const kids = esc ? [x, p, esc] : [x, p];
  return mapSync(T.bool, kids, (v) => {
    if (v[0] === null || v[1] === null) return null;
    const escape = esc ? (v[2] as string | null) ?? '' : '\\';
    const key = `${escape}\u0000${v[1] as string}`;
    let m = cache.get(key);
    if (!m) {
      m = similar ? compileSimilar(v[1] as string, escape) : compileLike(v[1] as string, escape, ci);
      if (cache.size < 64) cache.set(key, m);
    }
    const r = m(v[0] as string);
    return not ? !r : r;
  }, `${x.text} ${not ? 'NOT ' : ''}${e.op} ${p.text}`);
}

async function compileCase(e: Extract<Expr, { kind: 'case' }>, env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  const operand = e.operand ? await compileExpr(e.operand, env) : null;
  const whens = await Promise.all(e.whens.map((w) => (operand ? compileExpr(w.when, env, operand.type) : compileBool(w.when, env))));
  let thens = await Promise.all(e.whens.map((w) => compileExpr(w.then, env, hint)));
  let els = e.else ? await compileExpr(e.else, env, hint) : null;
  const t = unifyTypes([...thens.map((x) => x.type), ...(els ? [els.type] : [])], 'CASE');
  thens = thens.map((x) => coerce(x, t, env));
  if (els) els = coerce(els, t, env);
  const eq = operand ? mustResolveComparison('=', operand.type, whens[0]?.type.family === 'unknown' ? operand.type : whens[0]!.type) : null;
  const kids = [...(operand ? [operand] : []), ...whens, ...thens, ...(els ? [els] : [])];
  const n = whens.length;
  const text = `CASE ... END`;
  if (kids.every((k) => k.eval)) {
    const op = operand?.eval;
    const ws = whens.map((w) => w.eval!);
    const ts = thens.map((x) => x.eval!);
    const ef = els?.eval;
    return syncExpr(t, (r, c) => {
      const ov = op ? op(r, c) : null;
      for (let i = 0; i < n; i++) {
        const w = ws[i]!(r, c);
        const hit = op ? ov !== null && w !== null && eq!(ov, w, c.evalCtx) : w === true;
        if (hit) return ts[i]!(r, c);
      }
      return ef ? ef(r, c) : null;
    }, text);
  }
  return asyncExpr(t, async (r, c) => {
    const ov = operand ? await operand.evalAsync(r, c) : null;
    for (let i = 0; i < n; i++) {
      const w = await whens[i]!.evalAsync(r, c);
      const hit = operand ? ov !== null && w !== null && eq!(ov, w, c.evalCtx) : w === true;
      if (hit) return thens[i]!.evalAsync(r, c);
    }
    return els ? els.evalAsync(r, c) : null;
  }, text);
}

async function compileArray(elems: Expr[], env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  const elemHint = hint?.family === 'array' ? hint.elem! : undefined;
  let xs = await Promise.all(elems.map((x) => compileExpr(x, env, elemHint)));
  const t = unifyTypes(xs.map((x) => x.type), 'ARRAY');
  const et = t.family === 'unknown' ? elemHint ?? T.string : t;
  xs = xs.map((x) => coerce(x, et, env));
  return mapSync(arrayOf(et), xs, (v) => v.slice(), `ARRAY[...]`);
}

async function compileSubscript(e: Extract<Expr, { kind: 'subscript' }>, env: CompileEnv): Promise<CExpr> {
  const arr = await compileExpr(e.expr, env);
  if (arr.type.family !== 'array') throw typeError(`cannot subscript type ${crdbTypeName(arr.type)} because it is not an array`);
  if (e.slice) throw new BurrowError('0A000', 'unimplemented: array slices');
  const idx = await compileExpr(e.index!, env, T.int);
  return mapSync(arr.type.elem!, [arr, idx], (v) => {
    if (v[0] === null || v[1] === null) return null;
    const i = Number(v[1] as bigint) - 1;
    const a = v[0] as Datum[];
    return i >= 0 && i < a.length ? a[i]! : null;
  }, `${arr.text}[${idx.text}]`);
}

// ---------------------------------------------------------------- functions

const conditionals = new Set(['coalesce', 'ifnull', 'nullif', 'if', 'iferror', 'greatest', 'least']);

async function compileFunc(e: Extract<Expr, { kind: 'func' }>, env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  const name = e.name[e.name.length - 1]!;
  if (e.over) throw new BurrowError('42P20', `window function calls are not allowed in ${env.clause}`);
  if (e.name.length === 1 && conditionals.has(name)) return compileConditional(name, e.args, env, hint);
  let args = await Promise.all(e.args.map((a) => compileExpr(a, env)));
  if (e.star) args = [];
  const resolved = resolveFunction(e.name.join('.'), args.map((a) => a.type));
  if ((resolved as { kind?: string }).kind === 'aggregate') {
    throw new BurrowError('42803', `aggregate functions are not allowed in ${env.clause}`);
  }
  args = args.map((a, i) => coerce(a, resolved.paramTypes[i] ?? a.type, env));
  const fn = resolved.fn;
  const strict = resolved.strict;
  const text = `${e.name.join('.')}(${args.map((a) => a.text).join(', ')})`;
  const volatile = resolved.volatility === 'volatile' || resolved.volatility === 'stable';
  if (resolved.async || args.some((a) => !a.eval)) {
    return asyncExpr(resolved.returnType, async (r, c) => {
      const vs = await Promise.all(args.map((a) => a.evalAsync(r, c)));
      if (strict && vs.some((v) => v === null)) return null;
      return fn(vs, c.evalCtx);
    }, text);
  }
  const evs = args.map((a) => a.eval!);
  const constant = !volatile && args.every((a) => a.constant);
  return folded(syncExpr(resolved.returnType, (r, c) => {
    const vs = evs.map((f) => f(r, c));
    if (strict) for (const v of vs) if (v === null) return null;
    return fn(vs, c.evalCtx) as Datum;
  }, text, constant));
}

async function compileConditional(name: string, argExprs: Expr[], env: CompileEnv, hint?: SqlType): Promise<CExpr> {
  if (name === 'if') {
    if (argExprs.length !== 3) throw new BurrowError('42883', `unknown signature: if()`);
    return compileCase({ kind: 'case', operand: null, whens: [{ when: argExprs[0]!, then: argExprs[1]! }], else: argExprs[2]! }, env, hint);
  }
  let args = await Promise.all(argExprs.map((a) => compileExpr(a, env, hint)));
  const t = unifyTypes(args.map((a) => a.type), name);
  const first = args.find((a) => a.type.family !== 'unknown');
  if (first && args.some((a) => a.type.family === 'unknown' && a.constant === false)) {
    args = await Promise.all(argExprs.map((a) => compileExpr(a, env, t)));
  }
  args = args.map((a) => coerce(a, t, env));
  const text = `${name}(${args.map((a) => a.text).join(', ')})`;
  if (name === 'nullif') {
    const eq = mustResolveComparison('=', t.family === 'unknown' ? T.string : t, t.family === 'unknown' ? T.string : t);
    return mapSync(t, args, (v, c) => (v[0] !== null && v[1] !== null && eq(v[0], v[1], c.evalCtx) ? null : v[0]!), text);
  }
  if (name === 'greatest' || name === 'least') {
    const sign = name === 'greatest' ? 1 : -1;
    return mapSync(t, args, (v) => {
      let best: Datum = null;
      for (const x of v) if (x !== null && (best === null || sign * compareDatums(x, best, t) > 0)) best = x;
      return best;
    }, text);
  }
  // coalesce / ifnull / iferror: first non-NULL, evaluating lazily.
  if (args.every((a) => a.eval)) {
    const evs = args.map((a) => a.eval!);
    return syncExpr(t, (r, c) => {
      for (const f of evs) {
        const v = f(r, c);
        if (v !== null) return v;
      }
      return null;
    }, text, args.every((a) => a.constant));
  }
  return asyncExpr(t, async (r, c) => {
    for (const a of args) {
      const v = await a.evalAsync(r, c);
      if (v !== null) return v;
    }
    return null;
  }, text);
}

// ---------------------------------------------------------------- subqueries

interface SubqueryRows {
  type: SqlType;
  width: number;
  rows(row: Row, ctx: ExecCtx): Promise<Row[]>;
}

async function subqueryRows(sel: SelectStatement, env: CompileEnv, limit?: number): Promise<SubqueryRows> {
  const plan = await env.planSubquery(sel, env.scope);
  const key = {};
  const correlated = planIsCorrelated(plan);
  return {
    type: plan.cols[0]?.type ?? T.unknown,
    width: plan.cols.length,
    async rows(row, ctx) {
      const cache = subqueryCache(ctx);
      if (!correlated && cache.has(key)) return cache.get(key) as Row[];
      const sub: ExecCtx = { ...ctx, outer: [row, ...ctx.outer] };
      const out: Row[] = [];
      for await (const batch of plan.run(sub)) {
        for (const r of batch) {
          out.push(r);
          if (limit !== undefined && out.length >= limit) break;
        }
        if (limit !== undefined && out.length >= limit) break;
      }
      if (!correlated) cache.set(key, out);
      return out;
    },
  };
}

const caches = new WeakMap<object, Map<object, unknown>>();
function subqueryCache(ctx: ExecCtx): Map<object, unknown> {
  // One cache per statement execution: keyed by the eval context, which is per statement.
  let m = caches.get(ctx.evalCtx);
  if (!m) {
    m = new Map();
    caches.set(ctx.evalCtx, m);
  }
  return m;
}

/** Plans record correlation when they resolve an outer column; see build-select. */
function planIsCorrelated(plan: RelNode): boolean {
  return (plan as RelNode & { correlated?: boolean }).correlated === true;
}

async function compileScalarSubquery(sel: SelectStatement, env: CompileEnv): Promise<CExpr> {
  const sub = await subqueryRows(sel, env, 2);
  if (sub.width !== 1) throw new BurrowError('42601', `subquery must return only one column, found ${sub.width}`);
  return asyncExpr(sub.type, async (r, c) => {
    const rows = await sub.rows(r, c);
    if (rows.length > 1) throw new BurrowError('21000', 'more than one row returned by a subquery used as an expression');
    return rows.length === 0 ? null : rows[0]![0]!;
  }, '(subquery)');
}

async function compileExists(sel: SelectStatement, env: CompileEnv): Promise<CExpr> {
  const sub = await subqueryRows(sel, env, 1);
  return asyncExpr(T.bool, async (r, c) => (await sub.rows(r, c)).length > 0, 'EXISTS (subquery)');
}

async function compileArraySubquery(sel: SelectStatement, env: CompileEnv): Promise<CExpr> {
  const sub = await subqueryRows(sel, env);
  return asyncExpr(arrayOf(sub.type), async (r, c) => (await sub.rows(r, c)).map((x) => x[0]!), 'ARRAY(subquery)');
}

async function compileQuantified(e: Extract<Expr, { kind: 'quantified' }>, env: CompileEnv): Promise<CExpr> {
  const x = await compileExpr(e.left, env);
  const any = e.quantifier !== 'ALL';
  let values: (r: Row, c: ExecCtx) => Promise<Datum[] | null>;
  let elemType: SqlType;
  if (e.subquery) {
    const sub = await subqueryRows(e.subquery, env);
    elemType = sub.type;
    values = async (r, c) => (await sub.rows(r, c)).map((row) => row[0]!);
  } else {
    const arr = await compileExpr(e.array!, env, arrayOf(x.type));
    elemType = arr.type.elem ?? x.type;
    values = async (r, c) => (await arr.evalAsync(r, c)) as Datum[] | null;
  }
  const cmp = mustResolveSqlComparison(e.op as ComparisonOpName, x.type, elemType);
  return asyncExpr(T.bool, async (r, c) => {
    const v = await x.evalAsync(r, c);
    const list = await values(r, c);
    if (list === null) return null;
    if (v === null) return list.length === 0 ? !any : null;
    let sawNull = false;
    for (const item of list) {
      if (item === null) {
        sawNull = true;
        continue;
      }
      const m = cmp(v, item, c.evalCtx);
      if (m === null) sawNull = true;
      else if (any && m) return true;
      else if (!any && !m) return false;
    }
    return sawNull ? null : !any;
  }, `${x.text} ${e.op} ${e.quantifier}(...)`);
}

export { evalExpr };
