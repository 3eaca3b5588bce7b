// End to end: psql 15's describe meta-commands (\d t, \d, \dt, \l, \di,
// \dn, \du) against a real server process, exactly as psql sends them
// (OPERATOR(pg_catalog.~), COLLATE pg_catalog.default, ::pg_catalog.regclass,
// pg_catalog.string_agg, FROM pg_catalog.unnest(...)); and the reg* casts of
// names those queries rely on, through node-postgres. The psql part skips
// itself when psql is not installed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startServerProcess } from '../support/server-process.js';

const exec = promisify(execFile);
const hasPsql = spawnSync('psql', ['--version']).status === 0;

const schema = [
  'CREATE TABLE p (id INT PRIMARY KEY, name STRING UNIQUE)',
  `CREATE TABLE t (
     id INT PRIMARY KEY,
     pid INT REFERENCES p (id),
     v STRING NOT NULL DEFAULT 'x',
     n INT,
     INDEX t_v_idx (v),
     CONSTRAINT n_positive CHECK (n > 0)
   )`,
];

/** Runs one psql meta-command; fails on any error psql reports. */
async function psql(url: string, command: string): Promise<string> {
  const env = { ...process.env, PAGER: '', PSQL_PAGER: '', PSQLRC: '/dev/null', LC_ALL: 'C' };
  const { stdout, stderr } = await exec('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-c', command], { env });
  assert.equal(stderr, '', `psql ${command} wrote to stderr`);
  return stdout;
}

/** Asserts that some line of out matches re. */
function hasLine(out: string, re: RegExp): void {
  assert.ok(out.split('\n').some((l) => re.test(l)), `no line matches ${re} in:\n${out}`);
}

test('psql describe commands and reg* casts against a real server process', { timeout: 60_000 }, async (t) => {
  const server = await startServerProcess('type=mem');
  const c = new pg.Client({ connectionString: server.url });
  try {
    await c.connect();
    for (const sql of schema) await c.query(sql);
    const oidOf = async (name: string): Promise<string> =>
      (await c.query('SELECT oid::INT8 AS oid FROM pg_catalog.pg_class WHERE relname = $1', [name])).rows[0].oid;
    const tOid = await oidOf('t');

    await t.test('string casts to regclass, regtype, regnamespace look the name up', async () => {
      const r = await c.query(`SELECT 't'::regclass::INT8 AS a, 'public.t'::pg_catalog.regclass::INT8 AS b,
        '"t"'::REGCLASS::INT8 AS c, CAST('${tOid}' AS REGCLASS)::INT8 AS d, 'int8'::regtype::INT8 AS e,
        'pg_catalog.text'::regtype::INT8 AS f, 'pg_catalog'::regnamespace::INT8 AS g, NULL::regclass AS h`);
      assert.deepEqual(r.rows, [{ a: tOid, b: tOid, c: tOid, d: tOid, e: '20', f: '25', g: '4294967293', h: null }]);
      const byName = await c.query(`SELECT relname FROM pg_catalog.pg_class WHERE oid = 'p'::pg_catalog.regclass`);
      assert.deepEqual(byName.rows, [{ relname: 'p' }]);
      const virt = await c.query(`SELECT relname FROM pg_catalog.pg_class WHERE oid = 'pg_catalog.pg_trigger'::regclass`);
      assert.deepEqual(virt.rows, [{ relname: 'pg_trigger' }]);
      await assert.rejects(c.query(`SELECT 'nope'::regclass`), (err: Error & { code?: string }) => {
        assert.equal(err.code, '42P01');
        assert.equal(err.message, 'relation "nope" does not exist');
        return true;
      });
      await assert.rejects(c.query(`SELECT 'nosuchtype'::regtype`), (err: Error & { code?: string }) => err.code === '42704');
      // A table created earlier in the same transaction is found.
      await c.query('BEGIN');
      await c.query('CREATE TABLE z (a INT PRIMARY KEY)');
      const inTxn = await c.query(`SELECT 'z'::regclass = (SELECT oid FROM pg_catalog.pg_class WHERE relname = 'z') AS same`);
      assert.deepEqual(inTxn.rows, [{ same: true }]);
      await c.query('ROLLBACK');
      // An OID cast to regclass stays an OID (PostgreSQL would print the name).
      const num = await c.query(`SELECT ${tOid}::regclass::INT8 AS x`);
      assert.deepEqual(num.rows, [{ x: tOid }]);
    });

    await t.test('psql meta-commands', { skip: !hasPsql && 'psql is not installed' }, async () => {
      const d = await psql(server.url, '\\d t');
      hasLine(d, /^\s+Table "public\.t"$/);
      hasLine(d, /^ id\s+\| bigint\s+\|\s+\| not null \|\s*$/);
      hasLine(d, /^ pid\s+\| bigint\s+\|\s+\|\s+\|\s*$/);
      hasLine(d, /^ v\s+\| text\s+\|\s+\| not null \| 'x'\s*$/);
      hasLine(d, /^ n\s+\| bigint\s+\|\s+\|\s+\|\s*$/);
      hasLine(d, /^Indexes:$/);
      hasLine(d, /^ {4}"t_pkey" PRIMARY KEY, btree \(id( ASC)?\)$/);
      hasLine(d, /^ {4}"t_v_idx" btree \(v( ASC)?\)$/);
      hasLine(d, /^Check constraints:$/);
      hasLine(d, /^ {4}"n_positive" CHECK \(\(n > 0(:::INT8)?\)\)$/);
      // psql lists foreign keys when pg_class.relhastriggers is set (Burrow sets it for tables with foreign keys).
      hasLine(d, /^Foreign-key constraints:$/);
      hasLine(d, /^ {4}"\w+" FOREIGN KEY \(pid\) REFERENCES p\(id\)/);

      const dp = await psql(server.url, '\\d p');
      hasLine(dp, /^ {4}"p_name_key" UNIQUE CONSTRAINT, btree \(name( ASC)?\)$/);
      hasLine(dp, /^Referenced by:$/);

      for (const cmd of ['\\dt', '\\d']) {
        const out = await psql(server.url, cmd);
        hasLine(out, /^\s+List of relations$/);
        hasLine(out, /^ public \| p\s+\| table \| root$/);
        hasLine(out, /^ public \| t\s+\| table \| root$/);
        hasLine(out, /^\(2 rows\)$/);
      }

      const di = await psql(server.url, '\\di');
      hasLine(di, /^ public \| t_pkey\s+\| index \| root\s+\| t$/);
      hasLine(di, /^ public \| t_v_idx\s+\| index \| root\s+\| t$/);
      hasLine(di, /^ public \| p_name_key\s+\| index \| root\s+\| p$/);
      hasLine(di, /^\(4 rows\)$/);

      const l = await psql(server.url, '\\l');
      hasLine(l, /^\s+List of databases$/);
      hasLine(l, /^ defaultdb\s+\| root\s+\| UTF8\s+\|/);
      hasLine(l, /^ postgres\s+\| root\s+\| UTF8\s+\|/);

      const dn = await psql(server.url, '\\dn');
      hasLine(dn, /^\s+List of schemas$/);
      hasLine(dn, /^ public\s+\| admin$/);

      const du = await psql(server.url, '\\du');
      hasLine(du, /^\s+List of roles$/);
      hasLine(du, /^ root\s+\| Superuser, Create role, Create DB\s+\| \{admin\}$/);
      hasLine(du, /^ admin\s+\| Superuser, Create role, Create DB, Cannot login\s+\| \{\}$/);
    });
  } finally {
    await c.end().catch(() => undefined);
    await server.stop();
  }
});
