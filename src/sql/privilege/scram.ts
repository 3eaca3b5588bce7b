// Owns password hashing in the form CockroachDB and PostgreSQL store for
// SCRAM-SHA-256 (RFC 5802 / RFC 7677):
//   SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>
// and the server-side pieces of a SCRAM exchange the wire protocol needs:
// credentials from the stored form, client-proof verification and the
// server signature.
// Invariants: the cleartext is never stored; comparisons of secrets are
// constant-time; passwords are used as their UTF-8 bytes (no SASLprep).

import crypto from 'node:crypto';

/** CockroachDB's default cost (server.user_login.password_hashes.default_cost.scram_sha_256). */
export const defaultScramIterations = 10610;
const saltBytes = 16;
const keyBytes = 32;
const storedForm = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export interface ScramCredentials {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

function saltedPassword(cleartext: string, salt: Buffer, iterations: number): Buffer {
  return crypto.pbkdf2Sync(Buffer.from(cleartext, 'utf8'), salt, iterations, keyBytes, 'sha256');
}

/** Derives credentials from a password with the given salt and cost. */
export function deriveScramCredentials(cleartext: string, salt: Buffer, iterations: number): ScramCredentials {
  const salted = saltedPassword(cleartext, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  return {
    iterations,
    salt,
    storedKey: crypto.createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

export function formatScramCredentials(c: ScramCredentials): string {
  return `SCRAM-SHA-256$${c.iterations}:${c.salt.toString('base64')}$${c.storedKey.toString('base64')}:${c.serverKey.toString('base64')}`;
}

/** Hashes a cleartext password into the stored form, with a fresh random salt. */
export function hashPassword(cleartext: string, iterations = defaultScramIterations): string {
  return formatScramCredentials(deriveScramCredentials(cleartext, crypto.randomBytes(saltBytes), iterations));
}

/** The parsed stored form, or null when `stored` is not a SCRAM-SHA-256 hash. */
export function scramCredentials(stored: string | Buffer | null): ScramCredentials | null {
  if (stored === null) return null;
  const m = storedForm.exec(typeof stored === 'string' ? stored : stored.toString('utf8'));
  if (!m) return null;
  const c = {
    iterations: Number(m[1]),
    salt: Buffer.from(m[2]!, 'base64'),
    storedKey: Buffer.from(m[3]!, 'base64'),
    serverKey: Buffer.from(m[4]!, 'base64'),
  };
  const sane = c.iterations > 0 && c.salt.length > 0 && c.storedKey.length === keyBytes && c.serverKey.length === keyBytes;
  return sane ? c : null;
}

export function isScramHash(text: string): boolean {
  return scramCredentials(text) !== null;
}

/** Whether `cleartext` is the password the stored hash was made from. */
export function verifyPassword(stored: string | Buffer | null, cleartext: string): boolean {
  const c = scramCredentials(stored);
  if (!c) return false;
  const mine = deriveScramCredentials(cleartext, c.salt, c.iterations);
  return crypto.timingSafeEqual(mine.storedKey, c.storedKey) && crypto.timingSafeEqual(mine.serverKey, c.serverKey);
}

/** Checks a SCRAM client proof (the `p=` attribute, decoded) against the stored key. */
export function verifyClientProof(c: ScramCredentials, authMessage: string, clientProof: Buffer): boolean {
  if (clientProof.length !== keyBytes) return false;
  const signature = hmac(c.storedKey, authMessage);
  const clientKey = Buffer.alloc(keyBytes);
  for (let i = 0; i < keyBytes; i++) clientKey[i] = clientProof[i]! ^ signature[i]!;
  const stored = crypto.createHash('sha256').update(clientKey).digest();
  return crypto.timingSafeEqual(stored, c.storedKey);
}

/** The server signature (the `v=` attribute of the server-final message). */
export function serverSignature(c: ScramCredentials, authMessage: string): Buffer {
  return hmac(c.serverKey, authMessage);
}
