// Owns CREATE USER|ROLE and ALTER USER|ROLE: who may run them (CREATEROLE,
// plus CREATELOGIN for login-related options; only admins alter admins),
// name validation, and writing system.users / system.role_options.
// Invariants: CREATE ROLE without LOGIN/NOLOGIN means NOLOGIN, CREATE USER
// means LOGIN; the admin role's options cannot be edited.

import { BurrowError } from '../../util/errors.js';
import type { AlterRoleStatement, CreateRoleStatement, RoleOption } from '../parser/ast.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { isAdmin, requireRoleOption, userIsAdmin } from './check.js';
import { adminRole, resolveRoleSpec, undefinedRoleError, validateNewRoleName } from './names.js';
import { applyRoleOptions, checkRoleOptions, hasOption, needsCreateLogin, passwordHashFor } from './role-options.js';
import { getUser, putUser } from './role-store.js';

function effectiveOptions(stmt: CreateRoleStatement): RoleOption[] {
  const explicit = hasOption(stmt.options, 'LOGIN') || hasOption(stmt.options, 'NOLOGIN');
  return stmt.isRole && !explicit ? [...stmt.options, { name: 'NOLOGIN', value: null }] : stmt.options;
}

function passwordOption(opts: readonly RoleOption[]): RoleOption | undefined {
  return opts.find((o) => o.name === 'PASSWORD');
}

export async function execCreateRole(stmt: CreateRoleStatement, env: StmtEnv): Promise<StatementResult> {
  await requireRoleOption(env, 'CREATEROLE');
  checkRoleOptions(stmt.options);
  const opts = effectiveOptions(stmt);
  if (needsCreateLogin(opts, true)) await requireRoleOption(env, 'CREATELOGIN');
  const name = validateNewRoleName(stmt.name);
  if (await getUser(env.txn, name)) {
    if (stmt.ifNotExists) return commandResult('CREATE ROLE');
    throw new BurrowError('42710', `a role/user named ${name} already exists`);
  }
  const pw = passwordOption(opts);
  putUser(env.txn, { username: name, hashedPassword: pw ? passwordHashFor(pw.value!, env.params) : null, isRole: stmt.isRole });
  applyRoleOptions(env.txn, name, opts, env.params, env.session.timezone);
  return commandResult('CREATE ROLE');
}

export async function execAlterRole(stmt: AlterRoleStatement, env: StmtEnv): Promise<StatementResult> {
  await requireRoleOption(env, 'CREATEROLE');
  checkRoleOptions(stmt.options);
  if (needsCreateLogin(stmt.options, false)) await requireRoleOption(env, 'CREATELOGIN');
  const name = resolveRoleSpec(stmt.name, env.session.user);
  if (name === adminRole) throw new BurrowError('42501', 'cannot edit admin role');
  const row = await getUser(env.txn, name);
  if (!row) {
    if (stmt.ifExists) return commandResult('ALTER ROLE');
    throw undefinedRoleError(name);
  }
  if (!(await isAdmin(env)) && (await userIsAdmin(env.txn, name))) {
    throw new BurrowError('42501', 'must be superuser to alter superusers');
  }
  const pw = passwordOption(stmt.options);
  if (pw) putUser(env.txn, { ...row, hashedPassword: passwordHashFor(pw.value!, env.params) });
  applyRoleOptions(env.txn, name, stmt.options, env.params, env.session.timezone);
  return commandResult('ALTER ROLE');
}
