// Owns the session/system builtins: IDs (gen_random_uuid, unique_rowid),
// sequences (nextval/currval/setval, the only async builtins), identity
// (current_user, current_database, current_schema(s)), settings
// (current_setting), version(), pg_typeof, cluster_logical_timestamp,
// num_nulls/num_nonnulls and pg_sleep.
//
// Invariants: everything reads the session through EvalContext only;
// sequence functions are volatile and return Promises (overload.async).

import { randomUUID } from 'node:crypto';
import { BurrowError } from '../../util/errors.js';
import { parseDecimal } from '../../util/decimal.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { T, arrayOf, pgTypeName } from '../types/types.js';
import { AnyT, defineFunction, overload, type FunctionDef } from './overload.js';

const S = T.string;
const I = T.int;

function schemasOnPath(ctx: EvalContext): string[] {
  return ctx.searchPath.filter((s) => s !== '$user');
}

function currentSetting(ctx: EvalContext, name: string, missingOk: boolean): string | null {
  const v = ctx.sessionVar(name.toLowerCase());
  if (v !== undefined) return v;
  if (missingOk) return null;
  throw new BurrowError('42704', `unrecognized configuration parameter "${name}"`);
}

function countNulls(args: readonly Datum[], wantNull: boolean): bigint {
  return BigInt(args.filter((a) => (a === null) === wantNull).length);
}

function sleepSeconds(seconds: number): Promise<Datum> {
  return new Promise((resolve) => setTimeout(() => resolve(true), Math.max(0, seconds * 1000)));
}

const volatileOpts = { volatility: 'volatile' as const };
const sequenceOpts = { volatility: 'volatile' as const, async: true };
const stableOpts = { volatility: 'stable' as const };

export const systemFunctions: FunctionDef[] = [
  ...['gen_random_uuid', 'uuid_generate_v4'].map((name) =>
    defineFunction(name, [overload([], T.uuid, () => randomUUID(), volatileOpts)])),
  defineFunction('unique_rowid', [overload([], I, (_a, ctx) => ctx.uniqueRowId(), volatileOpts)]),
  defineFunction('nextval', [overload([S], I, ([n], ctx) => ctx.nextval(n as string), sequenceOpts)]),
  defineFunction('currval', [overload([S], I, ([n], ctx) => ctx.currval(n as string), sequenceOpts)]),
  defineFunction('setval', [
    overload([S, I], I, ([n, v], ctx) => ctx.setval(n as string, v as bigint, true), sequenceOpts),
    overload([S, I, T.bool], I, ([n, v, c], ctx) => ctx.setval(n as string, v as bigint, c as boolean), sequenceOpts),
  ]),
  defineFunction('version', [overload([], S, (_a, ctx) => ctx.version, stableOpts)]),
  ...['current_user', 'session_user', 'user'].map((name) =>
    defineFunction(name, [overload([], S, (_a, ctx) => ctx.user, stableOpts)])),
  ...['current_database', 'current_catalog'].map((name) =>
    defineFunction(name, [overload([], S, (_a, ctx) => ctx.database, stableOpts)])),
  defineFunction('current_schema', [overload([], S, (_a, ctx) => schemasOnPath(ctx)[0] ?? null, stableOpts)]),
  defineFunction('current_schemas', [
    overload([T.bool], arrayOf(S), ([implicit], ctx) =>
      (implicit ? ['pg_catalog', ...schemasOnPath(ctx).filter((s) => s !== 'pg_catalog')] : schemasOnPath(ctx)), stableOpts),
  ]),
  defineFunction('current_setting', [
    overload([S], S, ([n], ctx) => currentSetting(ctx, n as string, false), stableOpts),
    overload([S, T.bool], S, ([n, ok], ctx) => currentSetting(ctx, n as string, ok as boolean), stableOpts),
  ]),
  defineFunction('pg_typeof', [
    overload([AnyT], S, (_a, _ctx, types) => pgTypeName(types[0]!), { strict: false }),
  ]),
  defineFunction('cluster_logical_timestamp', [
    overload([], T.decimal, (_a, ctx) => parseDecimal(ctx.clusterLogicalTimestamp()), volatileOpts),
  ]),
  defineFunction('num_nulls', [overload({ variadic: AnyT }, I, (args) => countNulls(args, true), { strict: false })]),
  defineFunction('num_nonnulls', [overload({ variadic: AnyT }, I, (args) => countNulls(args, false), { strict: false })]),
  defineFunction('pg_sleep', [overload([T.float], T.bool, ([s]) => sleepSeconds(s as number), sequenceOpts)]),
];
