// Authentication and TLS on a secure server: the SCRAM-SHA-256 server side
// against RFC 7677's test vector and a scripted client; then a real server
// process started with --certs-dir (certificates made by `burrow cert`):
// root logs in with its client certificate, a user created by root logs in
// with SCRAM over verify-full TLS from node-postgres, psql and `burrow sql`;
// wrong passwords, unknown users and NOLOGIN roles all get 28P01 with the
// same message; plaintext connections get CockroachDB's 08P01 refusal; and
// --accept-sql-without-tls allows password logins without TLS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { removeDir, tempDir } from '../support/stores.js';
import { cliPath, freePort } from '../support/server-process.js';
import { beginAuth, newScramServer, parseClientFirst, type AuthExchange } from '../../src/pgwire/auth.js';
import { Writer } from '../../src/pgwire/messages.js';
import { deriveScramCredentials } from '../../src/sql/privilege/scram.js';
import { putUser } from '../../src/sql/privilege/role-store.js';
import { startServer } from '../../src/server/server.js';
import { openStore } from '../../src/storage/store.js';
import { openSqlEngine } from '../../src/sql/engine.js';

const exec = promisify(execFile);
const hasPsql = spawnSync('psql', ['--version']).status === 0;

test('SCRAM-SHA-256 server side: RFC 7677 test vector', () => {
  const creds = deriveScramCredentials('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
  const server = newScramServer(creds, '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
  assert.equal(server.first('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(
    server.final('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
    'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  );
  // A wrong proof, a changed nonce, and channel-binding requests.
  const again = newScramServer(creds, 'xyz');
  again.first('n,,n=user,r=abc');
  assert.equal(again.final(`c=biws,r=abcxyz,p=${Buffer.alloc(32).toString('base64')}`), null);
  const third = newScramServer(creds, 'xyz');
  third.first('y,,n=,r=abc');
  assert.throws(() => third.final(`c=biws,r=abcxyz,p=${Buffer.alloc(32).toString('base64')}`), /unexpected channel binding/);
  assert.throws(() => newScramServer(creds).first('p=tls-server-end-point,,n=,r=abc'), /channel binding is not supported/);
  assert.throws(() => parseClientFirst('n,a=admin,n=,r=abc'), /authorization identity/);
  assert.throws(() => parseClientFirst('n,,m=ext,n=,r=abc'), /mandatory extensions/);
  assert.throws(() => parseClientFirst('n,,n=,x=abc'), /malformed SCRAM message: expected nonce/);
  assert.throws(() => parseClientFirst('n'), /malformed SCRAM message: missing GS2 header/);
  const s = newScramServer(creds, 'xyz');
  s.first('n,,n=,r=abc');
  assert.throws(() => s.final(`c=biws,r=abcXXX,p=${Buffer.alloc(32).toString('base64')}`), /nonce does not match/);
});

/** The authentication request code in an 'R' message. */
const authCode = (m: Buffer): number => (m[0] === 'R'.charCodeAt(0) ? m.readInt32BE(5) : -1);
const authData = (m: Buffer): string => m.subarray(9).toString('utf8');
const hmac = (key: Buffer, data: string) => crypto.createHmac('sha256', key).update(data).digest();

/** Runs a client's side of SCRAM-SHA-256 through an exchange; resolves with the user or rejects with the server's error. */
async function scramLogin(ex: AuthExchange, password: string): Promise<string | undefined> {
  assert.equal(authCode(ex.request), 10);
  assert.equal(authData(ex.request), 'SCRAM-SHA-256\0\0');
  const bare = `n=,r=${crypto.randomBytes(12).toString('base64')}`;
  const first = Buffer.from(`n,,${bare}`);
  const r1 = await ex.step('p', new Writer().cstring('SCRAM-SHA-256').int32(first.length).bytes(first).finish('p').subarray(5));
  assert.equal(authCode(r1.reply[0]!), 11);
  const serverFirst = authData(r1.reply[0]!);
  const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0]!, a.slice(2)]));
  const salted = crypto.pbkdf2Sync(password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const withoutProof = `c=biws,r=${attrs.r}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const sig = hmac(crypto.createHash('sha256').update(clientKey).digest(), authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
  const r2 = await ex.step('p', Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
  assert.equal(authCode(r2.reply[0]!), 12);
  assert.equal(authData(r2.reply[0]!), `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`);
  return r2.user;
}

test('beginAuth chooses certificate, SCRAM or cleartext from the stored facts', async () => {
  const store = await openStore({ engine: 'memory' });
  try {
    const e = await openSqlEngine(store);
    const root = e.newSession('root', 'defaultdb');
    await root.query("CREATE USER eve WITH PASSWORD 'apple'");
    await root.query("CREATE USER old WITH PASSWORD 'x'");
    await root.query("CREATE USER gone WITH PASSWORD 'late' VALID UNTIL '2000-01-01'");
    // A hash in a format other than SCRAM (CockroachDB's legacy bcrypt) can only be checked in cleartext.
    await e.kv.runTxn(async (txn) => putUser(txn, { username: 'old', hashedPassword: Buffer.from('$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'), isRole: false }));
    root.close();
    const kv = e.kv;

    assert.equal(await scramLogin((await beginAuth({ kv, user: 'Eve', peer: null })) as AuthExchange, 'apple'), 'eve');
    await assert.rejects(scramLogin((await beginAuth({ kv, user: 'eve', peer: null })) as AuthExchange, 'pear'), /^BurrowError: password authentication failed for user eve$/);
    // Unknown and expired users run the same exchange and fail the same way.
    await assert.rejects(scramLogin((await beginAuth({ kv, user: 'ghost', peer: null })) as AuthExchange, 'x'), /password authentication failed for user ghost/);
    await assert.rejects(scramLogin((await beginAuth({ kv, user: 'gone', peer: null })) as AuthExchange, 'late'), /password authentication failed for user gone/);

    const clear = (await beginAuth({ kv, user: 'old', peer: null })) as AuthExchange;
    assert.equal(authCode(clear.request), 3);
    await assert.rejects(clear.step('p', Buffer.from('x\0')), (err: Error & { code?: string }) => err.code === '28P01');

    assert.deepEqual(await beginAuth({ kv, user: 'EVE', peer: { commonName: 'eve', authorized: true, error: null } }), { user: 'eve' });
    await assert.rejects(beginAuth({ kv, user: 'eve', peer: { commonName: 'root', authorized: true, error: null } }), /requested user is eve, but certificate is for root/);
    await assert.rejects(beginAuth({ kv, user: 'ghost', peer: { commonName: 'ghost', authorized: true, error: null } }), /password authentication failed for user ghost/);
    await assert.rejects(beginAuth({ kv, user: 'eve', peer: { commonName: 'eve', authorized: false, error: 'expired' } }), (err: Error & { code?: string; detail?: string }) => err.code === '28000' && err.detail === 'expired');
  } finally {
    await store.close();
  }
});

/** Sends bytes on a fresh connection and collects what comes back within a moment. */
function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, '127.0.0.1', () => sock.write(bytes));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', reject);
    setTimeout(() => {
      sock.destroy();
      resolve(Buffer.concat(chunks));
    }, 300);
  });
}

interface SecureServer {
  port: number;
  output(): string;
  stop(): Promise<number | null>;
}

async function startSecureServer(certs: string, store: string): Promise<SecureServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'start-single-node', `--certs-dir=${certs}`, `--store=${store}`, `--listen-addr=127.0.0.1:${port}`, '--http-addr=127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    child.stdout!.on('data', () => {
      if (out.includes('sql:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    port,
    output: () => out,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (err) {
    await c.end().catch(() => undefined);
    throw err;
  }
  return c;
}

const rejectsWith = (code: string, message: RegExp) => (err: Error & { code?: string }) => {
  assert.equal(err.code, code, err.message);
  assert.match(err.message, message);
  return true;
};

test('a secure server: client certificates, SCRAM over TLS, refusals', { timeout: 120_000 }, async () => {
  const dir = tempDir('burrow-auth-');
  const certs = path.join(dir, 'certs');
  const cert = (...a: string[]) => exec(process.execPath, [cliPath, 'cert', ...a, `--certs-dir=${certs}`, `--ca-key=${path.join(dir, 'ca.key')}`]);
  await cert('create-ca');
  await cert('create-node', 'localhost', '127.0.0.1');
  await cert('create-client', 'root');
  await cert('create-client', 'alice');
  const server = await startSecureServer(certs, path.join(dir, 'store'));
  const { port } = server;
  const tlsParams = (user: string) =>
    `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'ca.crt'))}` +
    `&sslcert=${encodeURIComponent(path.join(certs, `client.${user}.crt`))}&sslkey=${encodeURIComponent(path.join(certs, `client.${user}.key`))}`;
  const caOnly = `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'ca.crt'))}`;
  try {
    assert.match(server.output(), /sql:\s+postgresql:\/\/root@127\.0\.0\.1:\d+\/defaultdb\?sslcert=.*client\.root\.crt.*sslmode=verify-full/);
    assert.doesNotMatch(server.output(), /SECURITY CONTROLS HAVE BEEN DISABLED/);

    // root with its client certificate (no password), verifying the server's host name.
    const root = await connect(`postgresql://root@localhost:${port}/defaultdb?${tlsParams('root')}`);
    assert.deepEqual((await root.query('SELECT current_user')).rows, [{ current_user: 'root' }]);
    await root.query("CREATE USER carl WITH PASSWORD 'Secret-1'");
    await root.query("CREATE ROLE noble WITH PASSWORD 'Secret-2'"); // NOLOGIN
    await root.query("CREATE USER alice WITH PASSWORD 'wonder'");
    await root.query('CREATE USER nopass');
    await root.end();

    // SCRAM-SHA-256 over verify-full TLS (by IP address too).
    for (const host of ['localhost', '127.0.0.1']) {
      const carl = await connect(`postgresql://carl:Secret-1@${host}:${port}/defaultdb?${caOnly}`);
      assert.deepEqual((await carl.query('SELECT current_user, session_user')).rows, [{ current_user: 'carl', session_user: 'carl' }]);
      await carl.end();
    }
    // User names are case-insensitive, as in CockroachDB.
    const upper = await connect(`postgresql://CARL:Secret-1@localhost:${port}/defaultdb?${caOnly}`);
    assert.deepEqual((await upper.query('SELECT current_user')).rows, [{ current_user: 'carl' }]);
    await upper.end();

    // Wrong password, unknown user, NOLOGIN role, user without a password: one answer.
    for (const [user, pw] of [['carl', 'wrong'], ['nobody', 'x'], ['noble', 'Secret-2'], ['nopass', 'x'], ['root', 'x']] as const) {
      await assert.rejects(connect(`postgresql://${user}:${pw}@localhost:${port}/defaultdb?${caOnly}`), rejectsWith('28P01', new RegExp(`^password authentication failed for user ${user}$`)));
    }
    // A client certificate for someone else.
    await assert.rejects(connect(`postgresql://carl:Secret-1@localhost:${port}/defaultdb?${tlsParams('root')}`), rejectsWith('28000', /^requested user is carl, but certificate is for root$/));
    // alice may use either her certificate or her password.
    const alice = await connect(`postgresql://alice@localhost:${port}/defaultdb?${tlsParams('alice')}`);
    assert.deepEqual((await alice.query('SELECT current_user')).rows, [{ current_user: 'alice' }]);
    await alice.end();
    // A certificate from another CA is refused.
    const other = path.join(dir, 'other');
    await exec(process.execPath, [cliPath, 'cert', 'create-ca', `--certs-dir=${other}`, `--ca-key=${path.join(other, 'ca.key')}`]);
    await exec(process.execPath, [cliPath, 'cert', 'create-client', 'root', `--certs-dir=${other}`, `--ca-key=${path.join(other, 'ca.key')}`]);
    const forged = `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'ca.crt'))}&sslcert=${encodeURIComponent(path.join(other, 'client.root.crt'))}&sslkey=${encodeURIComponent(path.join(other, 'client.root.key'))}`;
    await assert.rejects(connect(`postgresql://root@localhost:${port}/defaultdb?${forged}`), rejectsWith('28000', /^certificate authentication failed for user root$/));

    // Plaintext is refused before any authentication, as CockroachDB does.
    await assert.rejects(connect(`postgresql://carl:Secret-1@localhost:${port}/defaultdb?sslmode=disable`), rejectsWith('08P01', /^node is running secure mode, SSL connection required$/));

    // psql: sslmode=require with PGPASSWORD (SCRAM), and with root's certificate.
    if (hasPsql) {
      const env = { ...process.env, PGPASSWORD: 'Secret-1', PGCONNECT_TIMEOUT: '10' };
      const ok = await exec('psql', [`postgresql://carl@127.0.0.1:${port}/defaultdb?sslmode=require`, '-X', '-A', '-t', '-c', 'SELECT current_user'], { env });
      assert.equal(ok.stdout, 'carl\n');
      const full = await exec('psql', [`postgresql://root@localhost:${port}/defaultdb?${tlsParams('root')}`.replace(/%2F/g, '/'), '-X', '-A', '-t', '-c', 'SELECT 1'], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
      assert.equal(full.stdout, '1\n');
      await assert.rejects(
        exec('psql', [`postgresql://carl@127.0.0.1:${port}/defaultdb?sslmode=require`, '-X', '-c', 'SELECT 1'], { env: { ...env, PGPASSWORD: 'nope' } }),
        (e: { stderr: string }) => /FATAL: {2}password authentication failed for user carl/.test(e.stderr),
      );
      await assert.rejects(
        exec('psql', [`postgresql://carl@127.0.0.1:${port}/defaultdb?sslmode=disable`, '-X', '-c', 'SELECT 1'], { env }),
        (e: { stderr: string }) => /node is running secure mode, SSL connection required/.test(e.stderr),
      );
    }

    // burrow sql: the certificates directory gives TLS and root's certificate; or a password in the URL.
    const sql = (...a: string[]) => exec(process.execPath, [cliPath, 'sql', ...a]);
    const byCert = await sql(`--certs-dir=${certs}`, `--host=localhost:${port}`, '-e', 'SELECT current_user');
    assert.equal(byCert.stdout, 'current_user\nroot\n');
    const byPassword = await sql(`--certs-dir=${certs}`, `--url=postgresql://carl:Secret-1@localhost:${port}/defaultdb`, '-e', 'SELECT current_user');
    assert.equal(byPassword.stdout, 'current_user\ncarl\n');
    await assert.rejects(sql(`--certs-dir=${certs}`, `--url=postgresql://carl:bad@localhost:${port}/defaultdb`, '-e', 'SELECT 1'), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.equal(e.stderr, 'ERROR: password authentication failed for user carl\nSQLSTATE: 28P01\n');
      return true;
    });
    await assert.rejects(sql(`--url=postgresql://root@localhost:${port}/defaultdb?sslmode=disable`, '-e', 'SELECT 1'), (e: { stderr: string }) => /SSL connection required\nSQLSTATE: 08P01/.test(e.stderr));
  } finally {
    const code = await server.stop();
    assert.equal(code, 0, server.output());
    removeDir(dir);
  }
});

test('--accept-sql-without-tls: password logins without TLS; a secure server needs certificates', { timeout: 60_000 }, async () => {
  const dir = tempDir('burrow-auth-');
  const certs = path.join(dir, 'certs');
  await exec(process.execPath, [cliPath, 'cert', 'create-ca', `--certs-dir=${certs}`, `--ca-key=${path.join(dir, 'ca.key')}`]);
  await exec(process.execPath, [cliPath, 'cert', 'create-node', 'localhost', `--certs-dir=${certs}`, `--ca-key=${path.join(dir, 'ca.key')}`]);
  await assert.rejects(startServer({ store: 'memory', host: '127.0.0.1', port: 0, httpHost: '127.0.0.1', httpPort: -1, insecure: false }), /needs a certificates directory/);
  await assert.rejects(startServer({ store: 'memory', host: '127.0.0.1', port: 0, httpHost: '127.0.0.1', httpPort: -1, insecure: false, certsDir: dir }), /ca\.crt not found/);
  const server = await startServer({ store: 'memory', host: '127.0.0.1', port: 0, httpHost: '127.0.0.1', httpPort: -1, insecure: false, certsDir: certs, acceptSqlWithoutTls: true });
  try {
    const s = server.engine.newSession('root', 'defaultdb');
    await s.query("CREATE USER dora WITH PASSWORD 'explorer'");
    s.close();
    const port = server.sqlAddress.port;
    const c = await connect(`postgresql://dora:explorer@127.0.0.1:${port}/defaultdb?sslmode=disable`);
    assert.deepEqual((await c.query('SELECT current_user')).rows, [{ current_user: 'dora' }]);
    await c.end();
    await assert.rejects(connect(`postgresql://dora:nope@127.0.0.1:${port}/defaultdb?sslmode=disable`), rejectsWith('28P01', /password authentication failed for user dora/));
    // TLS still works alongside.
    const t = await connect(`postgresql://dora:explorer@localhost:${port}/defaultdb?sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'ca.crt'))}`);
    assert.deepEqual((await t.query('SELECT 1 AS x')).rows, [{ x: '1' }]);
    await t.end();
    // SSLRequest is answered 'S'; bytes sent after it before the handshake are refused.
    const raw = await rawExchange(port, Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    assert.equal(raw.toString('latin1', 0, 1), 'S');
    const injected = await rawExchange(port, Buffer.concat([Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]), Buffer.from([0, 0, 0, 8, 0, 3, 0, 0])]));
    assert.match(injected.toString('latin1'), /^E.*FATAL.*08P01.*unexpected data after SSLRequest/s);
  } finally {
    await server.stop();
    removeDir(dir);
  }
});
