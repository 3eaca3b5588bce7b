// Owns `burrow cert`: creating the CA, node and client certificates and keys
// in CockroachDB's layout and with its flags:
//   cert create-ca     --certs-dir=D --ca-key=K  -> D/ca.crt, K
//   cert create-node   HOST... --certs-dir=D --ca-key=K  -> D/node.crt, D/node.key
//   cert create-client USER --certs-dir=D --ca-key=K  -> D/client.USER.crt, D/client.USER.key
//   cert list          --certs-dir=D
// Flags: --key-size (RSA bits, 2048), --lifetime (Go duration; CA 87840h,
// others 43920h), --overwrite, --allow-ca-key-reuse, --also-generate-pkcs8-key.
// Invariants: private keys are written with mode 0600 and never overwritten
// without --overwrite; a new CA certificate goes first in ca.crt, ahead of
// the certificates already there (so older certificates stay trusted while
// rotating); leaf certificates never outlive the CA that signs them.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { flag, type ParsedArgs } from './flags.js';
import {
  certSubjectAndKeyId, certToPem, createCertificate, generateKey, pemCertificates, privateKeyToPem, type KeySpec,
} from '../pgwire/tls-cert.js';
import { caCertFile, clientCertFile, clientKeyFile, defaultCertsDir, nodeCertFile, nodeKeyFile } from '../pgwire/tls.js';
import { normalizeRoleName } from '../sql/privilege/names.js';

const hour = 3600_000;
export const defaultCaLifetimeMs = 87840 * hour; // 10 * 366 days, as CockroachDB
export const defaultCertLifetimeMs = 43920 * hour; // 5 * 366 days
/** Certificates are valid from an hour ago, to tolerate clock skew. */
const validFromMs = -hour;
const organization = 'Cockroach';

/** A Go duration ("43920h", "1h30m", "90s") in milliseconds. */
export function parseDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: hour };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]!]!;
    at = re.lastIndex;
  }
  if (s.length === 0 || at !== s.length || total <= 0) throw new Error(`invalid duration "${s}": expected e.g. 8760h or 90m`);
  return total;
}

export interface CertOptions {
  certsDir: string;
  caKey: string;
  keySpec?: KeySpec;
  lifetimeMs?: number;
  overwrite?: boolean;
  allowCaKeyReuse?: boolean;
  alsoGeneratePkcs8Key?: boolean;
  now?: Date;
}

function writeFileChecked(file: string, data: string | Buffer, mode: number, overwrite: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, data, { mode, flag: overwrite ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`file ${file} already exists; use --overwrite to replace it`);
    throw err;
  }
  fs.chmodSync(file, mode);
}

const writeKey = (file: string, key: crypto.KeyObject, overwrite: boolean): void => writeFileChecked(file, privateKeyToPem(key), 0o600, overwrite);
const writeCert = (file: string, pem: string, overwrite: boolean): void => writeFileChecked(file, pem, 0o644, overwrite);

function loadPrivateKey(file: string): crypto.KeyObject {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch {
    throw new Error(`could not read CA key ${file}: not found (create it with 'burrow cert create-ca')`);
  }
  return crypto.createPrivateKey(text);
}

const spkiOf = (k: crypto.KeyObject): Buffer => crypto.createPublicKey(k).export({ type: 'spki', format: 'der' });

/** Creates (or, with --allow-ca-key-reuse, reuses) the CA key and puts a new CA certificate first in ca.crt. */
export async function createCA(o: CertOptions): Promise<{ certFile: string; keyFile: string }> {
  const now = o.now ?? new Date();
  const certFile = path.join(o.certsDir, caCertFile);
  let key: crypto.KeyObject;
  if (fs.existsSync(o.caKey) && o.allowCaKeyReuse) {
    key = loadPrivateKey(o.caKey);
  } else {
    if (fs.existsSync(o.caKey) && !o.overwrite) {
      throw new Error(`CA key ${o.caKey} exists, but key reuse is disabled; use --allow-ca-key-reuse or --overwrite`);
    }
    key = await generateKey(o.keySpec ?? { type: 'rsa', bits: 2048 });
    writeKey(o.caKey, key, true);
  }
  const cert = createCertificate(
    {
      subject: { O: organization, CN: 'Cockroach CA' },
      publicKey: crypto.createPublicKey(key),
      notBefore: new Date(now.getTime() + validFromMs),
      notAfter: new Date(now.getTime() + (o.lifetimeMs ?? defaultCaLifetimeMs)),
      isCA: true,
    },
    { privateKey: key },
  );
  let bundle = certToPem(cert);
  if (!o.overwrite && fs.existsSync(certFile)) {
    for (const old of pemCertificates(fs.readFileSync(certFile, 'utf8'))) if (!old.equals(cert)) bundle += certToPem(old);
  }
  writeCert(certFile, bundle, true);
  return { certFile, keyFile: o.caKey };
}

/** The CA key and the certificate in ca.crt that goes with it. */
function loadCA(o: CertOptions): { key: crypto.KeyObject; cert: crypto.X509Certificate; der: Buffer } {
  const key = loadPrivateKey(o.caKey);
  const file = path.join(o.certsDir, caCertFile);
  if (!fs.existsSync(file)) throw new Error(`CA certificate ${file} not found (create it with 'burrow cert create-ca')`);
  const pub = spkiOf(key);
  for (const der of pemCertificates(fs.readFileSync(file, 'utf8'))) {
    const cert = new crypto.X509Certificate(der);
    if (cert.publicKey.export({ type: 'spki', format: 'der' }).equals(pub)) return { key, cert, der };
  }
  throw new Error(`no certificate in ${file} matches the CA key ${o.caKey}`);
}

async function createSigned(
  o: CertOptions, files: { cert: string; key: string }, subject: { O: string; CN: string }, hosts: string[], usage: { serverAuth: boolean; clientAuth: boolean },
): Promise<crypto.KeyObject> {
  const now = o.now ?? new Date();
  const ca = loadCA(o);
  if (!o.overwrite) {
    for (const f of [files.cert, files.key]) if (fs.existsSync(f)) throw new Error(`file ${f} already exists; use --overwrite to replace it`);
  }
  const notAfter = new Date(now.getTime() + (o.lifetimeMs ?? defaultCertLifetimeMs));
  const caExpiry = new Date(ca.cert.validTo);
  if (notAfter > caExpiry) {
    const caHours = (caExpiry.getTime() - now.getTime()) / hour;
    const certHours = (notAfter.getTime() - now.getTime()) / hour;
    throw new Error(
      `CA lifetime is ${caHours.toFixed(6)}h, shorter than the requested ${certHours.toFixed(6)}h. ` +
      `Renew CA certificate, or rerun with --lifetime=${Math.max(0, Math.floor(caHours))}h for a shorter duration.`,
    );
  }
  const key = await generateKey(o.keySpec ?? { type: 'rsa', bits: 2048 });
  const issuer = certSubjectAndKeyId(ca.der);
  const cert = createCertificate(
    { subject, publicKey: crypto.createPublicKey(key), notBefore: new Date(now.getTime() + validFromMs), notAfter, isCA: false, hosts, ...usage },
    { name: issuer.subject, keyId: issuer.keyId, privateKey: ca.key },
  );
  writeKey(files.key, key, !!o.overwrite);
  writeCert(files.cert, certToPem(cert), !!o.overwrite);
  return key;
}

/** node.crt / node.key for the given host names and addresses (CN=node, usable as server and client). */
export async function createNode(hosts: string[], o: CertOptions): Promise<{ certFile: string; keyFile: string }> {
  if (hosts.length === 0) throw new Error('create-node requires at least one host name or address, none was specified');
  const files = { cert: path.join(o.certsDir, nodeCertFile), key: path.join(o.certsDir, nodeKeyFile) };
  await createSigned(o, files, { O: organization, CN: 'node' }, hosts, { serverAuth: true, clientAuth: true });
  return { certFile: files.cert, keyFile: files.key };
}

/** client.<user>.crt / .key (CN=<user>), and client.<user>.key.pk8 (DER PKCS#8, for Java) when asked. */
export async function createClient(user: string, o: CertOptions): Promise<{ certFile: string; keyFile: string }> {
  const name = normalizeRoleName(user);
  if (!/^[\p{Ll}0-9_][\p{Ll}0-9_.-]*$/u.test(name)) throw new Error(`invalid username "${user}"`);
  const files = { cert: path.join(o.certsDir, clientCertFile(name)), key: path.join(o.certsDir, clientKeyFile(name)) };
  const key = await createSigned(o, files, { O: organization, CN: name }, [], { serverAuth: false, clientAuth: true });
  if (o.alsoGeneratePkcs8Key) {
    writeFileChecked(`${files.key}.pk8`, key.export({ type: 'pkcs8', format: 'der' }), 0o600, !!o.overwrite);
  }
  return { certFile: files.cert, keyFile: files.key };
}

/** One line per certificate in the directory: file, CN, expiry. */
export function listCerts(certsDir: string): string[] {
  const out: string[] = [];
  const names = fs.existsSync(certsDir) ? fs.readdirSync(certsDir).filter((f) => f.endsWith('.crt')).sort() : [];
  for (const f of names) {
    for (const der of pemCertificates(fs.readFileSync(path.join(certsDir, f), 'utf8'))) {
      const c = new crypto.X509Certificate(der);
      const cn = /CN=([^\n]*)/.exec(c.subject)?.[1] ?? '';
      out.push(`${f}\t${cn}\t${new Date(c.validTo).toISOString()}${c.subjectAltName ? `\t${c.subjectAltName}` : ''}`);
    }
  }
  return out;
}

export function certUsage(): string {
  return [
    'Usage: burrow cert <command> [flags]',
    '',
    '  create-ca                 --certs-dir=DIR --ca-key=FILE   create the CA key (FILE) and DIR/ca.crt',
    '  create-node HOST...       --certs-dir=DIR --ca-key=FILE   create DIR/node.crt and DIR/node.key',
    '  create-client USER        --certs-dir=DIR --ca-key=FILE   create DIR/client.USER.crt and .key',
    '  list                      --certs-dir=DIR                 list the certificates in DIR',
    '',
    'Flags: --key-size=2048 --lifetime=DURATION (e.g. 8760h) --overwrite --allow-ca-key-reuse --also-generate-pkcs8-key',
  ].join('\n');
}

export async function certCommand(args: ParsedArgs): Promise<number> {
  const [sub, ...rest] = args.positional;
  try {
    const certsDir = path.resolve(flag(args, 'certs-dir') ?? defaultCertsDir());
    if (sub === 'list') {
      const lines = listCerts(certsDir);
      console.log(lines.length ? ['File\tCN\tExpires\tHosts', ...lines].join('\n') : `no certificates found in ${certsDir}`);
      return 0;
    }
    if (sub !== 'create-ca' && sub !== 'create-node' && sub !== 'create-client') {
      console.error(sub ? `ERROR: unknown cert command "${sub}"\n${certUsage()}` : certUsage());
      return sub ? 1 : 0;
    }
    const caKey = flag(args, 'ca-key');
    if (!caKey) throw new Error('required flag --ca-key is not set');
    const bits = Number(flag(args, 'key-size') ?? 2048);
    if (!Number.isInteger(bits) || bits < 1024 || bits > 16384) throw new Error(`invalid --key-size ${flag(args, 'key-size')}`);
    const lifetime = flag(args, 'lifetime');
    const o: CertOptions = {
      certsDir,
      caKey: path.resolve(caKey),
      keySpec: { type: 'rsa', bits },
      overwrite: flag(args, 'overwrite') === 'true',
      allowCaKeyReuse: flag(args, 'allow-ca-key-reuse') === 'true',
      alsoGeneratePkcs8Key: flag(args, 'also-generate-pkcs8-key') === 'true',
      ...(lifetime ? { lifetimeMs: parseDuration(lifetime) } : {}),
    };
    fs.mkdirSync(certsDir, { recursive: true, mode: 0o700 });
    if (sub === 'create-ca') await createCA(o);
    else if (sub === 'create-node') await createNode(rest, o);
    else {
      if (rest.length !== 1) throw new Error('create-client requires exactly one argument: the username');
      await createClient(rest[0]!, o);
    }
    return 0;
  } catch (err) {
    console.error(`ERROR: ${(err as Error).message}`);
    return 1;
  }
}
