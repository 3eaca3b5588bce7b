// Owns reading and writing the rows that define roles, through a kv
// transaction and the table codec (never SQL text):
//   system.users        (username, hashedPassword, isRole)
//   system.role_members (role, member, isAdmin)
//   system.role_options (username, option, value)   -- CockroachDB's table 33
// role_options is defined here until the catalog's system schema lists it;
// its rows live at /Table/33/1/... either way, so moving the descriptor
// changes nothing on disk.
// Invariants: names are already normalized; option names are upper case
// (NOLOGIN, CREATEROLE, VALID UNTIL, ...); the absence of NOLOGIN means LOGIN.

import type { Txn } from '../../kv/txn.js';
import { T } from '../types/types.js';
import type { Row } from '../types/datum.js';
import type { TableDesc } from '../catalog/descriptor.js';
import { SystemIds, makeTableDesc, roleMembersTable, usersTable } from '../catalog/system-schema.js';
import { decodePrimaryRow, encodeIndexKeyPrefix, indexSpan, primaryKey, primaryValue, tableLayout } from '../rowenc/table-codec.js';

export const roleOptionsTableId = 33;

export const roleOptionsTable: TableDesc = makeTableDesc(roleOptionsTableId, 'role_options', SystemIds.systemDb, SystemIds.systemPublicSchema, [
  ['username', T.string, false],
  ['option', T.string, false],
  ['value', T.string, true],
], ['username', 'option']);

export interface UserRow { username: string; hashedPassword: Buffer | null; isRole: boolean }
export interface MemberRow { role: string; member: string; isAdmin: boolean }
export interface OptionRow { username: string; option: string; value: string | null }

const users = tableLayout(usersTable);
const members = tableLayout(roleMembersTable);
const options = tableLayout(roleOptionsTable);

async function scanRows(txn: Txn, start: Buffer, end: Buffer, l: typeof users): Promise<Row[]> {
  const out: Row[] = [];
  for await (const page of txn.scan(start, end)) {
    for (const kv of page) out.push(decodePrimaryRow(l, kv.key, kv.value));
  }
  return out;
}

async function scanTable(txn: Txn, l: typeof users): Promise<Row[]> {
  const span = indexSpan(l.primary);
  return scanRows(txn, span.start, span.end, l);
}

async function scanPrefix(txn: Txn, l: typeof users, values: Row): Promise<Row[]> {
  const start = encodeIndexKeyPrefix(l.primary, values);
  return scanRows(txn, start, Buffer.concat([start, Buffer.from([0xff])]), l);
}

const toUser = (r: Row): UserRow => ({ username: r[0] as string, hashedPassword: (r[1] as Buffer | null) ?? null, isRole: r[2] === true });
const toMember = (r: Row): MemberRow => ({ role: r[0] as string, member: r[1] as string, isAdmin: r[2] === true });
const toOption = (r: Row): OptionRow => ({ username: r[0] as string, option: r[1] as string, value: (r[2] as string | null) ?? null });

// ---------------------------------------------------------------- system.users

export async function getUser(txn: Txn, name: string): Promise<UserRow | undefined> {
  const key = primaryKey(users, [name, null, false]);
  const v = await txn.get(key);
  return v ? toUser(decodePrimaryRow(users, key, v)) : undefined;
}

/** Every user and role, in name order. */
export async function listUsers(txn: Txn): Promise<UserRow[]> {
  return (await scanTable(txn, users)).map(toUser);
}

export function putUser(txn: Txn, u: UserRow): void {
  const row = [u.username, u.hashedPassword, u.isRole];
  txn.put(primaryKey(users, row), primaryValue(users, row));
}

export function deleteUser(txn: Txn, name: string): void {
  txn.del(primaryKey(users, [name, null, false]));
}

// ---------------------------------------------------------------- system.role_members

/** Every membership, ordered by (role, member). */
export async function listMemberships(txn: Txn): Promise<MemberRow[]> {
  return (await scanTable(txn, members)).map(toMember);
}

export function putMembership(txn: Txn, m: MemberRow): void {
  const row = [m.role, m.member, m.isAdmin];
  txn.put(primaryKey(members, row), primaryValue(members, row));
}

export function deleteMembership(txn: Txn, role: string, member: string): void {
  txn.del(primaryKey(members, [role, member, false]));
}

/** The span of system.role_members, so callers can tell whether a transaction wrote to it. */
export function roleMembersSpan(): { start: Buffer; end: Buffer } {
  return indexSpan(members.primary);
}

// ---------------------------------------------------------------- system.role_options

export async function listRoleOptions(txn: Txn, name?: string): Promise<OptionRow[]> {
  const rows = name === undefined ? await scanTable(txn, options) : await scanPrefix(txn, options, [name]);
  return rows.map(toOption);
}

export function putRoleOption(txn: Txn, o: OptionRow): void {
  const row = [o.username, o.option, o.value];
  txn.put(primaryKey(options, row), primaryValue(options, row));
}

export function deleteRoleOption(txn: Txn, name: string, option: string): void {
  txn.del(primaryKey(options, [name, option, null]));
}
