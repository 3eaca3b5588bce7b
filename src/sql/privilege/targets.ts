// Owns resolving the targets of GRANT, REVOKE and SHOW GRANTS ON to
// descriptors: databases, schemas, tables (names and `*` patterns), all
// tables in a schema, and sequences, with CockroachDB's resolution rules and
// errors. Each target carries the names SHOW GRANTS prints.
// Invariants: only public descriptors are returned; a target listed twice is
// returned once.

import { BurrowError } from '../../util/errors.js';
import type { DatabaseDesc, Descriptor, SchemaDesc } from '../catalog/descriptor.js';
import type { GrantTargets, SchemaName, TablePattern } from '../parser/ast.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { objectKindOf, type ObjectKind } from './privilege-set.js';

export interface ResolvedTarget {
  desc: Descriptor;
  databaseName: string;
  schemaName: string | null;
}

export interface ResolvedTargets {
  /** The kind privileges are validated against (a list of only sequences is 'sequence'). */
  kind: ObjectKind;
  items: ResolvedTarget[];
}

async function schemaOf(env: StmtEnv, n: SchemaName): Promise<{ db: DatabaseDesc; schema: SchemaDesc }> {
  const db = await env.catalog.mustGetDatabase(env.txn, n.catalog ?? env.session.database);
  const schema = await env.catalog.getSchema(env.txn, db, n.schema);
  if (!schema) throw new BurrowError('3F000', `schema "${n.schema}" does not exist`);
  return { db, schema };
}

async function tablesIn(env: StmtEnv, db: DatabaseDesc, schema: SchemaDesc): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  for (const e of await env.catalog.list(env.txn, db.id, schema.id)) {
    const d = await env.catalog.getById(env.txn, e.id);
    if (d && d.kind !== 'database' && d.kind !== 'schema' && d.state === 'public') {
      out.push({ desc: d, databaseName: db.name, schemaName: schema.name });
    }
  }
  return out;
}

/** `*` is the current schema; `x.*` schema x of the current database, else database x's public schema; `db.s.*`. */
async function expandStar(env: StmtEnv, prefix: string[]): Promise<ResolvedTarget[]> {
  if (prefix.length === 2) {
    const { db, schema } = await schemaOf(env, { catalog: prefix[0]!, schema: prefix[1]! });
    return tablesIn(env, db, schema);
  }
  if (prefix.length === 0) {
    const { db, schema } = await schemaOf(env, { catalog: null, schema: env.session.searchPath[0] ?? 'public' });
    return tablesIn(env, db, schema);
  }
  const cur = env.session.database ? await env.catalog.getDatabase(env.txn, env.session.database) : undefined;
  const schema = cur ? await env.catalog.getSchema(env.txn, cur, prefix[0]!) : undefined;
  if (cur && schema) return tablesIn(env, cur, schema);
  const { db, schema: pub } = await schemaOf(env, { catalog: prefix[0]!, schema: 'public' });
  return tablesIn(env, db, pub);
}

async function tablePattern(env: StmtEnv, p: TablePattern): Promise<ResolvedTarget[]> {
  if (p.kind === 'tableStar') return expandStar(env, p.prefix);
  const t = await env.catalog.resolveTable(env.txn, p.name, env.session);
  return [{ desc: t.desc, databaseName: t.db.name, schemaName: t.schema.name }];
}

async function resolveItems(env: StmtEnv, targets: GrantTargets): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  switch (targets.kind) {
    case 'databases':
      for (const n of targets.names) out.push({ desc: await env.catalog.mustGetDatabase(env.txn, n), databaseName: n, schemaName: null });
      return out;
    case 'schemas':
      for (const n of targets.names) {
        const { db, schema } = await schemaOf(env, n);
        out.push({ desc: schema, databaseName: db.name, schemaName: schema.name });
      }
      return out;
    case 'allTablesInSchema': case 'allSequencesInSchema':
      for (const n of targets.schemas) {
        const { db, schema } = await schemaOf(env, n);
        const all = await tablesIn(env, db, schema);
        out.push(...all.filter((t) => (targets.kind === 'allSequencesInSchema') === (t.desc.kind === 'sequence')));
      }
      return out;
    case 'tables':
      for (const p of targets.tables) out.push(...(await tablePattern(env, p)));
      return out;
    case 'sequences':
      for (const n of targets.names) {
        const [t] = await tablePattern(env, { kind: 'tableName', name: n });
        if (t!.desc.kind !== 'sequence') throw new BurrowError('42809', `"${t!.desc.name}" is not a sequence`);
        out.push(t!);
      }
      return out;
    case 'types':
      throw new BurrowError('0A000', 'unimplemented: privileges on types are not supported yet');
  }
}

export async function resolveTargets(env: StmtEnv, targets: GrantTargets): Promise<ResolvedTargets> {
  const seen = new Set<number>();
  const items = (await resolveItems(env, targets)).filter((t) => !seen.has(t.desc.id) && seen.add(t.desc.id));
  const kinds = items.map((t) => objectKindOf(t.desc));
  let kind: ObjectKind = targets.kind === 'databases' ? 'database' : targets.kind === 'schemas' ? 'schema' : 'table';
  if (kind === 'table' && kinds.length > 0 && kinds.every((k) => k === 'sequence')) kind = 'sequence';
  if (targets.kind === 'sequences' || targets.kind === 'allSequencesInSchema') kind = 'sequence';
  return { kind, items };
}

/** True for the system database and everything in it. */
export function isSystemDescriptor(d: Descriptor): boolean {
  return d.kind === 'database' ? d.id === 1 : d.parentId === 1;
}
