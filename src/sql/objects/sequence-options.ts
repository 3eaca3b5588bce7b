// Owns CREATE/ALTER SEQUENCE option handling: defaults by direction and
// integer type (CockroachDB's), applying options over existing ones, and the
// validation errors CockroachDB reports (zero increment, bounds, START and
// RESTART outside the bounds, CACHE, CYCLE, repeated options).
//
// Invariants: the result always satisfies minValue <= start <= maxValue,
// increment != 0 and cache >= 1. OWNED BY is returned unresolved.

import { BurrowError } from '../../util/errors.js';
import type { ObjectName, SequenceOption } from '../parser/ast.js';
import type { SequenceOptions } from '../catalog/descriptor.js';
import { typeFromRef, typeName, type SqlType } from '../types/types.js';

export interface ParsedSequenceOptions {
  options: SequenceOptions;
  /** RESTART [WITH n]: n, or `start` for a bare RESTART; null when absent. */
  restart: bigint | null;
  /** OWNED BY: undefined when absent, null for OWNED BY NONE. */
  ownedBy: ObjectName | null | undefined;
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

function bad(msg: string): BurrowError {
  return new BurrowError('22023', msg);
}

function typeBounds(t: SqlType): [bigint, bigint] {
  const bits = BigInt(t.width ?? 64);
  return [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

function checkRepeats(opts: SequenceOption[]): void {
  const seen = new Set<string>();
  for (const o of opts) {
    if (seen.has(o.kind)) throw new BurrowError('42601', 'conflicting or redundant options');
    seen.add(o.kind);
  }
}

function intType(o: Extract<SequenceOption, { kind: 'as' }>): SqlType {
  const t = typeFromRef(o.type);
  if (t.family !== 'int') throw new BurrowError('42601', `invalid integer type: ${typeName(t)}`);
  return t;
}

function find<K extends SequenceOption['kind']>(opts: SequenceOption[], kind: K): Extract<SequenceOption, { kind: K }> | undefined {
  return opts.find((o) => o.kind === kind) as Extract<SequenceOption, { kind: K }> | undefined;
}

function checkTypeBounds(min: bigint, max: bigint, t: SqlType | null): void {
  if (!t) return;
  const [tmin, tmax] = typeBounds(t);
  if (max > tmax) throw bad(`MAXVALUE (${max}) must be less than (${tmax}) for type ${typeName(t)}`);
  if (min < tmin) throw bad(`MINVALUE (${min}) must be greater than (${tmin}) for type ${typeName(t)}`);
}

function checkBounds(o: SequenceOptions, restart: bigint | null): void {
  if (o.minValue > o.maxValue) throw bad(`MINVALUE (${o.minValue}) must be less than MAXVALUE (${o.maxValue})`);
  if (o.start < o.minValue) throw bad(`START value (${o.start}) cannot be less than MINVALUE (${o.minValue})`);
  if (o.start > o.maxValue) throw bad(`START value (${o.start}) cannot be greater than MAXVALUE (${o.maxValue})`);
  if (restart !== null && restart < o.minValue) throw bad(`RESTART value (${restart}) cannot be less than MINVALUE (${o.minValue})`);
  if (restart !== null && restart > o.maxValue) throw bad(`RESTART value (${restart}) cannot be greater than MAXVALUE (${o.maxValue})`);
}

/** Applies options over `base` (null for CREATE SEQUENCE) and validates the result. */
export function applySequenceOptions(opts: SequenceOption[], base: SequenceOptions | null): ParsedSequenceOptions {
  checkRepeats(opts);
  if (find(opts, 'cycle')?.cycle) throw new BurrowError('0A000', 'CYCLE option is not supported');
  const as = find(opts, 'as');
  const type = as ? intType(as) : null;
  const [tmin, tmax] = type ? typeBounds(type) : [int64Min, int64Max];
  const increment = find(opts, 'increment')?.by ?? base?.increment ?? 1n;
  if (increment === 0n) throw bad('INCREMENT must not be zero');
  const up = increment > 0n;
  const minOpt = find(opts, 'minValue');
  const maxOpt = find(opts, 'maxValue');
  const minDefault = up ? 1n : tmin;
  const maxDefault = up ? tmax : -1n;
  const minValue = minOpt ? minOpt.value ?? minDefault : type || !base ? minDefault : base.minValue;
  const maxValue = maxOpt ? maxOpt.value ?? maxDefault : type || !base ? maxDefault : base.maxValue;
  checkTypeBounds(minValue, maxValue, type);
  const start = find(opts, 'start')?.value ?? (base && !type ? base.start : up ? minValue : maxValue);
  const cache = find(opts, 'cache')?.value ?? BigInt(base?.cache ?? 1);
  if (cache < 1n) throw bad(`CACHE (${cache}) must be greater than zero`);
  const restartOpt = find(opts, 'restart');
  const restart = restartOpt ? restartOpt.value ?? start : null;
  const options: SequenceOptions = { increment, minValue, maxValue, start, cache: Number(cache), cycle: false, ownedBy: base?.ownedBy ?? null };
  checkBounds(options, restart);
  const owned = find(opts, 'ownedBy');
  return { options, restart, ownedBy: owned ? owned.column : undefined };
}
