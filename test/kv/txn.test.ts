// Serializable transactions: read-your-writes, conflicts as 40001, savepoints,
// historical read-only transactions, waiting on sequenced commits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BurrowError } from '../../src/util/errors.js';
import { openKv, type KvDb } from '../../src/kv/db.js';
import type { Txn } from '../../src/kv/txn.js';
import { decodeUserKey } from '../../src/storage/mvcc-key.js';
import { b, engineKinds, withStore } from '../support/stores.js';

async function collect(txn: Txn, start?: Buffer, end?: Buffer, opts = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const page of txn.scan(start, end, opts)) for (const r of page) out.push(`${r.key}=${r.value}`);
  return out;
}

/** The same rows through the batch form (scanVisit), as key=value strings. */
async function collectVisit(txn: Txn, start?: Buffer, end?: Buffer, pageRows?: number): Promise<string[]> {
  const out: string[] = [];
  let betweens = 0;
  await txn.scanVisit(start, end, (k, v, at, userKey) => {
    out.push(`${userKey ? k : decodeUserKey(k)}=${v.subarray(at)}`);
  }, { ...(pageRows ? { pageRows } : {}), between: async () => void betweens++ });
  if (pageRows) assert.ok(betweens >= Math.floor(out.length / pageRows) - 1);
  return out;
}

async function withKv(kind: 'memory' | 'lmdb', fn: (kv: KvDb) => Promise<void>): Promise<void> {
  await withStore(kind, (store) => fn(openKv(store)));
}

const isRetry = (err: unknown): boolean =>
  err instanceof BurrowError && err.code === '40001' && err.message.startsWith('restart transaction:');

for (const kind of engineKinds) {
  test(`${kind}: read-your-writes in gets and scans (both ways, paged)`, async () => {
    await withKv(kind, async (kv) => {
      await kv.runTxn(async (t) => {
        for (const k of ['a', 'c', 'e']) t.put(b(k), b('old'));
      });
      const t = kv.begin();
      t.put(b('b'), b('new'));
      t.put(b('c'), b('new'));
      t.del(b('e'));
      assert.equal((await t.get(b('c')))?.toString(), 'new');
      assert.equal(await t.get(b('e')), undefined);
      assert.deepEqual(await collect(t), ['a=old', 'b=new', 'c=new']);
      assert.deepEqual(await collect(t, undefined, undefined, { reverse: true, pageRows: 1 }), ['c=new', 'b=new', 'a=old']);
      assert.deepEqual(await collect(t, b('b'), undefined, { limit: 1 }), ['b=new']);
      await t.commit();
      const r = kv.begin({ readOnly: true });
      assert.deepEqual(await collect(r), ['a=old', 'b=new', 'c=new']);
    });
  });

  test(`${kind}: scanVisit merges own writes, pages, and tracks its span for validation`, async () => {
    await withKv(kind, async (kv) => {
      await kv.runTxn(async (t) => {
        for (let i = 0; i < 20; i++) t.put(b(`k${String(i).padStart(2, '0')}`), b(`v${i}`));
      });
      await kv.runTxn(async (t) => t.del(b('k05')));
      const all = await collect(kv.begin({ readOnly: true }));
      assert.equal(all.length, 19);
      assert.deepEqual(await collectVisit(kv.begin({ readOnly: true }), undefined, undefined, 3), all);
      const t = kv.begin();
      t.put(b('k03'), b('own'));
      t.del(b('k04'));
      t.put(b('k055'), b('new'));
      assert.deepEqual(await collectVisit(t, b('k'), b('l'), 4), await collect(t, b('k'), b('l')));
      assert.deepEqual((await collectVisit(t, b('k02'), b('k06'))), ['k02=v2', 'k03=own', 'k055=new']);
      // The visited span is in the read set: a concurrent write there makes the commit retry.
      const r = kv.begin();
      await collectVisit(r, b('k1'), b('k2'));
      await kv.runTxn(async (u) => u.put(b('k15x'), b('1')));
      r.put(b('zz'), b('1'));
      await assert.rejects(r.commit(), isRetry);
      // A read-only historical visit sees the past.
      const past = kv.store.clock.now();
      await kv.runTxn(async (u) => u.put(b('k00'), b('changed')));
      const h = kv.begin({ readTs: past });
      assert.deepEqual((await collectVisit(h, b('k00'), b('k01'))), ['k00=v0']);
    });
  });

  test(`${kind}: write skew is prevented (40001 restart transaction)`, async () => {
    await withKv(kind, async (kv) => {
      await kv.runTxn(async (t) => {
        t.put(b('doc1'), b('on'));
        t.put(b('doc2'), b('on'));
      });
      const t1 = kv.begin();
      const t2 = kv.begin();
      assert.equal((await collect(t1, b('doc'), b('doe'))).length, 2);
      assert.equal((await collect(t2, b('doc'), b('doe'))).length, 2);
      t1.put(b('doc1'), b('off'));
      t2.put(b('doc2'), b('off'));
      await t1.commit();
      await assert.rejects(t2.commit(), isRetry);
      assert.equal(t2.state, 'aborted');
    });
  });

  test(`${kind}: phantoms are detected; blind writes do not conflict`, async () => {
    await withKv(kind, async (kv) => {
      const reader = kv.begin();
      assert.deepEqual(await collect(reader, b('p'), b('q')), []);
      const blind = kv.begin();
      blind.put(b('z'), b('1'));
      await kv.runTxn(async (t) => t.put(b('p1'), b('1')));
      await blind.commit();
      reader.put(b('x'), b('1'));
      await assert.rejects(reader.commit(), isRetry);
    });
  });

  test(`${kind}: point reads validate too`, async () => {
    await withKv(kind, async (kv) => {
      const t = kv.begin();
      assert.equal(await t.get(b('k')), undefined);
      await kv.runTxn(async (u) => u.put(b('k'), b('1')));
      t.put(b('other'), b('1'));
      await assert.rejects(t.commit(), isRetry);
    });
  });

  test(`${kind}: savepoints roll back buffered writes`, async () => {
    await withKv(kind, async (kv) => {
      const t = kv.begin();
      t.put(b('a'), b('1'));
      const sp = t.savepoint();
      t.put(b('b'), b('2'));
      t.put(b('a'), b('changed'));
      t.rollbackTo(sp);
      t.put(b('c'), b('3'));
      await t.commit();
      const r = kv.begin({ readOnly: true });
      assert.deepEqual(await collect(r), ['a=1', 'c=3']);
    });
  });

  test(`${kind}: historical read-only transactions see the past and never conflict`, async () => {
    await withKv(kind, async (kv) => {
      await kv.runTxn(async (t) => t.put(b('k'), b('v1')));
      const past = kv.store.clock.now();
      await kv.runTxn(async (t) => t.put(b('k'), b('v2')));
      const h = kv.begin({ readTs: past });
      assert.equal(h.readOnly, true);
      assert.equal((await h.get(b('k')))?.toString(), 'v1');
      await kv.runTxn(async (t) => t.put(b('k'), b('v3')));
      assert.deepEqual(await collect(h), ['k=v1']);
      assert.deepEqual(await h.commit(), past);
      const h2 = kv.begin({ readTs: past });
      assert.throws(() => h2.put(b('x'), b('1')), (err: unknown) => err instanceof BurrowError && err.code === '25006');
      assert.throws(() => kv.begin({ readTs: { wall: past.wall + 10n ** 12n, logical: 0 } }), /in the future/);
    });
  });

  test(`${kind}: a reader at a later timestamp waits for a sequenced commit`, async () => {
    await withKv(kind, async (kv) => {
      const w = kv.begin();
      w.put(b('k'), b('v'));
      const committing = w.commit();
      const r = kv.begin();
      // The commit is sequenced (below r's read timestamp) but may not be durable yet.
      assert.equal((await r.get(b('k')))?.toString(), 'v');
      await committing;
      assert.equal(kv.pendingCommits(), 0);
    });
  });

  test(`${kind}: runTxn retries conflicts until it commits`, async () => {
    await withKv(kind, async (kv) => {
      await kv.runTxn(async (t) => t.put(b('n'), b('0')));
      await Promise.all(
        Array.from({ length: 10 }, () =>
          kv.runTxn(async (t) => {
            const n = Number((await t.get(b('n')))!.toString());
            await new Promise((r) => setImmediate(r));
            t.put(b('n'), b(String(n + 1)));
          }),
        ),
      );
      const r = kv.begin({ readOnly: true });
      assert.equal((await r.get(b('n')))?.toString(), '10');
    });
  });
}
