// Owns the embedded API: open a store in-process and run SQL without a
// socket, the way PGlite is used. Results come back as plain JS values
// (documented in the README): INT as number when it fits in 53 bits else
// bigint, DECIMAL as string, FLOAT as number, BYTES as Buffer, TIMESTAMP(TZ)
// as Date, DATE/TIME/INTERVAL/UUID as strings, JSONB parsed, arrays as arrays.

import { openStore, type Store } from '../storage/store.js';
import { installServices, stopServices } from './services.js';
import { openSqlEngine, type SqlEngine } from '../sql/engine.js';
import type { Session } from '../sql/session/session.js';
import type { Datum, Json } from '../sql/types/datum.js';
import type { SqlType } from '../sql/types/types.js';
import { formatDatum } from '../sql/types/format.js';
import { commandTag, type StatementResult } from '../sql/session/result.js';

export interface OpenOptions {
  /** A directory for an on-disk LMDB store; omit (or 'memory') for an in-memory store. */
  path?: string;
  /** 'full' (default on disk): every commit fsynced; 'none': faster, not crash-safe. */
  syncMode?: 'full' | 'none';
  user?: string;
  database?: string;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeName: string }[];
  rowCount: number;
  command: string;
}

export interface Database {
  /** Runs one or more statements; returns the last statement's result. */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Runs one or more statements; returns every statement's result. */
  exec(sql: string, params?: unknown[]): Promise<QueryResult[]>;
  /** A separate session (its own transaction state and variables). */
  session(): Database;
  close(): Promise<void>;
  readonly engine: SqlEngine;
}

export function toJs(d: Datum, t: SqlType): unknown {
  if (d === null) return null;
  switch (t.family) {
    case 'int': case 'oid': {
      const v = d as bigint;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
    }
    case 'float': case 'string': case 'bool': case 'uuid': case 'bytes':
      return d;
    case 'timestamp': case 'timestamptz':
      return new Date(Number((d as bigint) / 1000n));
    case 'jsonb':
      return (d as Json).json;
    case 'array':
      return (d as Datum[]).map((x) => toJs(x, t.elem!));
    default:
      return formatDatum(d, t, { timezone: 'UTC' });
  }
}

function convert(r: StatementResult): QueryResult {
  const cols = r.columns ?? [];
  return {
    rows: r.rows.map((row) => {
      const o: Record<string, unknown> = {};
      cols.forEach((c, i) => (o[c.name] = toJs(row[i]!, c.type)));
      return o;
    }),
    fields: cols.map((c) => ({ name: c.name, dataTypeName: c.type.family })),
    rowCount: r.rowsAffected,
    command: commandTag(r),
  };
}

function wrap(engine: SqlEngine, session: Session, close: () => Promise<void>): Database {
  return {
    engine,
    async query(sql, params = []) {
      const results = await session.query(sql, params);
      return convert(results[results.length - 1]!);
    },
    async exec(sql, params = []) {
      return (await session.query(sql, params)).map(convert);
    },
    session: () => wrap(engine, engine.newSession(session.state.user, session.state.database), async () => {}),
    close,
  };
}

export async function open(opts: OpenOptions = {}): Promise<Database> {
  const onDisk = opts.path !== undefined && opts.path !== 'memory';
  const store: Store = await openStore(onDisk ? { engine: 'lmdb', path: opts.path!, syncMode: opts.syncMode ?? 'full' } : { engine: 'memory' });
  const engine = await openSqlEngine(store);
  installServices(engine);
  const session = engine.newSession(opts.user ?? 'root', opts.database ?? 'defaultdb');
  return wrap(engine, session, async () => {
    session.close();
    await stopServices(engine);
    await engine.kv.drain();
    await store.close();
  });
}
