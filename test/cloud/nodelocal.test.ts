// nodelocal storage: round trips, ranged reads, listing with and without a
// delimiter, refusal of paths that escape the root (normalization and
// symlinks), atomic writes, missing files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BurrowError } from '../../src/util/errors.js';
import { openNodelocalStorage } from '../../src/cloud/nodelocal/nodelocal-storage.js';
import type { ExternalStorage } from '../../src/cloud/external-storage.js';
import { removeDir, tempDir } from '../support/stores.js';

async function withRoot(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const dir = tempDir('burrow-nodelocal-');
  const root = path.join(dir, 'extern');
  const outside = path.join(dir, 'outside');
  fs.mkdirSync(outside);
  try {
    await fn(root, outside);
  } finally {
    removeDir(dir);
  }
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

function isError(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof BurrowError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

/** Every file under dir, relative, including temp files. */
function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p).map((x) => `${e.name}/${x}`));
    else out.push(e.name);
  }
  return out.sort();
}

test('round trip: writeAll, write in chunks, readAll, size, exists, delete; root created on first write', async () => {
  await withRoot(async (root) => {
    const s = openNodelocalStorage(root, '/backups');
    assert.equal(s.uri, 'nodelocal://1/backups');
    assert.equal(await s.exists('a.txt'), false, 'missing root is just empty');
    assert.deepEqual(await s.list(''), []);
    await s.writeAll('a.txt', Buffer.from('hello'));
    assert.deepEqual(fs.readFileSync(path.join(root, 'backups', 'a.txt')), Buffer.from('hello'));
    const big = crypto.randomBytes(5 * 1024 * 1024 + 17);
    const w = await s.write('deep/dir/big.bin');
    for (let o = 0; o < big.length; o += 1_000_000) await w.write(big.subarray(o, o + 1_000_000));
    await w.close();
    assert.equal(await s.size('deep/dir/big.bin'), big.length);
    assert.ok((await s.readAll('deep/dir/big.bin')).equals(big));
    assert.ok((await collect(s.read('deep/dir/big.bin'))).equals(big));
    assert.equal(await s.exists('deep/dir/big.bin'), true);
    assert.equal(await s.exists('deep/dir'), false, 'a directory is not a file');
    await s.writeAll('a.txt', Buffer.from('replaced'));
    assert.equal((await s.readAll('a.txt')).toString(), 'replaced');
    await s.writeAll('empty', Buffer.alloc(0));
    assert.equal(await s.size('empty'), 0);
    assert.equal((await collect(s.read('empty'))).length, 0);
    await s.delete('a.txt');
    await s.delete('a.txt');
    await s.delete('never/was');
    assert.equal(await s.exists('a.txt'), false);
    assert.ok(fs.existsSync(path.join(root, 'backups', 'deep', 'dir')), 'delete prunes nothing else');
    // The storage at the root sees the same files under the base's name.
    const top = openNodelocalStorage(root, '');
    assert.equal(top.uri, 'nodelocal://1/');
    assert.equal(await top.size('backups/deep/dir/big.bin'), big.length);
    assert.equal(openNodelocalStorage(root, '/').uri, 'nodelocal://1/');
  });
});

test('read with offsets and lengths streams in bounded chunks', async () => {
  await withRoot(async (root) => {
    const s = openNodelocalStorage(root, 'x');
    const data = crypto.randomBytes(3 * 1024 * 1024 + 5);
    await s.writeAll('f', data);
    const cases: Array<[number, number | undefined]> = [[0, undefined], [1, 10], [1024 * 1024 - 1, 2], [data.length - 3, undefined], [data.length - 3, 100], [data.length, undefined], [5, 0], [123_456, 2_500_000]];
    for (const [offset, length] of cases) {
      const expected = data.subarray(offset, length === undefined ? undefined : offset + length);
      let maxChunk = 0;
      const parts: Buffer[] = [];
      for await (const c of s.read('f', offset, length)) {
        maxChunk = Math.max(maxChunk, c.length);
        parts.push(c);
      }
      assert.ok(Buffer.concat(parts).equals(expected), `offset ${offset} length ${length}`);
      assert.ok(maxChunk <= 1024 * 1024);
    }
    await assert.rejects(collect(s.read('f', data.length + 1)), isError('22023', /past the end/));
    // Stopping early closes the file.
    for await (const c of s.read('f')) {
      assert.ok(c.length > 0);
      break;
    }
  });
});

test('list: sorted bytewise, relative to the base, prefixes, delimiter roll-up, no temp files', async () => {
  await withRoot(async (root) => {
    const s = openNodelocalStorage(root, 'coll');
    const names = [
      '2024/01/01-120000.00/BACKUP_MANIFEST', '2024/01/01-120000.00/data/1.sst', '2024/01/01-120000.00/data/2.sst',
      '2024/01/02-120000.00/BACKUP_MANIFEST', 'LATEST', 'incrementals/2024/01/01-120000.00/20240101/BACKUP_MANIFEST',
      'metadata/latest/LATEST-00001', 'Zeta', 'a-file', 'a/b', 'é-accent', '~tilde',
    ];
    for (const n of names) await s.writeAll(n, Buffer.from(n));
    const pending = await s.write('2024/01/01-120000.00/data/3.sst'); // never closed: invisible
    await pending.write(Buffer.from('partial'));
    fs.mkdirSync(path.join(root, 'coll', 'emptydir', 'nested'), { recursive: true });
    const byteOrder = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const all = await s.list('');
    assert.deepEqual(all.map((f) => f.name), byteOrder);
    assert.equal(all.find((f) => f.name === 'LATEST')!.sizeBytes, 'LATEST'.length);
    assert.deepEqual((await s.list('2024/01/01')).map((f) => f.name), names.slice(0, 3));
    assert.deepEqual((await s.list('2024/01/01-120000.00/data/')).map((f) => f.name), names.slice(1, 3));
    assert.deepEqual((await s.list('a')).map((f) => f.name), ['a-file', 'a/b']);
    assert.deepEqual(await s.list('nothing/here/'), []);
    assert.deepEqual(await s.list('LATEST/'), []);
    // Delimiter roll-up.
    const top = await s.list('', '/');
    assert.deepEqual(top.map((f) => [f.name, f.sizeBytes]), [
      ['2024/', 0], ['LATEST', 6], ['Zeta', 4], ['a-file', 6], ['a/', 0], ['incrementals/', 0], ['metadata/', 0], ['é-accent', 9], ['~tilde', 6],
    ].sort((a, b) => Buffer.compare(Buffer.from(a[0] as string), Buffer.from(b[0] as string))));
    assert.deepEqual((await s.list('2024/01/', '/')).map((f) => f.name), ['2024/01/01-120000.00/', '2024/01/02-120000.00/']);
    assert.deepEqual((await s.list('2024/01/01-120000.00/', '/')).map((f) => f.name), ['2024/01/01-120000.00/BACKUP_MANIFEST', '2024/01/01-120000.00/data/']);
    assert.deepEqual((await s.list('2024', '/')).map((f) => f.name), ['2024/']);
    assert.deepEqual((await s.list('', '-')).map((f) => f.name).slice(0, 3), ['2024/01/01-', '2024/01/02-', 'LATEST']);
    assert.deepEqual((await s.list('', 'BACKUP')).map((f) => f.name), [
      '2024/01/01-120000.00/BACKUP', '2024/01/01-120000.00/data/1.sst', '2024/01/01-120000.00/data/2.sst', '2024/01/02-120000.00/BACKUP',
      'LATEST', 'Zeta', 'a-file', 'a/b', 'incrementals/2024/01/01-120000.00/20240101/BACKUP', 'metadata/latest/LATEST-00001', '~tilde', 'é-accent',
    ], 'bytewise: é (0xC3 0xA9) sorts after ~ (0x7E)');
    assert.ok(walk(path.join(root, 'coll')).some((f) => f.includes('.burrow-tmp-')), 'the unclosed writer has a temp file');
    await pending.abort();
    assert.ok(!walk(path.join(root, 'coll')).some((f) => f.includes('.burrow-tmp-')));
  });
});

test('paths that are not clean or escape the root are refused', async () => {
  await withRoot(async (root, outside) => {
    fs.writeFileSync(path.join(outside, 'secret'), 'secret');
    const s = openNodelocalStorage(root, 'base');
    for (const bad of ['../outside/secret', 'a/../../x', './a', 'a//b', 'a/', '/a', 'a/.', '..']) {
      await assert.rejects(s.readAll(bad), isError('22023', /changes after normalization to .*nodelocal storage does not permit/), bad);
      await assert.rejects(s.writeAll(bad, Buffer.from('x')), isError('22023', /nodelocal storage does not permit/), bad);
      await assert.rejects(s.delete(bad), isError('22023', /nodelocal storage does not permit/), bad);
    }
    await assert.rejects(s.list('../'), isError('22023', /nodelocal storage does not permit/));
    assert.throws(() => openNodelocalStorage(root, '/../outside'), isError('22023', /nodelocal storage does not permit/));
    assert.throws(() => openNodelocalStorage(root, '/a/'), isError('22023', /nodelocal storage does not permit/));
    assert.deepEqual(walk(outside), ['secret']);
  });
});

test('symlinks inside the root that lead outside are not followed for reads, writes, lists or deletes', async () => {
  await withRoot(async (root, outside) => {
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(outside, 'secret'), 'secret');
    fs.symlinkSync(outside, path.join(root, 'escape-dir'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'escape-file'));
    fs.symlinkSync(path.join(outside, 'nothing-yet'), path.join(root, 'dangling'));
    fs.writeFileSync(path.join(root, 'inside.txt'), 'inside');
    fs.symlinkSync(path.join(root, 'inside.txt'), path.join(root, 'link-inside'));
    const s = openNodelocalStorage(root, '');
    const escape = /local file access to paths outside of external-io-dir is not allowed/;
    await assert.rejects(s.readAll('escape-dir/secret'), isError('42501', escape));
    await assert.rejects(collect(s.read('escape-dir/secret', 1, 2)), isError('42501', escape));
    await assert.rejects(s.size('escape-file'), isError('42501', escape));
    await assert.rejects(s.exists('escape-file'), isError('42501', escape));
    await assert.rejects(s.readAll('escape-file'), isError('42501', escape));
    await assert.rejects(s.writeAll('escape-dir/new', Buffer.from('x')), isError('42501', escape));
    await assert.rejects(s.writeAll('escape-dir/sub/new', Buffer.from('x')), isError('42501', escape));
    await assert.rejects(s.delete('escape-dir/secret'), isError('42501', escape));
    await assert.rejects(s.list('escape-dir/'), isError('42501', escape));
    // A storage whose base is the link is refused as a whole.
    await assert.rejects(openNodelocalStorage(root, 'escape-dir').readAll('secret'), isError('42501', escape));
    await assert.rejects(openNodelocalStorage(root, 'escape-dir').writeAll('x', Buffer.from('x')), isError('42501', escape));
    // Listing the root skips links that lead out; a link to a file inside is followed.
    assert.deepEqual((await s.list('')).map((f) => f.name), ['inside.txt', 'link-inside']);
    assert.equal((await s.readAll('link-inside')).toString(), 'inside');
    // A dangling link reads as missing, and writing its name replaces the link itself.
    await assert.rejects(s.readAll('dangling'), isError('58P01', /does not exist/));
    await s.writeAll('dangling', Buffer.from('mine'));
    assert.equal(fs.lstatSync(path.join(root, 'dangling')).isFile(), true);
    assert.equal(fs.existsSync(path.join(outside, 'nothing-yet')), false);
    // Writing over the name of a link to an outside file is refused.
    await assert.rejects(s.writeAll('escape-file', Buffer.from('x')), isError('42501', escape));
    assert.deepEqual(walk(outside), ['secret']);
    assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'secret');
    // A root that is itself a symlink is fine.
    const linkRoot = path.join(path.dirname(root), 'root-link');
    fs.symlinkSync(root, linkRoot);
    assert.equal((await openNodelocalStorage(linkRoot, '').readAll('inside.txt')).toString(), 'inside');
  });
});

test('writes are atomic: nothing appears before close, abort and unclosed writers leave no file', async () => {
  await withRoot(async (root) => {
    const s: ExternalStorage = openNodelocalStorage(root, 'b');
    await s.writeAll('keep', Buffer.from('old'));
    const w = await s.write('keep');
    await w.write(Buffer.from('new contents'));
    assert.equal((await s.readAll('keep')).toString(), 'old', 'replaced only at close');
    await w.close();
    assert.equal((await s.readAll('keep')).toString(), 'new contents');
    await assert.rejects(w.write(Buffer.from('more')), /writer is closed/);

    const a = await s.write('dir/aborted');
    await a.write(Buffer.from('doomed'));
    await a.abort();
    await a.abort();
    assert.equal(await s.exists('dir/aborted'), false);
    assert.deepEqual(walk(path.join(root, 'b')).filter((f) => f.startsWith('dir/')), []);

    const never = await s.write('never-closed');
    await never.write(Buffer.from('x'.repeat(1000)));
    assert.equal(await s.exists('never-closed'), false);
    assert.deepEqual((await s.list('')).map((f) => f.name), ['keep']);
    await never.abort();

    // writeAll of a name that is a directory fails and leaves the directory alone.
    await s.writeAll('d/x', Buffer.from('x'));
    await assert.rejects(s.writeAll('d', Buffer.from('y')), isError('22023', /is a directory/));
    assert.equal((await s.readAll('d/x')).toString(), 'x');
  });
});

test('missing files fail with 58P01 naming the file', async () => {
  await withRoot(async (root) => {
    const s = openNodelocalStorage(root, 'coll');
    const missing = /^nodelocal storage file does not exist: nodelocal:\/\/1\/coll\/nope\/BACKUP_MANIFEST$/;
    await assert.rejects(s.readAll('nope/BACKUP_MANIFEST'), isError('58P01', missing));
    await assert.rejects(s.size('nope/BACKUP_MANIFEST'), isError('58P01', missing));
    await assert.rejects(collect(s.read('nope/BACKUP_MANIFEST', 10, 10)), isError('58P01', missing));
    await s.writeAll('file', Buffer.from('f'));
    await assert.rejects(s.readAll('file/child'), isError('58P01', /does not exist/));
    assert.equal(await s.exists('file/child'), false);
  });
});
