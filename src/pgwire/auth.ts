// Owns authenticating a connection on a secure (non --insecure) server, as
// CockroachDB's default `cert-password` rule does:
//   - a TLS client certificate signed by the cluster CA whose CN is the
//     requested user logs that user in (root included);
//   - otherwise SCRAM-SHA-256 (RFC 5802 / RFC 7677, no channel binding)
//     against the stored SCRAM credentials, or a cleartext password when the
//     stored hash is present but not SCRAM.
// Facts about the user come from system.users / role_options through a
// read-only kv transaction (privilege/auth.ts). Unknown users, roles that may
// not log in and users without a password go through the same SCRAM
// exchange with made-up credentials and fail with the same message as a
// wrong password, so a client cannot tell which it was.
// This module builds and parses the authentication messages only; the
// connection sends them.

import crypto from 'node:crypto';
import { BurrowError } from '../util/errors.js';
import type { KvDb } from '../kv/db.js';
import { loginInfo, type LoginInfo } from '../sql/privilege/auth.js';
import { getUser } from '../sql/privilege/role-store.js';
import { normalizeRoleName } from '../sql/privilege/names.js';
import { defaultScramIterations, serverSignature, verifyClientProof, verifyPassword, type ScramCredentials } from '../sql/privilege/scram.js';
import { Reader, Writer } from './messages.js';

export const scramMechanism = 'SCRAM-SHA-256';

// ---------------------------------------------------------------- messages

const authRequest = (code: number, data?: Buffer): Buffer => {
  const w = new Writer().int32(code);
  if (data) w.bytes(data);
  return w.finish('R');
};
export const authCleartextPassword = (): Buffer => authRequest(3);
export const authSasl = (mechanisms: string[]): Buffer => authRequest(10, Buffer.from(mechanisms.map((m) => `${m}\0`).join('') + '\0', 'utf8'));
export const authSaslContinue = (data: string): Buffer => authRequest(11, Buffer.from(data, 'utf8'));
export const authSaslFinal = (data: string): Buffer => authRequest(12, Buffer.from(data, 'utf8'));

// ---------------------------------------------------------------- errors

export function passwordFailed(user: string): BurrowError {
  return new BurrowError('28P01', `password authentication failed for user ${user}`);
}

const malformed = (what: string): BurrowError => new BurrowError('08P01', `malformed SCRAM message: ${what}`);

// ---------------------------------------------------------------- SCRAM server

/** The parsed client-first-message. */
interface ClientFirst {
  gs2Header: string;
  bare: string;
  clientNonce: string;
}

const nonceChars = /^[\x21-\x2b\x2d-\x7e]+$/;

export function parseClientFirst(msg: string): ClientFirst {
  const first = msg.indexOf(',');
  const second = first < 0 ? -1 : msg.indexOf(',', first + 1);
  if (first < 0 || second < 0) throw malformed('missing GS2 header');
  const cbind = msg.slice(0, first);
  const authzid = msg.slice(first + 1, second);
  if (cbind.startsWith('p=')) {
    throw new BurrowError('28000', 'channel binding is not supported: use SCRAM-SHA-256 without channel binding (channel_binding=disable or prefer)');
  }
  if (cbind !== 'n' && cbind !== 'y') throw malformed(`unexpected channel-binding flag ${JSON.stringify(cbind)}`);
  if (authzid !== '') throw new BurrowError('0A000', 'client uses authorization identity, but it is not supported');
  const bare = msg.slice(second + 1);
  const attrs = bare.split(',');
  if (attrs[0]?.startsWith('m=')) throw malformed('mandatory extensions are not supported');
  if (!attrs[0]?.startsWith('n=')) throw malformed('expected username attribute');
  const r = attrs[1];
  if (!r?.startsWith('r=') || !nonceChars.test(r.slice(2))) throw malformed('expected nonce attribute');
  return { gs2Header: msg.slice(0, second + 1), bare, clientNonce: r.slice(2) };
}

export interface ScramServer {
  /** Handles the client-first-message; returns the server-first-message. */
  first(clientFirst: string): string;
  /** Handles the client-final-message; returns the server-final-message, or null when the proof is wrong. */
  final(clientFinal: string): string | null;
}

/** One server side of a SCRAM-SHA-256 exchange over stored credentials. */
export function newScramServer(creds: ScramCredentials, serverNonce = crypto.randomBytes(18).toString('base64')): ScramServer {
  let cf: ClientFirst | null = null;
  let serverFirst = '';
  let nonce = '';
  return {
    first(clientFirst) {
      cf = parseClientFirst(clientFirst);
      nonce = cf.clientNonce + serverNonce;
      serverFirst = `r=${nonce},s=${creds.salt.toString('base64')},i=${creds.iterations}`;
      return serverFirst;
    },
    final(clientFinal) {
      if (!cf) throw malformed('final message before first message');
      const at = clientFinal.lastIndexOf(',p=');
      if (at < 0) throw malformed('missing proof');
      const withoutProof = clientFinal.slice(0, at);
      const proof = Buffer.from(clientFinal.slice(at + 3), 'base64');
      const attrs = withoutProof.split(',');
      if (attrs[0] !== `c=${Buffer.from(cf.gs2Header, 'utf8').toString('base64')}`) throw malformed('unexpected channel binding');
      if (attrs[1] !== `r=${nonce}`) throw malformed('nonce does not match');
      const authMessage = `${cf.bare},${serverFirst},${withoutProof}`;
      if (!verifyClientProof(creds, authMessage, proof)) return null;
      return `v=${serverSignature(creds, authMessage).toString('base64')}`;
    },
  };
}

// Credentials for users that cannot log in: a stable salt per name (so two
// attempts look alike) and keys no password matches.
const mockSecret = crypto.randomBytes(32);
function mockCredentials(user: string): ScramCredentials {
  const h = (label: string) => crypto.createHmac('sha256', mockSecret).update(`${label}\0${user}`).digest();
  return { iterations: defaultScramIterations, salt: h('salt').subarray(0, 16), storedKey: h('stored'), serverKey: h('server') };
}

// ---------------------------------------------------------------- the exchange

export interface PeerCertificate {
  /** The subject CN, or '' when the certificate has none. */
  commonName: string;
  /** Whether it chains to the cluster CA. */
  authorized: boolean;
  error: string | null;
}

export interface AuthParams {
  kv: KvDb;
  /** The user named in the startup message. */
  user: string;
  /** The client certificate presented over TLS, if any. */
  peer: PeerCertificate | null;
  nowMs?: number;
}

export interface AuthExchange {
  /** The first authentication request to send. */
  request: Buffer;
  /**
   * Handles one frontend message ('p'). Returns what to send back, and the
   * authenticated (normalized) user once the exchange succeeded; throws a
   * FATAL-worthy BurrowError when it failed.
   */
  step(type: string, body: Buffer): Promise<{ reply: Buffer[]; user?: string }>;
}

async function readLogin(kv: KvDb, user: string, nowMs: number): Promise<{ info: LoginInfo; stored: Buffer | null }> {
  return kv.runTxn(async (txn) => {
    const info = await loginInfo(txn, user, nowMs);
    const row = info.exists ? await getUser(txn, info.username) : undefined;
    return { info, stored: row?.hashedPassword ?? null };
  }, { readOnly: true });
}

/**
 * Starts authenticating `user`: either the user is already authenticated (a
 * valid client certificate) and the normalized name is returned, or an
 * exchange to run with the client.
 */
export async function beginAuth(p: AuthParams): Promise<{ user: string } | AuthExchange> {
  const user = normalizeRoleName(p.user);
  const { info, stored } = await readLogin(p.kv, user, p.nowMs ?? Date.now());
  const mayLogIn = info.exists && info.canLogin;

  if (p.peer) {
    if (!p.peer.authorized) {
      throw new BurrowError('28000', `certificate authentication failed for user ${user}`, { detail: p.peer.error ?? 'the client certificate is not signed by the cluster CA' });
    }
    const cn = normalizeRoleName(p.peer.commonName);
    if (cn !== user) throw new BurrowError('28000', `requested user is ${user}, but certificate is for ${cn}`);
    if (!mayLogIn) throw passwordFailed(user);
    return { user };
  }

  // A stored hash that is not SCRAM can only be checked against the cleartext.
  if (mayLogIn && stored !== null && info.credentials === null) {
    return {
      request: authCleartextPassword(),
      async step(type, body) {
        if (type !== 'p') throw new BurrowError('08P01', `expected password response, got message type ${JSON.stringify(type)}`);
        const r = new Reader(body);
        const password = r.cstring();
        if (!verifyPassword(stored, password)) throw passwordFailed(user);
        return { reply: [], user };
      },
    };
  }

  const creds = mayLogIn && info.credentials ? info.credentials : mockCredentials(user);
  const scram = newScramServer(creds);
  let stage: 'initial' | 'final' | 'done' = 'initial';
  return {
    request: authSasl([scramMechanism]),
    async step(type, body) {
      if (type !== 'p') throw new BurrowError('08P01', `expected SASL response, got message type ${JSON.stringify(type)}`);
      const r = new Reader(body);
      if (stage === 'initial') {
        const mechanism = r.cstring();
        if (mechanism !== scramMechanism) {
          throw new BurrowError('08P01', `client selected an invalid SASL authentication mechanism ${JSON.stringify(mechanism)}`);
        }
        const len = r.int32();
        if (len < 0 || len > r.remaining()) throw malformed('missing client-first-message');
        const serverFirst = scram.first(r.bytes(len).toString('utf8'));
        stage = 'final';
        return { reply: [authSaslContinue(serverFirst)] };
      }
      if (stage === 'final') {
        stage = 'done';
        const serverFinal = scram.final(r.bytes(r.remaining()).toString('utf8'));
        if (serverFinal === null || !mayLogIn || !info.credentials) throw passwordFailed(user);
        return { reply: [authSaslFinal(serverFinal)], user };
      }
      throw new BurrowError('08P01', 'unexpected message after SASL exchange');
    },
  };
}
