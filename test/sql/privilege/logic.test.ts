// Runs the `users` and `privileges` logic-test files with the privilege
// handlers registered, on the memory engine, so they are checked even where
// the shared logic runner does not register them. Files whose checks need
// the privilege calls in planning and DML are listed in needsEnforcement and
// run only when enforcement is in place (a denied SELECT proves it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sourcePath } from '../../support/datadriven.js';
import { runLogicFile } from '../../support/logictest.js';
import { engineBackend } from '../../support/sql-backend.js';
import { openStore } from '../../../src/storage/store.js';
import { registerPrivilegeHandlers } from '../../../src/sql/privilege/register.js';

const dir = sourcePath(import.meta.url, '../logic/testdata');

async function withBackend<T>(fn: (b: Awaited<ReturnType<typeof engineBackend>>) => Promise<T>): Promise<T> {
  const store = await openStore({ engine: 'memory' });
  try {
    const b = await engineBackend(store);
    await b.exec('CREATE DATABASE IF NOT EXISTS test', 'root');
    return await fn(b);
  } finally {
    await store.close();
  }
}

/** Whether SELECT planning checks privileges (the lead's call sites are in place). */
async function enforcementInPlace(): Promise<boolean> {
  return withBackend(async (b) => {
    await b.exec('CREATE TABLE t (k INT PRIMARY KEY); CREATE USER probe', 'root');
    try {
      await b.exec('SELECT * FROM t', 'probe');
      return false;
    } catch {
      return true;
    }
  });
}

registerPrivilegeHandlers();

test('logic users (privilege handlers registered)', async () => {
  await withBackend((b) => runLogicFile(path.join(dir, 'users'), b));
});

test('logic privileges (privilege handlers registered)', async () => {
  assert.ok(await enforcementInPlace(), 'a user without SELECT can read a table');
  await withBackend((b) => runLogicFile(path.join(dir, 'privileges'), b));
});
