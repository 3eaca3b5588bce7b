// Owns the nodelocal ExternalStorage: nodelocal://1/<path> names files under
// the server's external I/O directory (--external-io-dir, default
// <store>/extern). Admin-only access is checked by the caller (registry.ts).
//
// Invariants:
// - Nothing outside realpath(rootDir) is ever read, written, listed or
//   deleted. Paths must already be clean (no '.', '..', empty segments);
//   every operation then resolves the deepest existing ancestor of its
//   target with fs.realpath and refuses (42501) anything that lands outside
//   the root, so a symbolic link inside the root that points outside cannot
//   be followed. Operations use the resolved path, and reads open it with
//   O_NOFOLLOW. (A concurrent local user swapping a checked directory for a
//   symlink between check and use is outside this guarantee; the directory
//   belongs to the server.)
// - A file written with write()/writeAll() appears only at close(): bytes go
//   to a temp name in the target's directory (`.<name>.burrow-tmp-<16 hex>`,
//   created O_EXCL), the file is fsynced, renamed over the target, and the
//   directory fsynced, so a crash leaves either the old state or the whole
//   new file, never a complete-looking partial one. abort() removes the temp
//   file. Temp names never appear in list(); a writer that is never closed
//   leaves only such a temp file.
// - Memory per reader is one highWaterMark chunk (1 MiB); per writer, the
//   chunk being written.
// - A missing file fails with 58P01 `nodelocal storage file does not exist: <uri>`.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BurrowError, SqlState } from '../../util/errors.js';
import { cleanPath } from '../../util/userfile-uri.js';
import { maxListFiles, maxReadAllBytes, type ExternalStorage, type FileWriter, type ListedFile } from '../external-storage.js';

/** Read stream chunk size. */
export const nodelocalReadChunkBytes = 1024 * 1024;
/** Longest path (storage base plus file path) accepted, in bytes. */
export const maxNodelocalPathBytes = 4096;
/** Deepest directory nesting list() walks. */
export const maxNodelocalListDepth = 64;

const tempMarker = '.burrow-tmp-';
const tempNamePattern = /^\..*\.burrow-tmp-[0-9a-f]{16}$/;

function isTempName(base: string): boolean {
  return tempNamePattern.test(base);
}

function normalizationError(p: string, cleaned: string): BurrowError {
  return new BurrowError(SqlState.InvalidParameterValue,
    `path ${p} changes after normalization to ${cleaned}. nodelocal storage does not permit such path constructs`,
    { hint: 'Remove ".", "..", repeated "/" and any trailing "/" from the path.' });
}

/** Checks a '/'-separated path relative to some root is clean; '' is the root itself. */
function checkRelPath(rel: string): void {
  if (rel === '') return;
  if (rel.includes('\0')) throw new BurrowError(SqlState.InvalidParameterValue, 'nodelocal path must not contain NUL bytes');
  if (Buffer.byteLength(rel) > maxNodelocalPathBytes) {
    throw new BurrowError(SqlState.ProgramLimitExceeded, `nodelocal path is longer than ${maxNodelocalPathBytes} bytes`);
  }
  const rooted = '/' + rel;
  const cleaned = cleanPath(rooted);
  if (cleaned !== rooted || rel.startsWith('/')) throw normalizationError(rel, cleaned.slice(1) || '/');
}

function escapeError(rel: string): BurrowError {
  return new BurrowError('42501', `local file access to paths outside of external-io-dir is not allowed: ${rel}`, {
    hint: 'A path under nodelocal://1/ must stay inside the external I/O directory; symbolic links leading out of it are not followed.',
  });
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

function isMissing(err: unknown): boolean {
  const c = errCode(err);
  return c === 'ENOENT' || c === 'ENOTDIR';
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Byte order of UTF-8 names (S3 lists in this order). */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

interface Resolved {
  /** Absolute path with every existing component resolved (no symlinks), plus the missing tail. */
  real: string;
  /** True when the full path exists. */
  exists: boolean;
}

class NodelocalStorage implements ExternalStorage {
  readonly scheme = 'nodelocal' as const;
  readonly uri: string;
  private readonly rootDir: string;
  /** Storage base relative to rootDir ('' or 'a/b'). */
  private readonly base: string;
  private rootReal: string | undefined;

  constructor(rootDir: string, uriPath: string) {
    this.rootDir = path.resolve(rootDir);
    let p = uriPath.startsWith('/') ? uriPath.slice(1) : uriPath;
    if (p === '/') p = '';
    checkRelPath(p);
    this.base = p;
    this.uri = `nodelocal://1/${p}`;
  }

  private uriOf(rel: string): string {
    if (this.base === '') return `nodelocal://1/${rel}`;
    return rel === '' ? this.uri : `${this.uri}/${rel}`;
  }

  private missingError(rel: string): BurrowError {
    return new BurrowError(SqlState.UndefinedFile, `nodelocal storage file does not exist: ${this.uriOf(rel)}`);
  }

  private ioError(op: string, rel: string, err: unknown): BurrowError {
    if (err instanceof BurrowError) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (errCode(err) === 'EACCES' || errCode(err) === 'EPERM') {
      return new BurrowError('42501', `nodelocal storage: ${op} ${this.uriOf(rel)}: permission denied`, { detail: message });
    }
    return new BurrowError(SqlState.IoError, `nodelocal storage: ${op} ${this.uriOf(rel)}: ${message}`);
  }

  /** realpath of the root, creating it first when `create`; undefined when it does not exist. */
  private async root(create: boolean): Promise<string | undefined> {
    if (this.rootReal !== undefined) return this.rootReal;
    try {
      this.rootReal = await fsp.realpath(this.rootDir);
    } catch (err) {
      if (!isMissing(err) || !create) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      await fsp.mkdir(this.rootDir, { recursive: true });
      this.rootReal = await fsp.realpath(this.rootDir);
    }
    return this.rootReal;
  }

  /** The base-relative path joined onto the storage base, as a root-relative path. */
  private rootRel(rel: string): string {
    checkRelPath(rel);
    const joined = this.base === '' ? rel : rel === '' ? this.base : `${this.base}/${rel}`;
    if (Buffer.byteLength(joined) > maxNodelocalPathBytes) {
      throw new BurrowError(SqlState.ProgramLimitExceeded, `nodelocal path is longer than ${maxNodelocalPathBytes} bytes`);
    }
    return joined;
  }

  /**
   * Resolves rel (relative to the storage base) to a real path inside the
   * root: realpath of the deepest existing ancestor, checked to be inside
   * realpath(root), plus the components that do not exist yet. undefined
   * when the root itself does not exist (and create is false).
   */
  private async resolve(rel: string, create: boolean): Promise<Resolved | undefined> {
    const rootRel = this.rootRel(rel);
    const rootReal = await this.root(create);
    if (rootReal === undefined) return undefined;
    const segments = rootRel === '' ? [] : rootRel.split('/');
    const missing: string[] = [];
    for (let n = segments.length; n >= 0; n--) {
      const candidate = path.join(rootReal, ...segments.slice(0, n));
      let real: string;
      try {
        real = await fsp.realpath(candidate);
      } catch (err) {
        if (isMissing(err) || errCode(err) === 'ELOOP') {
          missing.unshift(segments[n - 1] ?? '');
          if (n === 0) throw this.ioError('resolve', rel, err);
          continue;
        }
        throw this.ioError('resolve', rel, err);
      }
      if (!isInside(rootReal, real)) throw escapeError(rel === '' ? this.base || '/' : rel);
      return { real: path.join(real, ...missing), exists: missing.length === 0 };
    }
    throw escapeError(rel);
  }

  /** Resolves an existing regular file; 58P01 when missing, a directory, or a dangling link. */
  private async resolveFile(rel: string): Promise<{ real: string; sizeBytes: number }> {
    if (rel === '') throw this.missingError(rel);
    const r = await this.resolve(rel, false);
    if (!r || !r.exists) throw this.missingError(rel);
    let st: fs.Stats;
    try {
      st = await fsp.lstat(r.real);
    } catch (err) {
      if (isMissing(err)) throw this.missingError(rel);
      throw this.ioError('stat', rel, err);
    }
    if (!st.isFile()) throw this.missingError(rel);
    return { real: r.real, sizeBytes: st.size };
  }

  private async openForRead(rel: string): Promise<{ fh: fsp.FileHandle; sizeBytes: number }> {
    const f = await this.resolveFile(rel);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(f.real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (err) {
      if (isMissing(err)) throw this.missingError(rel);
      if (errCode(err) === 'ELOOP') throw escapeError(rel);
      throw this.ioError('open', rel, err);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw this.missingError(rel);
      return { fh, sizeBytes: st.size };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async size(rel: string): Promise<number> {
    return (await this.resolveFile(rel)).sizeBytes;
  }

  async exists(rel: string): Promise<boolean> {
    try {
      await this.resolveFile(rel);
      return true;
    } catch (err) {
      if (err instanceof BurrowError && err.code === SqlState.UndefinedFile) return false;
      throw err;
    }
  }

  async readAll(rel: string): Promise<Buffer> {
    const { fh, sizeBytes } = await this.openForRead(rel);
    try {
      if (sizeBytes > maxReadAllBytes) {
        throw new BurrowError(SqlState.ProgramLimitExceeded, `nodelocal file ${this.uriOf(rel)} is ${sizeBytes} bytes, more than ${maxReadAllBytes} bytes to read at once`);
      }
      const out = Buffer.allocUnsafe(sizeBytes);
      let filled = 0;
      while (filled < sizeBytes) {
        const { bytesRead } = await fh.read(out, filled, sizeBytes - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === sizeBytes ? out : out.subarray(0, filled);
    } catch (err) {
      throw this.ioError('read', rel, err);
    } finally {
      await fh.close();
    }
  }

  read(rel: string, offsetBytes = 0, lengthBytes?: number): AsyncIterable<Buffer> {
    if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || (lengthBytes !== undefined && (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0))) {
      throw new BurrowError(SqlState.InvalidParameterValue, `invalid read range: offset ${offsetBytes}, length ${lengthBytes}`);
    }
    return this.readGen(rel, offsetBytes, lengthBytes);
  }

  /** Streams [offset, offset+length) clipped to the file's end. */
  private async *readGen(rel: string, offsetBytes: number, lengthBytes: number | undefined): AsyncGenerator<Buffer> {
    const { fh, sizeBytes } = await this.openForRead(rel);
    let stream: fs.ReadStream | undefined;
    try {
      if (offsetBytes > sizeBytes) {
        throw new BurrowError(SqlState.InvalidParameterValue, `read offset ${offsetBytes} is past the end of ${this.uriOf(rel)} (${sizeBytes} bytes)`);
      }
      const end = lengthBytes === undefined ? sizeBytes : Math.min(sizeBytes, offsetBytes + lengthBytes);
      if (end <= offsetBytes) return;
      stream = fs.createReadStream('', { fd: fh, start: offsetBytes, end: end - 1, highWaterMark: nodelocalReadChunkBytes, autoClose: false });
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (err) {
      throw this.ioError('read', rel, err);
    } finally {
      stream?.destroy();
      await fh.close();
    }
  }

  async write(rel: string): Promise<FileWriter> {
    if (rel === '') throw new BurrowError(SqlState.InvalidParameterValue, 'nodelocal write needs a file name');
    const r = await this.resolve(rel, true);
    if (!r) throw this.ioError('write', rel, new Error('external I/O directory is missing'));
    // Existing directory under this name: refuse now rather than at rename.
    try {
      if ((await fsp.lstat(r.real)).isDirectory()) {
        throw new BurrowError(SqlState.InvalidParameterValue, `nodelocal storage: ${this.uriOf(rel)} is a directory`);
      }
    } catch (err) {
      if (!isMissing(err)) throw this.ioError('write', rel, err);
    }
    const dir = path.dirname(r.real);
    const created = await this.makeDirs(dir, rel);
    const tmp = path.join(dir, `.${path.basename(r.real)}${tempMarker}${randomBytes(8).toString('hex')}`);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
    } catch (err) {
      throw this.ioError('create', rel, err);
    }
    return new NodelocalWriter(fh, tmp, r.real, created, (op, err) => this.ioError(op, rel, err));
  }

  /**
   * mkdir -p for dir (already resolved inside the root), checking again after
   * creating that it still resolves inside. Returns the directories created,
   * outermost first, so the writer can fsync their parents.
   */
  private async makeDirs(dir: string, rel: string): Promise<string[]> {
    const rootReal = this.rootReal!;
    const created: string[] = [];
    const missing: string[] = [];
    let d = dir;
    while (isInside(rootReal, d) && d !== rootReal) {
      try {
        await fsp.lstat(d);
        break;
      } catch (err) {
        if (!isMissing(err)) throw this.ioError('mkdir', rel, err);
        missing.unshift(d);
        d = path.dirname(d);
      }
    }
    for (const m of missing) {
      try {
        await fsp.mkdir(m);
        created.push(m);
      } catch (err) {
        if (errCode(err) !== 'EEXIST') throw this.ioError('mkdir', rel, err);
      }
    }
    if (!isInside(rootReal, await fsp.realpath(dir))) throw escapeError(rel);
    return created;
  }

  async writeAll(rel: string, data: Buffer): Promise<void> {
    const w = await this.write(rel);
    try {
      await w.write(data);
    } catch (err) {
      await w.abort();
      throw err;
    }
    await w.close();
  }

  async delete(rel: string): Promise<void> {
    if (rel === '') throw new BurrowError(SqlState.InvalidParameterValue, 'nodelocal delete needs a file name');
    const r = await this.resolve(rel, false);
    if (!r || !r.exists) return;
    try {
      const st = await fsp.lstat(r.real);
      if (st.isDirectory()) throw new BurrowError(SqlState.InvalidParameterValue, `nodelocal storage: ${this.uriOf(rel)} is a directory, not a file`);
      await fsp.unlink(r.real);
    } catch (err) {
      if (isMissing(err)) return;
      throw this.ioError('delete', rel, err);
    }
  }

  async removeAbandonedWrites(prefix: string): Promise<void> {
    const dirRel = prefix.replace(/\/+$/, '');
    checkRelPath(dirRel);
    const start = await this.resolve(dirRel, false);
    if (!start || !start.exists) return;
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && isTempName(e.name)) await fsp.unlink(p).catch(() => undefined);
      }
    };
    await walk(start.real);
  }

  async list(prefix: string, delimiter?: string): Promise<ListedFile[]> {
    if (prefix.includes('\0') || Buffer.byteLength(prefix) > maxNodelocalPathBytes) {
      throw new BurrowError(SqlState.InvalidParameterValue, 'invalid nodelocal list prefix');
    }
    if (delimiter === '') delimiter = undefined;
    // Walk from the prefix's directory part, which must be a clean path.
    const cut = prefix.lastIndexOf('/');
    const startRel = cut < 0 ? '' : prefix.slice(0, cut);
    checkRelPath(startRel);
    const start = await this.resolve(startRel, false);
    if (!start || !start.exists) return [];
    try {
      if (!(await fsp.stat(start.real)).isDirectory()) return [];
    } catch (err) {
      if (isMissing(err)) return [];
      throw this.ioError('list', prefix, err);
    }
    const rootReal = this.rootReal!;
    const files = new Map<string, number>();
    const add = (name: string, sizeBytes: number): void => {
      if (!files.has(name) && files.size >= maxListFiles) {
        throw new BurrowError(SqlState.ProgramLimitExceeded, `nodelocal list of ${this.uriOf(prefix)} found more than ${maxListFiles} files`);
      }
      files.set(name, sizeBytes);
    };
    /** The rolled-up name for `name`, or undefined when it is listed as itself. */
    const rollUp = (name: string): string | undefined => {
      if (delimiter === undefined) return undefined;
      const i = name.indexOf(delimiter, prefix.length);
      return i < 0 ? undefined : name.slice(0, i + delimiter.length);
    };
    const walk = async (dirReal: string, dirRel: string, depth: number, firstOnly: boolean): Promise<boolean> => {
      if (depth > maxNodelocalListDepth) {
        throw new BurrowError(SqlState.ProgramLimitExceeded, `nodelocal list of ${this.uriOf(prefix)}: directories nested deeper than ${maxNodelocalListDepth}`);
      }
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dirReal, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return false;
        throw this.ioError('list', dirRel, err);
      }
      let found = false;
      for (const e of entries) {
        const name = dirRel === '' ? e.name : `${dirRel}/${e.name}`;
        let real = path.join(dirReal, e.name);
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          // Followed only to regular files inside the root; linked directories are not walked (no cycles).
          try {
            real = await fsp.realpath(real);
            isFile = isInside(rootReal, real) && (await fsp.stat(real)).isFile();
          } catch {
            isFile = false;
          }
          isDir = false;
        }
        if (isFile) {
          if (isTempName(e.name) || !name.startsWith(prefix)) continue;
          if (firstOnly) return true;
          const up = rollUp(name);
          if (up !== undefined) add(up, 0);
          else {
            let sizeBytes: number;
            try {
              sizeBytes = (await fsp.stat(real)).size;
            } catch (err) {
              if (isMissing(err)) continue; // deleted while listing
              throw this.ioError('list', name, err);
            }
            add(name, sizeBytes);
          }
          found = true;
        } else if (isDir) {
          const asPrefix = name + '/';
          // Only directories that can hold names with the prefix.
          if (!(asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix))) continue;
          const up = asPrefix.length >= prefix.length ? rollUp(asPrefix) : undefined;
          if (up !== undefined) {
            // Every file below rolls up into the same entry: one file proves it.
            if (files.has(up)) continue;
            if (await walk(real, name, depth + 1, true)) {
              if (firstOnly) return true;
              add(up, 0);
              found = true;
            }
          } else if (await walk(real, name, depth + 1, firstOnly)) {
            if (firstOnly) return true;
            found = true;
          }
        }
      }
      return found;
    };
    await walk(start.real, startRel, 0, false);
    return [...files].map(([name, sizeBytes]) => ({ name, sizeBytes })).sort((a, b) => compareNames(a.name, b.name));
  }
}

class NodelocalWriter implements FileWriter {
  private state: 'open' | 'closed' | 'aborted' | 'failed' = 'open';
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly fh: fsp.FileHandle,
    private readonly tmp: string,
    private readonly target: string,
    /** Directories this write created (outermost first): their parents get fsynced at close. */
    private readonly createdDirs: string[],
    private readonly wrap: (op: string, err: unknown) => BurrowError,
  ) {}

  private checkOpen(): void {
    if (this.state !== 'open') throw new BurrowError(SqlState.ObjectNotInPrerequisiteState, `nodelocal writer is ${this.state}`);
  }

  async write(chunk: Buffer): Promise<void> {
    this.checkOpen();
    const run = this.pending.then(async () => {
      let off = 0;
      while (off < chunk.length) {
        const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
    });
    this.pending = run.catch(() => undefined);
    try {
      await run;
    } catch (err) {
      this.state = 'failed';
      throw this.wrap('write', err);
    }
  }

  async close(): Promise<void> {
    this.checkOpen();
    this.state = 'closed';
    try {
      await this.pending;
      await this.fh.sync();
      await this.fh.close();
      await fsp.rename(this.tmp, this.target);
      await fsyncDir(path.dirname(this.target));
      for (const d of this.createdDirs) await fsyncDir(path.dirname(d));
    } catch (err) {
      await this.fh.close().catch(() => undefined);
      await fsp.unlink(this.tmp).catch(() => undefined);
      throw this.wrap('close', err);
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'closed' || this.state === 'aborted') return;
    this.state = 'aborted';
    await this.pending;
    await this.fh.close().catch(() => undefined);
    await fsp.unlink(this.tmp).catch((err: unknown) => {
      if (!isMissing(err)) throw this.wrap('abort', err);
    });
  }
}

/**
 * Opens nodelocal://1/<uriPath> over rootDir (the server's external I/O
 * directory). uriPath may start with '/'; it must otherwise be clean.
 */
export function openNodelocalStorage(rootDir: string, uriPath: string): ExternalStorage {
  return new NodelocalStorage(rootDir, uriPath);
}
