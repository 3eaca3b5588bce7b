// Owns the ExternalStorage contract every scheme (userfile, nodelocal)
// implements, and the limits they share. Paths given to a storage are
// relative to its root (the path part of the URI it was opened with), use
// '/' separators, and never contain '.', '..' or empty segments (callers get
// CockroachDB's normalization error before reaching a storage). A storage
// knows nothing about backups.
//
// Invariants: a file written with write() becomes visible only when its
// writer's close() resolves; abort() leaves no file. Reads of a missing file
// fail with SQLSTATE 58P01. Memory held per open reader or writer is bounded
// by a few chunks (userfileChunkBytes), never the file size.

export interface FileWriter {
  /** Appends bytes; resolves when the caller may send more (backpressure). */
  write(chunk: Buffer): Promise<void>;
  /** Makes the file visible under its name (replacing nothing: see ExternalStorage.write). */
  close(): Promise<void>;
  /** Drops everything written; the file does not appear. */
  abort(): Promise<void>;
}

export interface ListedFile {
  /** Path relative to the storage root, without a leading '/'. */
  name: string;
  sizeBytes: number;
}

export interface ExternalStorage {
  readonly scheme: 'userfile' | 'nodelocal';
  /** The URI this storage was opened with, made canonical (userfile://db.schema.prefix/path, nodelocal://1/path). */
  readonly uri: string;
  /** Reads a whole file; fails for files over maxReadAllBytes (use read()). */
  readAll(path: string): Promise<Buffer>;
  /** Streams a file from offsetBytes (default 0) for lengthBytes (default: to the end). */
  read(path: string, offsetBytes?: number, lengthBytes?: number): AsyncIterable<Buffer>;
  /** Size in bytes; 58P01 when missing. */
  size(path: string): Promise<number>;
  exists(path: string): Promise<boolean>;
  /**
   * Opens a writer. The file appears atomically at close(); an existing file
   * of that name is replaced at close (backup writes names once; the upload
   * command checks for an existing destination itself).
   */
  write(path: string): Promise<FileWriter>;
  /** Writes a whole buffer (manifests, small files). */
  writeAll(path: string, data: Buffer): Promise<void>;
  /**
   * Files whose path starts with prefix, in byte order of their names. With a
   * delimiter, names that have the delimiter after the prefix are rolled up
   * into one entry ending at (and including) the delimiter, sizeBytes 0, as S3 does.
   */
  list(prefix: string, delimiter?: string): Promise<ListedFile[]>;
  /** Deletes a file; a missing file is not an error. */
  delete(path: string): Promise<void>;
  /** Removes leftovers of writers a crashed process never closed under prefix (nodelocal temp files); no-op elsewhere. */
  removeAbandonedWrites?(prefix: string): Promise<void>;
}

/** userfile payload rows hold chunks of this size (CockroachDB's). */
export const userfileChunkBytes = 4 * 1024 * 1024;
/** readAll refuses larger files. */
export const maxReadAllBytes = 256 * 1024 * 1024;
/** Files one list call returns at most. */
export const maxListFiles = 1_000_000;
