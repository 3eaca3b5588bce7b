// Runs every logic-test file under testdata/ over pgwire: each file gets its
// own server process on an in-memory store (users, cluster settings and zone
// configs the files create stay private to the file, as in-process), with one
// node-postgres client per logic-test user (see support/pgwire-backend.ts for
// the protocol used per block and how values are rendered). Files run two at
// a time.

import { describe, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../../support/datadriven.js';
import { runLogicFile } from '../../support/logictest.js';
import { pgwireBackend } from '../../support/pgwire-backend.js';

const dir = sourcePath(import.meta.url, 'testdata');
const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();

describe('logic over pgwire', { concurrency: 2 }, () => {
  for (const f of files) {
    it(`logic ${f} (pgwire)`, async (t) => {
      const b = await pgwireBackend();
      try {
        const report = await runLogicFile(path.join(dir, f), b);
        t.diagnostic(`${report.cases} cases; ${b.stats.extended} statements over the extended protocol, ${b.stats.simple} as simple queries`);
      } catch (err) {
        if (b.server.child.exitCode !== null) (err as Error).message += `\nserver exited with ${b.server.child.exitCode}:\n${b.server.output().slice(-4000)}`;
        throw err;
      } finally {
        await b.close();
      }
    });
  }
});
