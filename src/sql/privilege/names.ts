// Owns role names as CockroachDB treats them: normalization (usernames are
// case-insensitive, so every name is lower-cased), validation, the reserved
// names, and resolving CURRENT_USER / SESSION_USER.
// Invariants: every role name stored in system tables or descriptors went
// through normalizeRoleName; `public` is a pseudo-role that never has a row
// in system.users.

import { BurrowError } from '../../util/errors.js';
import { adminRole, publicRole, rootUser } from '../catalog/system-schema.js';

export { adminRole, publicRole, rootUser };
export const nodeUser = 'node';

const maxRoleNameChars = 63;
const validName = /^[\p{Ll}0-9_][\p{Ll}0-9_.-]*$/u;
const nameHint =
  'Usernames are case insensitive, must start with a letter, digit or underscore, may contain letters, digits, dashes, periods, or underscores, and must not exceed 63 characters.';

/** Lower-cased, NFC-normalized form used everywhere a role name is stored or compared. */
export function normalizeRoleName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** A name as written in a statement: CURRENT_USER / SESSION_USER become the session user. */
export function resolveRoleSpec(name: string, sessionUser: string): string {
  if (name === 'current_user' || name === 'session_user') return sessionUser;
  return normalizeRoleName(name);
}

export function isReservedRoleName(name: string): boolean {
  return name === publicRole || name === 'none' || name === nodeUser || name.startsWith('pg_') || name.startsWith('crdb_internal');
}

/** Checks a name for CREATE ROLE/USER: special specifiers, syntax, reserved names. */
export function validateNewRoleName(written: string): string {
  if (written === 'current_user' || written === 'session_user') {
    throw new BurrowError('42939', `${written.toUpperCase()} cannot be used as a role name here`);
  }
  const name = normalizeRoleName(written);
  if (!validName.test(name) || name.length > maxRoleNameChars) {
    throw new BurrowError('42602', `"${name}": username is invalid`, { hint: nameHint });
  }
  if (isReservedRoleName(name)) throw new BurrowError('42939', `role name "${name}" is reserved`);
  return name;
}

export function undefinedRoleError(name: string): BurrowError {
  return new BurrowError('42704', `role/user "${name}" does not exist`);
}
