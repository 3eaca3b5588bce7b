// Tests the privilege checks called directly (as planning and DML call
// them): denial text and code, grants to the user, to `public` and to roles
// (transitively), ownership, admins, grant options, role options, the
// per-transaction membership cache, switching checks off for a view body,
// and the login facts authentication reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../src/storage/store.js';
import { openSqlEngine, type SqlEngine } from '../../../src/sql/engine.js';
import type { Txn } from '../../../src/kv/txn.js';
import type { TableDesc, DatabaseDesc } from '../../../src/sql/catalog/descriptor.js';
import { registerPrivilegeHandlers } from '../../../src/sql/privilege/register.js';
import {
  hasGrantOptions, isAdmin, requireAdmin, requireCreateDatabase, requireOwnership, requirePrivilege, requireRoleOption,
  roleMemberships, withoutPrivilegeChecks,
} from '../../../src/sql/privilege/check.js';
import { loginInfo } from '../../../src/sql/privilege/auth.js';
import { formatScramCredentials, verifyPassword } from '../../../src/sql/privilege/scram.js';

registerPrivilegeHandlers();

async function withEngine(fn: (e: SqlEngine, sql: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  const store = await openStore({ engine: 'memory' });
  try {
    const e = await openSqlEngine(store);
    const root = e.newSession('root', 'defaultdb');
    await fn(e, async (s) => void (await root.query(s)));
  } finally {
    await store.close();
  }
}

async function table(e: SqlEngine, txn: Txn, name: string): Promise<TableDesc> {
  const t = await e.catalog.resolveTable(txn, { catalog: null, schema: null, name }, { database: 'defaultdb', searchPath: ['public'] });
  return t.desc;
}

const env = (txn: Txn, user: string) => ({ txn, session: { user } });

async function denied(p: Promise<void>, message: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string; message: string }) => {
    assert.equal(err.code, '42501');
    assert.equal(err.message, message);
    return true;
  });
}

test('denied without a grant, allowed after one', async () => {
  await withEngine(async (e, sql) => {
    await sql('CREATE TABLE accounts (id INT PRIMARY KEY); CREATE USER testuser');
    let txn = e.kv.begin({});
    const t = await table(e, txn, 'accounts');
    await denied(requirePrivilege(env(txn, 'testuser'), t, 'SELECT'), 'user testuser does not have SELECT privilege on relation accounts');
    await requirePrivilege(env(txn, 'root'), t, 'SELECT');
    txn.rollback();
    await sql('GRANT SELECT ON accounts TO testuser');
    txn = e.kv.begin({});
    const t2 = await table(e, txn, 'accounts');
    await requirePrivilege(env(txn, 'testuser'), t2, 'SELECT');
    await denied(requirePrivilege(env(txn, 'testuser'), t2, 'INSERT'), 'user testuser does not have INSERT privilege on relation accounts');
    txn.rollback();
  });
});

test('public, roles (transitively), ALL, owners and admins', async () => {
  await withEngine(async (e, sql) => {
    await sql(`CREATE TABLE t (k INT PRIMARY KEY); CREATE USER u; CREATE ROLE r1; CREATE ROLE r2;
      GRANT r1 TO r2; GRANT r2 TO u; GRANT ALL ON t TO r1; GRANT DELETE ON t TO public`);
    const txn = e.kv.begin({});
    const t = await table(e, txn, 't');
    await requirePrivilege(env(txn, 'u'), t, 'UPDATE');
    await requirePrivilege(env(txn, 'nobody_in_particular'), t, 'DELETE');
    await denied(requirePrivilege(env(txn, 'nobody_in_particular'), t, 'SELECT'), 'user nobody_in_particular does not have SELECT privilege on relation t');
    assert.deepEqual([...(await roleMemberships(txn, 'u')).keys()].sort(), ['r1', 'r2']);
    await requirePrivilege(env(txn, 'r2'), { ...t, privileges: { owner: 'r2', users: [] } }, 'DROP');
    await requireOwnership(env(txn, 'u'), { ...t, privileges: { owner: 'r1', users: [] } });
    await denied(requireOwnership(env(txn, 'u'), t), 'must be owner of table t');
    assert.equal(await isAdmin(env(txn, 'u')), false);
    assert.equal(await isAdmin(env(txn, 'root')), true);
    txn.rollback();
  });
});

test('admins pass; the membership cache follows the transaction', async () => {
  await withEngine(async (e, sql) => {
    await sql('CREATE TABLE t (k INT PRIMARY KEY); CREATE USER u; CREATE ROLE ops; GRANT admin TO ops WITH ADMIN OPTION');
    const txn = e.kv.begin({});
    const t = await table(e, txn, 't');
    await denied(requirePrivilege(env(txn, 'u'), t, 'SELECT'), 'user u does not have SELECT privilege on relation t');
    const s = e.newSession('root', 'defaultdb');
    await s.query('GRANT ops TO u');
    // Same transaction: memberships were read once; a new one sees the grant.
    await denied(requirePrivilege(env(txn, 'u'), t, 'SELECT'), 'user u does not have SELECT privilege on relation t');
    txn.rollback();
    const txn2 = e.kv.begin({});
    await requirePrivilege(env(txn2, 'u'), t, 'SELECT');
    await requireAdmin(env(txn2, 'u'), 'BACKUP');
    assert.equal((await roleMemberships(txn2, 'u')).get('admin'), true, 'ADMIN OPTION is inherited through ops');
    txn2.rollback();
  });
});

test('grant options, role options and CREATEDB', async () => {
  await withEngine(async (e, sql) => {
    await sql(`CREATE TABLE t (k INT PRIMARY KEY); CREATE USER u; CREATE USER v WITH CREATEROLE CREATEDB;
      GRANT SELECT, INSERT ON t TO u WITH GRANT OPTION; GRANT UPDATE ON t TO u`);
    const txn = e.kv.begin({});
    const t = await table(e, txn, 't');
    assert.equal(await hasGrantOptions(env(txn, 'u'), t, ['SELECT', 'INSERT']), true);
    assert.equal(await hasGrantOptions(env(txn, 'u'), t, ['SELECT', 'UPDATE']), false);
    assert.equal(await hasGrantOptions(env(txn, 'root'), t, ['ALL']), true);
    await requireRoleOption(env(txn, 'v'), 'CREATEROLE');
    await denied(requireRoleOption(env(txn, 'u'), 'CREATEROLE'), 'user u does not have CREATEROLE privilege');
    await requireCreateDatabase(env(txn, 'v'));
    await denied(requireCreateDatabase(env(txn, 'u')), 'permission denied to create database');
    await denied(requireAdmin(env(txn, 'v'), 'BACKUP'), 'only users with the admin role are allowed to BACKUP');
    const db = (await e.catalog.getDatabase(txn, 'defaultdb')) as DatabaseDesc;
    await denied(requirePrivilege(env(txn, 'u'), db, 'CREATE'), 'user u does not have CREATE privilege on database defaultdb');
    txn.rollback();
  });
});

test('checks can be switched off for one context while planning a view body', async () => {
  await withEngine(async (e, sql) => {
    await sql('CREATE TABLE t (k INT PRIMARY KEY); CREATE USER u');
    const txn = e.kv.begin({});
    const t = await table(e, txn, 't');
    const ctx = env(txn, 'u');
    await withoutPrivilegeChecks(ctx, () => requirePrivilege(ctx, t, 'SELECT'));
    await denied(requirePrivilege(env(txn, 'u'), t, 'SELECT'), 'user u does not have SELECT privilege on relation t');
    await denied(requirePrivilege(ctx, t, 'SELECT'), 'user u does not have SELECT privilege on relation t');
    txn.rollback();
  });
});

test('login facts for authentication', async () => {
  await withEngine(async (e, sql) => {
    await sql(`CREATE USER alice WITH PASSWORD 'pw1'; CREATE ROLE team; CREATE USER old WITH PASSWORD 'x' VALID UNTIL '2001-01-01'`);
    const txn = e.kv.begin({});
    const now = Date.parse('2024-01-01T00:00:00Z');
    const alice = await loginInfo(txn, 'Alice', now);
    assert.equal(alice.exists && alice.canLogin, true);
    assert.equal(verifyPassword(formatScramCredentials(alice.credentials!), 'pw1'), true);
    assert.equal((await loginInfo(txn, 'team', now)).canLogin, false);
    assert.equal((await loginInfo(txn, 'old', now)).canLogin, false);
    assert.equal((await loginInfo(txn, 'old', Date.parse('2000-06-01T00:00:00Z'))).canLogin, true);
    assert.equal((await loginInfo(txn, 'nobody', now)).exists, false);
    txn.rollback();
  });
});
