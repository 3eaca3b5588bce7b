// Owns the `sql` benchmark suite: Burrow's embedded SQL engine against
// PGlite (in-process PostgreSQL) on the same schema, in the same run:
// prepared point SELECT by primary key, single-row prepared INSERTs inside
// one transaction, and SELECT sum(balance) over a DECIMAL column.
// Both sides run in memory (PGlite's default; Burrow's memory engine), so
// neither pays for disk.

import { PGlite } from '@electric-sql/pglite';
import { open, type Database } from '../src/index.js';
import type { Session } from '../src/sql/session/session.js';
import { measurePair, type BenchResult, type Suite } from './harness.js';

const schema = 'CREATE TABLE accounts (id INT8 PRIMARY KEY, balance DECIMAL NOT NULL, name TEXT, created TIMESTAMPTZ)';
const pointRows = 10_000;
const insertRows = 100_000;
const sumRows = 1_000_000;

async function newBurrow(): Promise<{ db: Database; s: Session }> {
  const db = await open();
  await db.exec(schema);
  return { db, s: db.engine.newSession('root', 'defaultdb') };
}

async function newPglite(): Promise<PGlite> {
  const pg = new PGlite();
  await pg.exec(schema);
  return pg;
}

async function loadBurrow(s: Session, rows: number): Promise<void> {
  const ins = await s.prepare('INSERT INTO accounts VALUES ($1, $2, $3, now())');
  for (let b = 0; b < rows; b += 10_000) {
    await s.query('BEGIN');
    for (let i = b; i < Math.min(rows, b + 10_000); i++) await s.executePrepared(ins, [i, `${i % 1000}.25`, `name${i}`]);
    await s.query('COMMIT');
  }
}

async function loadPglite(pg: PGlite, rows: number): Promise<void> {
  await pg.exec(`INSERT INTO accounts SELECT g, (g % 1000) + 0.25, 'name' || g, now() FROM generate_series(0, ${rows - 1}) g`);
}

export const sqlSuite: Suite = {
  name: 'sql',
  description: 'embedded SQL vs PGlite: prepared point SELECT, prepared INSERTs in one transaction, sum(DECIMAL) over 1M rows',
  maxDurationMs: 8 * 60_000,
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    const log = (l: string) => console.log(l);

    {
      const ours = await newBurrow();
      await loadBurrow(ours.s, pointRows);
      const sel = await ours.s.prepare('SELECT id, balance, name FROM accounts WHERE id = $1');
      const pg = await newPglite();
      await loadPglite(pg, pointRows);
      const n = 20_000;
      results.push(await measurePair({
        name: 'prepared point SELECT by primary key', unit: 'queries/s', reference: 'PGlite 0.5.16, prepared query', target: 10, maxRunMs: 60_000, log,
        ours: async (ctx) => {
          const count = ctx.warmup ? 2_000 : n;
          const t0 = performance.now();
          for (let i = 0; i < count; i++) await ours.s.executePrepared(sel, [(i * 7919) % pointRows]);
          return { ops: count, durationMs: performance.now() - t0 };
        },
        ref: async (ctx) => {
          const count = ctx.warmup ? 200 : Math.round(n / 10);
          const t0 = performance.now();
          for (let i = 0; i < count; i++) await pg.query('SELECT id, balance, name FROM accounts WHERE id = $1', [(i * 7919) % pointRows]);
          return { ops: count, durationMs: performance.now() - t0 };
        },
      }));
      await ours.db.close();
      await pg.close();
    }

    {
      let round = 0;
      results.push(await measurePair({
        name: `single-row prepared INSERT in one transaction (${insertRows.toLocaleString('en-US')} rows)`, unit: 'rows/s',
        reference: 'PGlite 0.5.16, prepared INSERT in one transaction', target: 5, maxRunMs: 120_000, log,
        ours: async (ctx) => {
          const { db, s } = await newBurrow();
          const count = ctx.warmup ? 5_000 : insertRows;
          const ins = await s.prepare('INSERT INTO accounts VALUES ($1, $2, $3, now())');
          const t0 = performance.now();
          await s.query('BEGIN');
          for (let i = 0; i < count; i++) await s.executePrepared(ins, [i, `${i % 1000}.25`, `name${i}`]);
          await s.query('COMMIT');
          const durationMs = performance.now() - t0;
          await db.close();
          round++;
          return { ops: count, durationMs };
        },
        ref: async (ctx) => {
          const pg = await newPglite();
          const count = ctx.warmup ? 2_000 : Math.round(insertRows / 4);
          const t0 = performance.now();
          await pg.exec('BEGIN');
          for (let i = 0; i < count; i++) await pg.query('INSERT INTO accounts VALUES ($1, $2, $3, now())', [i, `${i % 1000}.25`, `name${i}`]);
          await pg.exec('COMMIT');
          const durationMs = performance.now() - t0;
          await pg.close();
          return { ops: count, durationMs };
        },
      }));
    }

    {
      const ours = await newBurrow();
      await loadBurrow(ours.s, sumRows);
      const sum = await ours.s.prepare('SELECT sum(balance) FROM accounts');
      const pg = await newPglite();
      await loadPglite(pg, sumRows);
      results.push(await measurePair({
        name: 'SELECT sum(balance) over 1,000,000 rows (DECIMAL)', unit: 'rows/s', reference: 'PGlite 0.5.16', target: 0.5, maxRunMs: 60_000, log,
        ours: async () => {
          const t0 = performance.now();
          await ours.s.executePrepared(sum, []);
          return { ops: sumRows, durationMs: performance.now() - t0 };
        },
        ref: async () => {
          const t0 = performance.now();
          await pg.query('SELECT sum(balance) FROM accounts');
          return { ops: sumRows, durationMs: performance.now() - t0 };
        },
      }));
      await ours.db.close();
      await pg.close();
    }
    return results;
  },
};
