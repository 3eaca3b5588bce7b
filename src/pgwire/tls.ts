// Owns the certificate directory in CockroachDB's layout and the TLS setup
// built from it:
//   ca.crt                    the cluster CA (bundle; the first cert is the newest)
//   ca-client.crt             optional: the CA that signs client certificates
//   node.crt / node.key       the server's certificate (CN=node, SANs = hosts)
//   client.<user>.crt / .key  client certificates (CN=<user>)
// Server side: a secure context and the options for upgrading an accepted
// socket after SSLRequest (client certificates are requested, and verified
// against the CA, but not required: password users connect without one).
// Client side: the file paths `burrow sql` hands to node-postgres.
// Invariants: private keys must not be readable by group or others (as
// CockroachDB checks), unless BURROW_SKIP_KEY_PERMISSION_CHECK is set.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { PeerCertificate } from './auth.js';
import { pemCertificates as pemBundle } from './tls-cert.js';

export const caCertFile = 'ca.crt';
export const caClientCertFile = 'ca-client.crt';
export const nodeCertFile = 'node.crt';
export const nodeKeyFile = 'node.key';
export const clientCertFile = (user: string): string => `client.${user}.crt`;
export const clientKeyFile = (user: string): string => `client.${user}.key`;

/** --certs-dir's default: $BURROW_CERTS_DIR, $COCKROACH_CERTS_DIR, or ~/.cockroach-certs (CockroachDB's). */
export function defaultCertsDir(): string {
  return process.env.BURROW_CERTS_DIR ?? process.env.COCKROACH_CERTS_DIR ?? path.join(os.homedir(), '.cockroach-certs');
}

export function checkKeyPermissions(file: string): void {
  if (process.platform === 'win32' || process.env.BURROW_SKIP_KEY_PERMISSION_CHECK || process.env.COCKROACH_SKIP_KEY_PERMISSION_CHECK) return;
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`key file ${file} has permissions ${mode.toString(8).padStart(4, '0')}, exceeds 0700 (run: chmod 0600 ${file})`);
  }
}

export interface ServerTls {
  certsDir: string;
  context: tls.SecureContext;
  /** The CAs client certificates must be signed by (ca-client.crt, else ca.crt). */
  clientCAs: crypto.X509Certificate[];
}

/** Loads ca.crt, node.crt and node.key from `certsDir`; errors name the missing or unusable file. */
export function loadServerTls(certsDir: string): ServerTls {
  const dir = path.resolve(certsDir);
  const read = (name: string): Buffer => {
    const p = path.join(dir, name);
    try {
      return fs.readFileSync(p);
    } catch {
      throw new Error(`cannot load certificates: ${p} not found; create it with 'burrow cert', set --certs-dir, or use --insecure`);
    }
  };
  const ca = read(caCertFile);
  const cert = read(nodeCertFile);
  const key = read(nodeKeyFile);
  checkKeyPermissions(path.join(dir, nodeKeyFile));
  const clientCa = fs.existsSync(path.join(dir, caClientCertFile)) ? read(caClientCertFile) : ca;
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ cert, key, ca: clientCa, minVersion: 'TLSv1.2' });
  } catch (err) {
    throw new Error(`cannot load certificates from ${dir}: ${(err as Error).message}`);
  }
  const clientCAs = pemBundle(clientCa.toString('utf8')).map((d) => new crypto.X509Certificate(d)).filter((c) => c.ca);
  return { certsDir: dir, context, clientCAs };
}

/** Wraps an accepted socket (after answering 'S' to SSLRequest) in a server-side TLS socket. */
export function upgradeToTls(socket: Socket, server: ServerTls): tls.TLSSocket {
  return new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: server.context,
    requestCert: true,
    rejectUnauthorized: false,
  });
}

const clientAuthUsage = '1.3.6.1.5.5.7.3.2';
const anyUsage = '2.5.29.37.0';

/**
 * Why `cert` may not authenticate a client, or null when it may: it must be
 * within its validity period, allowed for client authentication, and signed
 * directly by one of the CAs (which must be valid too).
 */
export function clientCertProblem(cert: crypto.X509Certificate, cas: crypto.X509Certificate[], now = new Date()): string | null {
  const inPeriod = (c: crypto.X509Certificate) => now >= new Date(c.validFrom) && now <= new Date(c.validTo);
  if (!inPeriod(cert)) return `the client certificate is not valid now (valid from ${cert.validFrom} to ${cert.validTo})`;
  const eku = cert.keyUsage;
  if (eku && eku.length && !eku.includes(clientAuthUsage) && !eku.includes(anyUsage)) return 'the client certificate is not valid for client authentication';
  for (const ca of cas) {
    if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return inPeriod(ca) ? null : 'the CA certificate that signed the client certificate is not valid now';
  }
  return 'the client certificate is not signed by the cluster CA';
}

/** The client certificate a TLS peer presented (checked against the server's client CAs), or null when it presented none. */
export function peerCertificate(socket: tls.TLSSocket, server: ServerTls): PeerCertificate | null {
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return null;
  const cn = socket.getPeerCertificate().subject?.CN;
  const error = clientCertProblem(x509, server.clientCAs);
  return { commonName: Array.isArray(cn) ? cn[0] ?? '' : cn ?? '', authorized: error === null, error };
}

export interface ClientCertPaths {
  ca: string | null;
  cert: string | null;
  key: string | null;
}

/** The CA and the user's client certificate in `certsDir`, where present. */
export function clientCertPaths(certsDir: string, user: string): ClientCertPaths {
  const dir = path.resolve(certsDir);
  const at = (name: string): string | null => (fs.existsSync(path.join(dir, name)) ? path.join(dir, name) : null);
  const cert = at(clientCertFile(user));
  const key = at(clientKeyFile(user));
  return { ca: at(caCertFile), cert: cert && key ? cert : null, key: cert && key ? key : null };
}
