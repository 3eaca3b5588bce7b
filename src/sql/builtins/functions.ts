// Owns nothing itself: the one import point for the builtin library.
// Scalar functions live in the family files (string-, math-, datetime-,
// json-, system-, array-functions.ts) and are indexed by registry.ts;
// aggregates, window functions, generators and operators have their own
// modules. Import from here unless you need a family's internals.

export {
  allFunctionNames, functionKind, lookupFunction, normalizeFunctionName, resolveFunction, type ResolvedFunction,
} from './registry.js';
export {
  AnyArrayT, AnyElementT, AnyT, crdbTypeName, type BuiltinFn, type FunctionDef, type FunctionKind, type Overload,
  type Volatility,
} from './overload.js';
export { resolveAggregate, withDistinct, type Accumulator, type ResolvedAggregate } from './aggregates.js';
export {
  defaultFrames, peerEndsFromKeys, resolveWindow, rowsFrames, type ResolvedWindow, type WindowFrameBounds,
  type WindowFunc, type WindowPartition,
} from './window.js';
export { resolveGenerator, type GeneratorColumn, type ResolvedGenerator } from './srf.js';
export {
  compileLike, compileRegexMatch, compileSimilar, mustResolveBinaryOp, mustResolveComparison, mustResolveUnaryOp,
  resolveBinaryOp, resolveComparison, resolveUnaryOp, type BinaryFn, type Comparator, type ResolvedBinaryOp,
  type ResolvedUnaryOp, type UnaryFn,
} from './operators.js';
