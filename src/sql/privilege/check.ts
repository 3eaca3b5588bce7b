// Owns privilege checks, with CockroachDB's rules and error texts:
//  - admins (root, node, and members of `admin`, transitively) pass;
//  - a user passes when it, `public`, or any role it belongs to
//    (transitively) owns the object or holds the privilege or ALL;
//  - role options (CREATEROLE, CREATEDB, CREATELOGIN, ...) are not inherited.
// Role memberships are read once per transaction and cached; a transaction
// that wrote system.role_members reads them afresh (it may have changed them).
// Checks take anything with a transaction and a session user, so both a
// statement's StmtEnv and the planner's PlanCtx can be passed.

import type { Txn } from '../../kv/txn.js';
import { BurrowError } from '../../util/errors.js';
import type { Descriptor, Privilege } from '../catalog/descriptor.js';
import { adminRole, nodeUser, publicRole, rootUser } from './names.js';
import { entryHas, entryHasGrantOptions, errorNounOf, findEntry } from './privilege-set.js';
import { listMemberships, listRoleOptions, roleMembersSpan, type MemberRow } from './role-store.js';

/** What a check needs: StmtEnv and PlanCtx both fit. */
export interface PrivilegeEnv {
  txn: Txn;
  session: { user: string };
}

const membersCache = new WeakMap<Txn, MemberRow[]>();

async function memberships(txn: Txn): Promise<MemberRow[]> {
  const span = roleMembersSpan();
  if (txn.wroteInSpan(span.start, span.end)) return listMemberships(txn);
  let rows = membersCache.get(txn);
  if (!rows) {
    rows = await listMemberships(txn);
    membersCache.set(txn, rows);
  }
  return rows;
}

/**
 * The roles `user` belongs to, directly or through other roles, mapped to
 * whether it holds the ADMIN OPTION on them (inherited through the chain).
 * The user itself and `public` are not included.
 */
export async function roleMemberships(txn: Txn, user: string): Promise<ReadonlyMap<string, boolean>> {
  const rows = await memberships(txn);
  const out = new Map<string, boolean>();
  const queue = [user];
  for (let i = 0; i < queue.length; i++) {
    for (const r of rows) {
      if (r.member !== queue[i] || r.role === user) continue;
      const seen = out.has(r.role);
      out.set(r.role, (out.get(r.role) ?? false) || r.isAdmin);
      if (!seen) queue.push(r.role);
    }
  }
  return out;
}

export async function userIsAdmin(txn: Txn, user: string): Promise<boolean> {
  if (user === rootUser || user === nodeUser || user === adminRole) return true;
  return (await roleMemberships(txn, user)).has(adminRole);
}

export async function isAdmin(env: PrivilegeEnv): Promise<boolean> {
  return userIsAdmin(env.txn, env.session.user);
}

/** Fails unless the session user is an admin; `what` completes "only users with the admin role are allowed to ...". */
export async function requireAdmin(env: PrivilegeEnv, what: string): Promise<void> {
  if (!(await isAdmin(env))) throw new BurrowError('42501', `only users with the admin role are allowed to ${what}`);
}

export function insufficientPrivilege(user: string, priv: Privilege, d: Descriptor): BurrowError {
  return new BurrowError('42501', `user ${user} does not have ${priv} privilege on ${errorNounOf(d)} ${d.name}`);
}

/** Whether `user` may act with `priv` on `d` (see the file comment for the rules). */
export async function hasPrivilege(txn: Txn, user: string, d: Descriptor, priv: Privilege): Promise<boolean> {
  if (user === rootUser || user === nodeUser) return true;
  const p = d.privileges;
  if (p.owner === user || entryHas(findEntry(p, user), priv) || entryHas(findEntry(p, publicRole), priv)) return true;
  const roles = await roleMemberships(txn, user);
  if (roles.has(adminRole)) return true;
  for (const role of roles.keys()) {
    if (p.owner === role || entryHas(findEntry(p, role), priv)) return true;
  }
  return false;
}

const unchecked = new WeakMap<object, number>();

/**
 * Runs `fn` with checks through `env` switched off: a view's own query is
 * planned this way, since CockroachDB checks SELECT on the view only.
 */
export async function withoutPrivilegeChecks<T>(env: PrivilegeEnv, fn: () => Promise<T>): Promise<T> {
  unchecked.set(env, (unchecked.get(env) ?? 0) + 1);
  try {
    return await fn();
  } finally {
    const n = unchecked.get(env)! - 1;
    if (n === 0) unchecked.delete(env);
    else unchecked.set(env, n);
  }
}

/** Fails with `user u does not have P privilege on relation t` (42501) unless allowed. */
export async function requirePrivilege(env: PrivilegeEnv, desc: Descriptor, priv: Privilege): Promise<void> {
  if (unchecked.has(env)) return;
  if (!(await hasPrivilege(env.txn, env.session.user, desc, priv))) throw insufficientPrivilege(env.session.user, priv, desc);
}

/** Whether the user, or a role it belongs to, owns `d`. */
export async function isOwner(env: PrivilegeEnv, d: Descriptor): Promise<boolean> {
  const owner = d.privileges.owner;
  if (owner === env.session.user) return true;
  return (await roleMemberships(env.txn, env.session.user)).has(owner);
}

/** Fails with `must be owner of table t` (42501) unless the user is an admin or owns `d`. */
export async function requireOwnership(env: PrivilegeEnv, d: Descriptor): Promise<void> {
  if ((await isAdmin(env)) || (await isOwner(env, d))) return;
  const noun = d.kind === 'database' || d.kind === 'schema' ? d.kind : d.kind === 'view' ? 'view' : d.kind === 'sequence' ? 'sequence' : 'table';
  throw new BurrowError('42501', `must be owner of ${noun} ${d.name}`);
}

/** Whether the user holds the grant option for all of `privs` on `d` (admins and owners always do). */
export async function hasGrantOptions(env: PrivilegeEnv, d: Descriptor, privs: readonly Privilege[]): Promise<boolean> {
  const user = env.session.user;
  if (await isAdmin(env)) return true;
  const p = d.privileges;
  if (p.owner === user || entryHasGrantOptions(findEntry(p, user), privs)) return true;
  for (const role of (await roleMemberships(env.txn, user)).keys()) {
    if (p.owner === role || entryHasGrantOptions(findEntry(p, role), privs)) return true;
  }
  return false;
}

/** Whether `user` has a role option such as CREATEROLE, CREATEDB, CREATELOGIN (admins have all). */
export async function userHasRoleOption(txn: Txn, user: string, option: string): Promise<boolean> {
  if (await userIsAdmin(txn, user)) return true;
  return (await listRoleOptions(txn, user)).some((o) => o.option === option);
}

/** Fails with `user u does not have CREATEROLE privilege` (42501) unless the user has the option. */
export async function requireRoleOption(env: PrivilegeEnv, option: string): Promise<void> {
  if (await userHasRoleOption(env.txn, env.session.user, option)) return;
  throw new BurrowError('42501', `user ${env.session.user} does not have ${option} privilege`);
}

/** CREATE DATABASE: admins or roles with CREATEDB. */
export async function requireCreateDatabase(env: PrivilegeEnv): Promise<void> {
  if (await userHasRoleOption(env.txn, env.session.user, 'CREATEDB')) return;
  throw new BurrowError('42501', 'permission denied to create database');
}
