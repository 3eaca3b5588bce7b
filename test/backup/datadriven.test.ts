// Runs every scenario file in test/backup/testdata/ through the backup
// datadriven runner (test/support/backup-datadriven.ts), each against its
// own server processes. Files run a few at a time; BURROW_DD_FILES=a,b
// runs only the files whose names contain one of the given substrings;
// BURROW_REWRITE=1 rewrites expected outputs.

import { test } from 'node:test';
import path from 'node:path';
import { sourcePath } from '../support/datadriven.js';
import { listScenarioFiles, runBackupDataDrivenFile } from '../support/backup-datadriven.js';

const filter = (process.env['BURROW_DD_FILES'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
const files = listScenarioFiles(sourcePath(import.meta.url, 'testdata'))
  .filter((f) => filter.length === 0 || filter.some((s) => path.basename(f).includes(s)));

test('backup datadriven scenarios', { concurrency: 3 }, async (t) => {
  await Promise.all(files.map((file) => t.test(path.basename(file), async () => {
    await runBackupDataDrivenFile(file);
  })));
});
