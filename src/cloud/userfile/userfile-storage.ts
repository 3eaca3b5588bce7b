// Owns the userfile ExternalStorage: files kept as rows of the prefix's two
// tables, read and written through the table codec and kv transactions (no
// SQL text). File names are stored with a leading '/'.
//
// Writes: opening a writer replaces any file of that name and inserts its
// metadata row (size 0) in one transaction; each full 4 MiB chunk then
// commits in its own transaction with the running file_size, so memory stays
// at one chunk whatever the file size. A crash part-way leaves a file with a
// partial size under its name (the upload command writes to `<name>.tmp`
// and renames; backups reference data files only from a manifest written
// last); writeAll is a single transaction and therefore atomic.
// Reads: the metadata row is read once; chunks are read one per page at one
// fixed timestamp, starting at the chunk that holds the offset, so a reader
// sees one consistent file while writers go on.
// Delete: payload rows then the metadata row, one transaction.

import { randomUUID } from 'node:crypto';
import { BurrowError, SqlState } from '../../util/errors.js';
import { formatUserfileUri, joinUserfilePath, parseUserfileUri, type UserfileLocation } from '../../util/userfile-uri.js';
import type { KvDb } from '../../kv/db.js';
import type { StmtEnv } from '../../sql/session/stmt-env.js';
import type { Row } from '../../sql/types/datum.js';
import {
  decodePrimaryRow, encodeIndexKeyPrefix, indexSpan, primaryKey, primaryValue, tableLayout,
} from '../../sql/rowenc/table-codec.js';
import { prefixEnd } from '../../util/encoding.js';
import { deleteRow, insertRow } from '../../sql/dml/row-writer.js';
import {
  maxListFiles, maxReadAllBytes, userfileChunkBytes, type ExternalStorage, type FileWriter, type ListedFile,
} from '../external-storage.js';
import { ensureUserfileTables, FilesCol, findUserfileTables, PayloadCol, type UserfileTables } from './userfile-tables.js';

/** What the storage needs from its caller: the user and internal transactions. */
export interface UserfileContext {
  user: string;
  /** For reads at one fixed timestamp. */
  kv: KvDb;
  runInternal<T>(fn: (env: StmtEnv) => Promise<T>): Promise<T>;
}

interface FileMeta {
  name: string;
  fileId: string;
  sizeBytes: number;
  row: Row;
}

export function missingFileError(name: string): BurrowError {
  return new BurrowError(SqlState.UndefinedFile, `file ${name} does not exist in the UserFileTableSystem`);
}

function filesRowKey(t: UserfileTables, name: string): Buffer {
  const l = tableLayout(t.files);
  const row: Row = new Array(t.files.columns.length).fill(null);
  row[FilesCol.filename] = name;
  return primaryKey(l, row);
}

async function readMeta(env: StmtEnv, t: UserfileTables, name: string): Promise<FileMeta | undefined> {
  const key = filesRowKey(t, name);
  const v = await env.txn.get(key);
  if (!v) return undefined;
  const row = decodePrimaryRow(tableLayout(t.files), key, v);
  return { name, fileId: row[FilesCol.fileId] as string, sizeBytes: Number(row[FilesCol.fileSize] as bigint), row };
}

function payloadKey(t: UserfileTables, fileId: string, offset: number): Buffer {
  return encodeIndexKeyPrefix(tableLayout(t.payload).primary, [fileId, BigInt(offset)]);
}

function payloadFileSpan(t: UserfileTables, fileId: string): { start: Buffer; end: Buffer } {
  const start = encodeIndexKeyPrefix(tableLayout(t.payload).primary, [fileId]);
  return { start, end: prefixEnd(start) };
}

/** Removes a file's payload rows and metadata row in env.txn. */
async function deleteFileIn(env: StmtEnv, t: UserfileTables, meta: FileMeta): Promise<void> {
  const span = payloadFileSpan(t, meta.fileId);
  const keys: Buffer[] = [];
  for await (const page of env.txn.scan(span.start, span.end, { pageRows: 4 })) for (const r of page) keys.push(r.key);
  for (const k of keys) env.txn.del(k);
  deleteRow(env.txn, t.files, meta.row);
}

function metaRow(t: UserfileTables, name: string, fileId: string, sizeBytes: number, user: string, nowMicros: bigint): Row {
  const row: Row = new Array(t.files.columns.length).fill(null);
  row[FilesCol.filename] = name;
  row[FilesCol.fileId] = fileId;
  row[FilesCol.fileSize] = BigInt(sizeBytes);
  row[FilesCol.username] = user;
  row[FilesCol.uploadTime] = nowMicros;
  return row;
}

function putChunk(env: StmtEnv, t: UserfileTables, fileId: string, offset: number, bytes: Buffer): void {
  const row: Row = [fileId, BigInt(offset), bytes];
  const l = tableLayout(t.payload);
  env.txn.put(primaryKey(l, row), primaryValue(l, row));
}

function setSize(env: StmtEnv, t: UserfileTables, row: Row, sizeBytes: number): void {
  row[FilesCol.fileSize] = BigInt(sizeBytes);
  const l = tableLayout(t.files);
  env.txn.put(primaryKey(l, row), primaryValue(l, row));
}

export function openUserfileStorage(ctx: UserfileContext, uri: string): ExternalStorage {
  const loc: UserfileLocation = parseUserfileUri(uri, ctx.user);
  const fullName = (rel: string): string => joinUserfilePath(loc.path, rel);
  const tablesFor = async (env: StmtEnv, priv: 'SELECT' | 'DELETE'): Promise<UserfileTables | undefined> =>
    findUserfileTables(env, loc, priv);

  async function mustMeta(rel: string): Promise<{ t: UserfileTables; meta: FileMeta; readTs: import('../../util/hlc.js').Timestamp }> {
    const name = fullName(rel);
    return ctx.runInternal(async (env) => {
      const t = await tablesFor(env, 'SELECT');
      const meta = t ? await readMeta(env, t, name) : undefined;
      if (!t || !meta) throw missingFileError(name);
      return { t, meta, readTs: env.txn.readTs };
    });
  }

  async function* read(rel: string, offsetBytes = 0, lengthBytes?: number): AsyncGenerator<Buffer> {
    const { t, meta, readTs } = await mustMeta(rel);
    const end = lengthBytes === undefined ? meta.sizeBytes : Math.min(meta.sizeBytes, offsetBytes + lengthBytes);
    if (offsetBytes >= end) return;
    const span = payloadFileSpan(t, meta.fileId);
    // The chunk holding offsetBytes: the last chunk starting at or before it.
    const txn = ctx.kv.begin({ readTs });
    let start = span.start;
    for await (const page of txn.scan(span.start, payloadKey(t, meta.fileId, offsetBytes + 1), { reverse: true, limit: 1, pageRows: 1 })) {
      for (const r of page) start = r.key;
    }
    let pos = -1;
    const l = tableLayout(t.payload);
    for await (const page of txn.scan(start, span.end, { pageRows: 1 })) {
      for (const r of page) {
        const row = decodePrimaryRow(l, r.key, r.value);
        const chunkOffset = Number(row[PayloadCol.byteOffset] as bigint);
        const bytes = (row[PayloadCol.payload] as Buffer | null) ?? Buffer.alloc(0);
        if (pos >= 0 && chunkOffset !== pos) throw corrupt(meta, `a gap at byte ${pos}`);
        pos = chunkOffset + bytes.length;
        const from = Math.max(0, offsetBytes - chunkOffset);
        const to = Math.min(bytes.length, end - chunkOffset);
        if (to > from) yield bytes.subarray(from, to);
        if (pos >= end) return;
      }
    }
    if (pos < end) throw corrupt(meta, `only ${Math.max(pos, 0)} of ${meta.sizeBytes} bytes present`);
  }

  const storage: ExternalStorage = {
    scheme: 'userfile',
    uri: formatUserfileUri(loc),
    read,
    async readAll(rel) {
      const { meta } = await mustMeta(rel);
      if (meta.sizeBytes > maxReadAllBytes) {
        throw new BurrowError('54000', `file ${meta.name} is ${meta.sizeBytes} bytes, over the ${maxReadAllBytes}-byte limit for whole-file reads`);
      }
      const parts: Buffer[] = [];
      for await (const b of read(rel)) parts.push(b);
      return Buffer.concat(parts);
    },
    async size(rel) {
      return (await mustMeta(rel)).meta.sizeBytes;
    },
    async exists(rel) {
      return ctx.runInternal(async (env) => {
        const t = await tablesFor(env, 'SELECT');
        return !!t && !!(await readMeta(env, t, fullName(rel)));
      });
    },
    async write(rel) {
      return openWriter(ctx, loc, fullName(rel));
    },
    async writeAll(rel, data) {
      const name = fullName(rel);
      if (data.length > maxReadAllBytes) throw new BurrowError('54000', `writeAll of ${data.length} bytes is over the ${maxReadAllBytes}-byte limit`);
      await ctx.runInternal(async (env) => {
        const t = await ensureUserfileTables(env, loc);
        const old = await readMeta(env, t, name);
        if (old) await deleteFileIn(env, t, old);
        const fileId = randomUUID();
        await insertRow(env.txn, t.files, metaRow(t, name, fileId, data.length, ctx.user, env.evalCtx.txnTimestampMicros), 'UTC');
        for (let off = 0; off < data.length; off += userfileChunkBytes) {
          putChunk(env, t, fileId, off, Buffer.from(data.subarray(off, off + userfileChunkBytes)));
        }
      });
    },
    async list(prefix, delimiter) {
      const base = loc.path === '' ? '/' : `${loc.path}/`;
      const full = base + prefix;
      return ctx.runInternal(async (env) => {
        const t = await tablesFor(env, 'SELECT');
        if (!t) return [];
        const l = tableLayout(t.files);
        const span = indexSpan(l.primary);
        const startKey = filesRowKey(t, full);
        const out: ListedFile[] = [];
        let lastRolled = '';
        for await (const page of env.txn.scan(startKey, span.end, { pageRows: 256 })) {
          for (const r of page) {
            const row = decodePrimaryRow(l, r.key, r.value);
            const name = row[FilesCol.filename] as string;
            if (!name.startsWith(full)) return out;
            const rel = name.slice(base.length);
            if (delimiter) {
              const i = rel.indexOf(delimiter, prefix.length);
              if (i >= 0) {
                const rolled = rel.slice(0, i + delimiter.length);
                if (rolled !== lastRolled) out.push({ name: rolled, sizeBytes: 0 });
                lastRolled = rolled;
                continue;
              }
            }
            out.push({ name: rel, sizeBytes: Number(row[FilesCol.fileSize] as bigint) });
            if (out.length > maxListFiles) throw new BurrowError('54000', `more than ${maxListFiles} files under ${full}`);
          }
        }
        return out;
      });
    },
    async delete(rel) {
      const name = fullName(rel);
      await ctx.runInternal(async (env) => {
        const t = await tablesFor(env, 'DELETE');
        const meta = t ? await readMeta(env, t, name) : undefined;
        if (t && meta) await deleteFileIn(env, t, meta);
      });
    },
  };
  return storage;
}

function corrupt(meta: FileMeta, what: string): BurrowError {
  return new BurrowError('XX001', `userfile ${meta.name} is damaged: ${what}`);
}

async function openWriter(ctx: UserfileContext, loc: UserfileLocation, name: string): Promise<FileWriter> {
  const fileId = randomUUID();
  let row: Row = [];
  let tables: UserfileTables | undefined;
  await ctx.runInternal(async (env) => {
    const t = await ensureUserfileTables(env, loc);
    const old = await readMeta(env, t, name);
    if (old) await deleteFileIn(env, t, old);
    row = metaRow(t, name, fileId, 0, ctx.user, env.evalCtx.txnTimestampMicros);
    await insertRow(env.txn, t.files, row, 'UTC');
    tables = t;
  });
  const t = tables!;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let written = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  async function flushChunk(bytes: Buffer): Promise<void> {
    const offset = written;
    await ctx.runInternal(async (env) => {
      putChunk(env, t, fileId, offset, bytes);
      setSize(env, t, row, offset + bytes.length);
    });
    written = offset + bytes.length;
  }
  function takeChunk(n: number): Buffer {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    const chunk = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
    return chunk;
  }
  const ensureOpen = (): void => {
    if (state !== 'open') throw new BurrowError('55000', `userfile writer for ${name} is ${state}`);
  };
  return {
    async write(chunk) {
      ensureOpen();
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= userfileChunkBytes) await flushChunk(takeChunk(userfileChunkBytes));
    },
    async close() {
      ensureOpen();
      if (pendingBytes > 0) await flushChunk(takeChunk(pendingBytes));
      state = 'closed';
    },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      pending = [];
      await ctx.runInternal(async (env) => {
        const meta = await readMeta(env, t, name);
        if (meta && meta.fileId === fileId) await deleteFileIn(env, t, meta);
      });
    },
  };
}
