// Owns CREATE [OR REPLACE] VIEW: preparing and storing the query text
// (qualified names, expanded stars; see view-rewrite.ts), checking that it
// plans now, the view's columns (names from the column list or the query,
// types from the plan), and dependencies recorded both ways: the view's
// dependsOn and each dependency's dependedOnBy. DROP VIEW is in ddl.ts;
// SHOW CREATE VIEW reads viewQuery and columns.
//
// Invariants: viewQuery is the formatted, prepared SELECT; columns list the
// view's visible output columns in order; back-references are updated in
// the same transaction, including those a replaced definition no longer has.

import { BurrowError } from '../../util/errors.js';
import type { CreateViewStatement } from '../parser/ast.js';
import { formatStatement } from '../parser/index.js';
import { allocateDescriptorId, writeDescriptor, writeNamespace } from '../catalog/catalog-store.js';
import type { ColumnDesc, DatabaseDesc, SchemaDesc, TableDesc } from '../catalog/descriptor.js';
import { SystemIds, defaultPrivileges } from '../catalog/system-schema.js';
import { planSelect } from '../plan/build-select.js';
import type { OutCol } from '../plan/types.js';
import { typesEqual } from '../types/types.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { readClusterSetting } from '../settings/cluster-settings.js';
import { shortTypeName } from '../settings/const-expr.js';
import { qualifiedName } from './names.js';
import { requirePrivilege } from '../privilege/check.js';
import { prepareViewQuery } from './view-rewrite.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function viewColumns(planned: OutCol[], names: string[]): ColumnDesc[] {
  const cols = planned.filter((c) => !c.hidden);
  if (names.length > 0 && names.length !== cols.length) {
    throw new BurrowError('42601', `CREATE VIEW specifies ${plural(names.length, 'column name')}, but data source has ${plural(cols.length, 'column')}`);
  }
  const out = cols.map((c, i): ColumnDesc => ({
    id: i + 1, name: names[i] ?? c.name, type: c.type, nullable: true, defaultExpr: null, computeExpr: null, hidden: false, onUpdateExpr: null,
  }));
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw new BurrowError('42701', `duplicate column name: "${c.name}"`);
    seen.add(c.name);
  }
  return out;
}

function checkReplacement(old: ColumnDesc[], next: ColumnDesc[]): void {
  if (next.length < old.length) throw new BurrowError('42P16', 'cannot drop columns from view');
  old.forEach((o, i) => {
    const n = next[i]!;
    if (o.name !== n.name) throw new BurrowError('42P16', `cannot change name of view column "${o.name}" to "${n.name}"`);
    if (!typesEqual(o.type, n.type)) {
      throw new BurrowError('42P16', `cannot change type of view column "${o.name}" from ${shortTypeName(o.type)} to ${shortTypeName(n.type)}`);
    }
  });
}

async function checkCrossDatabase(env: StmtEnv, db: DatabaseDesc, deps: number[]): Promise<void> {
  for (const id of deps) {
    const d = await env.catalog.getById(env.txn, id);
    if (!d || d.kind === 'database' || d.kind === 'schema') continue;
    if (d.parentId === db.id || d.parentId === SystemIds.systemDb) continue;
    if ((await readClusterSetting(env.txn, 'sql.cross_db_views.enabled')) === 'true') return;
    throw new BurrowError('0A000', "the view cannot refer to other databases; (see the 'sql.cross_db_views.enabled' cluster setting)");
  }
}

/** Adds or removes viewId in the dependedOnBy of every descriptor in before ∪ after. */
async function updateBackReferences(env: StmtEnv, viewId: number, before: number[], after: number[]): Promise<void> {
  for (const id of new Set([...before, ...after])) {
    const d = await env.catalog.getById(env.txn, id);
    if (!d || d.kind === 'database' || d.kind === 'schema') continue;
    const want = after.includes(id);
    if (d.dependedOnBy.includes(viewId) === want) continue;
    const dependedOnBy = want ? [...d.dependedOnBy, viewId] : d.dependedOnBy.filter((x) => x !== viewId);
    writeDescriptor(env.txn, { ...d, version: d.version + 1, dependedOnBy });
  }
}

interface ViewParts {
  id: number;
  name: string;
  db: DatabaseDesc;
  schema: SchemaDesc;
  columns: ColumnDesc[];
  query: string;
  dependsOn: number[];
  owner: string;
}

/** The view's descriptor; a replaced view keeps its version history, privileges, comment and dependents. */
function viewDesc(p: ViewParts, prev: TableDesc | null): TableDesc {
  return {
    kind: 'view', id: p.id, name: p.name, parentId: p.db.id, schemaId: p.schema.id, version: prev ? prev.version + 1 : 1,
    state: 'public', columns: p.columns, nextColumnId: p.columns.length + 1,
    primaryIndex: { id: 1, name: 'primary', unique: false, columnIds: [], directions: [], storeColumnIds: [], suffixColumnIds: [], predicate: null },
    indexes: [], nextIndexId: 2, checks: [], outboundFks: [], inboundFks: [],
    viewQuery: p.query, dependsOn: p.dependsOn, dependedOnBy: prev?.dependedOnBy ?? [], sequence: null,
    privileges: prev?.privileges ?? defaultPrivileges(p.owner, 'table'), comment: prev?.comment ?? null, dropTimeMicros: null,
  };
}

async function existingView(env: StmtEnv, stmt: CreateViewStatement, id: number, qualified: string): Promise<TableDesc | 'skip'> {
  if (stmt.ifNotExists) return 'skip';
  if (!stmt.orReplace) throw new BurrowError('42P07', `relation "${qualified}" already exists`);
  const d = await env.catalog.getById(env.txn, id);
  if (!d || d.kind !== 'view') throw new BurrowError('42809', `"${stmt.name.name}" is not a view`);
  await requirePrivilege(env, d, 'DROP');
  return d;
}

export async function execCreateView(stmt: CreateViewStatement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.materialized) throw new BurrowError('0A000', 'unimplemented: materialized views');
  if (stmt.temporary) throw new BurrowError('0A000', 'unimplemented: temporary views');
  const { db, schema } = await env.catalog.resolveTarget(env.txn, stmt.name, env.session);
  await requirePrivilege(env, schema, 'CREATE');
  const qualified = qualifiedName(db.name, schema.name, stmt.name.name);
  const existingId = await env.catalog.lookup(env.txn, db.id, schema.id, stmt.name.name);
  const prev = existingId === undefined ? null : await existingView(env, stmt, existingId, qualified);
  if (prev === 'skip') return commandResult('CREATE VIEW');
  const ctx = env.planCtx();
  const prepared = await prepareViewQuery(stmt.select, ctx);
  const columns = viewColumns((await planSelect(prepared.select, ctx)).cols, stmt.columns);
  if (prev) checkReplacement(prev.columns, columns);
  const id = prev?.id ?? (await allocateDescriptorId(env.txn));
  if (prepared.dependsOn.includes(id)) throw new BurrowError('42P17', `cyclic view dependency for relation ${qualified}`);
  await checkCrossDatabase(env, db, prepared.dependsOn);
  await updateBackReferences(env, id, prev?.dependsOn ?? [], prepared.dependsOn);
  const query = formatStatement(prepared.select);
  const desc = viewDesc({ id, name: stmt.name.name, db, schema, columns, query, dependsOn: prepared.dependsOn, owner: env.session.user }, prev);
  writeDescriptor(env.txn, desc);
  if (!prev) writeNamespace(env.txn, db.id, schema.id, desc.name, id);
  return commandResult('CREATE VIEW');
}
