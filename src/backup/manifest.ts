// Owns the backup manifest: what one layer (a full backup or an incremental)
// holds, and its stored form. A manifest is JSON, brotli-compressed, behind a
// small header (magic, format version, flags), encrypted as a whole when the
// collection is; BACKUP_MANIFEST-CHECKSUM holds the SHA-256 of the stored
// bytes. A reader checks the checksum first, then the version: a manifest of
// a newer format fails with the file's name, never a misread.

import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { BurrowError } from '../util/errors.js';
import type { Timestamp } from '../util/hlc.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { decryptBuffer, encryptBuffer, looksEncrypted, type EncryptionKey } from './encryption.js';
import { manifestChecksumName, manifestName } from './layout.js';

export const manifestFormatVersion = 1;
const magic = Buffer.from('BRWMANI\n', 'latin1');
/** Manifests larger than this (decompressed) are refused. */
const maxManifestBytes = 256 * 1024 * 1024;

export interface JsonTimestamp {
  wall: string;
  logical: number;
}

export interface ManifestFile {
  /** Relative to the layer folder: data/<n>.sst. */
  path: string;
  tableId: number;
  sha256: string;
  sizeBytes: number;
  entries: number;
  rows: number;
  indexEntries: number;
  /** Uncompressed key + value bytes. */
  dataBytes: number;
}

export interface TableStats {
  rows: number;
  indexEntries: number;
  dataBytes: number;
}

export interface DescriptorChange {
  id: number;
  time: JsonTimestamp;
  /** serializeDescriptor JSON text; null: the descriptor was deleted. */
  desc: string | null;
}

export interface BackupManifest {
  formatVersion: number;
  jobId: string;
  /** Exclusive start of the changes this layer holds; null for a full backup. */
  startTime: JsonTimestamp | null;
  endTime: JsonTimestamp;
  revisionHistory: boolean;
  isFullCluster: boolean;
  /** What the statement named: database names, or table patterns as text. */
  targets: { kind: 'cluster' } | { kind: 'databases'; names: string[] } | { kind: 'tables'; names: string[] };
  /** Database IDs covered whole (their new tables are included). */
  completeDbs: number[];
  /** Descriptors (serializeDescriptor JSON text) as of endTime: databases, schemas, tables, views, sequences. */
  descriptors: string[];
  /** With revision_history: every change of those descriptors in (startTime, endTime]. */
  descriptorChanges: DescriptorChange[];
  /** Tables whose data this layer holds, with what it holds of each. */
  tableStats: Record<string, TableStats>;
  /** Tables exported from the beginning of history in this layer (new since the previous layer). */
  introducedTableIds: number[];
  /** System tables (by name) whose rows a cluster backup holds. */
  systemTables: string[];
  /** Qualified names of objects the backed-up ones reference but the backup leaves out (by ID), for error messages. */
  externalNames?: Record<string, string>;
  files: ManifestFile[];
  encrypted: boolean;
}

export function tsToJson(ts: Timestamp): JsonTimestamp {
  return { wall: ts.wall.toString(), logical: ts.logical };
}

export function tsFromJson(j: JsonTimestamp): Timestamp {
  return { wall: BigInt(j.wall), logical: j.logical };
}

export function encodeManifest(m: BackupManifest, key: EncryptionKey | undefined): Buffer {
  const body = zlib.brotliCompressSync(Buffer.from(JSON.stringify(m)), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
  const header = Buffer.alloc(magic.length + 3);
  magic.copy(header, 0);
  header.writeUInt16BE(manifestFormatVersion, magic.length);
  header.writeUInt8(key ? 1 : 0, magic.length + 2);
  const plain = Buffer.concat([header, body]);
  return key ? encryptBuffer(key, plain) : plain;
}

export function sha256Hex(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

function damaged(name: string, what: string): BurrowError {
  return new BurrowError('XX001', `backup manifest ${name} is damaged: ${what}`, {
    hint: 'The backup cannot be used; take a new full backup, or restore from another one (SHOW BACKUPS IN the collection).',
  });
}

/** Decodes stored manifest bytes (checksum already verified). */
export function decodeManifest(stored: Buffer, name: string, key: EncryptionKey | undefined): BackupManifest {
  let plain = stored;
  if (looksEncrypted(stored)) {
    if (!key) {
      throw new BurrowError('22023', `file appears encrypted -- try specifying one of "encryption_passphrase" or "kms": ${name}`, {
        hint: "Add WITH encryption_passphrase = '...' (the passphrase the backup was taken with).",
      });
    }
    plain = decryptBuffer(key, stored, name);
  } else if (key) {
    throw new BurrowError('22023', `${name} is not encrypted, but an encryption_passphrase was given`, { hint: 'Leave out encryption_passphrase for this backup.' });
  }
  if (plain.length < magic.length + 3 || !plain.subarray(0, magic.length).equals(magic)) throw damaged(name, 'not a Burrow backup manifest');
  const version = plain.readUInt16BE(magic.length);
  if (version > manifestFormatVersion) {
    throw new BurrowError('XX001', `backup manifest ${name} was written by a newer version (format ${version}); this Burrow reads up to format ${manifestFormatVersion}`, {
      hint: 'Restore it with the Burrow version that took it, or a newer one.',
    });
  }
  let json: Buffer;
  try {
    json = zlib.brotliDecompressSync(plain.subarray(magic.length + 3), { maxOutputLength: maxManifestBytes });
  } catch {
    throw damaged(name, 'cannot decompress');
  }
  try {
    return JSON.parse(json.toString('utf8')) as BackupManifest;
  } catch {
    throw damaged(name, 'invalid JSON');
  }
}

/** Writes the manifest, then its checksum: the manifest is what makes a folder a backup. */
export async function writeManifest(s: ExternalStorage, folder: string, m: BackupManifest, key: EncryptionKey | undefined): Promise<void> {
  const bytes = encodeManifest(m, key);
  await s.writeAll(`${folder}/${manifestName}`, bytes);
  await s.writeAll(`${folder}/${manifestChecksumName}`, Buffer.from(sha256Hex(bytes)));
}

/** Reads and verifies a layer's manifest. */
export async function readManifest(s: ExternalStorage, folder: string, key: EncryptionKey | undefined): Promise<BackupManifest> {
  const name = `${folder}/${manifestName}`;
  if (!(await s.exists(name))) {
    throw new BurrowError('58P01', `backup manifest ${name} does not exist`, { hint: "List the backups with SHOW BACKUPS IN '<collection>'." });
  }
  const bytes = await s.readAll(name);
  if (await s.exists(`${folder}/${manifestChecksumName}`)) {
    const want = (await s.readAll(`${folder}/${manifestChecksumName}`)).toString('utf8').trim();
    if (want !== sha256Hex(bytes)) throw damaged(name, 'checksum mismatch');
  }
  return decodeManifest(bytes, name, key);
}
