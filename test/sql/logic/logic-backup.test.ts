// Backup/restore logic-test mode: every logic-test file under testdata/ runs
// in-process on an in-memory store (as in logic.test.ts); then the whole
// cluster is backed up and restored, and the restored copy must hold exactly
// what the original holds.
//
// Why a full cluster restore into a fresh engine: it restores everything a
// file can create (databases, schemas, tables, views, sequences and their
// values, users, roles, grants, cluster settings, zone configs), and the
// copy is compared with the original by name, so nothing about "which
// queries are still valid" has to be guessed. The collection is
// nodelocal://1/ over a temp directory shared by both engines (both stores
// are in memory; only the backup files touch the disk).
//
// Steps per file:
//  1. Run the file. Then `BACKUP INTO 'nodelocal://1/logic'` (full cluster).
//  2. Open a fresh in-memory engine and `RESTORE FROM LATEST IN ...`.
//  3. Compare original and restored copy (nothing writes in between):
//     a. Raw KV data of every public table and sequence, matched by
//        database.schema.name: at the present, every live key of the table's
//        span (primary AND secondary index entries, unique-index values,
//        sequence values) with the table-ID prefix stripped (restore gives new
//        descriptor IDs; index IDs, column IDs and encodings must survive), and
//        its value bytes. A restore that loses, adds or alters a single index
//        entry fails here, with per-index entry counts in the message. (Index
//        hints like t@idx are parsed but ignored by the planner today, so
//        secondary indexes cannot be checked through SQL.)
//     b. Catalog: SHOW DATABASES, SHOW SCHEMAS FROM d, the create statement of
//        every object (crdb_internal.create_statements), SHOW USERS,
//        SHOW GRANTS in every database, SHOW ZONE CONFIGURATIONS,
//        SHOW CLUSTER SETTINGS.
//     c. Replay: every recorded query of the file (as the user that ran it,
//        in a fresh session on each side) runs on both copies and must give
//        the same rows, or fail with the same SQLSTATE. Queries that are
//        nondeterministic (logictest's `nondeterministic`) or read the
//        virtual/system schemas (IDs, timestamps and jobs legitimately differ)
//        are left out.
//  4. Per-database restore under a new name into the ORIGINAL cluster
//     (`RESTORE DATABASE d FROM LATEST IN ... WITH new_db_name = 'd_restored'`,
//     the non-empty-cluster path with ID rewriting): raw KV data of every
//     table and sequence of d_restored must equal d's, and so must the
//     create statements (with the database name mapped back).
//
// Whether each query's *expected* rows still hold at the end is not asked:
// both copies answer the same query at the same logical state, so the
// comparison is exact without knowing what changed after a query ran.

import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../../support/datadriven.js';
import { nondeterministic, runLogicFile, type QueryRecord } from '../../support/logictest.js';
import { engineBackend, formatForLogic } from '../../support/sql-backend.js';
import { removeDir, tempDir } from '../../support/stores.js';
import { openStore, type Store } from '../../../src/storage/store.js';
import { openSqlEngine, type SqlEngine } from '../../../src/sql/engine.js';
import { installServices, stopServices } from '../../../src/server/services.js';
import { tableSpan } from '../../../src/sql/rowenc/table-codec.js';
import { decodeTablePrefix } from '../../../src/util/encoding.js';

const dir = sourcePath(import.meta.url, 'testdata');
const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const collection = 'nodelocal://1/logic';

type Rows = string[][];

interface Outcome {
  rows?: Rows;
  code?: string;
  message?: string;
}

/** Runs sql in a fresh session; returns the last row-returning result as text, or the error. */
async function run(engine: SqlEngine, sql: string, user = 'root', database = 'test', readOnly = false): Promise<Outcome> {
  const s = engine.newSession(user, database);
  try {
    if (readOnly) await s.query('SET default_transaction_read_only = on');
    const results = await s.query(sql);
    const last = [...results].reverse().find((r) => r.columns) ?? results[results.length - 1];
    if (!last?.columns) return { rows: [] };
    const cols = last.columns;
    return { rows: last.rows.map((r) => r.map((d, i) => formatForLogic(d, cols[i]!.type))) };
  } catch (err) {
    return { code: (err as { code?: string }).code ?? 'none', message: (err as Error).message };
  } finally {
    s.close();
  }
}

async function rows(engine: SqlEngine, sql: string, database = 'test'): Promise<Rows> {
  const o = await run(engine, sql, 'root', database);
  if (!o.rows) throw new Error(`${sql}: ${o.code} ${o.message}`);
  return o.rows;
}

const show = (r: Rows): string => r.map((x) => x.join(' | ')).join('\n    ');
const sortRows = (r: Rows): Rows => r.map((x) => x.slice()).sort((a, b) => (a.join('\u0001') < b.join('\u0001') ? -1 : a.join('\u0001') > b.join('\u0001') ? 1 : 0));

/** Differences found in one file; every check adds to it, so one run reports them all. */
type Problems = string[];

function expectSame(problems: Problems, what: string, a: Rows, b: Rows): void {
  if (show(a) === show(b)) return;
  // Rows only one side has (rows can be multi-line create statements).
  const as = a.map((x) => x.join(' | '));
  const bs = b.map((x) => x.join(' | '));
  const onlyA = as.filter((x) => !bs.includes(x));
  const onlyB = bs.filter((x) => !as.includes(x));
  const diff = onlyA.length + onlyB.length ? [...onlyA.map((x) => `- ${x}`), ...onlyB.map((x) => `+ ${x}`)] : [`- ${as.join(' / ')}`, `+ ${bs.join(' / ')}`];
  problems.push(`${what} differs after restore (- original only, + restored only):\n    ${diff.join('\n    ')}`);
}

interface Obj {
  db: string;
  schema: string;
  name: string;
  id: number;
}

async function userObjects(engine: SqlEngine): Promise<Obj[]> {
  const r = await rows(engine, `SELECT database_name, schema_name, name, table_id FROM crdb_internal.tables
    WHERE state = 'PUBLIC' AND database_name <> 'system' ORDER BY database_name, schema_name, name`);
  return r.map(([db, schema, name, id]) => ({ db: db!, schema: schema!, name: name!, id: Number(id) }));
}

/** Every live KV entry of a table's span at the present: index ID, key after the table/index prefix, value. */
function tableData(store: Store, id: number): string[] {
  const span = tableSpan(id);
  const out: string[] = [];
  let start: Buffer | undefined = span.start;
  const ts = store.clock.now();
  while (start) {
    const page = store.scanPage({ start, end: span.end, ts, maxRows: 10_000 });
    for (const r of page.rows) {
      const p = decodeTablePrefix(r.key);
      out.push(`${p.indexId} ${r.key.subarray(p.offset).toString('hex')} ${Buffer.from(r.value).toString('hex')}`);
    }
    start = page.resume?.start;
  }
  return out;
}

function perIndex(entries: string[]): string {
  const n = new Map<string, number>();
  for (const e of entries) n.set(e.split(' ')[0]!, (n.get(e.split(' ')[0]!) ?? 0) + 1);
  return [...n].map(([ix, c]) => `index ${ix}: ${c}`).join(', ') || 'no entries';
}

function expectSameData(problems: Problems, what: string, a: string[], b: string[]): void {
  if (a.join('\n') === b.join('\n')) return;
  const i = a.findIndex((e, k) => e !== b[k]);
  const at = i < 0 ? Math.min(a.length, b.length) : i;
  problems.push(`${what}: KV data differs after restore (original ${perIndex(a)}; restored ${perIndex(b)})\n` +
    `  first difference at entry ${at} (index key-suffix value, hex):\n    original: ${a[at] ?? '(none)'}\n    restored: ${b[at] ?? '(none)'}`);
}

async function compareData(problems: Problems, what: string, from: { engine: SqlEngine; objs: Obj[] }, to: { engine: SqlEngine; objs: Obj[] }, mapDb = (d: string) => d): Promise<number> {
  const byName = new Map(to.objs.map((o) => [`${o.db}.${o.schema}.${o.name}`, o]));
  let n = 0;
  for (const o of from.objs) {
    const name = `${o.db}.${o.schema}.${o.name}`;
    const other = byName.get(`${mapDb(o.db)}.${o.schema}.${o.name}`);
    if (!other) {
      problems.push(`${what}: ${name} is missing after restore`);
      continue;
    }
    expectSameData(problems, `${what}: ${name}`, tableData(from.engine.store, o.id), tableData(to.engine.store, other.id));
    n++;
  }
  return n;
}

const readQuery = /^\s*(SELECT|VALUES|TABLE|WITH)\b/i;
const writes = /\b(INSERT|UPSERT|UPDATE|DELETE|setval)\b/i;
const virtualSchemas = /\b(crdb_internal|pg_catalog|information_schema|system\.|pg_\w+\s*\(|oid|regclass|col_description|obj_description|has_\w+_privilege)\b/i;

/** Runs the recorded queries on both copies; returns how many were compared. */
async function replay(problems: Problems, file: string, queries: QueryRecord[], original: SqlEngine, restored: SqlEngine): Promise<number> {
  let n = 0;
  for (const q of queries) {
    if (nondeterministic.test(q.sql) || virtualSchemas.test(q.sql) || !readQuery.test(q.sql) || writes.test(q.sql)) continue;
    // Read-only sessions: a replay must never change either copy.
    const a = await run(original, q.sql, q.user, 'test', true);
    const b = await run(restored, q.sql, q.user, 'test', true);
    const text = (o: Outcome) => (o.rows ? show(q.sort === 'nosort' ? o.rows : sortRows(o.rows)) : `error ${o.code}: ${o.message}`);
    if (text(a) !== text(b) && !(a.code && a.code === b.code)) {
      problems.push(`${file}:${q.line}: as ${q.user}, the query differs between the original and the restored cluster\n${q.sql}\n` +
        `  original:\n    ${text(a)}\n  restored:\n    ${text(b)}`);
    }
    n++;
  }
  return n;
}

async function compareCatalog(problems: Problems, original: SqlEngine, restored: SqlEngine, dbs: string[]): Promise<void> {
  const both = async (what: string, sql: string, database = 'test', sorted = true) => {
    const a = await rows(original, sql, database);
    const b = await rows(restored, sql, database);
    expectSame(problems, what, sorted ? sortRows(a) : a, sorted ? sortRows(b) : b);
  };
  await both('SHOW DATABASES', 'SHOW DATABASES');
  await both('SHOW USERS', 'SHOW USERS');
  await both('SHOW ZONE CONFIGURATIONS', 'SHOW ZONE CONFIGURATIONS');
  await both('SHOW CLUSTER SETTINGS', 'SELECT variable, value FROM [SHOW CLUSTER SETTINGS]');
  for (const d of dbs) {
    await both(`SHOW SCHEMAS FROM ${d}`, `SHOW SCHEMAS FROM "${d}"`);
    await both(`SHOW GRANTS in ${d}`, 'SHOW GRANTS', d);
    // crdb_internal is scoped to the session's database, as in CockroachDB.
    await both(`create statements in ${d}`, `SELECT schema_name, descriptor_type, descriptor_name, create_statement
      FROM crdb_internal.create_statements WHERE database_name = '${d}'`, d);
  }
}

async function openEngine(ioDir: string): Promise<{ store: Store; engine: SqlEngine }> {
  const store = await openStore({ engine: 'memory' });
  const engine = await openSqlEngine(store);
  installServices(engine, { externalIoDir: ioDir });
  return { store, engine };
}

async function closeEngine(e: { store: Store; engine: SqlEngine } | undefined): Promise<void> {
  if (!e) return;
  await stopServices(e.engine);
  await e.engine.kv.drain();
  await e.store.close();
}

async function must(engine: SqlEngine, sql: string): Promise<void> {
  const o = await run(engine, sql);
  if (!o.rows) throw new Error(`${sql}: ${o.code} ${o.message}`);
}

for (const f of files) {
  test(`logic ${f} (backup and restore)`, async (t) => {
    const ioDir = tempDir();
    const store = await openStore({ engine: 'memory' });
    let restored: { store: Store; engine: SqlEngine } | undefined;
    const b = await engineBackend(store);
    try {
      installServices(b.engine, { externalIoDir: ioDir });
      await b.exec('CREATE DATABASE IF NOT EXISTS test', 'root');
      const file = path.join(dir, f);
      const report = await runLogicFile(file, b);
      const original = b.engine;

      await must(original, `BACKUP INTO '${collection}'`);
      restored = await openEngine(ioDir);
      await must(restored.engine, `RESTORE FROM LATEST IN '${collection}'`);

      const problems: Problems = [];
      const objs = await userObjects(original);
      const tables = await compareData(problems, `${f} cluster restore`, { engine: original, objs }, { engine: restored.engine, objs: await userObjects(restored.engine) });
      const dbs = (await rows(original, 'SELECT database_name FROM [SHOW DATABASES]')).map((r) => r[0]!).filter((d) => d !== 'system');
      await compareCatalog(problems, original, restored.engine, dbs);
      const replayed = await replay(problems, file, report.queries, original, restored.engine);

      // Per-database restore under a new name, into the original cluster.
      const newName = (d: string) => `${d}_restored`;
      const restoredDbs: string[] = [];
      for (const d of dbs) {
        const o = await run(original, `RESTORE DATABASE "${d}" FROM LATEST IN '${collection}' WITH new_db_name = '${newName(d)}'`);
        // A database whose views, foreign keys or sequence defaults reach into another
        // database cannot be restored alone (CockroachDB refuses it too); the
        // cluster restore above covers it.
        if (o.code === '42P01' && / without (restoring )?referenced /.test(o.message ?? '')) continue;
        if (!o.rows) throw new Error(`RESTORE DATABASE ${d} WITH new_db_name: ${o.code} ${o.message}`);
        restoredDbs.push(d);
      }
      const after = await userObjects(original);
      const src = after.filter((o) => restoredDbs.includes(o.db));
      await compareData(problems, `${f} restore with new_db_name`, { engine: original, objs: src }, { engine: original, objs: after }, newName);
      const creates = async (d: string) => (await rows(original, `SELECT schema_name, descriptor_type, descriptor_name, create_statement
        FROM crdb_internal.create_statements WHERE database_name = '${d}' ORDER BY 1, 2, 3`, d));
      for (const d of restoredDbs) {
        // Qualified references (db.schema.object) into d must now point into the restored copy.
        const qualified = new RegExp(`(?<![\\w"])${d.replace(/\W/g, '\\$&')}\\.(?=[\\w"]+\\.)`, 'g');
        const map = (r: Rows) => r.map((x) => x.map((v) => v.replace(qualified, `${newName(d)}.`)));
        expectSame(problems, `create statements of ${d} restored as ${newName(d)}`, map(await creates(d)), await creates(newName(d)));
      }
      t.diagnostic(`${tables} tables and sequences compared; ${replayed} of ${report.queries.length} queries replayed; ${restoredDbs.length} of ${dbs.length} databases also restored under a new name`);
      if (problems.length) throw new Error(`${problems.length} difference(s) between the original and the restored copy:\n\n${problems.join('\n\n')}`);
    } finally {
      await closeEngine(restored);
      await closeEngine({ store, engine: b.engine });
      removeDir(ioDir);
    }
  });
}
