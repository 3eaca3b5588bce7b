// Owns `burrow userfile upload|list|get|delete` (aliases ls, rm): a SQL
// client of the userfile tables, as CockroachDB's `cockroach userfile` is.
// For a storage prefix P in db.schema the server keeps
//   P_upload_files (filename PK, file_id UUID UNIQUE, file_size, username, upload_time)
//   P_upload_payload (file_id, byte_offset, payload BYTES), 4 MiB chunks,
// file names with a leading '/'. Upload streams through
// `COPY crdb_internal.user_file_upload` into `<dest>.tmp` and renames it in a
// transaction (userfile-upload.ts); get reads payload chunk by chunk
// (userfile-get.ts); list and delete are plain SQL here. A missing files
// table means an empty storage.
//
// Arguments name a storage path either as a userfile URI
// (userfile:///path, userfile://db.schema.prefix/path) or as a plain path
// relative to the user's default storage (defaultdb.public.userfiles_<user>).
// Patterns (list, get, delete) follow userfile-glob.ts. Errors print as
// `burrow sql` prints them (ERROR:, SQLSTATE: when from the server) with
// exit code 1.

import type pg from 'pg';
import { flag, type ParsedArgs } from './flags.js';
import { connectClient } from './sql-shell.js';
import { staticReadSocket, type StaticReadSocket } from './static-read-socket.js';
import { PatternSyntaxError, pathSelector, type PathSelector } from './userfile-glob.js';
import { BurrowError } from '../util/errors.js';
import { checkCleanPath, defaultUserfilePrefix, formatUserfileUri, isUserfileUri, parseUserfileUri, type UserfileLocation } from '../util/userfile-uri.js';

/** An error of the command itself (not from the server): printed without SQLSTATE. */
export class UserfileError extends Error {}

export interface UserfileContext {
  client: pg.Client;
  /** The connection's socket, when it reads into a fixed buffer (get diverts payload reads to itself). */
  readSocket?: StaticReadSocket;
  /** The session user (the default storage is userfiles_<user>). */
  user: string;
  out: (line: string) => void;
}

export interface StoredFile {
  /** Rooted name, as stored. */
  name: string;
  fileId: string;
  size: number;
}

export function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export function tableNames(loc: UserfileLocation): { files: string; payload: string } {
  const base = `${quoteIdent(loc.database)}.${quoteIdent(loc.schema)}.`;
  return {
    files: base + quoteIdent(`${loc.prefix}_upload_files`),
    payload: base + quoteIdent(`${loc.prefix}_upload_payload`),
  };
}

/** Escapes what a URI parser would misread in a path or host ('%', '?', '#'). */
export function uriEscape(s: string): string {
  return s.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The URI for COPY ... destination that the server reads back to loc: it
 * percent-decodes the storage and the directory part, and takes the last
 * segment (the file name) as is, so only the former are escaped.
 */
export function destinationUri(loc: UserfileLocation): string {
  const i = loc.path.lastIndexOf('/');
  return `userfile://${uriEscape(`${loc.database}.${loc.schema}.${loc.prefix}`)}${uriEscape(loc.path.slice(0, i))}${loc.path.slice(i)}`;
}

export function isMissingTable(err: unknown): boolean {
  return (err as { code?: string }).code === '42P01';
}

/**
 * Splits a command-line argument into its storage (path '') and its rooted
 * path (not yet checked). A URI's path is everything after the authority,
 * percent-decoded ('?' stays a glob character).
 */
export function splitArg(arg: string, user: string): { storage: UserfileLocation; path: string } {
  if (isUserfileUri(arg)) {
    const m = /^userfile:\/\/([^/]*)(.*)$/is.exec(arg)!;
    const storage = parseUserfileUri(`userfile://${m[1]}/`, user);
    let p = m[2]!;
    try {
      p = decodeURIComponent(p);
    } catch {
      // a stray '%' stays literal
    }
    return { storage: { ...storage, path: '' }, path: p === '' ? '/' : p.startsWith('/') ? p : '/' + p };
  }
  return {
    storage: { database: 'defaultdb', schema: 'public', prefix: defaultUserfilePrefix(user), path: '' },
    path: arg.startsWith('/') ? arg : '/' + arg,
  };
}

/** A pattern argument (list, get, delete): its storage, the rooted pattern and its selector. */
export function resolvePattern(arg: string | undefined, user: string): { storage: UserfileLocation; selector: PathSelector } {
  const { storage, path } = splitArg(arg ?? '', user);
  const p = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  if (p !== '/') checkCleanPath(p);
  return { storage, selector: pathSelector(p) };
}

/** Stored files the selector picks, in byte order of their names. Missing tables: none. */
export async function selectFiles(ctx: UserfileContext, storage: UserfileLocation, selector: PathSelector): Promise<StoredFile[]> {
  const { files } = tableNames(storage);
  const params: string[] = [];
  let where = '';
  if (selector.scanPrefix !== '') {
    params.push(selector.scanPrefix);
    where = ' WHERE filename >= $1';
    const last = selector.scanPrefix.codePointAt(selector.scanPrefix.length - 1)!;
    if (last < 0x7f) {
      params.push(selector.scanPrefix.slice(0, -1) + String.fromCharCode(last + 1));
      where += ' AND filename < $2';
    }
  }
  let res: pg.QueryResult;
  try {
    res = await ctx.client.query({ text: `SELECT filename, file_id, file_size FROM ${files}${where} ORDER BY filename`, values: params, rowMode: 'array' });
  } catch (err) {
    if (isMissingTable(err)) return [];
    throw err;
  }
  const out: StoredFile[] = [];
  for (const row of res.rows as string[][]) {
    const name = row[0]!;
    if (selector.matches(name)) out.push({ name, fileId: row[1]!, size: Number(row[2]) });
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/** Runs fn between BEGIN and COMMIT, retrying on 40001. */
export async function inTxn<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await client.query('BEGIN');
    try {
      const v = await fn();
      await client.query('COMMIT');
      return v;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string }).code === '40001' && attempt < 20) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

/** Deletes one file (payload rows, then its files row) in one transaction; false when it did not exist. */
export async function deleteStoredFile(ctx: UserfileContext, storage: UserfileLocation, name: string): Promise<boolean> {
  const { files, payload } = tableNames(storage);
  try {
    return await inTxn(ctx.client, async () => {
      // By file_id = $1, a range of the payload's primary key (as CockroachDB's userfile does): an
      // IN (subquery) made the server read every file's chunks.
      const found = await ctx.client.query({ text: `SELECT file_id FROM ${files} WHERE filename = $1`, values: [name], rowMode: 'array' });
      if (found.rows.length === 0) return false;
      const fileId = (found.rows[0] as string[])[0]!;
      await ctx.client.query(`DELETE FROM ${payload} WHERE file_id = $1`, [fileId]);
      const r = await ctx.client.query(`DELETE FROM ${files} WHERE filename = $1`, [name]);
      return (r.rowCount ?? 0) > 0;
    });
  } catch (err) {
    if (isMissingTable(err)) return false;
    throw err;
  }
}

async function listCommand(ctx: UserfileContext, args: string[]): Promise<void> {
  if (args.length > 1) throw new UserfileError(`accepts at most 1 arg(s), received ${args.length}`);
  const { storage, selector } = resolvePattern(args[0], ctx.user);
  for (const f of await selectFiles(ctx, storage, selector)) ctx.out(formatUserfileUri({ ...storage, path: f.name }));
}

async function deleteCommand(ctx: UserfileContext, args: string[]): Promise<void> {
  if (args.length !== 1) throw new UserfileError(`requires exactly 1 arg(s), received ${args.length}`);
  const { storage, selector } = resolvePattern(args[0], ctx.user);
  for (const f of await selectFiles(ctx, storage, selector)) {
    if (await deleteStoredFile(ctx, storage, f.name)) ctx.out(`deleted ${formatUserfileUri({ ...storage, path: f.name })}`);
  }
}

function printError(err: unknown): void {
  const e = err as { message: string; code?: string; detail?: string; hint?: string; syscall?: string };
  console.error(`ERROR: ${e.message}`);
  if (err instanceof PatternSyntaxError || err instanceof UserfileError || e.syscall) return;
  // Our own checks (BurrowError) carry a code as the server's would; only the server's errors print it.
  if (e.code && !(err instanceof BurrowError)) console.error(`SQLSTATE: ${e.code}`);
  if (e.detail) console.error(`DETAIL: ${e.detail}`);
  if (e.hint) console.error(`HINT: ${e.hint}`);
}

export function userfileUsage(): string {
  return [
    'Usage: burrow userfile <command> [flags]',
    '',
    'Commands:',
    '  upload <source> [<destination>]   upload a file (-r/--recursive: a directory tree) to userfile storage',
    '  list [<pattern>]                  list stored files matching a path or glob pattern (alias ls)',
    '  get <pattern> [<destination>]     download matching files (never overwrites a local file)',
    '  delete <pattern>                  delete matching files; a plain name deletes that directory too (alias rm)',
    '',
    'Paths are relative to userfile://defaultdb.public.userfiles_<user>/ or full userfile:// URIs.',
    'Connection flags as burrow sql: --url, --host, --port, --user, --insecure, --certs-dir, -d.',
  ].join('\n');
}

export async function userfileCommand(args: ParsedArgs): Promise<number> {
  const [sub, ...rest] = args.positional;
  const known = ['upload', 'list', 'ls', 'get', 'delete', 'rm'];
  if (sub === undefined || sub === 'help' || flag(args, 'help') === 'true') {
    console.log(userfileUsage());
    return sub === undefined && flag(args, 'help') !== 'true' ? 1 : 0;
  }
  if (!known.includes(sub)) {
    console.error(`ERROR: unknown userfile command "${sub}"\n${userfileUsage()}`);
    return 1;
  }
  if ((sub === 'upload' || sub === 'get') && rest.length < 1) {
    console.error(`ERROR: requires at least 1 arg(s), only received 0\n${userfileUsage()}`);
    return 1;
  }
  const readSocket = sub === 'get' ? staticReadSocket() : undefined;
  const conn = await connectClient(args, printError, readSocket && (() => readSocket.socket));
  if (!conn) return 1;
  const { client } = conn;
  try {
    const who = await client.query({ text: 'SELECT current_user', rowMode: 'array' });
    const user = String((who.rows[0] as string[])[0]);
    const ctx: UserfileContext = { client, user, out: (l) => process.stdout.write(l + '\n'), ...(readSocket ? { readSocket } : {}) };
    switch (sub) {
      case 'upload':
        await (await import('./userfile-upload.js')).uploadCommand(ctx, rest, flag(args, 'recursive') === 'true');
        break;
      case 'get':
        await (await import('./userfile-get.js')).getCommand(ctx, rest);
        break;
      case 'list':
      case 'ls':
        await listCommand(ctx, rest);
        break;
      case 'delete':
      case 'rm':
        await deleteCommand(ctx, rest);
        break;
    }
    return 0;
  } catch (err) {
    printError(err);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}
