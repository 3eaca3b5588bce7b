// Child process for the crash test: opens an lmdb store with durable
// commits and runs concurrent writers, each transaction writing three keys
// with the same value; prints "ack <round> <writer> <n>" only after commit
// resolved. The parent SIGKILLs it at a random moment.

import { openStore } from '../../src/storage/store.js';
import { openKv } from '../../src/kv/db.js';

const [dir, round] = process.argv.slice(2) as [string, string];
const writers = 4;

const store = await openStore({ engine: 'lmdb', path: dir, syncMode: 'full' });
const kv = openKv(store);
process.stdout.write('ready\n');

async function writer(w: number): Promise<void> {
  for (let n = 0; n < 1_000_000; n++) {
    const id = `${round}/${w}/${n}`;
    await kv.runTxn(async (t) => {
      for (const part of ['a', 'b', 'c']) t.put(Buffer.from(`txn/${id}/${part}`), Buffer.from(id));
      t.put(Buffer.from(`last/${w}`), Buffer.from(id));
    });
    process.stdout.write(`ack ${round} ${w} ${n}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
