// postgres.js (the `postgres` package, with its default options: it fetches
// array types from pg_catalog.pg_type on connect and uses named prepared
// statements) against a real server process: simple and parameterized
// queries, sql.begin transactions (commit and rollback), errors with their
// SQLSTATE, and value types (int, decimal as string, bool, timestamp, jsonb).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { removeDir, tempDir } from '../support/stores.js';
import { startServerProcess } from '../support/server-process.js';

test('postgres.js against a real server process', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await startServerProcess(dir);
  const sql = postgres(server.url, { max: 2, onnotice: () => {} });
  try {
    // Simple query protocol (several statements in one string) and the extended protocol.
    const simple = (await sql`SELECT 1 AS a; SELECT 'two' AS b`.simple()) as unknown as postgres.Row[][];
    assert.deepEqual(simple.map((r) => [...r]), [[{ a: '1' }], [{ b: 'two' }]]);
    assert.deepEqual([...(await sql`SELECT ${41}::INT8 + 1 AS n, ${'x'} || 'y' AS s`)], [{ n: '42', s: 'xy' }]);
    assert.deepEqual([...(await sql.unsafe('SELECT $1::INT4 AS v, $2 AS t', [42, 'text']))], [{ v: 42, t: 'text' }]);

    await sql`CREATE TABLE accounts (id INT8 PRIMARY KEY, balance DECIMAL NOT NULL, active BOOL, opened TIMESTAMPTZ, at TIMESTAMP, meta JSONB, owner STRING)`;
    const opened = new Date('2024-03-04T05:06:07.089Z');
    const ins = await sql`INSERT INTO accounts VALUES (${1}, ${'100.50'}, ${true}, ${opened}, ${opened}, ${sql.json({ tier: 'gold', tags: [1, 2] })}, ${'ann'})`;
    assert.equal(ins.count, 1);
    assert.equal(ins.command, 'INSERT');
    await sql`INSERT INTO accounts ${sql({ id: 2, balance: '20', active: false, owner: 'bo' })}`;

    // Types: INT8 and DECIMAL come back as strings, INT4 as a number, bool, timestamps as Dates, jsonb parsed.
    const rows = await sql`SELECT id, balance, active, opened, at, meta, owner, 7::INT4 AS small FROM accounts ORDER BY id`;
    assert.equal(rows.length, 2);
    const first = rows[0]!;
    assert.equal(first.id, '1');
    assert.equal(first.balance, '100.50');
    assert.equal(first.active, true);
    assert.ok(first.opened instanceof Date);
    assert.equal((first.opened as Date).toISOString(), opened.toISOString());
    assert.ok(first.at instanceof Date);
    assert.equal((first.at as Date).toISOString(), opened.toISOString());
    assert.deepEqual(first.meta, { tier: 'gold', tags: [1, 2] });
    assert.equal(first.owner, 'ann');
    assert.equal(first.small, 7);
    assert.deepEqual({ ...rows[1]! }, { id: '2', balance: '20', active: false, opened: null, at: null, meta: null, owner: 'bo', small: 7 });
    const [sums] = await sql`SELECT sum(balance) AS total, count(*)::INT4 AS n FROM accounts WHERE active IS NOT NULL`;
    assert.deepEqual({ ...sums! }, { total: '120.50', n: 2 });

    // sql.begin commits on success...
    const moved = await sql.begin(async (tx) => {
      await tx`UPDATE accounts SET balance = balance - 10 WHERE id = 1`;
      await tx`UPDATE accounts SET balance = balance + 10 WHERE id = 2`;
      return tx`SELECT balance FROM accounts ORDER BY id`;
    });
    assert.deepEqual(moved.map((r) => r.balance), ['90.50', '30']);
    // ...and rolls back when the callback throws.
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`UPDATE accounts SET balance = 0 WHERE id = 1`;
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    // A failing statement inside sql.begin rolls the transaction back and surfaces the SQLSTATE.
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`UPDATE accounts SET balance = 1 WHERE id = 2`;
        await tx`INSERT INTO accounts (id, balance) VALUES (1, 1)`;
      }),
      (err: Error & { code?: string }) => err.code === '23505',
    );
    assert.deepEqual((await sql`SELECT balance FROM accounts ORDER BY id`).map((r) => r.balance), ['90.50', '30']);

    // Errors carry their SQLSTATE in err.code (and the server's message).
    await assert.rejects(sql`INSERT INTO accounts (id, balance) VALUES (${1}, ${'5'})`, (err: Error & { code?: string; detail?: string }) => {
      assert.ok(err instanceof postgres.PostgresError);
      assert.equal(err.code, '23505');
      assert.equal(err.message, 'duplicate key value violates unique constraint "accounts_pkey"');
      assert.equal(err.detail, 'Key (id)=(1) already exists.');
      return true;
    });
    await assert.rejects(sql`SELECT * FROM nope`, (err: Error & { code?: string }) => err.code === '42P01');
    await assert.rejects(sql`SELECT 1/0`, (err: Error & { code?: string }) => err.code === '22012');
    await assert.rejects(sql`SELEC 1`, (err: Error & { code?: string }) => err.code === '42601');
    // The connection is still usable after errors.
    assert.deepEqual([...(await sql`SELECT count(*)::INT4 AS n FROM accounts`)], [{ n: 2 }]);
  } finally {
    await sql.end({ timeout: 5 });
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0, server.output());
    removeDir(dir);
  }
});
