// Owns the shape of a builtin overload, the wildcard parameter types, and
// matching argument types against parameters (with CockroachDB's error
// texts for failed resolution). Family files build FunctionDefs with the
// helpers here; registry.ts indexes them.
//
// Invariants:
// - A parameter matches an argument of the same family (INT2/INT4/INT8 all
//   match INT; VARCHAR/CHAR/NAME match STRING); `unknown` (a NULL literal)
//   matches anything.
// - Any matches every type; AnyElement matches every type but all
//   AnyElement parameters (and AnyArray's element) must agree on a family.
// - Resolution prefers exact family matches; a second pass allows the
//   implicit numeric promotions INT -> DECIMAL -> FLOAT, and the result
//   reports the parameter types the planner must cast the arguments to.

import { BurrowError } from '../../util/errors.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, arrayOf, type SqlType } from '../types/types.js';
import { crdbTypeName } from '../types/parse.js';

export type Volatility = 'immutable' | 'stable' | 'volatile';

/** Called per row with evaluated arguments; argTypes are the resolved argument types. */
export type BuiltinFn = (args: Datum[], ctx: EvalContext, argTypes: readonly SqlType[]) => Datum | Promise<Datum>;

export type ArgSpec = readonly SqlType[] | { readonly variadic: SqlType; readonly leading?: readonly SqlType[] };

export interface Overload {
  readonly args: ArgSpec;
  readonly returnType: SqlType | ((argTypes: readonly SqlType[]) => SqlType);
  /** NULL in any argument gives NULL without calling fn (the executor skips the call). */
  readonly strict: boolean;
  readonly volatility: Volatility;
  /** fn returns a Promise (sequence functions only). */
  readonly async?: boolean;
  readonly fn: BuiltinFn;
}

export type FunctionKind = 'scalar' | 'aggregate' | 'window' | 'generator';

export interface FunctionDef {
  readonly name: string;
  readonly kind: FunctionKind;
  readonly overloads: readonly Overload[];
}

// ------------------------------------------------------------- wildcards

function wildcard(): SqlType {
  return Object.freeze({ ...T.unknown });
}

/** Matches any argument type. */
export const AnyT: SqlType = wildcard();
/** Matches any type; all AnyElement parameters of one call share a family. */
export const AnyElementT: SqlType = wildcard();
/** Matches any array; its element unifies with AnyElement. */
export const AnyArrayT: SqlType = arrayOf(AnyElementT);
/** Matches any array without unifying its element (variadic unnest). */
export const AnyArrayLooseT: SqlType = arrayOf(AnyT);

export function isWildcard(t: SqlType): boolean {
  return t === AnyT || t === AnyElementT || t === AnyArrayT || t === AnyArrayLooseT;
}

// ---------------------------------------------------------- constructors

interface OverloadOptions {
  strict?: boolean;
  volatility?: Volatility;
  async?: boolean;
}

/** An overload: strict and immutable unless told otherwise. */
export function overload(
  args: ArgSpec,
  returnType: Overload['returnType'],
  fn: BuiltinFn,
  opts: OverloadOptions = {},
): Overload {
  return {
    args,
    returnType,
    fn,
    strict: opts.strict ?? true,
    volatility: opts.volatility ?? 'immutable',
    ...(opts.async ? { async: true } : {}),
  };
}

export function defineFunction(name: string, overloads: Overload[], kind: FunctionKind = 'scalar'): FunctionDef {
  return { name, kind, overloads };
}

// -------------------------------------------------------------- matching

type Promotion = 'exact' | 'promote';

interface Binding {
  elem: SqlType | null;
}

const promotions: Record<string, string[]> = {
  int: ['decimal', 'float'],
  decimal: ['float'],
  date: ['timestamp', 'timestamptz'],
  timestamp: ['timestamptz'],
};

function familyAccepts(param: SqlType, arg: SqlType, mode: Promotion): boolean {
  if (arg.family === 'unknown') return true;
  if (param.family === arg.family) {
    if (param.family !== 'array') return true;
    return familyAccepts(param.elem!, arg.elem!, 'exact');
  }
  return mode === 'promote' && (promotions[arg.family]?.includes(param.family) ?? false);
}

function bindElement(binding: Binding, arg: SqlType, mode: Promotion): boolean {
  if (arg.family === 'unknown') return true;
  const bound = binding.elem;
  if (bound === null || bound.family === 'unknown') {
    binding.elem = arg;
    return true;
  }
  if (bound.family === arg.family) return arg.family !== 'array' || familyAccepts(bound, arg, 'exact');
  if (mode !== 'promote') return false;
  if (promotions[bound.family]?.includes(arg.family)) {
    binding.elem = arg;
    return true;
  }
  return promotions[arg.family]?.includes(bound.family) ?? false;
}

function paramAccepts(param: SqlType, arg: SqlType, mode: Promotion, binding: Binding): boolean {
  if (param === AnyT) return true;
  if (param === AnyArrayLooseT) return arg.family === 'array' || arg.family === 'unknown';
  if (param === AnyElementT) return bindElement(binding, arg, mode);
  if (param === AnyArrayT) {
    if (arg.family === 'unknown') return true;
    return arg.family === 'array' && bindElement(binding, arg.elem!, mode);
  }
  return familyAccepts(param, arg, mode);
}

/** The parameter list an overload expects for n arguments, or null if the arity is wrong. */
export function expandParams(spec: ArgSpec, n: number): readonly SqlType[] | null {
  if (Array.isArray(spec)) return spec.length === n ? (spec as readonly SqlType[]) : null;
  const v = spec as { variadic: SqlType; leading?: readonly SqlType[] };
  const leading = v.leading ?? [];
  if (n < leading.length) return null;
  return [...leading, ...Array.from({ length: n - leading.length }, () => v.variadic)];
}

/** The types the arguments must be cast to, or null when the overload does not accept them. */
export function matchOverload(o: Overload, argTypes: readonly SqlType[], mode: Promotion): SqlType[] | null {
  const params = expandParams(o.args, argTypes.length);
  if (params === null) return null;
  const binding: Binding = { elem: null };
  for (let i = 0; i < params.length; i++) {
    if (!paramAccepts(params[i]!, argTypes[i]!, mode, binding)) return null;
  }
  return params.map((p, i) => concreteParam(p, argTypes[i]!, binding));
}

function concreteParam(param: SqlType, arg: SqlType, binding: Binding): SqlType {
  if (param === AnyT || param === AnyArrayLooseT) return arg;
  if (param === AnyElementT) return binding.elem !== null && binding.elem.family !== 'unknown' ? binding.elem : arg;
  if (param === AnyArrayT) return binding.elem ? arrayOf(binding.elem) : arg;
  return param.family === arg.family && param.family !== 'array' ? arg : param;
}

const promotionCost: Record<string, number> = {
  'int>decimal': 1, 'int>float': 2, 'decimal>float': 1, 'date>timestamp': 1, 'date>timestamptz': 2,
  'timestamp>timestamptz': 1,
};

function costOf(params: readonly SqlType[], argTypes: readonly SqlType[]): number {
  let cost = 0;
  params.forEach((p, i) => {
    const a = argTypes[i]!;
    if (p.family !== a.family && a.family !== 'unknown') cost += promotionCost[`${a.family}>${p.family}`] ?? 0;
  });
  return cost;
}

/**
 * The first overload accepting the argument types exactly; failing that,
 * the one needing the cheapest promotions (INT prefers DECIMAL to FLOAT, as
 * CockroachDB types integer constants). Params have `unknown` replaced by
 * the argument type.
 */
export function pickOverload<O>(
  candidates: readonly O[], asOverload: (o: O) => Overload, argTypes: readonly SqlType[],
): { o: O; params: SqlType[] } | undefined {
  const fill = (params: SqlType[]): SqlType[] => params.map((p, i) => (p.family === 'unknown' ? argTypes[i]! : p));
  for (const o of candidates) {
    const params = matchOverload(asOverload(o), argTypes, 'exact');
    if (params !== null) return { o, params: fill(params) };
  }
  let best: { o: O; params: SqlType[]; cost: number } | undefined;
  for (const o of candidates) {
    const params = matchOverload(asOverload(o), argTypes, 'promote');
    if (params === null) continue;
    const cost = costOf(params, argTypes);
    if (best === undefined || cost < best.cost) best = { o, params: fill(params), cost };
  }
  return best && { o: best.o, params: best.params };
}

export function returnTypeOf(o: Overload, argTypes: readonly SqlType[]): SqlType {
  return typeof o.returnType === 'function' ? o.returnType(argTypes) : o.returnType;
}

// ----------------------------------------------------------------- errors

/** CockroachDB's short type name as its error messages print it (`int`, `string`, `int[]`). */
export { crdbTypeName };

export function unknownFunctionError(name: string): BurrowError {
  return new BurrowError('42883', `unknown function: ${name}()`);
}

export function unknownSignatureError(name: string, argTypes: readonly SqlType[]): BurrowError {
  return new BurrowError('42883', `unknown signature: ${name}(${argTypes.map(crdbTypeName).join(', ')})`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}
