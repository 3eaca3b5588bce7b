// Owns GRANT role TO member [WITH ADMIN OPTION] and REVOKE [ADMIN OPTION FOR]
// role FROM member: existence checks, who may do it (the ADMIN OPTION on
// the role, inherited through memberships; admins may grant any role but
// `admin` itself, which needs the ADMIN OPTION on admin), cycle detection,
// and the system.role_members rows.
// Invariants: root always stays a member of admin with the ADMIN OPTION.

import { BurrowError } from '../../util/errors.js';
import type { GrantRoleStatement, RevokeRoleStatement } from '../parser/ast.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { isAdmin, roleMemberships } from './check.js';
import { adminRole, resolveRoleSpec, rootUser, undefinedRoleError } from './names.js';
import { deleteMembership, getUser, listMemberships, putMembership, type MemberRow } from './role-store.js';

async function resolveExisting(env: StmtEnv, written: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of written) {
    const name = resolveRoleSpec(w, env.session.user);
    if (!(await getUser(env.txn, name))) throw undefinedRoleError(name);
    out.push(name);
  }
  return out;
}

/** Fails unless the session user may grant or revoke membership in every one of `roles`. */
async function checkRoleAdmin(env: StmtEnv, roles: string[]): Promise<void> {
  const user = env.session.user;
  const superuser = await isAdmin(env);
  const mine = await roleMemberships(env.txn, user);
  for (const r of roles) {
    if (mine.get(r) === true) continue;
    if (r === adminRole) throw new BurrowError('42501', `${user} is not a role admin for role ${r}`);
    if (!superuser) throw new BurrowError('42501', `${user} is not a superuser or role admin for role ${r}`);
  }
}

async function checkNoCycle(env: StmtEnv, role: string, member: string): Promise<void> {
  if (role === member) throw new BurrowError('0LP01', `${role} cannot be a member of itself`);
  if ((await roleMemberships(env.txn, role)).has(member)) {
    throw new BurrowError('0LP01', `making ${member} a member of ${role} would create a cycle`);
  }
}

function findMembership(rows: MemberRow[], role: string, member: string): MemberRow | undefined {
  return rows.find((r) => r.role === role && r.member === member);
}

export async function execGrantRole(stmt: GrantRoleStatement, env: StmtEnv): Promise<StatementResult> {
  const roles = await resolveExisting(env, stmt.roles);
  const members = await resolveExisting(env, stmt.members);
  await checkRoleAdmin(env, roles);
  for (const role of roles) {
    for (const member of members) {
      await checkNoCycle(env, role, member);
      const cur = findMembership(await listMemberships(env.txn), role, member);
      if (cur && (cur.isAdmin || !stmt.withAdminOption)) continue;
      putMembership(env.txn, { role, member, isAdmin: stmt.withAdminOption });
    }
  }
  return commandResult('GRANT');
}

export async function execRevokeRole(stmt: RevokeRoleStatement, env: StmtEnv): Promise<StatementResult> {
  const roles = await resolveExisting(env, stmt.roles);
  const members = await resolveExisting(env, stmt.members);
  await checkRoleAdmin(env, roles);
  const rows = await listMemberships(env.txn);
  const notices: string[] = [];
  for (const role of roles) {
    for (const member of members) {
      if (role === adminRole && member === rootUser) {
        throw new BurrowError('22023', `role/user ${rootUser} cannot be removed from role ${adminRole} or lose the ADMIN OPTION`);
      }
      const cur = findMembership(rows, role, member);
      if (!cur) {
        notices.push(`role/user "${member}" is not a member of role "${role}"`);
        continue;
      }
      if (stmt.adminOptionFor) putMembership(env.txn, { ...cur, isAdmin: false });
      else deleteMembership(env.txn, role, member);
    }
  }
  return { ...commandResult('REVOKE'), notices };
}
