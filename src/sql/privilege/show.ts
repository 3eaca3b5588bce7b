// Owns SHOW USERS / SHOW ROLES (username, options, member_of) and SHOW GRANTS
// in CockroachDB's shapes:
//   ON DATABASE: database_name, grantee, privilege_type, is_grantable
//   ON SCHEMA:   database_name, schema_name, grantee, privilege_type, is_grantable
//   ON TABLE:    database_name, schema_name, table_name, grantee, privilege_type, is_grantable
//   no target:   database_name, schema_name, object_name, object_type, grantee, privilege_type, is_grantable
//                (the current database's database, schema and table grants)
//   ON ROLE:     role_name, member, is_admin
// FOR users keeps grants to those users and to the roles they inherit.
// Rows are distinct and sorted by every column, NULLs first.

import type { Descriptor } from '../catalog/descriptor.js';
import { roleMembersTable, usersTable } from '../catalog/system-schema.js';
import type { GrantTargets, ShowGrantsStatement } from '../parser/ast.js';
import type { OutCol } from '../plan/types.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { rowsResult, type StatementResult } from '../session/result.js';
import { arrayOf, T, type SqlType } from '../types/types.js';
import type { Datum, Row } from '../types/datum.js';
import { requirePrivilege, roleMemberships } from './check.js';
import { databaseName, databases, loadCatalogView, schemaName, schemas, tables } from './catalog-view.js';
import { publicRole, resolveRoleSpec, undefinedRoleError } from './names.js';
import { showPrivileges } from './privilege-set.js';
import { getUser, listMemberships, listRoleOptions, listUsers } from './role-store.js';
import { resolveTargets } from './targets.js';

const col = (name: string, type: SqlType): OutCol => ({ name, type, table: null, hidden: false });

export async function execShowRoles(env: StmtEnv): Promise<StatementResult> {
  await requirePrivilege(env, usersTable, 'SELECT');
  const opts = await listRoleOptions(env.txn);
  const members = await listMemberships(env.txn);
  const rows: Row[] = (await listUsers(env.txn)).map((u) => {
    const mine = opts.filter((o) => o.username === u.username).sort((a, b) => (a.option < b.option ? -1 : 1));
    const options = mine.map((o) => (o.value === null ? o.option : `${o.option}=${o.value}`)).join(', ');
    const memberOf = members.filter((m) => m.member === u.username).map((m) => m.role).sort();
    return [u.username, options, memberOf];
  });
  return rowsResult('SHOW', [col('username', T.string), col('options', T.string), col('member_of', arrayOf(T.string))], rows);
}

function compareDatum(a: Datum, b: Datum): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function sortDistinct(rows: Row[]): Row[] {
  const seen = new Set<string>();
  return rows
    .filter((r) => {
      const k = JSON.stringify(r);
      return !seen.has(k) && !!seen.add(k);
    })
    .sort((x, y) => {
      for (let i = 0; i < x.length; i++) {
        const c = compareDatum(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return 0;
    });
}

/** Grant rows for one object: its name columns followed by grantee, privilege_type, is_grantable. */
function grantRows(names: Datum[], d: Descriptor): Row[] {
  return showPrivileges(d.privileges).map((g) => [...names, g.grantee, g.privilege, g.grantable]);
}

const grantCols = [col('grantee', T.string), col('privilege_type', T.string), col('is_grantable', T.bool)];

async function targetGrants(env: StmtEnv, targets: GrantTargets): Promise<{ cols: OutCol[]; rows: Row[] }> {
  const resolved = await resolveTargets(env, targets);
  const rows: Row[] = [];
  if (targets.kind === 'databases') {
    for (const t of resolved.items) rows.push(...grantRows([t.databaseName], t.desc));
    return { cols: [col('database_name', T.string), ...grantCols], rows };
  }
  if (targets.kind === 'schemas') {
    for (const t of resolved.items) rows.push(...grantRows([t.databaseName, t.schemaName], t.desc));
    return { cols: [col('database_name', T.string), col('schema_name', T.string), ...grantCols], rows };
  }
  for (const t of resolved.items) rows.push(...grantRows([t.databaseName, t.schemaName, t.desc.name], t.desc));
  return { cols: [col('database_name', T.string), col('schema_name', T.string), col('table_name', T.string), ...grantCols], rows };
}

async function allGrants(env: StmtEnv): Promise<{ cols: OutCol[]; rows: Row[] }> {
  const v = await loadCatalogView(env.txn);
  const inDb = (d: Descriptor): boolean => !env.session.database || databaseName(v, d) === env.session.database;
  const rows: Row[] = [];
  for (const d of databases(v).filter(inDb)) rows.push(...grantRows([d.name, null, null, 'database'], d));
  for (const s of schemas(v).filter(inDb)) rows.push(...grantRows([databaseName(v, s), s.name, null, 'schema'], s));
  for (const t of tables(v).filter(inDb)) {
    const type = t.kind === 'sequence' ? 'sequence' : 'table';
    rows.push(...grantRows([databaseName(v, t), schemaName(v, t), t.name, type], t));
  }
  const cols = [col('database_name', T.string), col('schema_name', T.string), col('object_name', T.string), col('object_type', T.string)];
  return { cols: [...cols, ...grantCols], rows };
}

/** The grantees FOR users covers: the users themselves and every role they inherit. */
async function granteeFilter(env: StmtEnv, written: string[]): Promise<Set<string> | null> {
  if (written.length === 0) return null;
  const out = new Set<string>();
  for (const w of written) {
    const name = resolveRoleSpec(w, env.session.user);
    if (name !== publicRole && !(await getUser(env.txn, name))) throw undefinedRoleError(name);
    out.add(name);
    for (const r of (await roleMemberships(env.txn, name)).keys()) out.add(r);
  }
  return out;
}

/** `SHOW GRANTS ON ROLE` parses as a table target named `role` (ROLE is a keyword there in CockroachDB). */
function isRoleTarget(t: GrantTargets | null): boolean {
  if (!t || t.kind !== 'tables' || t.tables.length !== 1) return false;
  const p = t.tables[0]!;
  return p.kind === 'tableName' && p.name.catalog === null && p.name.schema === null && p.name.name === 'role';
}

async function roleGrants(env: StmtEnv, stmt: ShowGrantsStatement): Promise<StatementResult> {
  await requirePrivilege(env, roleMembersTable, 'SELECT');
  const members = stmt.grantees.map((g) => resolveRoleSpec(g, env.session.user));
  const rows = (await listMemberships(env.txn))
    .filter((m) => members.length === 0 || members.includes(m.member))
    .map((m): Row => [m.role, m.member, m.isAdmin]);
  return rowsResult('SHOW', [col('role_name', T.string), col('member', T.string), col('is_admin', T.bool)], sortDistinct(rows));
}

export async function execShowGrants(stmt: ShowGrantsStatement, env: StmtEnv): Promise<StatementResult> {
  if (isRoleTarget(stmt.targets)) return roleGrants(env, stmt);
  const { cols, rows } = stmt.targets ? await targetGrants(env, stmt.targets) : await allGrants(env);
  const keep = await granteeFilter(env, stmt.grantees);
  const granteeAt = cols.length - 3;
  const kept = keep ? rows.filter((r) => keep.has(r[granteeAt] as string)) : rows;
  return rowsResult('SHOW', cols, sortDistinct(kept));
}
