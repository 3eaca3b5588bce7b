// Owns CREATE SEQUENCE and ALTER SEQUENCE (options, RESTART, OWNED BY,
// RENAME TO, OWNER TO). DROP SEQUENCE lives with the other drops (ddl.ts).
//
// Invariants: a sequence descriptor has one column `value` INT8 and a
// primary index on it (as CockroachDB's do); its value key is written in the
// creating transaction (start - increment, or RESTART - increment). ALTER
// bumps the descriptor version, which also invalidates sessions' cached
// values.

import { BurrowError } from '../../util/errors.js';
import type { AlterSequenceStatement, CreateSequenceStatement, ObjectName } from '../parser/ast.js';
import { allocateDescriptorId, deleteNamespace, writeDescriptor, writeNamespace } from '../catalog/catalog-store.js';
import type { SequenceOptions, TableDesc } from '../catalog/descriptor.js';
import { defaultPrivileges } from '../catalog/system-schema.js';
import { displayName } from '../catalog/catalog.js';
import { T } from '../types/types.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, type StatementResult } from '../session/result.js';
import { applySequenceOptions } from './sequence-options.js';
import { initialSequenceValue, readSequenceValue, writeSequenceValue } from './sequences.js';
import { qualifiedName } from './names.js';
import { requirePrivilege } from '../privilege/check.js';

function sequenceDesc(id: number, name: string, parentId: number, schemaId: number, owner: string, o: SequenceOptions): TableDesc {
  return {
    kind: 'sequence', id, name, parentId, schemaId, version: 1, state: 'public',
    columns: [{ id: 1, name: 'value', type: T.int, nullable: false, defaultExpr: null, computeExpr: null, hidden: false, onUpdateExpr: null }],
    nextColumnId: 2,
    primaryIndex: { id: 1, name: 'primary', unique: true, columnIds: [1], directions: ['asc'], storeColumnIds: [], suffixColumnIds: [], predicate: null },
    indexes: [], nextIndexId: 2, checks: [], outboundFks: [], inboundFks: [], viewQuery: null, dependsOn: [], dependedOnBy: [],
    sequence: o, privileges: defaultPrivileges(owner, 'table'), comment: null, dropTimeMicros: null,
  };
}

/** OWNED BY table.column: the table part of the name and the column. */
async function resolveOwner(env: StmtEnv, col: ObjectName): Promise<{ tableId: number; columnId: number }> {
  const parts = [col.catalog, col.schema].filter((p): p is string => p !== null);
  if (parts.length === 0) {
    throw new BurrowError('42601', 'invalid OWNED BY option', { hint: 'Specify OWNED BY table.column or OWNED BY NONE.' });
  }
  const table: ObjectName = parts.length === 1 ? { catalog: null, schema: null, name: parts[0]! } : { catalog: null, schema: parts[0]!, name: parts[1]! };
  const { desc } = await env.catalog.resolveTable(env.txn, table, env.session);
  const c = desc.columns.find((x) => x.name === col.name);
  if (!c) throw new BurrowError('42703', `column "${col.name}" does not exist`);
  return { tableId: desc.id, columnId: c.id };
}

export async function execCreateSequence(stmt: CreateSequenceStatement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.temporary) throw new BurrowError('0A000', 'unimplemented: temporary sequences');
  const { db, schema } = await env.catalog.resolveTarget(env.txn, stmt.name, env.session);
  await requirePrivilege(env, schema, 'CREATE');
  const name = stmt.name.name;
  if ((await env.catalog.lookup(env.txn, db.id, schema.id, name)) !== undefined) {
    if (stmt.ifNotExists) return commandResult('CREATE SEQUENCE');
    throw new BurrowError('42P07', `relation "${qualifiedName(db.name, schema.name, name)}" already exists`);
  }
  const parsed = applySequenceOptions(stmt.options, null);
  if (parsed.ownedBy) parsed.options.ownedBy = await resolveOwner(env, parsed.ownedBy);
  const desc = sequenceDesc(await allocateDescriptorId(env.txn), name, db.id, schema.id, env.session.user, parsed.options);
  writeDescriptor(env.txn, desc);
  writeNamespace(env.txn, db.id, schema.id, name, desc.id);
  writeSequenceValue(env.txn, desc, initialSequenceValue(parsed.options, parsed.restart));
  return commandResult('CREATE SEQUENCE');
}

async function renameSequence(env: StmtEnv, desc: TableDesc, to: ObjectName): Promise<TableDesc> {
  const { db, schema } = await env.catalog.resolveTarget(env.txn, to, env.session);
  if (db.id !== desc.parentId) throw new BurrowError('0A000', 'cannot change database of sequence using RENAME TO');
  if ((await env.catalog.lookup(env.txn, db.id, schema.id, to.name)) !== undefined) {
    throw new BurrowError('42P07', `relation "${qualifiedName(db.name, schema.name, to.name)}" already exists`);
  }
  deleteNamespace(env.txn, desc.parentId, desc.schemaId, desc.name);
  writeNamespace(env.txn, db.id, schema.id, to.name, desc.id);
  return { ...desc, name: to.name, schemaId: schema.id };
}

/** The stored value after new bounds: CockroachDB pulls a value that overshot the old bound back to it. */
function clampedValue(cur: bigint, old: SequenceOptions, next: SequenceOptions): bigint | null {
  if (old.maxValue < next.maxValue && cur > old.maxValue) return old.maxValue;
  if (old.minValue > next.minValue && cur < old.minValue) return old.minValue;
  return null;
}

async function alterOptions(env: StmtEnv, desc: TableDesc, stmt: AlterSequenceStatement): Promise<TableDesc> {
  if (stmt.cmd.kind !== 'options') return desc;
  const old = desc.sequence!;
  const parsed = applySequenceOptions(stmt.cmd.options, old);
  if (parsed.ownedBy !== undefined) parsed.options.ownedBy = parsed.ownedBy ? await resolveOwner(env, parsed.ownedBy) : null;
  const next = { ...desc, sequence: parsed.options };
  if (parsed.restart !== null) writeSequenceValue(env.txn, next, initialSequenceValue(parsed.options, parsed.restart));
  else {
    const clamped = clampedValue(await readSequenceValue(env.txn, desc), old, parsed.options);
    if (clamped !== null) writeSequenceValue(env.txn, next, clamped);
  }
  return next;
}

export async function execAlterSequence(stmt: AlterSequenceStatement, env: StmtEnv): Promise<StatementResult> {
  const found = await env.catalog.findTable(env.txn, stmt.name, env.session);
  if (!found) {
    if (stmt.ifExists) return commandResult('ALTER SEQUENCE');
    throw new BurrowError('42P01', `relation "${displayName(stmt.name)}" does not exist`);
  }
  const desc = found.desc;
  if (desc.kind !== 'sequence') throw new BurrowError('42809', `"${desc.name}" is not a sequence`);
  await requirePrivilege(env, desc, 'CREATE');
  const bumped = { ...desc, version: desc.version + 1 };
  switch (stmt.cmd.kind) {
    case 'renameTo':
      writeDescriptor(env.txn, await renameSequence(env, bumped, stmt.cmd.newName));
      return commandResult('RENAME SEQUENCE');
    case 'ownerTo':
      writeDescriptor(env.txn, { ...bumped, privileges: { ...desc.privileges, owner: stmt.cmd.owner } });
      return commandResult('ALTER SEQUENCE OWNER');
    case 'options':
      writeDescriptor(env.txn, await alterOptions(env, bumped, stmt));
      return commandResult('ALTER SEQUENCE');
  }
}
