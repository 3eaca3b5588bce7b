// Backup encryption: passphrase keys and ENCRYPTION-INFO, whole-file
// encryption for manifests, and encrypted data files (round trip, wrong key,
// no plaintext in the bytes, blocks bound to their place).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExportEntry } from '../../src/storage/mvcc-export.js';
import { BurrowError } from '../../src/util/errors.js';
import {
  decryptBuffer, encryptBuffer, keyFromInfo, looksEncrypted, newEncryptionInfo, type EncryptionKey,
} from '../../src/backup/encryption.js';
import { bufferSource, newDataFileWriter, openDataFile, readDataFile, type BlockCodec } from '../../src/backup/data-file.js';

function isError(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof BurrowError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('a passphrase gives the same key from ENCRYPTION-INFO; a wrong one fails clearly', async () => {
  const { info, key } = await newEncryptionInfo('correct horse');
  assert.equal(info.length, 52);
  assert.ok(!info.includes(Buffer.from('correct horse')));
  assert.equal(String(key), '[EncryptionKey]');
  assert.equal(JSON.stringify({ key }), '{"key":"[EncryptionKey]"}');
  const again = await keyFromInfo(info, 'correct horse');
  const sealed = encryptBuffer(key, Buffer.from('manifest'));
  assert.deepEqual(decryptBuffer(again, sealed, 'BACKUP_MANIFEST'), Buffer.from('manifest'));

  await assert.rejects(keyFromInfo(info, 'correct horsf'), isError('22023', /^failed to decrypt — check the passphrase$/));
  await assert.rejects(keyFromInfo(info, ''), isError('22023', /passphrase must be/));

  // Two collections with the same passphrase get different salts and keys.
  const other = await newEncryptionInfo('correct horse');
  assert.ok(!other.info.equals(info));
  assert.throws(() => decryptBuffer(other.key, sealed, 'BACKUP_MANIFEST'), isError('22023', /^BACKUP_MANIFEST: failed to decrypt — check the passphrase$/));

  const corrupt = Buffer.from(info);
  corrupt[20] ^= 1;
  await assert.rejects(keyFromInfo(corrupt, 'correct horse'), isError('XX001', /encryption info: checksum mismatch/));
  const newer = Buffer.from(info);
  newer.writeUInt16BE(9, 8);
  await assert.rejects(keyFromInfo(newer, 'correct horse'), isError('0A000', /newer version \(format 9\)/));
  await assert.rejects(keyFromInfo(Buffer.from('not an info file at all'), 'x'), isError('XX001', /bad magic/));
});

test('encryptBuffer/decryptBuffer: round trip, tampering, plain input', async () => {
  const { key } = await newEncryptionInfo('pw');
  const plain = Buffer.from('{"descriptors":[{"name":"secret_table"}]}');
  const a = encryptBuffer(key, plain);
  const b = encryptBuffer(key, plain);
  assert.ok(!a.equals(b), 'fresh IV each time');
  assert.ok(looksEncrypted(a));
  assert.ok(!looksEncrypted(plain));
  assert.ok(!a.includes(Buffer.from('secret_table')));
  assert.deepEqual(decryptBuffer(key, a, 'm'), plain);
  assert.deepEqual(decryptBuffer(key, encryptBuffer(key, Buffer.alloc(0)), 'm'), Buffer.alloc(0));
  for (const pos of [9, 20, a.length - 1]) {
    const t = Buffer.from(a);
    t[pos] ^= 0x80;
    assert.throws(() => decryptBuffer(key, t, 'm'), isError('22023', /failed to decrypt/));
  }
  assert.throws(() => decryptBuffer(key, plain, 'BACKUP_MANIFEST'), isError('22023', /BACKUP_MANIFEST does not appear to be encrypted/));
});

async function writeEncrypted(entries: ExportEntry[], key: EncryptionKey | undefined, codec: BlockCodec, blockBytes = 4096): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const w = newDataFileWriter({ write: async (c) => { chunks.push(c); } }, { encryption: key, codec, blockBytes });
  await w.addBatch(entries);
  await w.finish();
  return Buffer.concat(chunks);
}

async function readAll(file: Buffer, key: EncryptionKey | undefined, name = 'enc.sst'): Promise<ExportEntry[]> {
  const out: ExportEntry[] = [];
  for await (const b of readDataFile(bufferSource(name, file), { encryption: key })) out.push(...b);
  return out;
}

function entries(n: number): ExportEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`/Table/106/1/SECRETKEY${String(i).padStart(5, '0')}`),
    ts: { wall: 5n, logical: 0 },
    value: i % 5 === 0 ? null : Buffer.from(`SECRETVALUE-${i}-${'q'.repeat(60)}`),
  }));
}

test('encrypted data files round trip, seek, and hold no plaintext', async () => {
  const { key } = await newEncryptionInfo('hunter2');
  const es = entries(2000);
  for (const codec of ['none', 'brotli'] as const) {
    const file = await writeEncrypted(es, key, codec);
    assert.ok(!file.includes(Buffer.from('SECRETKEY')), `${codec}: keys visible`);
    assert.ok(!file.includes(Buffer.from('SECRETVALUE')), `${codec}: values visible`);
    assert.ok(!file.includes(Buffer.from('/Table/106')), `${codec}: key prefix visible (index)`);
    const back = await readAll(file, key);
    assert.equal(back.length, es.length);
    for (let i = 0; i < es.length; i++) {
      assert.ok(back[i]!.key.equals(es[i]!.key));
      assert.equal(back[i]!.value === null ? null : back[i]!.value!.toString(), es[i]!.value === null ? null : es[i]!.value!.toString());
    }
    const r = await openDataFile(bufferSource('enc.sst', file), { encryption: key });
    assert.ok(r.info.encrypted);
    assert.ok(r.info.blocks.length > 5);
    assert.deepEqual(r.info.lastKey, es.at(-1)!.key);
    const some: ExportEntry[] = [];
    for await (const b of r.entries({ startKey: es[700]!.key, endKey: es[710]!.key })) some.push(...b);
    assert.deepEqual(some.map((e) => e.key.toString()), es.slice(700, 710).map((e) => e.key.toString()));
  }
  // An empty encrypted file still needs the key.
  const empty = await writeEncrypted([], key, 'brotli');
  assert.equal((await readAll(empty, key)).length, 0);
});

test('encrypted data files: wrong key, missing key, key for a plain file, corruption, swapped blocks', async () => {
  const { key } = await newEncryptionInfo('right');
  const { key: wrong } = await newEncryptionInfo('right'); // same passphrase, other salt: another key
  const es = entries(1500);
  const file = await writeEncrypted(es, key, 'none');
  await assert.rejects(readAll(file, wrong, 'data/3.sst'), isError('22023', /^backup file data\/3\.sst: failed to decrypt — check the passphrase$/));
  await assert.rejects(readAll(file, undefined, 'data/3.sst'), isError('22023', /^backup file data\/3\.sst appears encrypted$/));
  const plain = await writeEncrypted(es, undefined, 'none');
  await assert.rejects(readAll(plain, key, 'data/4.sst'), isError('22023', /^backup file data\/4\.sst is not encrypted/));

  const info = (await openDataFile(bufferSource('x', file), { encryption: key })).info;
  const flipped = Buffer.from(file);
  flipped[info.blocks[2]!.offset + 40] ^= 1;
  await assert.rejects(readAll(flipped, key, 'data/3.sst'), isError('XX001', /^backup file data\/3\.sst: checksum mismatch in block 2$/));

  // Swap two blocks of equal size, fixing nothing: the CRCs still match, the GCM associated data does not.
  // Keys that differ in one byte at the same place: every entry encodes to the same size.
  const uniform = Array.from({ length: 250 }, (_, i) => ({
    key: Buffer.concat([Buffer.from('SECRETKEY'), Buffer.from([i]), Buffer.from('-tail')]),
    ts: { wall: 5n, logical: 0 },
    value: Buffer.alloc(100, i),
  }));
  const ufile = await writeEncrypted(uniform, key, 'none');
  const uinfo = (await openDataFile(bufferSource('u', ufile), { encryption: key })).info;
  const b1 = uinfo.blocks[1]!;
  const b2 = uinfo.blocks[2]!;
  assert.equal(b1.framedBytes, b2.framedBytes, 'test needs equal-size blocks');
  assert.equal(b1.rawBytes, b2.rawBytes, 'test needs equal-size blocks');
  const swapped = Buffer.from(ufile);
  ufile.copy(swapped, b1.offset, b2.offset, b2.offset + b2.framedBytes);
  ufile.copy(swapped, b2.offset, b1.offset, b1.offset + b1.framedBytes);
  await assert.rejects(readAll(swapped, key, 'data/3.sst'), isError('22023', /failed to decrypt/));

});
