// Owns the fixed IDs and hard-coded descriptors of the system database and
// its tables (CockroachDB's IDs where it has them). system.namespace and
// system.descriptor hold every other descriptor, so their own descriptors
// must be known without reading them; all system descriptors are also
// written into system.descriptor at bootstrap so SQL can see them.

import { T } from '../types/types.js';
import type { SqlType } from '../types/types.js';
import type { ColumnDesc, DatabaseDesc, PrivilegeDesc, SchemaDesc, TableDesc } from './descriptor.js';

export const SystemIds = {
  systemDb: 1,
  descriptorTable: 3,
  usersTable: 4,
  zonesTable: 5,
  settingsTable: 6,
  descIdGenerator: 7,
  jobsTable: 15,
  roleMembersTable: 23,
  systemPublicSchema: 29,
  namespaceTable: 30,
  defaultDb: 100,
  defaultDbPublicSchema: 101,
  postgresDb: 102,
  postgresPublicSchema: 103,
  firstUserId: 104,
} as const;

export const rootUser = 'root';
export const adminRole = 'admin';
export const publicRole = 'public';

export function defaultPrivileges(owner: string, kind: 'database' | 'schema' | 'table'): PrivilegeDesc {
  const users = [
    { user: adminRole, privileges: ['ALL' as const], withGrantOption: ['ALL' as const] },
    { user: rootUser, privileges: ['ALL' as const], withGrantOption: ['ALL' as const] },
  ];
  if (kind === 'database') users.push({ user: publicRole, privileges: ['CONNECT' as never], withGrantOption: [] });
  if (kind === 'schema') users.push({ user: publicRole, privileges: ['CREATE' as never, 'USAGE' as never], withGrantOption: [] });
  return { owner, users };
}

type ColSpec = [name: string, type: SqlType, nullable: boolean, defaultExpr?: string];

export function makeTableDesc(
  id: number,
  name: string,
  parentId: number,
  schemaId: number,
  cols: ColSpec[],
  pk: string[],
  owner = 'node',
): TableDesc {
  const columns: ColumnDesc[] = cols.map(([n, type, nullable, def], i) => ({
    id: i + 1,
    name: n,
    type,
    nullable,
    defaultExpr: def ?? null,
    computeExpr: null,
    hidden: false,
    onUpdateExpr: null,
  }));
  const idOf = (n: string): number => columns.find((c) => c.name === n)!.id;
  return {
    kind: 'table',
    id,
    name,
    parentId,
    schemaId,
    version: 1,
    state: 'public',
    columns,
    nextColumnId: columns.length + 1,
    primaryIndex: {
      id: 1,
      name: 'primary',
      unique: true,
      columnIds: pk.map(idOf),
      directions: pk.map(() => 'asc'),
      storeColumnIds: [],
      suffixColumnIds: [],
      predicate: null,
    },
    indexes: [],
    nextIndexId: 2,
    checks: [],
    outboundFks: [],
    inboundFks: [],
    viewQuery: null,
    dependsOn: [],
    dependedOnBy: [],
    sequence: null,
    privileges: owner === 'node' ? { owner: 'node', users: [{ user: adminRole, privileges: ['SELECT'], withGrantOption: [] }, { user: rootUser, privileges: ['SELECT'], withGrantOption: [] }] } : defaultPrivileges(owner, 'table'),
    comment: null,
    dropTimeMicros: null,
  };
}

const sys = (id: number, name: string, cols: ColSpec[], pk: string[]): TableDesc =>
  makeTableDesc(id, name, SystemIds.systemDb, SystemIds.systemPublicSchema, cols, pk);

export const namespaceTable = sys(SystemIds.namespaceTable, 'namespace', [
  ['parentID', T.int, false],
  ['parentSchemaID', T.int, false],
  ['name', T.string, false],
  ['id', T.int, true],
], ['parentID', 'parentSchemaID', 'name']);

export const descriptorTable = sys(SystemIds.descriptorTable, 'descriptor', [
  ['id', T.int, false],
  ['descriptor', T.bytes, true],
], ['id']);

export const usersTable = sys(SystemIds.usersTable, 'users', [
  ['username', T.string, false],
  ['hashedPassword', T.bytes, true],
  ['isRole', T.bool, false, 'false'],
], ['username']);

export const zonesTable = sys(SystemIds.zonesTable, 'zones', [
  ['id', T.int, false],
  ['config', T.bytes, true],
], ['id']);

export const settingsTable = sys(SystemIds.settingsTable, 'settings', [
  ['name', T.string, false],
  ['value', T.string, false],
  ['lastUpdated', T.timestamp, false, 'now()'],
  ['valueType', T.string, true],
], ['name']);

export const jobsTable = sys(SystemIds.jobsTable, 'jobs', [
  ['id', T.int, false, 'unique_rowid()'],
  ['status', T.string, false],
  ['created', T.timestamp, false, 'now()'],
  ['payload', T.bytes, false],
  ['progress', T.bytes, true],
  ['created_by_type', T.string, true],
  ['created_by_id', T.int, true],
  ['claim_session_id', T.bytes, true],
  ['claim_instance_id', T.int, true],
  ['num_runs', T.int, true],
  ['last_run', T.timestamp, true],
  ['job_type', T.string, true],
], ['id']);

export const roleMembersTable = sys(SystemIds.roleMembersTable, 'role_members', [
  ['role', T.string, false],
  ['member', T.string, false],
  ['isAdmin', T.bool, false],
], ['role', 'member']);

export const systemTables: TableDesc[] = [
  namespaceTable, descriptorTable, usersTable, zonesTable, settingsTable, jobsTable, roleMembersTable,
];

export const systemDatabase: DatabaseDesc = {
  kind: 'database',
  id: SystemIds.systemDb,
  name: 'system',
  version: 1,
  state: 'public',
  privileges: { owner: 'node', users: [{ user: adminRole, privileges: ['CONNECT'], withGrantOption: [] }, { user: rootUser, privileges: ['CONNECT'], withGrantOption: [] }] },
};

export function makeDatabaseDesc(id: number, name: string, owner: string): DatabaseDesc {
  return { kind: 'database', id, name, version: 1, state: 'public', privileges: defaultPrivileges(owner, 'database') };
}

export function makeSchemaDesc(id: number, name: string, parentId: number, owner: string): SchemaDesc {
  return { kind: 'schema', id, name, parentId, version: 1, state: 'public', privileges: defaultPrivileges(owner, 'schema') };
}

