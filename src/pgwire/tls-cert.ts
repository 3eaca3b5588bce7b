// Owns making X.509 v3 certificates without OpenSSL: a small DER encoder for
// the fields CockroachDB's `cert` commands set (subject O/CN, SANs, basic
// constraints, key usage, extended key usage, key identifiers, validity), a
// minimal DER reader to take the issuer name and key identifier from a CA
// certificate, and signing with an RSA or ECDSA P-256 key from node:crypto.
// Invariants: output is DER as RFC 5280 requires (minimal lengths, minimal
// INTEGERs, named BIT STRINGs without trailing zero bits); the issuer of a
// signed certificate is the CA's subject byte for byte; serial numbers are
// 127 random bits (positive).

import crypto from 'node:crypto';
import net from 'node:net';

// ---------------------------------------------------------------- DER encoding

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => der(0x30, ...c);
const set = (...c: Buffer[]): Buffer => der(0x31, ...c);
const explicit = (n: number, c: Buffer): Buffer => der(0xa0 | n, c);
const octets = (b: Buffer): Buffer => der(0x04, b);
const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);

/** A non-negative INTEGER from big-endian magnitude bytes. */
function uint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let b = bytes.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return der(0x02, b);
}

function smallInt(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return uint(Buffer.from(bytes.length ? bytes : [0]));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const groups: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return der(0x06, Buffer.from(out));
}

/** A BIT STRING holding whole bytes (no unused bits). */
const bitString = (b: Buffer): Buffer => der(0x03, Buffer.from([0]), b);

/** A named-bit BIT STRING (bit 0 is the most significant bit of the first byte), trailing zeros dropped. */
function namedBits(bits: number[]): Buffer {
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const last = bytes[bytes.length - 1]!;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return der(0x03, Buffer.from([unused]), bytes);
}

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function directoryString(s: string): Buffer {
  return der(printable.test(s) ? 0x13 : 0x0c, Buffer.from(s, 'utf8'));
}

/** RFC 5280 Time: UTCTime through 2049, GeneralizedTime after. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? der(0x17, Buffer.from(digits.slice(2), 'ascii')) : der(0x18, Buffer.from(digits, 'ascii'));
}

// ---------------------------------------------------------------- DER reading (just enough for a CA certificate)

interface DerNode { tag: number; start: number; headerLen: number; len: number }

function readNode(buf: Buffer, at: number): DerNode {
  if (at + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let headerLen = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    headerLen += n;
  }
  if (at + headerLen + len > buf.length) throw new Error('truncated DER');
  return { tag, start: at, headerLen, len };
}

function children(buf: Buffer, parent: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let at = parent.start + parent.headerLen;
  const end = at + parent.len;
  while (at < end) {
    const n = readNode(buf, at);
    out.push(n);
    at = n.start + n.headerLen + n.len;
  }
  return out;
}

const whole = (buf: Buffer, n: DerNode): Buffer => buf.subarray(n.start, n.start + n.headerLen + n.len);
const contents = (buf: Buffer, n: DerNode): Buffer => buf.subarray(n.start + n.headerLen, n.start + n.headerLen + n.len);

/** The subject Name (DER) and subjectKeyIdentifier (if present) of a certificate. */
export function certSubjectAndKeyId(certDer: Buffer): { subject: Buffer; keyId: Buffer | null } {
  const cert = readNode(certDer, 0);
  const tbs = children(certDer, cert)[0]!;
  const fields = children(certDer, tbs);
  const off = fields[0]!.tag === 0xa0 ? 1 : 0; // explicit version
  const subject = whole(certDer, fields[off + 4]!);
  let keyId: Buffer | null = null;
  const extsWrapper = fields.find((f) => f.tag === 0xa3);
  if (extsWrapper) {
    const exts = children(certDer, children(certDer, extsWrapper)[0]!);
    const skid = oid('2.5.29.14');
    for (const e of exts) {
      const parts = children(certDer, e);
      if (whole(certDer, parts[0]!).equals(skid)) {
        const value = contents(certDer, parts[parts.length - 1]!); // OCTET STRING wrapping an OCTET STRING
        keyId = Buffer.from(contents(value, readNode(value, 0)));
      }
    }
  }
  return { subject: Buffer.from(subject), keyId };
}

// ---------------------------------------------------------------- certificates

export interface NameAttrs { O?: string; CN: string }

export function encodeName(n: NameAttrs): Buffer {
  const rdns: Buffer[] = [];
  if (n.O !== undefined) rdns.push(set(seq(oid('2.5.4.10'), directoryString(n.O))));
  rdns.push(set(seq(oid('2.5.4.3'), directoryString(n.CN))));
  return seq(...rdns);
}

/** IPv4 or IPv6 text to its 4 or 16 address bytes. */
export function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  let text = ip.replace(/%.*$/, '');
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[2]!.split('.').map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    text = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').filter(Boolean).map((h) => parseInt(h, 16)) : []);
  const h = parse(head);
  const r = parse(rest);
  const words = rest === undefined ? [...h, ...tail] : [...h, ...new Array(8 - h.length - r.length - tail.length).fill(0), ...r, ...tail];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w & 0xffff, i * 2));
  return out;
}

export interface CertRequest {
  subject: NameAttrs;
  publicKey: crypto.KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** Host names and IP addresses (subjectAltName). */
  hosts?: string[];
  /** serverAuth / clientAuth extended key usages. */
  serverAuth?: boolean;
  clientAuth?: boolean;
}

export interface Issuer {
  /** The issuer's subject Name in DER; omitted for a self-signed certificate. */
  name?: Buffer;
  keyId?: Buffer | null;
  privateKey: crypto.KeyObject;
}

function signatureAlgorithm(key: crypto.KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') return seq(oid('1.2.840.113549.1.1.11'), derNull()); // sha256WithRSAEncryption
  if (key.asymmetricKeyType === 'ec') return seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 method 1). */
export function keyIdentifier(publicKey: crypto.KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const top = readNode(spki, 0);
  const bits = children(spki, top)[1]!;
  return crypto.createHash('sha1').update(contents(spki, bits).subarray(1)).digest();
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** Builds and signs a certificate; returns DER. */
export function createCertificate(req: CertRequest, issuer: Issuer): Buffer {
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const sigAlg = signatureAlgorithm(issuer.privateKey);
  const subject = encodeName(req.subject);
  const skid = keyIdentifier(req.publicKey);
  const exts: Buffer[] = [];
  const rsa = req.publicKey.asymmetricKeyType === 'rsa';
  // keyUsage: CA: digitalSignature, keyCertSign, cRLSign; leaf: digitalSignature (+ keyEncipherment for RSA).
  exts.push(extension('2.5.29.15', true, namedBits(req.isCA ? [0, 5, 6] : rsa ? [0, 2] : [0])));
  const eku: Buffer[] = [];
  if (req.serverAuth) eku.push(oid('1.3.6.1.5.5.7.3.1'));
  if (req.clientAuth) eku.push(oid('1.3.6.1.5.5.7.3.2'));
  if (eku.length) exts.push(extension('2.5.29.37', false, seq(...eku)));
  exts.push(extension('2.5.29.19', true, req.isCA ? seq(bool(true), smallInt(1)) : seq()));
  exts.push(extension('2.5.29.14', false, octets(skid)));
  const akid = issuer.name ? issuer.keyId : skid;
  if (akid) exts.push(extension('2.5.29.35', false, seq(der(0x80, akid))));
  if (req.hosts && req.hosts.length) {
    const names = req.hosts.map((h) => (net.isIP(h) ? der(0x87, ipBytes(h)) : der(0x82, Buffer.from(h, 'ascii'))));
    exts.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, smallInt(2)),
    uint(serial),
    sigAlg,
    issuer.name ?? subject,
    seq(time(req.notBefore), time(req.notAfter)),
    subject,
    req.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const signature = crypto.sign('sha256', tbs, issuer.privateKey);
  return seq(tbs, sigAlg, bitString(signature));
}

export function certToPem(derCert: Buffer): string {
  const b64 = derCert.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Every certificate in a PEM bundle, as DER. */
export function pemCertificates(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return out;
}

/** A private key in the PEM form CockroachDB writes: PKCS#1 for RSA, SEC1 for EC. */
export function privateKeyToPem(key: crypto.KeyObject): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' }) as string;
}

export type KeySpec = { type: 'rsa'; bits: number } | { type: 'ecdsa' };

export async function generateKey(spec: KeySpec): Promise<crypto.KeyObject> {
  const pair = await new Promise<crypto.KeyPairKeyObjectResult>((resolve, reject) => {
    const done = (err: Error | null, publicKey: crypto.KeyObject, privateKey: crypto.KeyObject) => (err ? reject(err) : resolve({ publicKey, privateKey }));
    if (spec.type === 'rsa') crypto.generateKeyPair('rsa', { modulusLength: spec.bits, publicExponent: 0x10001 }, done);
    else crypto.generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
  });
  return pair.privateKey;
}
