// Owns `burrow userfile get <pattern> [<dest>]`: one match goes to its base
// name in the current directory, into dest when dest is an existing
// directory, or to dest; several matches keep their paths relative to the
// pattern's directory under dest (or the current directory). A local file is
// never overwritten, and a file appears under its name only once complete:
// it is written to `<name>.<pid>.tmp`, synced, its size checked against
// file_size, then hard-linked to its name (which fails if the name exists).
//
// Payload is read chunk by chunk with
//   SELECT payload FROM P_upload_payload WHERE file_id = $1 AND byte_offset = $2
// in binary result format (parsed once, then Bind/Execute/Sync per chunk),
// the next chunk requested while one is written, so the client holds about
// two chunks. node-postgres decodes every DataRow field as UTF-8 text, which
// would corrupt binary values, so while a file is read this module takes over
// the connection's socket input (a pg "submittable" whose submit() swaps the
// socket's data listeners for its own protocol reader, and restores them with
// an emitted ReadyForQuery once every answer has been read). A chunk is
// written from the socket's own buffers (writev, no copy), the disk flushes
// in the background every 32 MiB, and memory is collected every 16 MiB.
// Chunks are assumed to be 4 MiB apart (CockroachDB's and the server's
// layout); if one is not, the reader falls back to asking for the offset
// that follows the bytes it has.

import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Socket } from 'node:net';
import type { Connection } from 'pg';
import { startProgress, type Progress } from './progress.js';
import { pathBase, relativeTo } from './userfile-glob.js';
import { resolvePattern, selectFiles, tableNames, UserfileError, type StoredFile, type UserfileContext } from './userfile.js';

export const payloadChunkBytes = 4 * 1024 * 1024;
/** Chunks requested ahead of the one being written. */
const readAhead = 2;

/**
 * Bytes written between background fdatasyncs: the disk flushes while more
 * chunks arrive, so the final fsync has little left to do.
 */
const syncEveryBytes = 32 * 1024 * 1024;
/** Bytes received between explicit collections (see collectGarbage). */
const collectEveryBytes = 16 * 1024 * 1024;

let gcFn: (() => void) | null | undefined;

/**
 * A full collection. The socket hands over its data as fresh 64 KiB buffers;
 * they are garbage once written, but V8 collects external memory only well
 * after it has piled up (the JS heap here stays tiny), and the process grew
 * past 300 MB on a 1 GiB get. Collecting every 32 MiB keeps it near 100 MB
 * for a few ms per collection.
 */
function collectGarbage(): void {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

interface ServerError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
}

function cstring(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8');
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const len = parts.reduce((n, p) => n + p.length, 4);
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(len, 1);
  return Buffer.concat([head, ...parts]);
}

function int16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n);
  return b;
}

/**
 * Bind (text parameters, binary results) + Execute + Sync for one chunk,
 * after a Parse of the unnamed statement for the first one (it stays until
 * the next Parse of the unnamed statement, across Syncs).
 */
function chunkRequest(parseSql: string | null, fileId: string, offset: number): Buffer {
  const params = [Buffer.from(fileId), Buffer.from(String(offset))];
  return Buffer.concat([
    ...(parseSql === null ? [] : [message('P', cstring(''), cstring(parseSql), int16(0))]),
    message('B', cstring(''), cstring(''), int16(0), int16(params.length), ...params.flatMap((p) => [int32(p.length), p]), int16(1), int16(1)),
    message('E', cstring(''), int32(0)),
    message('S'),
  ]);
}

function parseErrorResponse(body: Buffer): ServerError {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    fields.set(code, body.toString('utf8', i + 1, end));
    i = end + 1;
  }
  const err: ServerError = new Error(fields.get('M') ?? 'unknown server error');
  if (fields.has('C')) err.code = fields.get('C');
  if (fields.has('D')) err.detail = fields.get('D');
  if (fields.has('H')) err.hint = fields.get('H');
  return err;
}

interface ChunkResult {
  offset: number;
  /** The value's bytes as the pieces the socket delivered them in (no copy); null: no row or NULL. */
  payload: Buffer[] | null;
  payloadBytes: number;
  error: ServerError | null;
}

/** pieces without their first n bytes. */
function dropPrefix(pieces: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const p of pieces) {
    if (n >= p.length) {
      n -= p.length;
      continue;
    }
    out.push(n > 0 ? p.subarray(n) : p);
    n = 0;
  }
  return out;
}

/** Reads one stored file's payload through the connection, handing chunks in order to `write`. */
class PayloadRead {
  readonly text = 'userfile payload read';
  private readonly done: Promise<void>;
  private resolveFn!: () => void;
  private rejectFn!: (e: Error) => void;
  private settled = false;
  private error: Error | null = null;
  private dead: Error | null = null;
  // protocol reader state: a message's header, then its body as the socket's pieces
  private head: Buffer = Buffer.alloc(0);
  private bodyPieces: Buffer[] = [];
  private bodyLeft = -1;
  private bodyType = 0;
  private current: ChunkResult | null = null;
  private readonly requested: number[] = [];
  private readonly results: ChunkResult[] = [];
  private wake: (() => void) | null = null;
  private lastStatus = 'I';

  constructor(
    private readonly sql: string,
    private readonly file: StoredFile,
    private readonly write: (pieces: Buffer[], bytes: number) => Promise<void>,
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.resolveFn = res;
      this.rejectFn = rej;
    });
  }

  get promise(): Promise<void> {
    return this.done;
  }

  submit(connection: Connection): void {
    this.run(connection).catch((err: Error) => this.finish(err));
  }

  callback(): void {}

  handleReadyForQuery(): void {
    this.finish(this.error);
  }

  handleError(err: Error): void {
    this.dead ??= err;
    this.wake?.();
    this.finish(err);
  }

  private finish(err: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    if (err) this.rejectFn(err);
    else this.resolveFn();
  }

  private onData = (chunk: Buffer): void => {
    let off = 0;
    while (off < chunk.length) {
      if (this.bodyLeft < 0) {
        const take = Math.min(5 - this.head.length, chunk.length - off);
        this.head = this.head.length === 0 && take === 5 ? chunk.subarray(off, off + 5) : Buffer.concat([this.head, chunk.subarray(off, off + take)]);
        off += take;
        if (this.head.length < 5) return;
        this.bodyType = this.head[0]!;
        this.bodyLeft = this.head.readInt32BE(1) - 4;
        this.head = Buffer.alloc(0);
        this.bodyPieces = [];
      }
      const take = Math.min(this.bodyLeft, chunk.length - off);
      if (take > 0) this.bodyPieces.push(chunk.subarray(off, off + take));
      this.bodyLeft -= take;
      off += take;
      if (this.bodyLeft === 0) {
        this.bodyLeft = -1;
        this.handle(this.bodyType, this.bodyPieces);
        this.bodyPieces = [];
      }
    }
  };

  private handle(type: number, pieces: Buffer[]): void {
    const cur = () => (this.current ??= { offset: this.requested[0] ?? -1, payload: null, payloadBytes: 0, error: null });
    const whole = () => (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
    switch (String.fromCharCode(type)) {
      case 'D': {
        // int16 column count (1), int32 value length (-1: NULL), the value
        const head = pieces[0]!.length >= 6 ? pieces[0]! : Buffer.concat(pieces).subarray(0, 6);
        const len = head.readInt32BE(2);
        const c = cur();
        c.payload = len < 0 ? null : dropPrefix(pieces, 6);
        c.payloadBytes = Math.max(0, len);
        return;
      }
      case 'E':
        cur().error ??= parseErrorResponse(whole());
        return;
      case 'Z':
        this.lastStatus = String.fromCharCode(whole()[0]!);
        this.results.push(cur());
        this.requested.shift();
        this.current = null;
        this.wake?.();
        return;
      default:
        return; // ParseComplete, BindComplete, CommandComplete, notices, parameter status
    }
  }

  private async next(): Promise<ChunkResult> {
    while (this.results.length === 0) {
      if (this.dead) throw this.dead;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
    return this.results.shift()!;
  }

  private async run(connection: Connection): Promise<void> {
    const stream = connection.stream as Socket;
    const saved = stream.listeners('data') as ((b: Buffer) => void)[];
    stream.removeAllListeners('data');
    stream.on('data', this.onData);
    let parsed = false;
    const send = (offset: number) => {
      this.requested.push(offset);
      stream.write(chunkRequest(parsed ? null : this.sql, this.file.fileId, offset));
      parsed = true;
    };
    const size = this.file.size;
    let pos = 0;
    let nextReq = 0;
    let sequential = false;
    try {
      while (pos < size) {
        if (!sequential) {
          while (this.requested.length < readAhead && nextReq < size) {
            send(nextReq);
            nextReq += payloadChunkBytes;
          }
        } else if (this.requested.length === 0 && this.results.length === 0) send(pos);
        const r = await this.next();
        if (r.error) throw r.error;
        if (r.offset !== pos) continue; // asked for ahead on a layout that turned out different
        if (r.payload === null) throw new UserfileError(`userfile ${this.file.name} is incomplete: no payload at byte offset ${pos} of ${size}`);
        const n = r.payloadBytes;
        if (n === 0) throw new UserfileError(`userfile ${this.file.name} is incomplete: empty payload at byte offset ${pos} of ${size}`);
        if (pos + n > size) throw new UserfileError(`userfile ${this.file.name} has more payload than its size ${size}`);
        await this.write(r.payload, n);
        pos += n;
        if (n !== payloadChunkBytes && pos < size) sequential = true;
      }
    } catch (err) {
      this.error = err as Error;
    }
    // Read the answers still on their way, so the connection is in step again.
    while (this.requested.length > 0) {
      try {
        await this.next();
      } catch {
        return; // the connection is gone; handleError has settled
      }
    }
    if (this.dead) return;
    stream.off('data', this.onData);
    for (const l of saved) stream.on('data', l);
    // Hand control back to the client as if the query had just finished.
    (connection as unknown as { emit(e: string, m: unknown): void }).emit('readyForQuery', { name: 'readyForQuery', length: 5, status: this.lastStatus });
  }
}

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
    let sinceCollect = 0;
    let sinceSync = 0;
    let syncing: Promise<void> | null = null;
    let syncError: unknown = null;
    const write = async (pieces: Buffer[], bytes: number) => {
      let rest = pieces;
      let left = bytes;
      while (left > 0) {
        // One writev per chunk (IOV_MAX is 1024 pieces); a short write continues after what was written.
        const batch = rest.slice(0, 1024);
        const { bytesWritten } = await fh.writev(batch);
        left -= bytesWritten;
        rest = dropPrefix(rest, bytesWritten);
      }
      written += bytes;
      progress.add(bytes);
      sinceSync += bytes;
      if (sinceSync >= syncEveryBytes && !syncing) {
        sinceSync = 0;
        syncing = fh.datasync().then(
          () => void (syncing = null),
          (err: unknown) => void ((syncError ??= err), (syncing = null)),
        );
      }
      sinceCollect += bytes;
      if (sinceCollect >= collectEveryBytes) {
        sinceCollect = 0;
        collectGarbage();
      }
    };
    if (file.size > 0) {
      const sql = `SELECT payload FROM ${payloadTable} WHERE file_id = $1 AND byte_offset = $2`;
      const read = new PayloadRead(sql, file, write);
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
