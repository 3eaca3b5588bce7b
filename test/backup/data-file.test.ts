// Backup data files: round trips (empty, tombstones, versions, 1M entries,
// 16 MiB values), seeking by key range through the index, and detection of
// corruption, truncation and newer formats, with the file named in errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { ExportEntry } from '../../src/storage/mvcc-export.js';
import { BurrowError } from '../../src/util/errors.js';
import { maxValueBytes } from '../../src/util/limits.js';
import {
  bufferSource, dataFileFormatVersion, newDataFileWriter, openDataFile, readDataFile, storageSource,
  type DataFileSource, type DataFileSummary, type DataFileWriterOptions,
} from '../../src/backup/data-file.js';
import { crc32, crc32Js, hasNativeCrc32 } from '../../src/backup/checksum.js';
import { openNodelocalStorage } from '../../src/cloud/nodelocal/nodelocal-storage.js';
import { removeDir, tempDir } from '../support/stores.js';

async function writeFile(entries: Iterable<ExportEntry>, opts: DataFileWriterOptions = {}): Promise<{ file: Buffer; summary: DataFileSummary }> {
  const chunks: Buffer[] = [];
  const w = newDataFileWriter({ write: async (c) => { chunks.push(Buffer.from(c)); } }, opts);
  for (const e of entries) {
    const p = w.add(e);
    if (p) await p;
  }
  const summary = await w.finish();
  return { file: Buffer.concat(chunks), summary };
}

async function readAll(source: DataFileSource, range: { startKey?: Buffer; endKey?: Buffer } = {}): Promise<ExportEntry[]> {
  const out: ExportEntry[] = [];
  for await (const batch of readDataFile(source, range)) out.push(...batch);
  return out;
}

function entry(key: string | Buffer, wall: bigint, value: string | Buffer | null, logical = 0): ExportEntry {
  return {
    key: typeof key === 'string' ? Buffer.from(key) : key,
    ts: { wall, logical },
    value: value === null ? null : typeof value === 'string' ? Buffer.from(value) : value,
  };
}

function assertSameEntries(actual: ExportEntry[], expected: ExportEntry[]): void {
  assert.equal(actual.length, expected.length, 'entry count');
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!a.key.equals(e.key) || a.ts.wall !== e.ts.wall || a.ts.logical !== e.ts.logical
      || (a.value === null) !== (e.value === null) || (a.value && !a.value.equals(e.value!))) {
      assert.fail(`entry ${i} differs: ${a.key.toString('hex')}@${a.ts.wall}.${a.ts.logical} vs ${e.key.toString('hex')}@${e.ts.wall}.${e.ts.logical}`);
    }
  }
}

async function expectError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<BurrowError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BurrowError, `expected BurrowError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail(`expected error ${code} ${pattern}`);
}

/** Sorted entries: keys k0000.., each with 1..3 versions, some tombstones. */
function sampleEntries(keys: number, valueBytes = 50): ExportEntry[] {
  const out: ExportEntry[] = [];
  for (let k = 0; k < keys; k++) {
    const key = Buffer.from(`/Table/104/1/k${String(k).padStart(6, '0')}`);
    const versions = 1 + (k % 3);
    for (let v = 0; v < versions; v++) {
      const wall = 1_000_000n - BigInt(v) * 1000n;
      const value = (k + v) % 7 === 0 ? null : Buffer.from(`v${k}.${v}|${'x'.repeat(valueBytes)}`);
      out.push({ key, ts: { wall, logical: v % 2 }, value });
    }
  }
  return out;
}

test('crc32: native and JS fallback agree, with continuation', () => {
  assert.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926);
  const data = crypto.randomBytes(100_003);
  assert.equal(crc32Js(data), crc32(data));
  assert.equal(crc32Js(data.subarray(5000), crc32Js(data.subarray(0, 5000))), crc32(data));
  assert.equal(typeof hasNativeCrc32, 'boolean');
});

test('empty file round trips and reports no keys', async () => {
  const { file, summary } = await writeFile([]);
  assert.equal(summary.entries, 0);
  assert.equal(summary.firstKey, null);
  assert.equal(summary.lastKey, null);
  assert.equal(summary.sizeBytes, file.length);
  const r = await openDataFile(bufferSource('empty.sst', file));
  assert.equal(r.info.entries, 0);
  assert.equal(r.info.blocks.length, 0);
  assert.equal(r.info.firstKey, null);
  assert.deepEqual(await readAll(bufferSource('empty.sst', file)), []);
});

test('one entry, tombstones and versions round trip; summary and info agree', async () => {
  const one = [entry('a', 5n, 'hello', 2)];
  const a = await writeFile(one);
  assertSameEntries(await readAll(bufferSource('one.sst', a.file)), one);

  const entries = [
    entry('a', 30n, 'a3'), entry('a', 20n, null), entry('a', 10n, 'a1', 7), entry('a', 10n, 'a0', 6),
    entry('ab', 5n, ''), entry('b', 1n, null), entry(Buffer.alloc(0), 1n, 'x'),
  ];
  // Empty key sorts first.
  entries.unshift(entries.pop()!);
  const { file, summary } = await writeFile(entries);
  const back = await readAll(bufferSource('v.sst', file));
  assertSameEntries(back, entries);
  assert.equal(back[2]!.value, null);
  assert.equal(back[5]!.value!.length, 0, 'empty value is not a tombstone');
  assert.equal(summary.entries, entries.length);
  assert.equal(summary.tombstones, 2);
  assert.equal(summary.sha256, crypto.createHash('sha256').update(file).digest('hex'));
  assert.deepEqual(summary.firstKey, Buffer.alloc(0));
  assert.deepEqual(summary.lastKey, Buffer.from('b'));
  const info = (await openDataFile(bufferSource('v.sst', file))).info;
  assert.equal(info.entries, entries.length);
  assert.equal(info.tombstones, 2);
  assert.deepEqual(info.firstKey, Buffer.alloc(0));
  assert.deepEqual(info.lastKey, Buffer.from('b'));
  assert.equal(info.formatVersion, dataFileFormatVersion);
});


test('writer rejects entries out of order and oversized entries', async () => {
  const w = newDataFileWriter({ write: async () => undefined });
  w.add(entry('b', 10n, 'x', 5));
  assert.throws(() => w.add(entry('a', 10n, 'x')), /keys out of order/);
  assert.throws(() => w.add(entry('', 10n, 'x')), /keys out of order/);
  assert.throws(() => w.add(entry('b', 10n, 'x', 5)), /timestamps must descend/);
  assert.throws(() => w.add(entry('b', 10n, 'x', 6)), /timestamps must descend/);
  assert.throws(() => w.add(entry('b', 11n, 'x')), /timestamps must descend/);
  w.add(entry('b', 10n, 'y', 4));
  w.add(entry('ba', 99n, 'z'));
  assert.throws(() => w.add(entry('c', 1n, Buffer.alloc(maxValueBytes + 1))), (e: unknown) => e instanceof BurrowError && e.code === '54000');
  assert.throws(() => w.add(entry(Buffer.alloc(70_000, 0x7a), 1n, 'v')), (e: unknown) => e instanceof BurrowError && e.code === '54000');
  const s = await w.finish();
  assert.equal(s.entries, 3);
  assert.throws(() => w.add(entry('d', 1n, 'x')), /after finish/);
});

test('the writer copies what it needs: callers may reuse key and value buffers', async () => {
  const key = Buffer.alloc(12);
  const value = Buffer.alloc(40);
  const expected: ExportEntry[] = [];
  const chunks: Buffer[] = [];
  const w = newDataFileWriter({ write: async (c) => { chunks.push(c); } }, { blockBytes: 4096 });
  for (let i = 0; i < 2000; i++) {
    key.writeUInt32BE(i, 8);
    value.fill(i % 251);
    expected.push(entry(Buffer.from(key), 7n, Buffer.from(value)));
    const p = w.add({ key, ts: { wall: 7n, logical: 0 }, value });
    if (p) await p;
  }
  await w.finish();
  assertSameEntries(await readAll(bufferSource('reuse.sst', Buffer.concat(chunks))), expected);
});

test('codec none and brotli give the same entries; brotli is smaller on row-like data', async () => {
  const entries = sampleEntries(3000);
  const none = await writeFile(entries, { codec: 'none', blockBytes: 16 * 1024 });
  const brotli = await writeFile(entries, { codec: 'brotli', blockBytes: 16 * 1024 });
  assertSameEntries(await readAll(bufferSource('none.sst', none.file)), entries);
  assertSameEntries(await readAll(bufferSource('brotli.sst', brotli.file)), entries);
  assert.ok(brotli.file.length < none.file.length / 2, `${brotli.file.length} vs ${none.file.length}`);
  // Incompressible values are stored as is even with brotli chosen.
  const random = Array.from({ length: 50 }, (_, i) => entry(`r${String(i).padStart(3, '0')}`, 1n, crypto.randomBytes(2000)));
  const r = await writeFile(random, { blockBytes: 8192 });
  assertSameEntries(await readAll(bufferSource('random.sst', r.file)), random);
  assert.ok(r.file.length < 50 * 2000 * 1.02 + 2000);
});

test('1M small entries round trip in order', async () => {
  const n = 1_000_000;
  const make = (i: number): ExportEntry => {
    const key = Buffer.allocUnsafe(12);
    key.writeUInt32BE(0x89_8a_12_00, 0);
    key.writeUInt32BE(Math.floor(i / 4), 4);
    key.writeUInt32BE(i % 4, 8);
    return { key, ts: { wall: 1_700_000_000_000_000_000n + BigInt(i), logical: i % 3 }, value: i % 10 === 9 ? null : Buffer.from(`val-${i}`) };
  };
  const chunks: Buffer[] = [];
  const w = newDataFileWriter({ write: async (c) => { chunks.push(c); } });
  for (let i = 0; i < n; i++) {
    const p = w.add(make(i));
    if (p) await p;
  }
  const summary = await w.finish();
  assert.equal(summary.entries, n);
  assert.equal(summary.tombstones, n / 10);
  const file = Buffer.concat(chunks);
  let i = 0;
  for await (const batch of readDataFile(bufferSource('million.sst', file))) {
    for (const e of batch) {
      const x = make(i);
      if (!e.key.equals(x.key) || e.ts.wall !== x.ts.wall || e.ts.logical !== x.ts.logical
        || (e.value === null ? x.value !== null : !e.value.equals(x.value!))) {
        assert.fail(`entry ${i} differs`);
      }
      i++;
    }
  }
  assert.equal(i, n);
});

test('huge values up to the 16 MiB limit round trip', async () => {
  const compressible = Buffer.alloc(maxValueBytes, 'abcdefgh');
  const random = crypto.randomBytes(maxValueBytes);
  const entries = [
    entry('h1', 3n, 'small'), entry('h2', 3n, compressible), entry('h3', 3n, 'between'),
    entry('h4', 3n, random), entry('h4', 2n, null), entry('h5', 1n, crypto.randomBytes(3 * 1024 * 1024)),
  ];
  const { file, summary } = await writeFile(entries);
  assert.ok(summary.sizeBytes < maxValueBytes * 1.05 + 4 * 1024 * 1024, `random values stored raw, compressible compressed: ${summary.sizeBytes}`);
  assertSameEntries(await readAll(bufferSource('huge.sst', file)), entries);
  const info = (await openDataFile(bufferSource('huge.sst', file))).info;
  assert.ok(info.blocks.length >= 3);
});

test('seeking by key range reads only the blocks it needs', async () => {
  const entries = sampleEntries(3000);
  const { file } = await writeFile(entries, { blockBytes: 4096 });
  let bytesRead = 0;
  const counting: DataFileSource = {
    name: 'range.sst',
    size: async () => file.length,
    read: async function* (offset, length) {
      bytesRead += length;
      yield file.subarray(offset, offset + length);
    },
  };
  const info = (await openDataFile(counting)).info;
  assert.ok(info.blocks.length > 20, `${info.blocks.length} blocks`);
  const keys = [...new Set(entries.map((e) => e.key.toString()))].sort();
  const bounds = [undefined, '', '/Table/104/1/k000000', '/Table/104/1/k000000\0', '/Table/104/1/k0015', '/Table/104/1/k001500',
    '/Table/104/1/k002999', '/Table/104/1/k003000', '/Table/105', keys[1234]!, keys[1235]!, keys[2999]!];
  for (const a of bounds) {
    for (const b of bounds) {
      const startKey = a === undefined ? undefined : Buffer.from(a);
      const endKey = b === undefined ? undefined : Buffer.from(b);
      const expected = entries.filter((e) => (!startKey || Buffer.compare(e.key, startKey) >= 0) && (!endKey || Buffer.compare(e.key, endKey) < 0));
      const range: { startKey?: Buffer; endKey?: Buffer } = {};
      if (startKey) range.startKey = startKey;
      if (endKey) range.endKey = endKey;
      assertSameEntries(await readAll(counting, range), expected);
    }
  }
  // A narrow range: header, footer, index and at most two blocks.
  bytesRead = 0;
  const k = Buffer.from(keys[1500]!);
  const got = await readAll(counting, { startKey: k, endKey: Buffer.concat([k, Buffer.from([0])]) });
  assert.equal(got.length, 1 + (1500 % 3));
  const indexBytes = file.length - 40 - (info.blocks.at(-1)!.offset + info.blocks.at(-1)!.framedBytes);
  const maxBlock = Math.max(...info.blocks.map((b) => b.framedBytes));
  assert.ok(bytesRead <= 16 + 40 + indexBytes + 2 * maxBlock, `read ${bytesRead} of ${file.length} bytes`);
});

test('a key whose versions span several blocks is found whole by a range', async () => {
  const entries: ExportEntry[] = [entry('a', 1n, 'x')];
  for (let v = 3000; v > 0; v--) entries.push(entry('hot', BigInt(v), `version-${v}-${'y'.repeat(20)}`));
  entries.push(entry('z', 1n, 'x'));
  const { file } = await writeFile(entries, { blockBytes: 4096 });
  const src = bufferSource('hot.sst', file);
  const info = (await openDataFile(src)).info;
  assert.ok(info.blocks.filter((b) => b.firstKey.equals(Buffer.from('hot'))).length > 5);
  assertSameEntries(await readAll(src, { startKey: Buffer.from('hot'), endKey: Buffer.from('hot\0') }), entries.slice(1, -1));
  assertSameEntries(await readAll(src, { startKey: Buffer.from('hot\0') }), entries.slice(-1));
  assertSameEntries(await readAll(src, { endKey: Buffer.from('hot') }), entries.slice(0, 1));
  assertSameEntries(await readAll(src, { startKey: Buffer.from('b'), endKey: Buffer.from('b') }), []);
});

function patchVersion(file: Buffer, version: number): Buffer {
  const f = Buffer.from(file);
  f.writeUInt16BE(version, 8);
  f.writeUInt32BE(crc32(f.subarray(0, 12)), 12);
  const o = f.length - 40;
  f.writeUInt16BE(version, o + 24);
  f.writeUInt32BE(crc32(f.subarray(o, o + 28)), o + 28);
  return f;
}

test('a file from a newer format version fails clearly', async () => {
  const { file } = await writeFile(sampleEntries(10));
  const future = patchVersion(file, dataFileFormatVersion + 1);
  await expectError(openDataFile(bufferSource('data/1.sst', future)), '0A000',
    new RegExp(`^backup file data/1\\.sst was written by a newer version \\(format ${dataFileFormatVersion + 1}\\); this Burrow reads up to format ${dataFileFormatVersion}$`));
});

test('one corrupted byte in a block, the index or the footer is detected and names the file', async () => {
  const { file } = await writeFile(sampleEntries(2000), { blockBytes: 4096 });
  const info = (await openDataFile(bufferSource('ok.sst', file))).info;
  const flip = (pos: number): Buffer => {
    const f = Buffer.from(file);
    f[pos] ^= 0x40;
    return f;
  };
  const block3 = info.blocks[3]!;
  await expectError(readAll(bufferSource('data/7.sst', flip(block3.offset + 100))), 'XX001', /^backup file data\/7\.sst: checksum mismatch in block 3$/);
  await expectError(readAll(bufferSource('data/7.sst', flip(block3.offset + 2))), 'XX001', /^backup file data\/7\.sst: checksum mismatch in block 3$/);
  const indexOffset = info.blocks.at(-1)!.offset + info.blocks.at(-1)!.framedBytes;
  await expectError(openDataFile(bufferSource('data/7.sst', flip(indexOffset + 20))), 'XX001', /^backup file data\/7\.sst: checksum mismatch in block index$/);
  await expectError(openDataFile(bufferSource('data/7.sst', flip(file.length - 30))), 'XX001', /^backup file data\/7\.sst: checksum mismatch in footer$/);
  await expectError(openDataFile(bufferSource('data/7.sst', flip(4))), 'XX001', /^backup file data\/7\.sst: not a Burrow backup data file/);
});

test('every single-byte corruption of a small file is detected', async () => {
  const { file } = await writeFile(sampleEntries(120), { blockBytes: 4096 });
  assert.ok(file.length < 20_000);
  for (let pos = 0; pos < file.length; pos++) {
    const f = Buffer.from(file);
    f[pos] ^= pos % 2 === 0 ? 0xff : 0x01;
    try {
      await readAll(bufferSource('sweep.sst', f));
    } catch (err) {
      assert.ok(err instanceof BurrowError, `byte ${pos}: ${String(err)}`);
      assert.ok(['XX001', '0A000'].includes(err.code), `byte ${pos}: ${err.code} ${err.message}`);
      assert.ok(err.message.includes('sweep.sst'), `byte ${pos}: ${err.message}`);
      continue;
    }
    assert.fail(`corruption at byte ${pos} of ${file.length} went unnoticed`);
  }
});

test('truncation is detected, whether the size or the stream is short', async () => {
  const { file } = await writeFile(sampleEntries(300), { blockBytes: 4096 });
  for (let len = 0; len < file.length; len += len < 64 ? 1 : 97) {
    await expectError(readAll(bufferSource('cut.sst', file.subarray(0, len))), 'XX001', /^backup file cut\.sst is truncated|^backup file cut\.sst: /);
  }
  await expectError(readAll(bufferSource('cut.sst', file.subarray(0, file.length - 1))), 'XX001', /^backup file cut\.sst is truncated$/);
  // The storage reports the full size but its stream ends early.
  const short: DataFileSource = {
    name: 'short.sst',
    size: async () => file.length,
    read: async function* (offset, length) {
      yield file.subarray(offset, offset + (offset === 16 ? Math.floor(length / 2) : length)); // the block stream is cut
    },
  };
  await expectError(readAll(short), 'XX001', /^backup file short\.sst is truncated$/);
  await expectError(openDataFile(bufferSource('junk.sst', Buffer.from('hello, this is not a backup data file at all!'))), 'XX001',
    /^backup file junk\.sst: not a Burrow backup data file/);
});

test('add() asks the caller to wait when the sink is slow, and sink errors surface', async () => {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => { release = r; });
  const w = newDataFileWriter({ write: async () => { await gate; } }, { blockBytes: 4096, codec: 'none' });
  let firstWait = -1;
  for (let i = 0; i < 100_000; i++) {
    const p = w.add(entry(`k${String(i).padStart(8, '0')}`, 1n, 'v'.repeat(100)));
    if (p) {
      firstWait = i;
      release();
      gate = Promise.resolve();
      await p;
      break;
    }
  }
  assert.ok(firstWait > 0 && firstWait < 200, `add returned a promise after ${firstWait} entries (~40 per block)`);
  await w.finish();

  let writes = 0;
  const failing = newDataFileWriter({ write: async () => { if (++writes === 3) throw new Error('disk on fire'); } }, { blockBytes: 4096 });
  await assert.rejects(async () => {
    for (let i = 0; i < 10_000; i++) {
      const p = failing.add(entry(`k${String(i).padStart(8, '0')}`, 1n, crypto.randomBytes(50)));
      if (p) await p;
    }
    await failing.finish();
  }, /disk on fire/);
});

test('through nodelocal storage: streamed write, ranged reads via storageSource', async () => {
  const dir = tempDir('burrow-datafile-');
  try {
    const storage = openNodelocalStorage(dir, 'coll');
    const entries = sampleEntries(5000);
    const out = await storage.write('data/1.sst');
    const w = newDataFileWriter({ write: (c) => out.write(c) }, { blockBytes: 8192 });
    await w.addBatch(entries);
    const summary = await w.finish();
    await out.close();
    assert.equal(await storage.size('data/1.sst'), summary.sizeBytes);
    const bytes = await storage.readAll('data/1.sst');
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), summary.sha256);
    const src = storageSource(storage, 'data/1.sst');
    assertSameEntries(await readAll(src), entries);
    const k = entries[4000]!.key;
    assertSameEntries(await readAll(src, { startKey: k }), entries.filter((e) => Buffer.compare(e.key, k) >= 0));
    await expectError(openDataFile(storageSource(storage, 'data/2.sst')), '58P01', /does not exist/);
  } finally {
    removeDir(dir);
  }
});
