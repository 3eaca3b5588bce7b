// Owns `burrow userfile upload <src> [<dest>]` (and -r/--recursive): checks
// the destination (clean path, not already stored), removes a stale
// `<dest>.tmp` of a killed upload, streams the file with
// `COPY crdb_internal.user_file_upload FROM STDIN WITH (FORMAT binary,
// destination = '<dest>.tmp')`, then renames `<dest>.tmp` to `<dest>` in a
// transaction that re-checks the destination. A killed upload therefore never
// leaves a file under the destination name.
//
// The COPY data is PostgreSQL's binary COPY format, one tuple (one BYTES
// field) per ~1 MiB piece of the file, written straight to the connection's
// socket as CopyData messages: the file is read piece by piece (one piece
// read ahead), and a piece is written only when the socket has drained, so
// memory stays bounded whatever the file size. The COPY runs as a pg
// "submittable" (the client hands it the connection when it is its turn and
// passes it the server's messages), so the client's queue stays consistent.

import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'pg';
import { startProgress, type Progress } from './progress.js';
import { pathBase } from './userfile-glob.js';
import { deleteStoredFile, destinationUri, inTxn, isMissingTable, splitArg, tableNames, UserfileError, type UserfileContext } from './userfile.js';
import { checkCleanPath, formatUserfileUri, type UserfileLocation } from '../util/userfile-uri.js';

/** Bytes of the file per COPY tuple. */
export const uploadPieceBytes = 1024 * 1024;
const tmpSuffix = '.tmp';

const copySignature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Writes one upload as a binary COPY over the client's connection. */
class CopyUpload {
  readonly text: string;
  private connection: Connection | null = null;
  private settled = false;
  private finished = false; // CopyDone or CopyFail sent
  private error: Error | null = null;
  private resolveFn!: () => void;
  private rejectFn!: (e: Error) => void;
  readonly done: Promise<void>;

  constructor(
    sql: string,
    private readonly file: fs.promises.FileHandle,
    private readonly progress: Progress,
  ) {
    this.text = sql;
    this.done = new Promise<void>((res, rej) => {
      this.resolveFn = res;
      this.rejectFn = rej;
    });
  }

  /** pg calls this when the query is at the head of its queue. */
  submit(connection: Connection): void {
    this.connection = connection;
    connection.query(this.text);
  }

  handleCopyInResponse(): void {
    this.pump().catch((err: Error) => this.fail(err));
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  /** pg's query timeout hooks into this. */
  callback(): void {}

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.error) this.rejectFn(this.error);
    else if (!this.finished) this.rejectFn(new Error('COPY ended before the file was sent'));
    else this.resolveFn();
  }

  /** An ErrorResponse from the server, or the connection failing. */
  handleError(err: Error): void {
    this.error ??= err;
    this.endCopy(err.message);
    if (!this.settled) {
      this.settled = true;
      this.rejectFn(err);
    }
  }

  private fail(err: Error): void {
    this.error ??= err;
    // A local failure (reading the file): abort the COPY; the server answers with an error and ReadyForQuery.
    this.endCopy(err.message);
  }

  private endCopy(message: string): void {
    if (this.finished || !this.connection) return;
    this.finished = true;
    const stream = this.connection.stream;
    if (!stream.writable) return;
    const msg = Buffer.from(message.slice(0, 500) + '\0', 'utf8');
    const b = Buffer.allocUnsafe(5 + msg.length);
    b[0] = 0x66; // CopyFail
    b.writeInt32BE(4 + msg.length, 1);
    msg.copy(b, 5);
    stream.write(b);
  }

  private async pump(): Promise<void> {
    const stream = this.connection!.stream as import('node:net').Socket;
    // Piece buffers are reused once the socket has taken them (fresh large
    // buffers cost a page fault per 4 KiB on first touch); backpressure keeps
    // the pool at a few buffers.
    const pool: Buffer[] = [];
    const read = async (): Promise<{ buf: Buffer; piece: Buffer } | null> => {
      const buf = pool.pop() ?? Buffer.allocUnsafe(uploadPieceBytes);
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await this.file.read(buf, n, buf.length - n, null);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      if (n === 0) {
        pool.push(buf);
        return null;
      }
      return { buf, piece: buf.subarray(0, n) };
    };
    const drained = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
    let first = true;
    let next = read();
    for (;;) {
      const got = await next;
      if (this.finished) return;
      if (got === null) break;
      const { buf, piece } = got;
      next = read();
      next.catch(() => undefined); // awaited on the next turn; an early failure must not be unhandled
      const headerBytes = (first ? 19 : 0) + 6;
      const h = Buffer.allocUnsafe(5 + headerBytes);
      h[0] = 0x64; // CopyData
      h.writeInt32BE(4 + headerBytes + piece.length, 1);
      let o = 5;
      if (first) {
        copySignature.copy(h, o);
        o += 11;
        h.writeInt32BE(0, o); // flags
        h.writeInt32BE(0, o + 4); // header extension length
        o += 8;
        first = false;
      }
      h.writeInt16BE(1, o); // field count
      h.writeInt32BE(piece.length, o + 2);
      stream.write(h);
      const ok = stream.write(piece, () => pool.push(buf));
      this.progress.add(piece.length);
      if (!ok) await drained();
    }
    if (this.finished) return;
    const end: number[] = [];
    if (first) {
      // An empty file: the header alone, then the trailer.
      const h = Buffer.alloc(19);
      copySignature.copy(h, 0);
      end.push(0x64, 0, 0, 0, 4 + 19, ...h);
    }
    end.push(0x64, 0, 0, 0, 6, 0xff, 0xff); // trailer: field count -1
    end.push(0x63, 0, 0, 0, 4); // CopyDone
    this.finished = true;
    stream.write(Buffer.from(end));
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function openSource(src: string): Promise<{ file: fs.promises.FileHandle; size: number }> {
  let file: fs.promises.FileHandle;
  try {
    file = await fs.promises.open(src, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new UserfileError(`open ${src}: no such file or directory`);
    if (e.code === 'EACCES') throw new UserfileError(`open ${src}: permission denied`);
    throw err;
  }
  const st = await file.stat();
  if (st.isDirectory()) {
    await file.close();
    throw new UserfileError(`source file ${src} is a directory, not a file`);
  }
  return { file, size: st.size };
}

async function storedExists(ctx: UserfileContext, loc: UserfileLocation, name: string): Promise<boolean> {
  try {
    const r = await ctx.client.query(`SELECT 1 FROM ${tableNames(loc).files} WHERE filename = $1`, [name]);
    return (r.rowCount ?? 0) > 0;
  } catch (err) {
    if (isMissingTable(err)) return false;
    throw err;
  }
}

function alreadyExists(p: string): UserfileError {
  return new UserfileError(`destination file already exists for ${p}`);
}

/** Uploads one local file to dest (a clean rooted path in its storage); returns the canonical URI. */
export async function uploadFile(ctx: UserfileContext, src: string, dest: UserfileLocation): Promise<string> {
  checkCleanPath(dest.path);
  const { file, size } = await openSource(src);
  try {
    if (await storedExists(ctx, dest, dest.path)) throw alreadyExists(dest.path);
    const tmp = dest.path + tmpSuffix;
    await deleteStoredFile(ctx, dest, tmp);
    const sql = `COPY crdb_internal.user_file_upload FROM STDIN WITH (FORMAT binary, destination = ${sqlString(destinationUri({ ...dest, path: tmp }))})`;
    const progress = startProgress(`uploading ${pathBase(dest.path)}`, size);
    try {
      const copy = new CopyUpload(sql, file, progress);
      void ctx.client.query(copy as never);
      await copy.done;
    } finally {
      progress.done();
    }
    const { files } = tableNames(dest);
    let renamed: boolean;
    try {
      renamed = await inTxn(ctx.client, async () => {
        if (await storedExists(ctx, dest, dest.path)) throw alreadyExists(dest.path);
        const r = await ctx.client.query(`UPDATE ${files} SET filename = $1 WHERE filename = $2`, [dest.path, tmp]);
        return (r.rowCount ?? 0) === 1;
      });
    } catch (err) {
      await deleteStoredFile(ctx, dest, tmp).catch(() => undefined);
      throw err;
    }
    if (!renamed) throw new UserfileError(`upload to ${dest.path} failed: ${tmp} disappeared before it could be renamed`);
    return formatUserfileUri(dest);
  } finally {
    await file.close();
  }
}

/** The destination location of a single-file upload (dest defaults to the source's base name). */
export function uploadDestination(ctx: UserfileContext, src: string, dest: string | undefined): UserfileLocation {
  const base = pathBase(src);
  const { storage, path: p } = splitArg(dest ?? base, ctx.user);
  return { ...storage, path: p === '/' ? '/' + base : p };
}

/** Files under dir (not following directory symlinks), in lexical order as Go's filepath.WalkDir visits them. */
function walkFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...walkFiles(dir, r));
    else out.push(r);
  }
  return out;
}

async function uploadRecursive(ctx: UserfileContext, srcArg: string, destArg: string | undefined): Promise<void> {
  const trailingSlash = srcArg.endsWith('/');
  const srcDir = path.resolve(srcArg);
  const srcBase = path.basename(srcDir);
  let st: fs.Stats;
  try {
    st = fs.statSync(srcDir);
  } catch {
    throw new UserfileError(`lstat ${srcDir}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new UserfileError(`${srcArg} is not a directory`);
  // rsync semantics: without a trailing '/', the directory itself goes under the destination.
  let base: UserfileLocation;
  if (destArg === undefined || destArg === '') {
    base = splitArg(srcBase, ctx.user).storage;
    base = { ...base, path: '/' + srcBase };
  } else {
    const { storage, path: p } = splitArg(destArg, ctx.user);
    const trimmed = p.replace(/\/+$/, '');
    base = { ...storage, path: trailingSlash ? trimmed : `${trimmed}/${srcBase}` };
  }
  for (const rel of walkFiles(srcDir)) {
    ctx.out(`uploading: ${rel}`);
    const uri = await uploadFile(ctx, path.join(srcDir, rel), { ...base, path: `${base.path}/${rel}` });
    ctx.out(`successfully uploaded to ${uri}`);
  }
  ctx.out(`successfully uploaded all files in the subtree rooted at ${srcBase}`);
}

export async function uploadCommand(ctx: UserfileContext, args: string[], recursive: boolean): Promise<void> {
  if (args.length > 2) throw new UserfileError(`accepts at most 2 arg(s), received ${args.length}`);
  const [src, dest] = args as [string, string | undefined];
  if (recursive) return uploadRecursive(ctx, src, dest);
  const uri = await uploadFile(ctx, src, uploadDestination(ctx, src, dest));
  ctx.out(`successfully uploaded to ${uri}`);
}
