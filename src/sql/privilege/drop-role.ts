// Owns DROP USER|ROLE: who may run it, the dependency checks with
// CockroachDB's errors (roles still holding privileges on any object:
// "cannot drop role/user x: grants still exist on ..."; roles owning
// objects: "role x cannot be dropped because some objects depend on it"),
// and removing the role's rows from system.users, system.role_members and
// system.role_options.
// Invariants: nothing is deleted unless every named role passed every check.

import { BurrowError } from '../../util/errors.js';
import type { Descriptor } from '../catalog/descriptor.js';
import type { DropRoleStatement } from '../parser/ast.js';
import { formatName } from '../parser/index.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { isAdmin, requireRoleOption, userIsAdmin } from './check.js';
import { databases, loadCatalogView, qualifiedName, schemas, tables, type CatalogView } from './catalog-view.js';
import { adminRole, publicRole, rootUser, undefinedRoleError, validateNewRoleName } from './names.js';
import {
  deleteMembership, deleteRoleOption, deleteUser, getUser, listMemberships, listRoleOptions,
} from './role-store.js';

function namesOf(stmt: DropRoleStatement): string[] {
  return stmt.names.map((n) => {
    if (n === 'current_user' || n === 'session_user') {
      throw new BurrowError('22023', 'cannot use special role specifier in DROP ROLE');
    }
    return validateNewRoleName(n);
  });
}

async function checkNotDroppingAdmins(env: StmtEnv, names: string[], ifExists: boolean): Promise<void> {
  if (await isAdmin(env)) return;
  for (const n of names) {
    if (ifExists && !(await getUser(env.txn, n))) continue;
    if (await userIsAdmin(env.txn, n)) throw new BurrowError('42501', 'must be superuser to drop superusers');
  }
}

/** Objects on which any of `names` holds privileges, in CockroachDB's order (databases, tables, schemas). */
function objectsWithGrants(v: CatalogView, names: Set<string>): string[] {
  const holds = (d: Descriptor): boolean => d.privileges.users.some((u) => names.has(u.user));
  const dbs = databases(v).filter(holds).sort((a, b) => (a.name < b.name ? -1 : 1));
  return [...dbs, ...tables(v).filter(holds), ...schemas(v).filter(holds)].map((d) => qualifiedName(v, d));
}

function ownedObjects(v: CatalogView, name: string): string[] {
  const typeOf = (d: Descriptor): string => (d.kind === 'database' || d.kind === 'schema' ? d.kind : 'table');
  return v.descs
    .filter((d) => d.privileges.owner === name)
    .map((d) => ({ type: typeOf(d), name: qualifiedName(v, d) }))
    .sort((a, b) => (a.type !== b.type ? (a.type < b.type ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((o) => `\nowner of ${o.type} ${o.name}`);
}

async function checkDependencies(env: StmtEnv, names: string[]): Promise<void> {
  const v = await loadCatalogView(env.txn);
  const granted = objectsWithGrants(v, new Set(names));
  if (granted.length > 0) {
    const s = names.length > 1 ? 's' : '';
    throw new BurrowError('2BP01', `cannot drop role${s}/user${s} ${names.map(formatName).join(', ')}: grants still exist on ${granted.join(', ')}`);
  }
  for (const n of names) {
    const owned = ownedObjects(v, n);
    if (owned.length > 0) throw new BurrowError('2BP01', `role ${n} cannot be dropped because some objects depend on it${owned.join('')}`);
  }
}

async function removeRole(env: StmtEnv, name: string): Promise<void> {
  deleteUser(env.txn, name);
  for (const m of await listMemberships(env.txn)) {
    if (m.role === name || m.member === name) deleteMembership(env.txn, m.role, m.member);
  }
  for (const o of await listRoleOptions(env.txn, name)) deleteRoleOption(env.txn, name, o.option);
}

export async function execDropRole(stmt: DropRoleStatement, env: StmtEnv): Promise<StatementResult> {
  await requireRoleOption(env, 'CREATEROLE');
  const names = [...new Set(namesOf(stmt))];
  await checkNotDroppingAdmins(env, names, stmt.ifExists);
  await checkDependencies(env, names);
  for (const n of names) {
    if (n === adminRole || n === publicRole) throw new BurrowError('22023', `cannot drop special role ${n}`);
    if (n === rootUser) throw new BurrowError('22023', `cannot drop special user ${n}`);
  }
  for (const n of names) {
    if (!(await getUser(env.txn, n))) {
      if (stmt.ifExists) continue;
      throw undefinedRoleError(n);
    }
    await removeRole(env, n);
  }
  return commandResult('DROP ROLE');
}
