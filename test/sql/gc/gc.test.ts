// The GC loop against a real SQL engine with tiny TTLs (gc.ttlseconds = 1):
// old versions of live tables go, reads older than the threshold fail as
// CockroachDB's do, dropped tables are cleared and their descriptors removed,
// protected timestamps hold GC back, and the timer-driven loop runs by itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlEngine, type SqlEngine } from '../../../src/sql/engine.js';
import { registerSettingsHandlers } from '../../../src/sql/settings/register.js';
import { registerObjectHandlers } from '../../../src/sql/objects/register.js';
import { startGcLoop } from '../../../src/sql/gc/gc-loop.js';
import { readDescriptor } from '../../../src/sql/catalog/catalog-store.js';
import type { TableDesc } from '../../../src/sql/catalog/descriptor.js';
import { tableSpan } from '../../../src/sql/rowenc/table-codec.js';
import { timestampToDecimalString } from '../../../src/util/hlc.js';
import type { Session } from '../../../src/sql/session/session.js';
import { engineKinds, withStore } from '../../support/stores.js';

const ttlWaitMs = 1_300;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withSql(kind: 'memory' | 'lmdb', fn: (engine: SqlEngine, s: Session) => Promise<void>): Promise<void> {
  registerSettingsHandlers();
  registerObjectHandlers();
  await withStore(kind, async (store) => {
    const engine = await openSqlEngine(store);
    await fn(engine, engine.newSession('root', 'defaultdb'));
  });
}

async function tableId(engine: SqlEngine, name: string): Promise<number> {
  const txn = engine.kv.begin({ readOnly: true });
  const t = await engine.catalog.resolveTable(txn, { catalog: null, schema: null, name }, { database: 'defaultdb', searchPath: ['public'] });
  return t.desc.id;
}

function spanStats(engine: SqlEngine, id: number) {
  const span = tableSpan(id);
  return engine.store.stats(span.start, span.end);
}

async function count(s: Session, sql: string): Promise<bigint> {
  const [r] = await s.query(sql);
  return r!.rows[0]![0] as bigint;
}

async function makeTable(s: Session, name: string, rows: number): Promise<void> {
  await s.query(`CREATE TABLE ${name} (k INT PRIMARY KEY, v STRING)`);
  await s.query(`ALTER TABLE ${name} CONFIGURE ZONE USING gc.ttlseconds = 1`);
  await s.query(`INSERT INTO ${name} SELECT i, 'value-' || i::STRING FROM generate_series(1, ${rows}) AS g(i)`);
}

for (const kind of engineKinds) {
  test(`${kind}: GC drops old versions to the live bytes and refuses reads below the threshold`, async () => {
    await withSql(kind, async (engine, s) => {
      await makeTable(s, 't', 100);
      const before = timestampToDecimalString(engine.store.clock.now());
      await s.query(`UPDATE t SET v = v || '-updated'`);
      await s.query('DELETE FROM t WHERE k > 50');
      const id = await tableId(engine, 't');
      const dirty = spanStats(engine, id);
      assert.ok(dirty.totalBytes > dirty.liveBytes, 'history before GC');
      assert.equal(await count(s, `SELECT count(*) FROM t AS OF SYSTEM TIME ${before}`), 100n);
      await sleep(ttlWaitMs);
      const gc = startGcLoop(engine, { intervalMs: 3_600_000 });
      const report = await gc.runOnce();
      await gc.stop();
      const mine = report.tables.find((t) => t.tableId === id)!;
      assert.ok(mine.versionsRemoved >= 150, `removed ${mine.versionsRemoved}`);
      const clean = spanStats(engine, id);
      assert.equal(clean.totalBytes, clean.liveBytes);
      assert.equal(clean.liveBytes, dirty.liveBytes);
      assert.equal(await count(s, 'SELECT count(*) FROM t'), 50n);
      await assert.rejects(s.query(`SELECT count(*) FROM t AS OF SYSTEM TIME ${before}`), (err: Error & { code?: string }) => {
        assert.match(err.message, /^batch timestamp \d+\.\d+,\d+ must be after replica GC threshold \d+\.\d+,\d+$/);
        assert.equal(err.code, 'XXUUU');
        return true;
      });
    });
  });
}

test('GC clears a dropped table once its TTL has passed, then removes its descriptor', async () => {
  await withSql('memory', async (engine, s) => {
    await makeTable(s, 'd', 20);
    const id = await tableId(engine, 'd');
    await s.query('DROP TABLE d');
    const gc = startGcLoop(engine, { intervalMs: 3_600_000 });
    const early = await gc.runOnce();
    assert.equal(early.tables.find((t) => t.tableId === id), undefined, 'TTL not passed yet');
    assert.ok(spanStats(engine, id).liveBytes > 0);
    await sleep(ttlWaitMs);
    const report = await gc.runOnce();
    await gc.stop();
    const mine = report.tables.find((t) => t.tableId === id)!;
    assert.equal(mine.dropped, true);
    assert.equal(mine.descriptorRemoved, true);
    assert.equal(spanStats(engine, id).totalBytes, 0);
    const txn = engine.kv.begin({ readOnly: true });
    assert.equal(await readDescriptor(txn, id), undefined);
  });
});

test('GC keeps what a protected timestamp needs until it is released', async () => {
  await withSql('memory', async (engine, s) => {
    await makeTable(s, 'p', 10);
    const protectedTs = engine.store.clock.now();
    const protection = engine.store.protect(protectedTs);
    await s.query(`UPDATE p SET v = 'new'`);
    await sleep(ttlWaitMs);
    const gc = startGcLoop(engine, { intervalMs: 3_600_000 });
    await gc.runOnce();
    const asOf = `SELECT count(*) FROM p AS OF SYSTEM TIME ${timestampToDecimalString(protectedTs)} WHERE v <> 'new'`;
    assert.equal(await count(s, asOf), 10n);
    protection.release();
    await gc.runOnce();
    await gc.stop();
    await assert.rejects(s.query(asOf), /must be after replica GC threshold/);
    const id = await tableId(engine, 'p');
    assert.equal(spanStats(engine, id).totalBytes, spanStats(engine, id).liveBytes);
  });
});

test('the loop runs on its own every intervalMs and stops cleanly', async () => {
  await withSql('memory', async (engine, s) => {
    await makeTable(s, 'l', 10);
    await s.query(`UPDATE l SET v = 'x'`);
    const id = await tableId(engine, 'l');
    await sleep(ttlWaitMs);
    const gc = startGcLoop(engine, { intervalMs: 20 });
    for (let i = 0; i < 100 && spanStats(engine, id).totalBytes !== spanStats(engine, id).liveBytes; i++) await sleep(20);
    await gc.stop();
    assert.equal(spanStats(engine, id).totalBytes, spanStats(engine, id).liveBytes);
  });
});

test('views have no data: a dropped view only loses its descriptor', async () => {
  await withSql('memory', async (engine, s) => {
    await s.query('CREATE TABLE base (k INT PRIMARY KEY)');
    await s.query('ALTER DATABASE defaultdb CONFIGURE ZONE USING gc.ttlseconds = 1');
    await s.query('CREATE VIEW vv AS SELECT k FROM base');
    const id = await tableId(engine, 'vv');
    await s.query('DROP VIEW vv');
    await sleep(ttlWaitMs);
    const gc = startGcLoop(engine, { intervalMs: 3_600_000 });
    const report = await gc.runOnce();
    await gc.stop();
    assert.equal(report.tables.find((t) => t.tableId === id)?.descriptorRemoved, true);
    const desc = (await readDescriptor(engine.kv.begin({ readOnly: true }), await tableId(engine, 'base'))) as TableDesc;
    assert.equal(desc.state, 'public');
  });
});
