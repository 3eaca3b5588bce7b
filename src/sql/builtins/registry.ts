// Owns the builtin function registry: every scalar family's definitions
// indexed by name, plus the names of aggregates, window functions and
// generators so the planner can classify a call before resolving it.
//
// Planner contract:
// - lookupFunction(name) tells whether a name exists and its kind
//   ('scalar' | 'aggregate' | 'window' | 'generator'); only scalar
//   definitions carry overloads here (the others resolve through
//   resolveAggregate, resolveWindow and resolveGenerator).
// - resolveFunction(name, argTypes) runs ONCE at plan time and returns a
//   function already bound to the argument types; the executor calls
//   fn(args, ctx) per row, skipping the call (result NULL) when `strict`
//   and an argument is NULL, and awaiting it when `async`.
// - Arguments must be cast to paramTypes first (they differ from argTypes
//   only for implicit INT -> DECIMAL -> FLOAT and DATE -> TIMESTAMP(TZ)
//   promotions, tried only when no overload matches exactly).
// Names are case-insensitive; `pg_catalog.` and `public.` prefixes are
// ignored; `crdb_internal.` names keep their prefix.

import { BurrowError } from '../../util/errors.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import type { SqlType } from '../types/types.js';
import { aggregateNames } from './aggregates.js';
import { arrayFunctions } from './array-functions.js';
import { datetimeFunctions } from './datetime-functions.js';
import { jsonFunctions } from './json-functions.js';
import { mathFunctions } from './math-functions.js';
import {
  pickOverload, returnTypeOf, unknownFunctionError, unknownSignatureError, type FunctionDef, type FunctionKind,
  type Overload, type Volatility,
} from './overload.js';
import { generators } from './srf.js';
import { stringFunctions } from './string-functions.js';
import { pgFunctions } from '../vtable/pg-functions.js';
import { systemFunctions } from './system-functions.js';
import { windowFunctionNames } from './window.js';

export interface ResolvedFunction {
  overload: Overload;
  returnType: SqlType;
  /** Types the planner must cast the arguments to. */
  paramTypes: SqlType[];
  strict: boolean;
  volatility: Volatility;
  async: boolean;
  /** Bound to the resolved argument types; call per row. */
  fn: (args: Datum[], ctx: EvalContext) => Datum | Promise<Datum>;
}

function buildScalarIndex(): Map<string, FunctionDef> {
  const index = new Map<string, FunctionDef>();
  const families = [stringFunctions, mathFunctions, datetimeFunctions, jsonFunctions, systemFunctions, arrayFunctions, pgFunctions];
  for (const def of families.flat()) {
    if (index.has(def.name)) throw new Error(`builtin ${def.name} defined twice`);
    index.set(def.name, def);
  }
  return index;
}

const scalars = buildScalarIndex();

function buildKindIndex(): Map<string, FunctionKind> {
  const kinds = new Map<string, FunctionKind>();
  for (const name of scalars.keys()) kinds.set(name, 'scalar');
  for (const name of generators.keys()) kinds.set(name, 'generator');
  for (const name of aggregateNames) kinds.set(name, 'aggregate');
  for (const name of windowFunctionNames) kinds.set(name, 'window');
  return kinds;
}

const kinds = buildKindIndex();

/** Lower-cases and drops `pg_catalog.` / `public.` qualifiers. */
export function normalizeFunctionName(name: string): string {
  const lower = name.toLowerCase();
  for (const prefix of ['pg_catalog.', 'public.']) {
    if (lower.startsWith(prefix)) return lower.slice(prefix.length);
  }
  return lower;
}

export function lookupFunction(name: string): FunctionDef | undefined {
  const n = normalizeFunctionName(name);
  const kind = kinds.get(n);
  if (kind === undefined) return undefined;
  return kind === 'scalar' ? scalars.get(n) : { name: n, kind, overloads: [] };
}

export function functionKind(name: string): FunctionKind | undefined {
  return kinds.get(normalizeFunctionName(name));
}

function findOverload(def: FunctionDef, argTypes: readonly SqlType[]): { o: Overload; params: SqlType[] } | undefined {
  return pickOverload(def.overloads, (o) => o, argTypes);
}

/** Resolves a scalar call; 42883 `unknown function: f()` / `unknown signature: f(int)`. */
export function resolveFunction(name: string, argTypes: readonly SqlType[]): ResolvedFunction {
  const n = normalizeFunctionName(name);
  const kind = kinds.get(n);
  if (kind === undefined) throw unknownFunctionError(n);
  if (kind === 'window') {
    throw new BurrowError('42809', `window function ${n}() requires an OVER clause`);
  }
  if (kind !== 'scalar') {
    throw new BurrowError('XX000', `internal error: ${n}() is a ${kind} function; resolve it as one`);
  }
  const found = findOverload(scalars.get(n)!, argTypes);
  if (!found) throw unknownSignatureError(n, argTypes);
  const { o, params } = found;
  return {
    overload: o,
    returnType: returnTypeOf(o, params),
    paramTypes: params,
    strict: o.strict,
    volatility: o.volatility,
    async: o.async ?? false,
    fn: (args, ctx) => o.fn(args, ctx, params),
  };
}

/** Every registered name with its kind (for SHOW FUNCTIONS-like introspection). */
export function allFunctionNames(): [string, FunctionKind][] {
  return [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
