// Owns privilege lists as plain data: which privileges exist, which apply to
// which kind of object, and GRANT / REVOKE applied to a descriptor's
// PrivilegeDesc with CockroachDB's rules (ALL overwrites; revoking one
// privilege from a holder of ALL expands ALL into the object's privileges;
// a user left with no privileges is removed). Pure functions: inputs are
// never mutated, results are new objects.
// Invariants: a UserPrivileges entry never has an empty `privileges` list;
// `withGrantOption` lists only privileges the user also holds (or ALL).

import { BurrowError } from '../../util/errors.js';
import type { Descriptor, Privilege, PrivilegeDesc, UserPrivileges } from '../catalog/descriptor.js';

/** The object kinds privileges are granted on, named as CockroachDB names them in errors. */
export type ObjectKind = 'database' | 'schema' | 'table' | 'sequence';

const validByKind: Record<ObjectKind, readonly Privilege[]> = {
  database: ['ALL', 'BACKUP', 'CONNECT', 'CREATE', 'DROP', 'RESTORE', 'ZONECONFIG'],
  schema: ['ALL', 'CHANGEFEED', 'CREATE', 'USAGE'],
  table: ['ALL', 'BACKUP', 'CHANGEFEED', 'CREATE', 'DROP', 'SELECT', 'INSERT', 'DELETE', 'UPDATE', 'ZONECONFIG'],
  sequence: ['ALL', 'USAGE', 'SELECT', 'UPDATE', 'CREATE', 'DROP', 'INSERT', 'DELETE', 'ZONECONFIG'],
};

const known = new Set<string>([
  'ALL', 'CREATE', 'DROP', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ZONECONFIG', 'CONNECT', 'USAGE', 'BACKUP', 'RESTORE',
  'CHANGEFEED', 'EXTERNALIOIMPLICITACCESS',
]);

export function objectKindOf(d: Descriptor): ObjectKind {
  if (d.kind === 'database' || d.kind === 'schema') return d.kind;
  return d.kind === 'sequence' ? 'sequence' : 'table';
}

/** CockroachDB's word for the object in "does not have X privilege on <word> <name>". */
export function errorNounOf(d: Descriptor): string {
  return d.kind === 'database' || d.kind === 'schema' ? d.kind : 'relation';
}

/** Parses privilege names as written (upper case); unknown names are a syntax error. */
export function parsePrivileges(names: readonly string[]): Privilege[] {
  const out: Privilege[] = [];
  for (const n of names) {
    if (!known.has(n)) throw new BurrowError('42601', `at or near "${n.toLowerCase()}": syntax error: not a valid privilege: "${n.toLowerCase()}"`);
    if (!out.includes(n as Privilege)) out.push(n as Privilege);
  }
  return out;
}

/** Fails with CockroachDB's error when a privilege does not apply to the object kind. */
export function validatePrivileges(privs: readonly Privilege[], kind: ObjectKind): void {
  for (const p of privs) {
    if (!validByKind[kind].includes(p)) throw new BurrowError('0LP01', `invalid privilege type ${p} for ${kind}`);
  }
}

export function validPrivilegesFor(kind: ObjectKind): readonly Privilege[] {
  return validByKind[kind];
}

/** Whether an entry's privileges include `priv` (ALL includes everything). */
export function entryHas(e: UserPrivileges | undefined, priv: Privilege): boolean {
  return !!e && (e.privileges.includes('ALL') || e.privileges.includes(priv));
}

/** Whether an entry holds the grant option for every privilege in `privs`. */
export function entryHasGrantOptions(e: UserPrivileges | undefined, privs: readonly Privilege[]): boolean {
  if (!e) return false;
  if (e.withGrantOption.includes('ALL')) return true;
  return privs.every((p) => e.withGrantOption.includes(p));
}

export function findEntry(p: PrivilegeDesc, user: string): UserPrivileges | undefined {
  return p.users.find((u) => u.user === user);
}

function replaceEntry(p: PrivilegeDesc, user: string, e: UserPrivileges | null): PrivilegeDesc {
  const users = p.users.filter((u) => u.user !== user);
  if (e && e.privileges.length > 0) users.push(e);
  users.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  return { owner: p.owner, users };
}

function union(a: readonly Privilege[], b: readonly Privilege[]): Privilege[] {
  return [...a, ...b.filter((x) => !a.includes(x))];
}

/** GRANT privs TO user [WITH GRANT OPTION] on one privilege descriptor. */
export function grantPrivileges(p: PrivilegeDesc, user: string, privs: readonly Privilege[], withGrantOption: boolean): PrivilegeDesc {
  const cur = findEntry(p, user) ?? { user, privileges: [], withGrantOption: [] };
  if (cur.privileges.includes('ALL') && (cur.withGrantOption.includes('ALL') || !withGrantOption)) return p;
  if (privs.includes('ALL')) {
    return replaceEntry(p, user, { user, privileges: ['ALL'], withGrantOption: withGrantOption ? ['ALL'] : [...cur.withGrantOption] });
  }
  const privileges = cur.privileges.includes('ALL') ? ['ALL' as const] : union(cur.privileges, privs);
  const grantOpts = withGrantOption ? union(cur.withGrantOption, privs) : [...cur.withGrantOption];
  return replaceEntry(p, user, { user, privileges, withGrantOption: grantOpts });
}

function expandAll(list: readonly Privilege[], kind: ObjectKind): Privilege[] {
  return list.includes('ALL') ? validByKind[kind].filter((x) => x !== 'ALL') : [...list];
}

/** REVOKE [GRANT OPTION FOR] privs FROM user on one privilege descriptor. */
export function revokePrivileges(p: PrivilegeDesc, user: string, privs: readonly Privilege[], kind: ObjectKind, grantOptionFor: boolean): PrivilegeDesc {
  const cur = findEntry(p, user);
  if (!cur) return p;
  if (privs.includes('ALL')) {
    return replaceEntry(p, user, grantOptionFor ? { ...cur, withGrantOption: [] } : null);
  }
  const withGrantOption = expandAll(cur.withGrantOption, kind).filter((x) => !privs.includes(x));
  if (grantOptionFor) return replaceEntry(p, user, { user, privileges: [...cur.privileges], withGrantOption });
  const privileges = expandAll(cur.privileges, kind).filter((x) => !privs.includes(x));
  return replaceEntry(p, user, { user, privileges, withGrantOption: withGrantOption.filter((x) => privileges.includes(x)) });
}

/**
 * The rows SHOW GRANTS lists for one descriptor: one per (grantee, privilege),
 * with the owner implicitly holding ALL WITH GRANT OPTION, as CockroachDB's
 * information_schema shows it.
 */
export function showPrivileges(p: PrivilegeDesc): { grantee: string; privilege: Privilege; grantable: boolean }[] {
  const out: { grantee: string; privilege: Privilege; grantable: boolean }[] = [];
  const ownerShown = p.owner !== 'node';
  for (const u of p.users) {
    if (ownerShown && u.user === p.owner) continue;
    const all = u.withGrantOption.includes('ALL');
    for (const priv of u.privileges) out.push({ grantee: u.user, privilege: priv, grantable: all || u.withGrantOption.includes(priv) });
  }
  if (ownerShown) out.push({ grantee: p.owner, privilege: 'ALL', grantable: true });
  return out;
}
