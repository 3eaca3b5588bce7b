// Owns the file-upload COPY hooks the CLI's `userfile upload` uses:
// `COPY crdb_internal.user_file_upload FROM STDIN WITH destination = '<uri>'`
// (and `crdb_internal.nodelocal_file_upload`, admins only). As CockroachDB's:
// the destination is required; the final name (the destination without a
// `.tmp` suffix) must not exist yet (`destination file already exists for
// <path>`); bytes stream into the destination; a failed or cancelled COPY
// deletes what it wrote. The result tag counts the rows (pieces) received.

import { BurrowError } from '../util/errors.js';
import type { CopyHandlerContext, CopyInSession } from '../sql/session/session.js';
import { registerCopyHandler } from '../sql/session/session.js';
import { parseUserfileUri } from '../util/userfile-uri.js';
import type { CopyFromStatement } from '../sql/parser/ast.js';
import { commandResult } from '../sql/session/result.js';
import { newBinaryUploadDecoder, newTextUploadDecoder, type UploadDecoder } from './copy-upload-format.js';
import { openStorageForUri, splitStorageUri, type CloudServices } from './registry.js';

function option(stmt: CopyFromStatement, name: string): string | boolean | undefined {
  return stmt.options.find((o) => o.name === name)?.value;
}

function decoderFor(stmt: CopyFromStatement): UploadDecoder {
  const format = String(option(stmt, 'format') ?? 'text').toLowerCase();
  if (format === 'binary') return newBinaryUploadDecoder();
  if (format === 'text') return newTextUploadDecoder();
  throw new BurrowError('0A000', `file upload does not support COPY format ${format}`, { hint: 'Use FORMAT text or FORMAT binary.' });
}

async function startUpload(stmt: CopyFromStatement, ctx: CopyHandlerContext, scheme: 'userfile' | 'nodelocal'): Promise<CopyInSession> {
  const services: CloudServices = { kv: ctx.engine.kv, externalIoDir: ctx.engine.externalIoDir };
  if (stmt.columns.length) throw new BurrowError('42601', 'expected 0 columns specified for file uploads');
  const dest = option(stmt, 'destination');
  if (typeof dest !== 'string' || dest === '') throw new BurrowError('42601', 'destination required', { hint: "Add WITH destination = 'userfile:///path'." });
  const uri = scheme === 'userfile' && !/^[a-z]+:\/\//i.test(dest) ? `userfile:///${dest.replace(/^\/+/, '')}` : dest;
  const decoder = decoderFor(stmt);
  // The whole destination path must be clean (checked before splitting off the file name).
  if (scheme === 'userfile' && /^userfile:/i.test(uri)) parseUserfileUri(uri, ctx.user);
  const { root, file, path } = splitStorageUri(uri);
  const storage = await openStorageForUri(root, ctx, services);
  if (storage.scheme !== scheme) {
    throw new BurrowError('22023', `COPY into crdb_internal.${scheme === 'userfile' ? 'user_file_upload' : 'nodelocal_file_upload'} needs a ${scheme} destination, got ${uri}`);
  }
  const finalName = file.replace(/\.tmp$/, '');
  if (await storage.exists(finalName)) {
    throw new BurrowError('58P02', `destination file already exists for ${path.replace(/\.tmp$/, '')}`, {
      hint: 'Delete it first (burrow userfile delete), or upload under another name.',
    });
  }
  const writer = await storage.write(file);
  let pieces = 0;
  let failed = false;
  const writeAll = async (bufs: Buffer[]): Promise<void> => {
    for (const b of bufs) {
      pieces++;
      if (b.length) await writer.write(b);
    }
  };
  const fail = async (err: unknown): Promise<never> => {
    failed = true;
    await writer.abort().catch(() => {});
    throw err;
  };
  return {
    columnCount: 1,
    async add() {
      throw new BurrowError('XX000', 'file upload COPY takes raw bytes');
    },
    async addBytes(chunk) {
      if (failed) return;
      try {
        await writeAll(decoder.feed(chunk));
      } catch (err) {
        await fail(err);
      }
    },
    async finish() {
      try {
        await writeAll(decoder.end());
        await writer.close();
      } catch (err) {
        await fail(err);
      }
      return commandResult('COPY', pieces);
    },
    abort() {
      if (!failed) void fail(null).catch(() => {});
    },
  };
}

/** Installs the COPY hooks (idempotent). */
export function registerUploadCopyHandlers(): void {
  registerCopyHandler('crdb_internal.user_file_upload', (stmt, ctx) => startUpload(stmt, ctx, 'userfile'));
  registerCopyHandler('crdb_internal.nodelocal_file_upload', (stmt, ctx) => startUpload(stmt, ctx, 'nodelocal'));
}
