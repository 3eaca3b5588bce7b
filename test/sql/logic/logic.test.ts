// Runs every logic-test file under testdata/ in-process, on the memory
// engine, and in persistence mode: on an LMDB store that is closed and
// reopened after the file, after which every query is run again AS OF the
// time it first ran and must give the same rows.

import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../../support/datadriven.js';
import { rerunAsOf, runLogicFile } from '../../support/logictest.js';
import { engineBackend } from '../../support/sql-backend.js';
import { openStore } from '../../../src/storage/store.js';
import { removeDir, tempDir } from '../../support/stores.js';

const dir = sourcePath(import.meta.url, 'testdata');
const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();

async function prepare(backend: { exec(sql: string, user: string): Promise<unknown> }): Promise<void> {
  await backend.exec('CREATE DATABASE IF NOT EXISTS test', 'root');
}

for (const f of files) {
  test(`logic ${f}`, async () => {
    const store = await openStore({ engine: 'memory' });
    try {
      const b = await engineBackend(store);
      await prepare(b);
      await runLogicFile(path.join(dir, f), b);
    } finally {
      await store.close();
    }
  });

  test(`logic ${f} (persistence: reopen and re-read as of each query's time)`, async () => {
    const d = tempDir();
    try {
      let store = await openStore({ engine: 'lmdb', path: d, syncMode: 'none' });
      const b = await engineBackend(store);
      await prepare(b);
      const report = await runLogicFile(path.join(dir, f), b);
      await store.close();
      store = await openStore({ engine: 'lmdb', path: d, syncMode: 'none' });
      try {
        await rerunAsOf(path.join(dir, f), report.queries, await engineBackend(store));
      } finally {
        await store.close();
      }
    } finally {
      removeDir(d);
    }
  });
}
