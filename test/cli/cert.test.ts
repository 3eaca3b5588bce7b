// `burrow cert`: the CA, node and client certificates it writes are what
// crypto.X509Certificate and openssl (when installed) accept: the right
// names, SANs, key usages, validity and chain; keys are 0600; CA rotation,
// --overwrite and lifetimes behave as CockroachDB's cert commands do. Also
// the DER helpers (IPv6 SANs, ECDSA keys) and client-certificate checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath } from '../support/server-process.js';
import { createCA, createClient, createNode, defaultCertLifetimeMs, listCerts, parseDuration } from '../../src/cli/cert.js';
import { certSubjectAndKeyId, certToPem, createCertificate, generateKey, ipBytes, pemCertificates } from '../../src/pgwire/tls-cert.js';
import { clientCertProblem, loadServerTls } from '../../src/pgwire/tls.js';

const exec = promisify(execFile);
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const cert = (file: string): crypto.X509Certificate => new crypto.X509Certificate(fs.readFileSync(file));
const mode = (file: string): number => fs.statSync(file).mode & 0o777;

test('parseDuration reads Go durations', () => {
  assert.equal(parseDuration('43920h'), 43920 * 3600_000);
  assert.equal(parseDuration('1h30m'), 90 * 60_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.throws(() => parseDuration('10 days'), /invalid duration/);
  assert.throws(() => parseDuration(''), /invalid duration/);
});

test('ipBytes encodes IPv4 and IPv6 forms', () => {
  assert.deepEqual([...ipBytes('127.0.0.1')], [127, 0, 0, 1]);
  assert.equal(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipBytes('fe80::1:2').toString('hex'), 'fe800000000000000000000000010002');
  assert.equal(ipBytes('::ffff:10.0.0.1').toString('hex'), '00000000000000000000ffff0a000001');
  assert.equal(ipBytes('2001:db8:0:0:1:0:0:1').toString('hex'), '20010db8000000000001000000000001');
});

test('create-ca, create-node and create-client write CockroachDB-style files', { timeout: 60_000 }, async () => {
  const dir = tempDir('burrow-cert-');
  try {
    const certs = path.join(dir, 'certs');
    const caKey = path.join(dir, 'safe', 'ca.key');
    const o = { certsDir: certs, caKey };
    await createCA(o);
    await createNode(['localhost', '127.0.0.1', '::1', 'db.example.com'], o);
    await createClient('Root', o);
    assert.deepEqual(fs.readdirSync(certs).sort(), ['ca.crt', 'client.root.crt', 'client.root.key', 'node.crt', 'node.key']);
    for (const k of [caKey, path.join(certs, 'node.key'), path.join(certs, 'client.root.key')]) assert.equal(mode(k), 0o600, k);

    const ca = cert(path.join(certs, 'ca.crt'));
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'O=Cockroach\nCN=Cockroach CA');
    assert.ok(ca.verify(ca.publicKey));
    assert.equal(ca.publicKey.asymmetricKeyDetails?.modulusLength, 2048);

    const node = cert(path.join(certs, 'node.crt'));
    assert.equal(node.ca, false);
    assert.equal(node.subject, 'O=Cockroach\nCN=node');
    assert.ok(node.checkIssued(ca) && node.verify(ca.publicKey));
    assert.equal(node.checkHost('localhost'), 'localhost');
    assert.equal(node.checkHost('db.example.com'), 'db.example.com');
    assert.equal(node.checkHost('other.example.com'), undefined);
    assert.equal(node.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(node.checkIP('::1'), '::1');
    assert.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    const lifetime = new Date(node.validTo).getTime() - Date.now();
    assert.ok(Math.abs(lifetime - defaultCertLifetimeMs) < 60_000, `lifetime ${lifetime}`);
    assert.ok(new Date(node.validFrom).getTime() < Date.now() - 3500_000, 'valid from an hour ago');
    // The key on disk is the node certificate's key.
    const nodeKey = crypto.createPrivateKey(fs.readFileSync(path.join(certs, 'node.key')));
    assert.ok(node.checkPrivateKey(nodeKey));
    assert.match(fs.readFileSync(path.join(certs, 'node.key'), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);

    const client = cert(path.join(certs, 'client.root.crt'));
    assert.equal(client.subject, 'O=Cockroach\nCN=root');
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(clientCertProblem(client, [ca]), null);
    assert.match(clientCertProblem(node, []) ?? '', /not signed by the cluster CA/);

    // The server loads the directory; a key readable by others is refused.
    assert.equal(loadServerTls(certs).clientCAs.length, 1);
    fs.chmodSync(path.join(certs, 'node.key'), 0o644);
    assert.throws(() => loadServerTls(certs), /node\.key has permissions 0644, exceeds 0700/);
    fs.chmodSync(path.join(certs, 'node.key'), 0o600);

    if (hasOpenssl) {
      const text = spawnSync('openssl', ['x509', '-in', path.join(certs, 'node.crt'), '-noout', '-text'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /Issuer: O = Cockroach, CN = Cockroach CA/);
      assert.match(text.stdout, /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, DNS:db\.example\.com/);
      assert.match(text.stdout, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
      assert.match(text.stdout, /Digital Signature, Key Encipherment/);
      const caText = spawnSync('openssl', ['x509', '-in', path.join(certs, 'ca.crt'), '-noout', '-text'], { encoding: 'utf8' });
      assert.match(caText.stdout, /CA:TRUE, pathlen:1/);
      assert.match(caText.stdout, /Digital Signature, Certificate Sign, CRL Sign/);
      const server = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', path.join(certs, 'ca.crt'), path.join(certs, 'node.crt')], { encoding: 'utf8' });
      assert.equal(server.status, 0, server.stdout + server.stderr);
      const cl = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path.join(certs, 'ca.crt'), path.join(certs, 'client.root.crt')], { encoding: 'utf8' });
      assert.equal(cl.status, 0, cl.stdout + cl.stderr);
      const key = spawnSync('openssl', ['rsa', '-in', path.join(certs, 'client.root.key'), '-check', '-noout'], { encoding: 'utf8' });
      assert.equal(key.status, 0, key.stderr);
    }

    // Existing files are kept unless --overwrite; a new CA needs --allow-ca-key-reuse.
    await assert.rejects(createNode(['localhost'], o), /node\.crt already exists; use --overwrite/);
    await createNode(['127.0.0.2'], { ...o, overwrite: true });
    assert.equal(cert(path.join(certs, 'node.crt')).checkIP('127.0.0.2'), '127.0.0.2');
    await assert.rejects(createCA(o), /CA key .* exists, but key reuse is disabled/);
    await createCA({ ...o, allowCaKeyReuse: true });
    const bundle = pemCertificates(fs.readFileSync(path.join(certs, 'ca.crt'), 'utf8'));
    assert.equal(bundle.length, 2, 'the new CA goes first and the old one stays trusted');
    assert.ok(new crypto.X509Certificate(bundle[1]!).raw.equals(ca.raw));
    // A certificate cannot outlive its CA.
    await assert.rejects(createClient('bob', { ...o, lifetimeMs: parseDuration('100000h') }), /CA lifetime is \d+\.\d{6}h, shorter than the requested 100000\.\d+h\. Renew CA certificate, or rerun with --lifetime=\d+h/);
    assert.match(listCerts(certs).join('\n'), /client\.root\.crt\troot\t/);
  } finally {
    removeDir(dir);
  }
});

test('the burrow cert command line', { timeout: 60_000 }, async () => {
  const dir = tempDir('burrow-cert-');
  try {
    const run = (...a: string[]) => exec(process.execPath, [cliPath, 'cert', ...a]);
    const flags = [`--certs-dir=${dir}/certs`, `--ca-key=${dir}/ca.key`];
    await run('create-ca', ...flags, '--key-size=2048', '--lifetime=100000h');
    await run('create-node', 'localhost', ...flags);
    await run('create-client', 'maxroach', ...flags, '--also-generate-pkcs8-key', '--lifetime=24h');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'certs')).sort(), ['ca.crt', 'client.maxroach.crt', 'client.maxroach.key', 'client.maxroach.key.pk8', 'node.crt', 'node.key']);
    assert.equal(mode(path.join(dir, 'certs', 'client.maxroach.key.pk8')), 0o600);
    crypto.createPrivateKey({ key: fs.readFileSync(path.join(dir, 'certs', 'client.maxroach.key.pk8')), format: 'der', type: 'pkcs8' });
    const client = cert(path.join(dir, 'certs', 'client.maxroach.crt'));
    assert.ok(new Date(client.validTo).getTime() - Date.now() < 25 * 3600_000);
    await assert.rejects(run('create-node', ...flags), (e: { code: number; stderr: string }) => e.code === 1 && /requires at least one host/.test(e.stderr));
    await assert.rejects(run('create-ca', `--certs-dir=${dir}/x`), (e: { code: number; stderr: string }) => e.code === 1 && /--ca-key/.test(e.stderr));
    const list = await run('list', `--certs-dir=${dir}/certs`);
    assert.match(list.stdout, /node\.crt\tnode\t.*DNS:localhost/);
  } finally {
    removeDir(dir);
  }
});

test('ECDSA P-256 certificates from the encoder', async () => {
  const caKey = await generateKey({ type: 'ecdsa' });
  const now = Date.now();
  const caDer = createCertificate(
    { subject: { O: 'Test', CN: 'EC CA' }, publicKey: crypto.createPublicKey(caKey), notBefore: new Date(now - 1000), notAfter: new Date(now + 3600_000), isCA: true },
    { privateKey: caKey },
  );
  const leafKey = await generateKey({ type: 'ecdsa' });
  const issuer = certSubjectAndKeyId(caDer);
  assert.ok(issuer.keyId && issuer.keyId.length === 20);
  const leafDer = createCertificate(
    { subject: { CN: 'user_with_underscore' }, publicKey: crypto.createPublicKey(leafKey), notBefore: new Date(now - 1000), notAfter: new Date(now + 60_000), isCA: false, hosts: ['localhost'], serverAuth: true },
    { name: issuer.subject, keyId: issuer.keyId, privateKey: caKey },
  );
  const ca = new crypto.X509Certificate(certToPem(caDer));
  const leaf = new crypto.X509Certificate(certToPem(leafDer));
  assert.ok(ca.ca && ca.verify(ca.publicKey));
  assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  assert.equal(leaf.subject, 'CN=user_with_underscore');
  assert.equal(leaf.checkHost('localhost'), 'localhost');
  assert.match(clientCertProblem(leaf, [ca]) ?? '', /not valid for client authentication/);
  if (hasOpenssl) {
    const dir = tempDir('burrow-cert-');
    try {
      fs.writeFileSync(path.join(dir, 'ca.crt'), certToPem(caDer));
      fs.writeFileSync(path.join(dir, 'leaf.crt'), certToPem(leafDer));
      const v = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'leaf.crt')], { encoding: 'utf8' });
      assert.equal(v.status, 0, v.stdout + v.stderr);
    } finally {
      removeDir(dir);
    }
  }
});
