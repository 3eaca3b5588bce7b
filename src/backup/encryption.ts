// Owns backup encryption: deriving a key from a passphrase, the
// ENCRYPTION-INFO bytes a collection stores at its root (salt, KDF
// parameters, key check value), and sealing bytes with AES-256-GCM, both for
// data-file blocks (sealBytes/openBytes, with associated data binding a block
// to its place) and for whole small files such as manifests
// (encryptBuffer/decryptBuffer). Byte layouts are in docs/backup-format.md.
//
// Invariants:
// - Every sealed message has its own random 12-byte IV and a 16-byte tag;
//   nothing comes back from openBytes/decryptBuffer unless the tag verifies.
// - The passphrase never leaves keyFromInfo/newEncryptionInfo; an
//   EncryptionKey holds only derived keys, in a KeyObject that does not print.
// - KDF parameters read from an ENCRYPTION-INFO are bounded before use, so a
//   crafted file cannot make us allocate or compute without limit.
//
// KDF choice: scrypt (N=2^15, r=8, p=1: 32 MiB and ~60-100 ms here), not
// PBKDF2. scrypt is memory-hard, so guessing passphrases on GPUs/ASICs costs
// far more per guess than PBKDF2-SHA256 at any iteration count that is still
// quick for us; node:crypto runs it off the event loop. (CockroachDB uses
// PBKDF2-SHA256 with 64,000 iterations; our files are not compatible anyway.)
// The scrypt output is a master secret; HKDF-SHA256 derives from it the
// AES-256 key and, separately, the key check value, so the check value says
// nothing about the encryption key.

import crypto from 'node:crypto';
import { BurrowError, SqlState } from '../util/errors.js';
import { crc32 } from './checksum.js';

/** The AES-256-GCM key of one backup collection. Opaque: it does not print its bytes. */
export class EncryptionKey {
  readonly #aesKey: crypto.KeyObject;
  /** From the key's 32 bytes, or from the KeyObject of another key (a worker thread gets it by postMessage). */
  constructor(aesKey: Buffer | crypto.KeyObject) {
    const bytes = Buffer.isBuffer(aesKey) ? aesKey.length : aesKey.symmetricKeySize;
    if (bytes !== 32) throw new BurrowError(SqlState.InternalError, 'internal error: AES-256 key must be 32 bytes');
    this.#aesKey = Buffer.isBuffer(aesKey) ? crypto.createSecretKey(aesKey) : aesKey;
  }
  /** @internal used by sealBytes/openBytes. */
  get keyObject(): crypto.KeyObject {
    return this.#aesKey;
  }
  toString(): string {
    return '[EncryptionKey]';
  }
  toJSON(): string {
    return '[EncryptionKey]';
  }
}

export const ivBytes = 12;
export const tagBytes = 16;
/** Bytes sealBytes adds to its input. */
export const sealOverheadBytes = ivBytes + tagBytes;

export const minPassphraseBytes = 1;
export const maxPassphraseBytes = 1024;
/** encryptBuffer/decryptBuffer refuse larger inputs (they are for manifests and small files). */
export const maxWholeFileEncryptBytes = 256 * 1024 * 1024;

// ---- ENCRYPTION-INFO ----

const infoMagic = Buffer.from([0x89, 0x42, 0x52, 0x57, 0x4b, 0x45, 0x59, 0x0a]); // \x89BRWKEY\n
export const encryptionInfoVersion = 1;
const kdfScrypt = 1;
const saltBytes = 16;
const checkBytes = 16;
const infoBytes = 8 + 2 + 1 + 3 + 1 + saltBytes + 1 + checkBytes + 4; // 52

/** Parameters newEncryptionInfo writes. */
const defaultScrypt = { log2N: 15, r: 8, p: 1 };
/** Bounds accepted when reading an ENCRYPTION-INFO. */
const scryptBounds = { minLog2N: 10, maxLog2N: 20, maxR: 32, maxP: 16, maxMemBytes: 1024 * 1024 * 1024 };

interface ScryptParams { log2N: number; r: number; p: number }

function checkPassphrase(passphrase: string): Buffer {
  const bytes = Buffer.from(passphrase, 'utf8');
  if (bytes.length < minPassphraseBytes || bytes.length > maxPassphraseBytes) {
    throw new BurrowError(SqlState.InvalidParameterValue, `encryption passphrase must be ${minPassphraseBytes} to ${maxPassphraseBytes} bytes long`);
  }
  return bytes;
}

function scryptAsync(pass: Buffer, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  const memBytes = 128 * N * params.r * params.p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    crypto.scrypt(pass, salt, 32, { N, r: params.r, p: params.p, maxmem: memBytes }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function hkdf(master: Buffer, salt: Buffer, label: string, lengthBytes: number): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, salt, Buffer.from(label, 'utf8'), lengthBytes));
}

async function deriveKeys(pass: Buffer, salt: Buffer, params: ScryptParams): Promise<{ aesKey: Buffer; check: Buffer }> {
  const master = await scryptAsync(pass, salt, params);
  try {
    return {
      aesKey: hkdf(master, salt, 'burrow backup aes-256-gcm v1', 32),
      check: hkdf(master, salt, 'burrow backup key check v1', checkBytes),
    };
  } finally {
    master.fill(0);
  }
}

/**
 * Makes a new collection key from a passphrase: a random salt, scrypt, and
 * the ENCRYPTION-INFO bytes the caller stores at the collection root.
 */
export async function newEncryptionInfo(passphrase: string): Promise<{ info: Buffer; key: EncryptionKey }> {
  const pass = checkPassphrase(passphrase);
  const salt = crypto.randomBytes(saltBytes);
  const { aesKey, check } = await deriveKeys(pass, salt, defaultScrypt);
  const info = Buffer.alloc(infoBytes);
  let o = 0;
  o += infoMagic.copy(info, o);
  o = info.writeUInt16BE(encryptionInfoVersion, o);
  o = info.writeUInt8(kdfScrypt, o);
  o = info.writeUInt8(defaultScrypt.log2N, o);
  o = info.writeUInt8(defaultScrypt.r, o);
  o = info.writeUInt8(defaultScrypt.p, o);
  o = info.writeUInt8(saltBytes, o);
  o += salt.copy(info, o);
  o = info.writeUInt8(checkBytes, o);
  o += check.copy(info, o);
  info.writeUInt32BE(crc32(info.subarray(0, o)), o);
  const key = new EncryptionKey(aesKey);
  aesKey.fill(0);
  return { info, key };
}

function infoError(message: string, code: string = SqlState.DataCorrupted): BurrowError {
  return new BurrowError(code, `encryption info: ${message}`);
}

/** Parses and bounds-checks ENCRYPTION-INFO bytes (no passphrase needed). */
function parseInfo(info: Buffer): { params: ScryptParams; salt: Buffer; check: Buffer } {
  if (info.length < 10 || !info.subarray(0, 8).equals(infoMagic)) throw infoError('not a Burrow ENCRYPTION-INFO file (bad magic)');
  const version = info.readUInt16BE(8);
  if (version > encryptionInfoVersion) {
    throw infoError(`written by a newer version (format ${version}); this Burrow reads up to format ${encryptionInfoVersion}`, SqlState.FeatureNotSupported);
  }
  if (info.length !== infoBytes) throw infoError(`expected ${infoBytes} bytes, found ${info.length}`);
  if (crc32(info.subarray(0, infoBytes - 4)) !== info.readUInt32BE(infoBytes - 4)) throw infoError('checksum mismatch');
  const kdf = info.readUInt8(10);
  if (kdf !== kdfScrypt) throw infoError(`unknown key derivation function ${kdf}`);
  const params = { log2N: info.readUInt8(11), r: info.readUInt8(12), p: info.readUInt8(13) };
  const memBytes = 128 * 2 ** params.log2N * params.r * params.p;
  if (params.log2N < scryptBounds.minLog2N || params.log2N > scryptBounds.maxLog2N || params.r < 1 || params.r > scryptBounds.maxR
    || params.p < 1 || params.p > scryptBounds.maxP || memBytes > scryptBounds.maxMemBytes) {
    throw infoError(`scrypt parameters out of bounds (log2 N=${params.log2N}, r=${params.r}, p=${params.p})`);
  }
  if (info.readUInt8(14) !== saltBytes || info.readUInt8(15 + saltBytes) !== checkBytes) throw infoError('bad salt or check value length');
  return { params, salt: info.subarray(15, 15 + saltBytes), check: info.subarray(16 + saltBytes, 16 + saltBytes + checkBytes) };
}

/**
 * Derives the collection key from its ENCRYPTION-INFO and a passphrase.
 * A wrong passphrase fails with 22023 `failed to decrypt — check the passphrase`.
 */
export async function keyFromInfo(info: Buffer, passphrase: string): Promise<EncryptionKey> {
  const pass = checkPassphrase(passphrase);
  const parsed = parseInfo(info);
  const { aesKey, check } = await deriveKeys(pass, parsed.salt, parsed.params);
  try {
    if (!crypto.timingSafeEqual(check, parsed.check)) throw wrongKeyError();
    return new EncryptionKey(aesKey);
  } finally {
    aesKey.fill(0);
  }
}

export function wrongKeyError(what?: string): BurrowError {
  return new BurrowError(SqlState.InvalidParameterValue, what ? `${what}: failed to decrypt — check the passphrase` : 'failed to decrypt — check the passphrase', {
    detail: 'AES-256-GCM authentication failed: the key does not match the one the data was written with, or the data was modified.',
    hint: 'Use the encryption_passphrase the backup was taken with.',
  });
}

// ---- sealing ----

/** AES-256-GCM: returns IV (12) | ciphertext | tag (16). `aad` is authenticated, not stored. */
export function sealBytes(key: EncryptionKey, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = crypto.randomBytes(ivBytes);
  const cipher = crypto.createCipheriv('aes-256-gcm', key.keyObject, iv, { authTagLength: tagBytes });
  cipher.setAAD(aad);
  const out = Buffer.allocUnsafe(ivBytes + plaintext.length + tagBytes);
  iv.copy(out, 0);
  let o = ivBytes;
  o += cipher.update(plaintext).copy(out, o);
  o += cipher.final().copy(out, o);
  cipher.getAuthTag().copy(out, o);
  return out;
}

/** Opens what sealBytes produced; null when the tag does not verify (wrong key, wrong aad or modified bytes). */
export function openBytes(key: EncryptionKey, sealed: Uint8Array, aad: Uint8Array): Buffer | null {
  if (sealed.length < sealOverheadBytes) return null;
  const iv = sealed.subarray(0, ivBytes);
  const tag = sealed.subarray(sealed.length - tagBytes);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key.keyObject, iv, { authTagLength: tagBytes });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes));
  try {
    const last = decipher.final();
    return last.length === 0 ? body : Buffer.concat([body, last]);
  } catch {
    return null;
  }
}

// ---- whole small files ----

const fileMagic = Buffer.from([0x89, 0x42, 0x52, 0x57, 0x45, 0x4e, 0x43, 0x0a]); // \x89BRWENC\n
const fileFormatVersion = 1;
const fileHeaderBytes = fileMagic.length + 1;

/** True when data starts like encryptBuffer's output. */
export function looksEncrypted(data: Uint8Array): boolean {
  return data.length >= fileHeaderBytes && Buffer.from(data.buffer, data.byteOffset, fileMagic.length).equals(fileMagic);
}

/** Encrypts a whole small file (a manifest): magic | version | IV | ciphertext | tag. */
export function encryptBuffer(key: EncryptionKey, plaintext: Buffer): Buffer {
  if (plaintext.length > maxWholeFileEncryptBytes) {
    throw new BurrowError(SqlState.ProgramLimitExceeded, `cannot encrypt ${plaintext.length} bytes at once (limit ${maxWholeFileEncryptBytes})`);
  }
  const header = Buffer.allocUnsafe(fileHeaderBytes);
  fileMagic.copy(header, 0);
  header.writeUInt8(fileFormatVersion, fileMagic.length);
  return Buffer.concat([header, sealBytes(key, plaintext, header)]);
}

/** Decrypts what encryptBuffer produced; `name` appears in errors. */
export function decryptBuffer(key: EncryptionKey, data: Buffer, name: string): Buffer {
  if (!looksEncrypted(data)) {
    throw new BurrowError(SqlState.InvalidParameterValue, `${name} does not appear to be encrypted`, {
      hint: 'Leave out the encryption options for a backup that was taken without them.',
    });
  }
  const version = data.readUInt8(fileMagic.length);
  if (version > fileFormatVersion) {
    throw new BurrowError(SqlState.FeatureNotSupported,
      `${name} was written by a newer version (format ${version}); this Burrow reads up to format ${fileFormatVersion}`);
  }
  if (data.length > fileHeaderBytes + sealOverheadBytes + maxWholeFileEncryptBytes) {
    throw new BurrowError(SqlState.ProgramLimitExceeded, `${name} is too large to decrypt at once (${data.length} bytes)`);
  }
  const plain = openBytes(key, data.subarray(fileHeaderBytes), data.subarray(0, fileHeaderBytes));
  if (plain === null) throw wrongKeyError(name);
  return plain;
}
