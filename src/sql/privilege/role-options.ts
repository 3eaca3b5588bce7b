// Owns the role options of CREATE/ALTER USER|ROLE: validation (redundant and
// conflicting options), evaluating PASSWORD and VALID UNTIL values, which
// options need CREATELOGIN, and applying them to system.users and
// system.role_options the way CockroachDB stores them (positive options as
// rows, their NO... forms delete the row; NOLOGIN and NOSQLLOGIN are rows,
// LOGIN and SQLLOGIN delete them).
// Invariants: an option is applied only after every check has passed.

import type { Txn } from '../../kv/txn.js';
import { BurrowError } from '../../util/errors.js';
import type { Expr, RoleOption } from '../parser/ast.js';
import type { Datum } from '../types/datum.js';
import { T } from '../types/types.js';
import { formatDatum } from '../types/format.js';
import { parseDatum } from '../types/parse.js';
import { deleteRoleOption, putRoleOption } from './role-store.js';
import { hashPassword, isScramHash } from './scram.js';

/** Options stored as a row when set; the key is the statement's word, the value the stored option. */
const stored: Record<string, string> = {
  CREATEROLE: 'CREATEROLE', CREATEDB: 'CREATEDB', CREATELOGIN: 'CREATELOGIN', CONTROLJOB: 'CONTROLJOB',
  CONTROLCHANGEFEED: 'CONTROLCHANGEFEED', VIEWACTIVITY: 'VIEWACTIVITY', VIEWACTIVITYREDACTED: 'VIEWACTIVITYREDACTED',
  CANCELQUERY: 'CANCELQUERY', MODIFYCLUSTERSETTING: 'MODIFYCLUSTERSETTING', VIEWCLUSTERSETTING: 'VIEWCLUSTERSETTING',
  REPLICATION: 'REPLICATION', BYPASSRLS: 'BYPASSRLS', NOLOGIN: 'NOLOGIN', NOSQLLOGIN: 'NOSQLLOGIN',
};
/** Options whose effect is to delete a stored row. */
const negated: Record<string, string> = {
  NOCREATEROLE: 'CREATEROLE', NOCREATEDB: 'CREATEDB', NOCREATELOGIN: 'CREATELOGIN', NOCONTROLJOB: 'CONTROLJOB',
  NOCONTROLCHANGEFEED: 'CONTROLCHANGEFEED', NOVIEWACTIVITY: 'VIEWACTIVITY', NOVIEWACTIVITYREDACTED: 'VIEWACTIVITYREDACTED',
  NOCANCELQUERY: 'CANCELQUERY', NOMODIFYCLUSTERSETTING: 'MODIFYCLUSTERSETTING', NOVIEWCLUSTERSETTING: 'VIEWCLUSTERSETTING',
  NOREPLICATION: 'REPLICATION', NOBYPASSRLS: 'BYPASSRLS', LOGIN: 'NOLOGIN', SQLLOGIN: 'NOSQLLOGIN',
};
const unsupported = new Set(['SUPERUSER', 'NOSUPERUSER', 'INHERIT', 'NOINHERIT']);
/** Options only a role with CREATELOGIN may set (CockroachDB's checkPasswordOptionConstraints). */
const loginOptions = new Set(['CREATELOGIN', 'NOCREATELOGIN', 'PASSWORD', 'VALID UNTIL', 'LOGIN']);

/** The option family: an option and its NO... form (or LOGIN and NOLOGIN) share one, so both in one statement conflict. */
function family(name: string): string {
  return negated[name] ?? name;
}

/** Rejects unsupported, redundant and conflicting options (42601, CockroachDB's texts). */
export function checkRoleOptions(opts: readonly RoleOption[]): void {
  const seen = new Map<string, string>();
  for (const o of opts) {
    if (unsupported.has(o.name)) throw new BurrowError('0A000', `unimplemented: role option ${o.name} is not supported`);
    const f = family(o.name);
    const prev = seen.get(f);
    if (prev === o.name) throw new BurrowError('42601', 'redundant role options');
    if (prev !== undefined) throw new BurrowError('42601', 'conflicting role options');
    seen.set(f, o.name);
  }
}

export function hasOption(opts: readonly RoleOption[], name: string): boolean {
  return opts.some((o) => o.name === name);
}

/** Whether applying `opts` needs CREATELOGIN; `creating` with no LOGIN/NOLOGIN means an implicit LOGIN. */
export function needsCreateLogin(opts: readonly RoleOption[], creating: boolean): boolean {
  if (opts.some((o) => loginOptions.has(o.name))) return true;
  if (!creating && hasOption(opts, 'NOLOGIN')) return true;
  return creating && !hasOption(opts, 'NOLOGIN') && !hasOption(opts, 'LOGIN');
}

function optionText(e: Expr, params: readonly Datum[]): string | null {
  if (e.kind === 'null') return null;
  if (e.kind === 'str') return e.value;
  if (e.kind === 'placeholder') {
    const v = params[e.index - 1];
    if (v === undefined) throw new BurrowError('08P01', `no value provided for placeholder: $${e.index}`);
    return v === null ? null : String(v);
  }
  throw new BurrowError('42601', 'syntax error: role option values must be strings or NULL');
}

/** The system.users hashedPassword for `PASSWORD x`: a SCRAM hash, kept as given when already hashed. */
export function passwordHashFor(e: Expr, params: readonly Datum[]): Buffer | null {
  const text = optionText(e, params);
  if (text === null) return null;
  if (text === '') throw new BurrowError('28P01', 'empty passwords are not permitted');
  return Buffer.from(isScramHash(text) ? text : hashPassword(text), 'utf8');
}

/** VALID UNTIL's stored value: the timestamp in CockroachDB's text form, or NULL. */
function validUntilValue(e: Expr, params: readonly Datum[], timezone: string): string | null {
  const text = optionText(e, params);
  if (text === null) return null;
  const d = parseDatum(text, T.timestamptz, { timezone });
  const s = formatDatum(d, T.timestamptz, { timezone: 'UTC' });
  return /[+-]\d\d$/.test(s) ? `${s}:00` : s;
}

/** Writes the role_options rows for `opts` (PASSWORD is handled by the caller, in system.users). */
export function applyRoleOptions(txn: Txn, user: string, opts: readonly RoleOption[], params: readonly Datum[], timezone: string): void {
  for (const o of opts) {
    if (o.name === 'PASSWORD') continue;
    if (o.name === 'VALID UNTIL') {
      putRoleOption(txn, { username: user, option: 'VALID UNTIL', value: validUntilValue(o.value!, params, timezone) });
    } else if (stored[o.name] !== undefined) {
      putRoleOption(txn, { username: user, option: stored[o.name]!, value: null });
    } else if (negated[o.name] !== undefined) {
      deleteRoleOption(txn, user, negated[o.name]!);
    }
  }
}
