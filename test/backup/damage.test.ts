// Damaged backups through the embedded engine and a nodelocal collection on
// disk: a missing data file, a flipped byte in a data file, and a manifest
// of a newer format each fail RESTORE with an error naming the file, and
// SHOW BACKUP ... WITH check_files / RESTORE ... WITH schema_only,
// verify_backup_table_data find the damage without restoring anything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database } from '../../src/server/embedded.js';
import { removeDir, tempDir } from '../support/stores.js';

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    return true;
  });
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

async function fresh(dir: string): Promise<{ db: Database; folder: string; root: string }> {
  const db = await open({ path: dir, syncMode: 'none' });
  await db.exec("CREATE DATABASE bank; CREATE TABLE bank.accounts (id INT PRIMARY KEY, balance DECIMAL); INSERT INTO bank.accounts SELECT i, i FROM generate_series(1, 5000) AS g(i)");
  await db.query("BACKUP DATABASE bank INTO 'nodelocal://1/c'");
  const folder = (await db.query("SHOW BACKUPS IN 'nodelocal://1/c'")).rows[0]!.path as string;
  return { db, folder, root: path.join(dir, 'extern', 'c', folder) };
}

test('damaged backups: missing file, flipped byte, newer manifest format, empty collection', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  try {
    let { db, root } = await fresh(dir);
    try {
      await rejectsWith(db.query("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/empty'"), '58P01', /^path does not contain a completed latest backup$/);
      await rejectsWith(db.query("SHOW BACKUP FROM LATEST IN 'nodelocal://1/empty'"), '58P01', /^path does not contain a completed latest backup$/);
      const data = filesUnder(path.join(root, 'data'))[0]!;
      const rel = `data/${path.basename(data)}`;
      // A flipped byte in the middle of a data file.
      const bytes = fs.readFileSync(data);
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(bytes.length / 2)]! ^= 0x40;
      fs.writeFileSync(data, flipped);
      await rejectsWith(db.query("SHOW BACKUP FROM LATEST IN 'nodelocal://1/c' WITH check_files"), 'XX001', new RegExp(`${rel.replace('.', '\\.')}`));
      await rejectsWith(db.query("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/c' WITH new_db_name = 'r1'"), 'XX001', new RegExp(path.basename(data).replace('.', '\\.')));
      await rejectsWith(db.query("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/c' WITH new_db_name = 'r2', schema_only, verify_backup_table_data"), 'XX001', new RegExp(path.basename(data).replace('.', '\\.')));
      assert.deepEqual((await db.query("SELECT count(*) AS n FROM [SHOW DATABASES] WHERE database_name IN ('r1', 'r2')")).rows, [{ n: 0 }], 'nothing half-restored');
      // A missing data file.
      fs.writeFileSync(data, bytes);
      fs.rmSync(data);
      await rejectsWith(db.query("SHOW BACKUP FROM LATEST IN 'nodelocal://1/c' WITH check_files"), '58P01', new RegExp(`backup data file .*${path.basename(data).replace('.', '\\.')} is missing`));
      await rejectsWith(db.query("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/c' WITH new_db_name = 'r3'"), '58P01', new RegExp(`backup data file .*${path.basename(data).replace('.', '\\.')} is missing`));
      // SHOW BACKUP without check_files still lists it (only the manifest is read).
      assert.ok((await db.query("SHOW BACKUP FROM LATEST IN 'nodelocal://1/c'")).rows.length >= 3);
    } finally {
      await db.close();
    }
    removeDir(dir);
    fs.mkdirSync(dir, { recursive: true });
    ({ db, root } = await fresh(dir));
    try {
      // A manifest of a newer format version (with a matching checksum file).
      const mpath = path.join(root, 'BACKUP_MANIFEST');
      const m = fs.readFileSync(mpath);
      m.writeUInt16BE(99, 8);
      fs.writeFileSync(mpath, m);
      fs.writeFileSync(path.join(root, 'BACKUP_MANIFEST-CHECKSUM'), crypto.createHash('sha256').update(m).digest('hex'));
      await rejectsWith(db.query("RESTORE DATABASE bank FROM LATEST IN 'nodelocal://1/c' WITH new_db_name = 'r4'"), 'XX001', /BACKUP_MANIFEST was written by a newer version \(format 99\)/);
      // A manifest whose bytes do not match its checksum.
      m.writeUInt16BE(1, 8);
      m[m.length - 1]! ^= 1;
      fs.writeFileSync(mpath, m);
      await rejectsWith(db.query("SHOW BACKUP FROM LATEST IN 'nodelocal://1/c'"), 'XX001', /BACKUP_MANIFEST is damaged: checksum mismatch/);
    } finally {
      await db.close();
    }
  } finally {
    removeDir(dir);
  }
});
