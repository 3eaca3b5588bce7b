// Owns wiring the user, role and privilege statements into the SQL layer's
// dispatcher. Call registerPrivilegeHandlers() once at start-up (before the
// first session runs a statement); calling it again is harmless.

import type { Statement } from '../parser/ast.js';
import { registerStatementHandler } from '../session/dispatch.js';
import { execDropRole } from './drop-role.js';
import { execGrant, execRevoke } from './grant.js';
import { execGrantRole, execRevokeRole } from './grant-role.js';
import { execAlterRole, execCreateRole } from './roles.js';
import { execShowGrants, execShowRoles } from './show.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

export function registerPrivilegeHandlers(): void {
  registerStatementHandler('createRole', (s, env) => execCreateRole(s as Of<'createRole'>, env));
  registerStatementHandler('alterRole', (s, env) => execAlterRole(s as Of<'alterRole'>, env));
  registerStatementHandler('dropRole', (s, env) => execDropRole(s as Of<'dropRole'>, env));
  registerStatementHandler('grant', (s, env) => execGrant(s as Of<'grant'>, env));
  registerStatementHandler('revoke', (s, env) => execRevoke(s as Of<'revoke'>, env));
  registerStatementHandler('grantRole', (s, env) => execGrantRole(s as Of<'grantRole'>, env));
  registerStatementHandler('revokeRole', (s, env) => execRevokeRole(s as Of<'revokeRole'>, env));
  registerStatementHandler('showUsers', (_s, env) => execShowRoles(env));
  registerStatementHandler('showRoles', (_s, env) => execShowRoles(env));
  registerStatementHandler('showGrants', (s, env) => execShowGrants(s as Of<'showGrants'>, env));
}
