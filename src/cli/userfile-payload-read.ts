// Owns reading one stored userfile's payload through a node-postgres
// connection, chunk by chunk with
//   SELECT payload FROM P_upload_payload WHERE file_id = $1 AND byte_offset = $2
// in binary result format (parsed once, then Bind/Execute/Sync per chunk),
// with the next chunks requested while one is written.
//
// node-postgres decodes every DataRow field as UTF-8 text, which would
// corrupt binary values, so while a file is read this module takes over the
// connection's input: a pg "submittable" whose submit() diverts the socket's
// reads to its own protocol reader (static-read-socket.ts) or, over TLS,
// swaps the socket's 'data' listeners for it, and hands the connection back
// with an emitted ReadyForQuery once every answer has been read.
//
// Memory: each chunk's bytes are copied straight from the socket's read
// buffer into one of readAhead + 1 reused 4 MiB buffers, handed to the sink,
// and reused once the sink's write resolved. Nothing is allocated per read on
// a plain connection; over TLS the TLS socket's own buffers are garbage, and
// a collection every 16 MiB keeps them from piling up.
// Chunks are assumed to be 4 MiB apart (CockroachDB's and the server's
// layout); if one is not, the reader falls back to asking for the offset that
// follows the bytes it has.

import type { Socket } from 'node:net';
import type { Connection } from 'pg';
import type { StaticReadSocket } from './static-read-socket.js';
import { UserfileError, type StoredFile } from './userfile.js';
import { collectGarbage } from '../util/full-gc.js';

export const payloadChunkBytes = 4 * 1024 * 1024;
/** Chunks requested ahead of the one being written. */
const readAhead = 2;
/** The largest DataRow value accepted (the server's own message limit). */
const maxValueBytes = 64 * 1024 * 1024;
/** The largest other message accepted (errors, notices, status). */
const maxOtherMessageBytes = 1024 * 1024;
/**
 * Bytes received through 'data' events between explicit collections: over
 * TLS each read is a fresh buffer, garbage at once, but V8 collects external
 * memory only well after it has piled up (the JS heap here stays tiny).
 */
const collectEveryBytes = 16 * 1024 * 1024;

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
    let end = body.indexOf(0, i + 1);
    if (end < 0) end = body.length;
    fields.set(code, body.toString('utf8', i + 1, end));
    i = end + 1;
  }
  const err: ServerError = new Error(fields.get('M') ?? 'unknown server error');
  if (fields.has('C')) err.code = fields.get('C');
  if (fields.has('D')) err.detail = fields.get('D');
  if (fields.has('H')) err.hint = fields.get('H');
  return err;
}

/** readAhead + 1 reused chunk buffers: the one being written and those being filled. */
class ChunkPool {
  private readonly free: Buffer[] = [];
  take(bytes: number): Buffer {
    if (bytes > payloadChunkBytes) return Buffer.allocUnsafeSlow(bytes);
    return (this.free.pop() ?? Buffer.allocUnsafeSlow(payloadChunkBytes)).subarray(0, bytes);
  }
  give(b: Buffer | null): void {
    if (b && b.buffer.byteLength === payloadChunkBytes && this.free.length <= readAhead) {
      this.free.push(Buffer.from(b.buffer, 0, payloadChunkBytes));
    }
  }
}

interface ChunkResult {
  offset: number;
  /** The value (a pool buffer); null: no row or NULL. */
  payload: Buffer | null;
  error: ServerError | null;
}

/**
 * Reads one stored file's payload through the connection, handing chunks in
 * order to `write`; the chunk's buffer is reused once write resolved.
 */
export class PayloadRead {
  readonly text = 'userfile payload read';
  private readonly done: Promise<void>;
  private resolveFn!: () => void;
  private rejectFn!: (e: Error) => void;
  private settled = false;
  private error: Error | null = null;
  private dead: Error | null = null;
  private readonly pool = new ChunkPool();
  // protocol reader state: a message's 5-byte header, then its body
  private readonly head = Buffer.alloc(5);
  private headFill = 0;
  private type = 0;
  private bodyLeft = -1;
  /** A small message's body, or a DataRow's first 6 bytes (column count, value length). */
  private small: Buffer = Buffer.alloc(0);
  private smallFill = 0;
  private value: Buffer | null = null;
  private valueFill = 0;
  private current: ChunkResult | null = null;
  private readonly requested: number[] = [];
  private readonly results: ChunkResult[] = [];
  private wake: (() => void) | null = null;
  private lastStatus = 'I';
  private sinceCollect = 0;
  private stream: Socket | null = null;

  constructor(
    private readonly sql: string,
    private readonly file: StoredFile,
    private readonly write: (chunk: Buffer) => Promise<void>,
    private readonly readSocket: StaticReadSocket | undefined,
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
    this.fail(err);
  }

  private fail(err: Error): void {
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

  /** Socket input; `bytes` may be a view valid only during the call, so whatever is kept is copied. */
  private readonly onBytes = (bytes: Buffer): void => {
    if (this.dead) return;
    try {
      this.feed(bytes);
    } catch (err) {
      // Out of step with the server: the connection cannot be used again.
      this.fail(err as Error);
      this.stream?.destroy();
    }
  };

  private readonly onData = (bytes: Buffer): void => {
    this.onBytes(bytes);
    this.sinceCollect += bytes.length;
    if (this.sinceCollect >= collectEveryBytes) {
      this.sinceCollect = 0;
      collectGarbage();
    }
  };

  private feed(bytes: Buffer): void {
    let off = 0;
    while (off < bytes.length) {
      if (this.bodyLeft < 0) {
        const take = Math.min(5 - this.headFill, bytes.length - off);
        bytes.copy(this.head, this.headFill, off, off + take);
        this.headFill += take;
        off += take;
        if (this.headFill < 5) return;
        this.headFill = 0;
        this.startBody(this.head[0]!, this.head.readInt32BE(1) - 4);
        if (this.bodyLeft === 0) this.endBody();
        continue;
      }
      const avail = bytes.length - off;
      if (this.smallFill < this.small.length) {
        const take = Math.min(this.small.length - this.smallFill, avail);
        bytes.copy(this.small, this.smallFill, off, off + take);
        this.smallFill += take;
        off += take;
        this.bodyLeft -= take;
        if (this.type === 0x44 && this.smallFill === 6) this.startValue();
      } else {
        const take = Math.min(this.bodyLeft, avail);
        bytes.copy(this.value!, this.valueFill, off, off + take);
        this.valueFill += take;
        off += take;
        this.bodyLeft -= take;
      }
      if (this.bodyLeft === 0) this.endBody();
    }
  }

  private startBody(type: number, bodyBytes: number): void {
    const limit = type === 0x44 ? maxValueBytes + 6 : maxOtherMessageBytes;
    if (bodyBytes < 0 || bodyBytes > limit || (type === 0x44 && bodyBytes < 6)) {
      throw new UserfileError(`unexpected server message ${String.fromCharCode(type)} of ${bodyBytes} bytes while reading ${this.file.name}`);
    }
    this.type = type;
    this.bodyLeft = bodyBytes;
    this.small = Buffer.allocUnsafe(type === 0x44 ? 6 : bodyBytes);
    this.smallFill = 0;
    this.value = null;
    this.valueFill = 0;
  }

  /** A DataRow's header is in: one column, its length (-1: NULL) exactly the rest of the body. */
  private startValue(): void {
    const columns = this.small.readInt16BE(0);
    const len = this.small.readInt32BE(2);
    if (columns !== 1 || (len >= 0 ? len !== this.bodyLeft : this.bodyLeft !== 0)) {
      throw new UserfileError(`unexpected data row while reading ${this.file.name}`);
    }
    if (len >= 0) this.value = this.pool.take(len);
  }

  private endBody(): void {
    this.bodyLeft = -1;
    const cur = (this.current ??= { offset: this.requested[0] ?? -1, payload: null, error: null });
    switch (String.fromCharCode(this.type)) {
      case 'D':
        this.pool.give(cur.payload);
        cur.payload = this.value ?? null;
        break;
      case 'E':
        cur.error ??= parseErrorResponse(this.small);
        break;
      case 'Z':
        this.lastStatus = String.fromCharCode(this.small[0] ?? 0x49);
        this.results.push(cur);
        this.requested.shift();
        this.current = null;
        this.wake?.();
        break;
      default:
        break; // ParseComplete, BindComplete, CommandComplete, notices, parameter status
    }
    this.value = null;
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
    this.stream = stream;
    const diverted = this.readSocket?.divertable(stream) === true;
    const saved = diverted ? [] : (stream.listeners('data') as ((b: Buffer) => void)[]);
    if (diverted) this.readSocket!.divert(this.onBytes);
    else {
      stream.removeAllListeners('data');
      stream.on('data', this.onData);
    }
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
          // Chunks asked for and chunks received but not yet written together stay within readAhead,
          // so readAhead + 1 pool buffers always suffice and none is ever dropped and allocated again.
          while (this.requested.length + this.results.length < readAhead && nextReq < size) {
            send(nextReq);
            nextReq += payloadChunkBytes;
          }
        } else if (this.requested.length === 0 && this.results.length === 0) send(pos);
        const r = await this.next();
        if (r.error) throw r.error;
        if (r.offset !== pos) {
          this.pool.give(r.payload); // asked for ahead on a layout that turned out different
          continue;
        }
        if (r.payload === null) throw new UserfileError(`userfile ${this.file.name} is incomplete: no payload at byte offset ${pos} of ${size}`);
        const n = r.payload.length;
        if (n === 0) throw new UserfileError(`userfile ${this.file.name} is incomplete: empty payload at byte offset ${pos} of ${size}`);
        if (pos + n > size) throw new UserfileError(`userfile ${this.file.name} has more payload than its size ${size}`);
        await this.write(r.payload);
        this.pool.give(r.payload);
        pos += n;
        if (n !== payloadChunkBytes && pos < size) sequential = true;
      }
    } catch (err) {
      this.error = err as Error;
    }
    // Read the answers still on their way, so the connection is in step again.
    while (this.requested.length > 0) {
      try {
        this.pool.give((await this.next()).payload);
      } catch {
        return; // the connection is gone; fail/handleError has settled
      }
    }
    if (this.dead) return;
    if (diverted) this.readSocket!.divert(null);
    else {
      stream.off('data', this.onData);
      for (const l of saved) stream.on('data', l);
    }
    // Hand control back to the client as if the query had just finished.
    (connection as unknown as { emit(e: string, m: unknown): void }).emit('readyForQuery', { name: 'readyForQuery', length: 5, status: this.lastStatus });
  }
}
