// Concurrency: random bank transfers from many concurrent transactions with
// retries keep the total constant, concurrent audits always see the total,
// and the committed history is serializable: replaying the committed
// transactions one at a time in commit-timestamp order, every value each
// one read is the value the serial replay has at that point.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Timestamp } from '../../src/util/hlc.js';
import { compareTimestamps } from '../../src/util/hlc.js';
import { openKv } from '../../src/kv/db.js';
import { engineKinds, withStore } from '../support/stores.js';

const accounts = 8;
const workers = 8;
const transfersPerWorker = 25;
const initialBalance = 100;
const key = (i: number) => Buffer.from(`acct/${i.toString().padStart(3, '0')}`);

interface Committed {
  ts: Timestamp;
  reads: Map<string, string>;
  writes: Map<string, string>;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

for (const kind of engineKinds) {
  test(`${kind}: concurrent transfers keep the total and commit a serializable history`, async () => {
    await withStore(kind, async (store) => {
      const kv = openKv(store);
      const history: Committed[] = [];
      await kv.runTxn(async (t) => {
        for (let i = 0; i < accounts; i++) t.put(key(i), Buffer.from(`${initialBalance}:init`));
      });
      const initial = new Map<string, string>();
      for (let i = 0; i < accounts; i++) initial.set(key(i).toString(), `${initialBalance}:init`);

      let auditsDone = 0;
      let stop = false;
      const audit = async () => {
        while (!stop) {
          const t = kv.begin({ readOnly: true });
          let total = 0;
          for await (const page of t.scan(Buffer.from('acct/'), Buffer.from('acct0'), { pageRows: 3 })) {
            for (const r of page) total += Number(r.value.toString().split(':')[0]);
          }
          assert.equal(total, accounts * initialBalance);
          auditsDone++;
          await new Promise((r) => setImmediate(r));
        }
      };

      const worker = async (w: number) => {
        const rnd = seeded(w + 1);
        for (let n = 0; n < transfersPerWorker; n++) {
          const from = Math.floor(rnd() * accounts);
          const to = (from + 1 + Math.floor(rnd() * (accounts - 1))) % accounts;
          const amount = 1 + Math.floor(rnd() * 10);
          const id = `w${w}n${n}`;
          let reads = new Map<string, string>();
          let writes = new Map<string, string>();
          const t0 = { ts: { wall: 0n, logical: 0 } };
          await kv.runTxn(async (t) => {
            reads = new Map();
            writes = new Map();
            const fromVal = (await t.get(key(from)))!.toString();
            await new Promise((r) => setImmediate(r)); // let others interleave
            const toVal = (await t.get(key(to)))!.toString();
            reads.set(key(from).toString(), fromVal);
            reads.set(key(to).toString(), toVal);
            const fb = Number(fromVal.split(':')[0]);
            const tb = Number(toVal.split(':')[0]);
            if (fb < amount) return;
            writes.set(key(from).toString(), `${fb - amount}:${id}`);
            writes.set(key(to).toString(), `${tb + amount}:${id}`);
            for (const [k, v] of writes) t.put(Buffer.from(k), Buffer.from(v));
            // Capture the commit timestamp through the transaction's own commit.
            const commit = t.commit.bind(t);
            t.commit = async () => {
              t0.ts = await commit();
              return t0.ts;
            };
          });
          if (writes.size > 0) history.push({ ts: t0.ts, reads, writes });
        }
      };

      const auditor = audit();
      await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
      stop = true;
      await auditor;
      assert.ok(auditsDone > 0);

      // Serial replay in commit order.
      history.sort((a, c) => compareTimestamps(a.ts, c.ts));
      const state = new Map(initial);
      for (const h of history) {
        for (const [k, v] of h.reads) assert.equal(v, state.get(k), `a transaction read ${k}=${v} but the serial order has ${state.get(k)}`);
        for (const [k, v] of h.writes) state.set(k, v);
      }
      const final = kv.begin({ readOnly: true });
      let total = 0;
      for (let i = 0; i < accounts; i++) {
        const v = (await final.get(key(i)))!.toString();
        assert.equal(v, state.get(key(i).toString()));
        total += Number(v.split(':')[0]);
      }
      assert.equal(total, accounts * initialBalance);
      assert.ok(history.length > workers * transfersPerWorker * 0.5);
    });
  });
}
