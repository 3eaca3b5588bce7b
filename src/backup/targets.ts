// Owns resolving what a BACKUP covers, read at the backup's end time through
// a transaction at that timestamp (so names resolve as they were then):
// databases (whole: schemas, tables, views, sequences), table patterns
// (`d.t`, `d.*`, `d.s.*`), or the whole cluster (every user database plus
// the system tables that hold users, roles, settings and zone configs).
// Checks the user may read everything it names.

import { BurrowError } from '../util/errors.js';
import type { Txn } from '../kv/txn.js';
import type { BackupTargets, TablePattern } from '../sql/parser/ast.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from '../sql/catalog/descriptor.js';
import { allDescriptors } from '../sql/catalog/catalog-store.js';
import { SystemIds } from '../sql/catalog/system-schema.js';
import { roleOptionsTable, roleOptionsTableId } from '../sql/privilege/role-store.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { requirePrivilege, userIsAdmin } from '../sql/privilege/check.js';

export interface ResolvedTargets {
  kind: 'cluster' | 'databases' | 'tables';
  /** As written, for the manifest and SHOW BACKUP. */
  names: string[];
  databases: DatabaseDesc[];
  schemas: SchemaDesc[];
  tables: TableDesc[];
  /** Databases covered whole. */
  completeDbs: number[];
  /** System tables whose rows a cluster backup holds. */
  systemTables: TableDesc[];
}

/** System tables a cluster backup carries (CockroachDB's set, as far as Burrow has them). */
export const clusterSystemTableIds = [SystemIds.usersTable, SystemIds.roleMembersTable, SystemIds.settingsTable, SystemIds.zonesTable, roleOptionsTableId];

/** The descriptor of a system table a cluster backup carries (role_options has no stored descriptor yet). */
export function systemTableDesc(id: number, byId: Map<number, Descriptor>): TableDesc | undefined {
  const d = byId.get(id);
  if (d && d.kind === 'table') return d;
  return id === roleOptionsTableId ? roleOptionsTable : undefined;
}

const isUserDb = (d: Descriptor): d is DatabaseDesc => d.kind === 'database' && d.id !== SystemIds.systemDb && d.state === 'public';
const isLive = (d: Descriptor): boolean => d.state === 'public';

function patternText(p: TablePattern): string {
  return p.kind === 'tableStar' ? [...p.prefix, '*'].join('.') : [p.name.catalog, p.name.schema, p.name.name].filter((x) => x).join('.');
}

export async function resolveBackupTargets(env: StmtEnv, txn: Txn, targets: BackupTargets | null): Promise<ResolvedTargets> {
  const all = await allDescriptors(txn);
  const byId = new Map(all.map((d) => [d.id, d]));
  const dbs = all.filter(isUserDb);
  const dbByName = (name: string): DatabaseDesc => {
    const d = dbs.find((x) => x.name === name);
    if (!d) throw new BurrowError('3D000', `database "${name}" does not exist`);
    return d;
  };
  const schemaOf = (db: DatabaseDesc, name: string): SchemaDesc | undefined =>
    all.find((d): d is SchemaDesc => d.kind === 'schema' && d.parentId === db.id && d.name === name && isLive(d));
  const tablesIn = (dbId: number, schemaId?: number): TableDesc[] =>
    all.filter((d): d is TableDesc => d.kind !== 'database' && d.kind !== 'schema' && d.parentId === dbId && isLive(d) && (schemaId === undefined || d.schemaId === schemaId));

  const out: ResolvedTargets = { kind: 'cluster', names: [], databases: [], schemas: [], tables: [], completeDbs: [], systemTables: [] };
  if (!targets) {
    if (!(await userIsAdmin(txn, env.session.user))) {
      throw new BurrowError('42501', 'only users with the admin role are allowed to perform full cluster backups', { hint: 'Back up a database instead: BACKUP DATABASE <name> INTO ...' });
    }
    out.databases = dbs;
    out.completeDbs = dbs.map((d) => d.id);
    out.systemTables = clusterSystemTableIds.map((id) => systemTableDesc(id, byId)).filter((d): d is TableDesc => !!d);
  } else if (targets.kind === 'databases') {
    out.kind = 'databases';
    out.names = targets.names;
    for (const n of targets.names) {
      const db = dbByName(n);
      if (!out.databases.includes(db)) out.databases.push(db);
    }
    out.completeDbs = out.databases.map((d) => d.id);
  } else {
    out.kind = 'tables';
    out.names = targets.tables.map(patternText);
    const tables = new Map<number, TableDesc>();
    for (const p of targets.tables) {
      for (const t of resolvePattern(p, env, dbByName, schemaOf, tablesIn)) tables.set(t.id, t);
    }
    out.tables = [...tables.values()];
    for (const t of out.tables) {
      const db = byId.get(t.parentId) as DatabaseDesc;
      if (!out.databases.includes(db)) out.databases.push(db);
    }
  }
  if (out.kind !== 'tables') {
    for (const db of out.databases) out.tables.push(...tablesIn(db.id));
  }
  const schemaIds = new Set<number>();
  for (const db of out.databases) {
    if (out.completeDbs.includes(db.id)) {
      for (const d of all) if (d.kind === 'schema' && d.parentId === db.id && isLive(d)) schemaIds.add(d.id);
    }
  }
  for (const t of out.tables) schemaIds.add(t.schemaId);
  out.schemas = [...schemaIds].map((id) => byId.get(id)).filter((d): d is SchemaDesc => !!d && d.kind === 'schema');
  for (const t of out.tables) await requirePrivilege({ txn, session: env.session }, t, 'SELECT');
  out.tables.sort((a, b) => a.id - b.id);
  return out;
}

function resolvePattern(
  p: TablePattern,
  env: StmtEnv,
  dbByName: (n: string) => DatabaseDesc,
  schemaOf: (db: DatabaseDesc, n: string) => SchemaDesc | undefined,
  tablesIn: (dbId: number, schemaId?: number) => TableDesc[],
): TableDesc[] {
  if (p.kind === 'tableStar') {
    // d.* / d.s.* / s.* (schema of the current database) / *.
    const [a, b] = p.prefix;
    if (p.prefix.length === 2) {
      const db = dbByName(a!);
      const s = schemaOf(db, b!);
      if (!s) throw new BurrowError('3F000', `schema "${b}" does not exist`);
      return tablesIn(db.id, s.id);
    }
    if (p.prefix.length === 1) {
      const cur = safeDb(env.session.database, dbByName);
      const s = cur ? schemaOf(cur, a!) : undefined;
      if (s && cur) return tablesIn(cur.id, s.id);
      return tablesIn(dbByName(a!).id);
    }
    const cur = dbByName(env.session.database);
    return tablesIn(cur.id);
  }
  const n = p.name;
  let db: DatabaseDesc;
  let schemaName = n.schema ?? 'public';
  if (n.catalog) db = dbByName(n.catalog);
  else if (n.schema) {
    const cur = safeDb(env.session.database, dbByName);
    if (cur && schemaOf(cur, n.schema)) db = cur;
    else {
      db = dbByName(n.schema);
      schemaName = 'public';
    }
  } else db = dbByName(env.session.database);
  const s = schemaOf(db, schemaName);
  const t = s ? tablesIn(db.id, s.id).find((x) => x.name === n.name) : undefined;
  if (!t) throw new BurrowError('42P01', `table "${[n.catalog, n.schema, n.name].filter((x) => x).join('.')}" does not exist`);
  return [t];
}

function safeDb(name: string, dbByName: (n: string) => DatabaseDesc): DatabaseDesc | undefined {
  try {
    return dbByName(name);
  } catch {
    return undefined;
  }
}
