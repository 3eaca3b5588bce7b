// Owns what authentication needs to know about a role, read through a kv
// transaction: whether it exists, may log in (no NOLOGIN / NOSQLLOGIN, not
// past VALID UNTIL) and its stored SCRAM credentials. The wire protocol
// decides what to send; this module only reports facts.
// Invariants: `public` and unknown names never log in; roles created with
// CREATE ROLE (NOLOGIN) do not log in until ALTER ROLE ... LOGIN.

import type { Txn } from '../../kv/txn.js';
import { normalizeRoleName } from './names.js';
import { getUser, listRoleOptions } from './role-store.js';
import { scramCredentials, type ScramCredentials } from './scram.js';

export interface LoginInfo {
  username: string;
  exists: boolean;
  /** False for NOLOGIN, NOSQLLOGIN, or an expired VALID UNTIL. */
  canLogin: boolean;
  /** Null when the role has no password (password authentication must fail). */
  credentials: ScramCredentials | null;
  /** VALID UNTIL as epoch milliseconds, null when unset. */
  validUntilMs: number | null;
}

/** Facts about `user` as of the transaction's timestamp, at time `nowMs`. */
export async function loginInfo(txn: Txn, user: string, nowMs: number): Promise<LoginInfo> {
  const username = normalizeRoleName(user);
  const row = await getUser(txn, username);
  if (!row) return { username, exists: false, canLogin: false, credentials: null, validUntilMs: null };
  const opts = await listRoleOptions(txn, username);
  const until = opts.find((o) => o.option === 'VALID UNTIL')?.value ?? null;
  const validUntilMs = until === null ? null : Date.parse(until.replace(' ', 'T'));
  const blocked = opts.some((o) => o.option === 'NOLOGIN' || o.option === 'NOSQLLOGIN');
  const expired = validUntilMs !== null && !Number.isNaN(validUntilMs) && nowMs >= validUntilMs;
  return { username, exists: true, canLogin: !blocked && !expired, credentials: scramCredentials(row.hashedPassword), validUntilMs };
}
