// Owns sequence values at runtime: where a sequence's value lives (one KV
// key in the sequence's own primary index, /Table/<id>/1/0, holding the
// last value handed out as decimal text), nextval/currval/setval with
// CockroachDB's semantics and errors, session-local state (currval, lastval,
// CACHE'd values) and the row source for `SELECT * FROM seq`.
//
// Invariants:
// - nextval/setval write the value in a kv transaction of their own
//   (kv.runTxn), like CockroachDB's non-transactional increments: concurrent
//   sessions never conflict on it for longer than a retry, and a rollback of
//   the calling transaction does not give numbers back. The one exception is
//   a sequence created by the calling transaction itself (its descriptor is
//   not committed yet): then the caller's transaction is used.
// - The stored value is what `SELECT last_value` shows; a new sequence
//   stores start - increment. setval(v, false) stores v - increment.
// - Out-of-bounds increments are still stored (as CockroachDB does), unless
//   they leave the INT8 range.

import { BurrowError } from '../../util/errors.js';
import type { KvDb } from '../../kv/db.js';
import type { Txn } from '../../kv/txn.js';
import type { Catalog, ResolvedTable, SessionNames } from '../catalog/catalog.js';
import { descriptorKey } from '../catalog/catalog-store.js';
import type { SequenceOptions, TableDesc } from '../catalog/descriptor.js';
import { primaryKey, tableLayout } from '../rowenc/table-codec.js';
import type { EvalContext } from '../types/eval-context.js';
import { T } from '../types/types.js';
import type { RelNode } from '../plan/types.js';
import { hasPrivilege } from '../privilege/check.js';
import type { Privilege } from '../catalog/descriptor.js';
import { parseRelationName, qualifiedName } from './names.js';

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

// ------------------------------------------------------------ the stored value

export function sequenceValueKey(desc: TableDesc): Buffer {
  return primaryKey(tableLayout(desc), [0n]);
}

export function encodeSequenceValue(v: bigint): Buffer {
  return Buffer.from(v.toString(), 'latin1');
}

export function initialSequenceValue(o: SequenceOptions, restart: bigint | null = null): bigint {
  return (restart ?? o.start) - o.increment;
}

/** The last value handed out, as of txn (what SELECT last_value FROM seq shows). */
export async function readSequenceValue(txn: Txn, desc: TableDesc): Promise<bigint> {
  const v = await txn.get(sequenceValueKey(desc));
  return v ? BigInt(v.toString('latin1')) : initialSequenceValue(desc.sequence!);
}

export function writeSequenceValue(txn: Txn, desc: TableDesc, v: bigint): void {
  if (v >= int64Min && v <= int64Max) txn.put(sequenceValueKey(desc), encodeSequenceValue(v));
}

/**
 * Runs fn on the sequence value in its own kv transaction, or in `txn` when
 * the sequence's descriptor is not committed (created by txn itself).
 */
async function onOwnTxn<R>(kv: KvDb, txn: Txn, desc: TableDesc, fn: (t: Txn) => Promise<R>): Promise<R> {
  const done = await kv.runTxn(async (t) => ((await t.get(descriptorKey(desc.id))) ? { r: await fn(t) } : null));
  return done ? done.r : fn(txn);
}

// ------------------------------------------------------------ session state

export interface SequenceSessionState {
  /** Last value nextval (or setval with is_called) returned in this session, by sequence ID. */
  lastValues: Map<number, bigint>;
  lastval: bigint | null;
  /** Values fetched ahead because of CACHE n, valid while the descriptor version is unchanged. */
  caches: Map<number, { version: number; values: bigint[] }>;
}

export function newSequenceSessionState(): SequenceSessionState {
  return { lastValues: new Map(), lastval: null, caches: new Map() };
}

export interface SequenceDeps {
  kv: KvDb;
  catalog: Catalog;
  /** The calling statement's transaction (name resolution, read-only check). */
  txn: Txn;
  /** Live session names and user (USE changes are seen). */
  session: SessionNames & { user: string };
  state: SequenceSessionState;
}

// ------------------------------------------------------------ nextval / currval / setval

function assertWritable(txn: Txn, fn: string): void {
  if (txn.readOnly) throw new BurrowError('25006', `cannot execute ${fn}() in a read-only transaction`);
}

/** Privileges a sequence function needs, any one of which is enough (CockroachDB's). */
const needs: Record<string, Privilege[]> = { nextval: ['UPDATE', 'USAGE'], setval: ['UPDATE'], currval: ['SELECT', 'USAGE'] };

async function checkPrivilege(deps: SequenceDeps, desc: TableDesc, fn: string): Promise<void> {
  const want = needs[fn]!;
  for (const p of want) if (await hasPrivilege(deps.txn, deps.session.user, desc, p)) return;
  throw new BurrowError('42501', `${fn}(): user ${deps.session.user} does not have ${want.join(' or ')} privilege on relation ${desc.name}`);
}

async function resolveSequence(deps: SequenceDeps, text: string, fn: string): Promise<ResolvedTable> {
  const r = await deps.catalog.findTable(deps.txn, parseRelationName(text, fn), deps.session);
  if (!r) throw new BurrowError('42P01', `${fn}(): relation "${text}" does not exist`);
  if (r.desc.kind !== 'sequence') {
    throw new BurrowError('42809', `${fn}(): "${qualifiedName(r.db.name, r.schema.name, r.desc.name)}" is not a sequence`);
  }
  await checkPrivilege(deps, r.desc, fn);
  return r;
}

function inBounds(o: SequenceOptions, v: bigint): boolean {
  return v >= o.minValue && v <= o.maxValue;
}

function boundsError(desc: TableDesc): BurrowError {
  const o = desc.sequence!;
  const [which, bound] = o.increment > 0n ? ['maximum', o.maxValue] : ['minimum', o.minValue];
  return new BurrowError('2200H', `nextval(): reached ${which} value of sequence "${desc.name}" (${bound})`);
}

/** Takes `cache` values at once (one write), hands out the first, keeps the rest for this session. */
async function fetchValues(deps: SequenceDeps, desc: TableDesc): Promise<bigint[]> {
  const o = desc.sequence!;
  const n = BigInt(o.cache);
  const before = await onOwnTxn(deps.kv, deps.txn, desc, async (t) => {
    const cur = await readSequenceValue(t, desc);
    writeSequenceValue(t, desc, cur + o.increment * n);
    return cur;
  });
  const values: bigint[] = [];
  for (let i = 1n; i <= n; i++) {
    const v = before + o.increment * i;
    if (!inBounds(o, v)) break;
    values.push(v);
  }
  return values;
}

async function nextValue(deps: SequenceDeps, desc: TableDesc): Promise<bigint> {
  const cached = deps.state.caches.get(desc.id);
  if (cached && cached.version === desc.version && cached.values.length > 0) return cached.values.shift()!;
  const values = await fetchValues(deps, desc);
  if (values.length === 0) throw boundsError(desc);
  deps.state.caches.set(desc.id, { version: desc.version, values: values.slice(1) });
  return values[0]!;
}

function remember(state: SequenceSessionState, id: number, v: bigint): void {
  state.lastValues.set(id, v);
  state.lastval = v;
}

async function setValue(deps: SequenceDeps, text: string, value: bigint, isCalled: boolean): Promise<bigint> {
  assertWritable(deps.txn, 'setval');
  const { desc } = await resolveSequence(deps, text, 'setval');
  const o = desc.sequence!;
  if (!inBounds(o, value)) {
    throw new BurrowError('22003', `setval(): value ${value} is out of bounds for sequence "${desc.name}" (${o.minValue}..${o.maxValue})`);
  }
  const stored = isCalled ? value : value - o.increment;
  await onOwnTxn(deps.kv, deps.txn, desc, async (t) => writeSequenceValue(t, desc, stored));
  deps.state.caches.delete(desc.id);
  if (isCalled) remember(deps.state, desc.id, value);
  return value;
}

export type SequenceFunctions = Pick<EvalContext, 'nextval' | 'currval' | 'setval'> & { lastval(): Promise<bigint> };

/** nextval/currval/setval (and lastval) for one statement's EvalContext. */
export function sequenceFunctions(deps: SequenceDeps): SequenceFunctions {
  return {
    async nextval(text) {
      assertWritable(deps.txn, 'nextval');
      const { desc } = await resolveSequence(deps, text, 'nextval');
      const v = await nextValue(deps, desc);
      remember(deps.state, desc.id, v);
      return v;
    },
    async currval(text) {
      const { db, schema, desc } = await resolveSequence(deps, text, 'currval');
      const v = deps.state.lastValues.get(desc.id);
      if (v === undefined) {
        throw new BurrowError('55000', `currval(): currval of sequence "${qualifiedName(db.name, schema.name, desc.name)}" is not yet defined in this session`);
      }
      return v;
    },
    setval: (text, value, isCalled) => setValue(deps, text, value, isCalled),
    async lastval() {
      if (deps.state.lastval === null) throw new BurrowError('55000', 'lastval(): lastval is not yet defined in this session');
      return deps.state.lastval;
    },
  };
}

// ------------------------------------------------------------ SELECT * FROM seq

/** The row source for a sequence in FROM: one row (last_value, log_cnt, is_called). */
export function sequenceScanNode(desc: TableDesc, alias: string): RelNode {
  const cols = [
    { name: 'last_value', type: T.int, table: alias, hidden: false },
    { name: 'log_cnt', type: T.int, table: alias, hidden: false },
    { name: 'is_called', type: T.bool, table: alias, hidden: false },
  ];
  return {
    cols,
    explain: () => ({ name: 'sequence select', details: [`sequence: ${desc.name}`], children: [] }),
    async *run(ctx) {
      yield [[await readSequenceValue(ctx.txn, desc), 0n, true]];
    },
  };
}
