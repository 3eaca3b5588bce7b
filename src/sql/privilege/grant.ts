// Owns GRANT privileges ON targets TO roles [WITH GRANT OPTION] and
// REVOKE [GRANT OPTION FOR] privileges ON targets FROM roles, with
// CockroachDB's checks in its order: privileges valid for the object kind,
// grantees exist (`public` included; it cannot get grant options), then per
// object: not a system object, the granter holds each privilege, and holds
// the grant option for them (owners and admins always do). The changed
// descriptor is written as a new version through the transaction.
// Invariants: root and admin keep exactly ALL on every non-system object.

import { BurrowError } from '../../util/errors.js';
import type { Descriptor, Privilege, PrivilegeDesc } from '../catalog/descriptor.js';
import { writeDescriptor } from '../catalog/catalog-store.js';
import type { GrantStatement, RevokeStatement } from '../parser/ast.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { hasGrantOptions, requirePrivilege } from './check.js';
import { adminRole, publicRole, resolveRoleSpec, rootUser, undefinedRoleError } from './names.js';
import {
  findEntry, grantPrivileges, objectKindOf, parsePrivileges, revokePrivileges, validatePrivileges,
} from './privilege-set.js';
import { getUser } from './role-store.js';
import { isSystemDescriptor, resolveTargets } from './targets.js';

async function resolveGrantees(env: StmtEnv, written: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of written) {
    const name = resolveRoleSpec(w, env.session.user);
    if (name !== publicRole && !(await getUser(env.txn, name))) throw undefinedRoleError(name);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

async function checkGranter(env: StmtEnv, d: Descriptor, privs: Privilege[], isGrant: boolean): Promise<void> {
  if (isSystemDescriptor(d)) throw new BurrowError('42501', `cannot ${isGrant ? 'GRANT' : 'REVOKE'} on system object`);
  for (const p of privs) await requirePrivilege(env, d, p);
  if (await hasGrantOptions(env, d, privs)) return;
  const list = privs.join(', ');
  const what = privs.length > 1 ? `one or more of ${list}` : list;
  throw new BurrowError(isGrant ? '01007' : '01006', `user ${env.session.user} missing WITH GRANT OPTION privilege on ${what}`);
}

function sameUsers(a: PrivilegeDesc, b: PrivilegeDesc): boolean {
  return JSON.stringify(a.users) === JSON.stringify(b.users);
}

/** root and admin must keep exactly ALL on user objects, as CockroachDB validates after a REVOKE. */
function checkSuperusers(p: PrivilegeDesc, d: Descriptor): void {
  for (const u of [rootUser, adminRole]) {
    const e = findEntry(p, u);
    if (!e || e.privileges.length !== 1 || e.privileges[0] !== 'ALL') {
      const noun = objectKindOf(d);
      throw new BurrowError('XXUUU', `user ${u} must have exactly [ALL] privileges on ${noun} "${d.name}"`);
    }
  }
}

function writePrivileges(env: StmtEnv, d: Descriptor, privileges: PrivilegeDesc): void {
  writeDescriptor(env.txn, { ...d, version: d.version + 1, privileges } as Descriptor);
}

export async function execGrant(stmt: GrantStatement, env: StmtEnv): Promise<StatementResult> {
  const privs = parsePrivileges(stmt.privileges);
  const targets = await resolveTargets(env, stmt.targets);
  validatePrivileges(privs, targets.kind);
  const grantees = await resolveGrantees(env, stmt.grantees);
  if (stmt.withGrantOption && grantees.includes(publicRole)) {
    throw new BurrowError('0LP01', `grant options cannot be granted to "${publicRole}" role`);
  }
  for (const t of targets.items) {
    const d = (await env.catalog.getById(env.txn, t.desc.id)) ?? t.desc;
    await checkGranter(env, d, privs, true);
    const next = grantees.reduce((p, g) => grantPrivileges(p, g, privs, stmt.withGrantOption), d.privileges);
    if (!sameUsers(next, d.privileges)) writePrivileges(env, d, next);
  }
  return commandResult('GRANT');
}

export async function execRevoke(stmt: RevokeStatement, env: StmtEnv): Promise<StatementResult> {
  const privs = parsePrivileges(stmt.privileges);
  const targets = await resolveTargets(env, stmt.targets);
  validatePrivileges(privs, targets.kind);
  const grantees = await resolveGrantees(env, stmt.grantees);
  const notices: string[] = [];
  for (const t of targets.items) {
    const d = (await env.catalog.getById(env.txn, t.desc.id)) ?? t.desc;
    await checkGranter(env, d, privs, false);
    const kind = objectKindOf(d);
    const next = grantees.reduce((p, g) => revokePrivileges(p, g, privs, kind, stmt.grantOptionFor), d.privileges);
    if (grantees.includes(d.privileges.owner)) {
      notices.push(`${d.privileges.owner} is the owner of ${d.name} and still has all privileges implicitly`);
    }
    if (sameUsers(next, d.privileges)) continue;
    checkSuperusers(next, d);
    writePrivileges(env, d, next);
  }
  return { ...commandResult('REVOKE'), notices };
}
