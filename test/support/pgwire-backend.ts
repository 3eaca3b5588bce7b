// Owns a logic-test backend that runs every statement through a real server
// process over the PostgreSQL wire protocol with node-postgres: one client
// per logic-test user (insecure mode, so a client logs in as that user; the
// files create their users), lazily connected to database `test`.
//
// Protocol: a block holding one statement goes through the extended protocol
// (Parse/Bind/Describe/Execute, as JDBC, pgx and node-postgres with
// parameters do); a block holding several statements separated by `;` is one
// simple Query message. `protocol: 'simple'` sends everything as simple queries.
//
// Values: every type is received as its raw text (no pg type parsing), and
// rendered as the in-process backend renders datums (formatForLogic): NULL,
// `·` for the empty string, top-level bools as true/false (the wire's text
// form of bool is t/f; inside arrays and tuples both backends print t/f),
// everything else exactly as the server sent it. Errors keep the SQLSTATE
// in `code`.

import pg from 'pg';
import { lex } from '../../src/sql/parser/lexer.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { BackendResult, LogicBackend } from './logictest.js';

const BOOL_OID = 16;

export interface PgwireBackendOptions {
  /** --store for the server: 'type=mem' (default) or a directory. */
  store?: string;
  /** 'extended' (default): single statements use the extended protocol; 'simple': everything is a simple query. */
  protocol?: 'extended' | 'simple';
  /** Database each user's connection opens (created first if missing). */
  database?: string;
  /** Per-query client-side timeout. */
  queryTimeoutMs?: number;
}

export interface PgwireBackend extends LogicBackend {
  server: ServerProcess;
  /** Counts of statements sent each way (to show both paths were exercised). */
  stats: { simple: number; extended: number };
  close(): Promise<void>;
}

/** True when sql holds more than one statement (a trailing `;` does not count). Unlexable text counts as one. */
export function isMultiStatement(sql: string): boolean {
  let tokens;
  try {
    tokens = lex(sql);
  } catch {
    return false;
  }
  let seenSemi = false;
  for (const t of tokens) {
    if (t.kind === 'eof') break;
    if (t.kind === 'op' && t.text === ';') seenSemi = true;
    else if (seenSemi) return true;
  }
  return false;
}

function formatValue(v: unknown, typeId: number): string {
  if (v === null || v === undefined) return 'NULL';
  const s = String(v);
  if (typeId === BOOL_OID) return s === 't' ? 'true' : s === 'f' ? 'false' : s;
  return s === '' ? '·' : s;
}

export async function pgwireBackend(opts: PgwireBackendOptions = {}): Promise<PgwireBackend> {
  const server = await startServerProcess(opts.store ?? 'type=mem');
  const database = opts.database ?? 'test';
  const protocol = opts.protocol ?? 'extended';
  const clients = new Map<string, Promise<pg.Client>>();
  const stats = { simple: 0, extended: 0 };
  const connect = async (user: string, db: string): Promise<pg.Client> => {
    const c = new pg.Client({
      host: '127.0.0.1', port: server.port, user, database: db, ssl: false,
      types: { getTypeParser: () => (v: string) => v },
      ...(opts.queryTimeoutMs !== undefined ? { query_timeout: opts.queryTimeoutMs } : { query_timeout: 60_000 }),
    });
    // A dropped connection surfaces on the next query; keep the process alive.
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  try {
    const admin = await connect('root', 'defaultdb');
    try {
      await admin.query(`CREATE DATABASE IF NOT EXISTS "${database.replace(/"/g, '""')}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  const clientFor = (user: string): Promise<pg.Client> => {
    let c = clients.get(user);
    if (!c) {
      c = connect(user, database);
      clients.set(user, c);
      c.catch(() => clients.delete(user));
    }
    return c;
  };
  return {
    server,
    stats,
    async exec(sql, user): Promise<BackendResult> {
      const client = await clientFor(user);
      const extended = protocol === 'extended' && !isMultiStatement(sql);
      if (extended) stats.extended++;
      else stats.simple++;
      const res = (await client.query({ text: sql, rowMode: 'array', ...(extended ? { queryMode: 'extended' as const } : {}) })) as
        unknown as pg.QueryArrayResult | pg.QueryArrayResult[];
      const results = Array.isArray(res) ? res : [res];
      const final = results[results.length - 1];
      const rowsAffected = final && final.rowCount !== null ? { rowsAffected: final.rowCount } : {};
      const last = [...results].reverse().find((r) => r.fields.length > 0);
      if (!last) return { columns: [], rows: [], ...rowsAffected };
      const fields = last.fields;
      return {
        columns: fields.map((f) => f.name),
        rows: last.rows.map((row) => (row as unknown[]).map((v, i) => formatValue(v, fields[i]!.dataTypeID))),
        ...rowsAffected,
      };
    },
    async close() {
      for (const c of clients.values()) {
        try {
          await (await c).end();
        } catch {
          // already gone
        }
      }
      clients.clear();
      await server.stop();
    },
  };
}
