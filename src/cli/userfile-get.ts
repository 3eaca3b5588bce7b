// Owns `burrow userfile get <pattern> [<dest>]`: one match goes to its base
// name in the current directory, into dest when dest is an existing
// directory, or to dest; several matches keep their paths relative to the
// pattern's directory under dest (or the current directory). A local file is
// never overwritten, and a file appears under its name only once complete:
// it is written to `<name>.<pid>.tmp`, synced, its size checked against
// file_size, then hard-linked to its name (which fails if the name exists).
//
// Payload is read chunk by chunk (userfile-payload-read.ts) into a few reused
// 4 MiB buffers, each written whole; the disk flushes in the background every
// 32 MiB.

import fs from 'node:fs';
import path from 'node:path';
import { PayloadRead } from './userfile-payload-read.js';
import { startProgress, type Progress } from './progress.js';
import { pathBase, relativeTo } from './userfile-glob.js';
import { resolvePattern, selectFiles, tableNames, UserfileError, type StoredFile, type UserfileContext } from './userfile.js';

/**
 * Bytes written between background fdatasyncs: the disk flushes while more
 * chunks arrive, so the final fsync has little left to do.
 */
const syncEveryBytes = 32 * 1024 * 1024;

/** Go's humanizeutil.IBytes. */
export function iBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

async function download(ctx: UserfileContext, payloadTable: string, file: StoredFile, localPath: string): Promise<void> {
  if (exists(localPath)) throw new UserfileError(`open ${localPath}: file exists`);
  fs.mkdirSync(path.dirname(localPath) || '.', { recursive: true, mode: 0o700 });
  const tmp = `${localPath}.${process.pid}.tmp`;
  const fh = await fs.promises.open(tmp, 'wx', 0o600);
  let closed = false;
  const progress: Progress = startProgress(`downloading ${pathBase(file.name)}`, file.size);
  try {
    let written = 0;
    let sinceSync = 0;
    let syncing: Promise<void> | null = null;
    let syncError: unknown = null;
    const write = async (chunk: Buffer) => {
      // A short write continues after what was written.
      for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      written += chunk.length;
      progress.add(chunk.length);
      sinceSync += chunk.length;
      if (sinceSync >= syncEveryBytes && !syncing) {
        sinceSync = 0;
        syncing = fh.datasync().then(
          () => void (syncing = null),
          (err: unknown) => void ((syncError ??= err), (syncing = null)),
        );
      }
    };
    if (file.size > 0) {
      const sql = `SELECT payload FROM ${payloadTable} WHERE file_id = $1 AND byte_offset = $2`;
      const read = new PayloadRead(sql, file, write, ctx.readSocket);
      void ctx.client.query(read as never);
      await read.promise;
    }
    await syncing;
    if (syncError) throw syncError;
    if (written !== file.size) throw new UserfileError(`userfile ${file.name}: read ${written} bytes, expected ${file.size}`);
    await fh.sync();
    closed = true;
    await fh.close();
    try {
      fs.linkSync(tmp, localPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UserfileError(`open ${localPath}: file exists`);
      // A file system without hard links: rename, after checking again.
      if (exists(localPath)) throw new UserfileError(`open ${localPath}: file exists`);
      fs.renameSync(tmp, localPath);
    }
  } finally {
    progress.done();
    if (!closed) await fh.close().catch(() => undefined);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // renamed
    }
  }
}

export async function getCommand(ctx: UserfileContext, args: string[]): Promise<void> {
  if (args.length > 2) throw new UserfileError(`accepts at most 2 arg(s), received ${args.length}`);
  const [pattern, dest] = args as [string, string | undefined];
  const { storage, selector } = resolvePattern(pattern, ctx.user);
  const files = await selectFiles(ctx, storage, selector);
  if (files.length === 0) throw new UserfileError('no files matched requested path or path pattern');
  const { payload } = tableNames(storage);
  for (const f of files) {
    let local: string;
    if (files.length > 1) local = path.join(dest ?? '', ...relativeTo(selector.dir, f.name).split('/'));
    else if (dest === undefined || dest === '') local = pathBase(f.name);
    else {
      let isDir = false;
      try {
        isDir = fs.statSync(dest).isDirectory();
      } catch {
        isDir = false;
      }
      local = isDir ? path.join(dest, pathBase(f.name)) : dest;
    }
    await download(ctx, payload, f, local);
    ctx.out(`downloaded ${f.name.replace(/^\//, '')} to ${local} (${iBytes(f.size)})`);
  }
}
