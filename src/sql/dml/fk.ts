// Owns foreign key enforcement: a written child row must reference an
// existing parent row (unless a referencing column is NULL), and a deleted
// or re-keyed parent row must not leave children behind: depending on the
// constraint's ON DELETE/ON UPDATE action the children block it (23503),
// are deleted (CASCADE) or get NULLs (SET NULL). Cascades are bounded in
// depth.

import { BurrowError } from '../../util/errors.js';
import type { Datum, Row } from '../types/datum.js';
import { compareDatums } from '../types/datum.js';
import { formatDatum } from '../types/format.js';
import type { ForeignKeyDesc, TableDesc } from '../catalog/descriptor.js';
import {
  decodePrimaryRow, decodeSecondaryRow, encodeIndexKeyPrefix, indexSpan, primaryKey, tableLayout, type IndexLayout,
} from '../rowenc/table-codec.js';
import { prefixEnd } from '../../util/encoding.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { deleteRow, updateRow } from './row-writer.js';

const maxCascadeDepth = 32;

function valuesOf(desc: TableDesc, row: Row, colIds: number[]): Datum[] {
  const l = tableLayout(desc);
  return colIds.map((id) => row[l.ordinalById.get(id)!]!);
}

function keyText(desc: TableDesc, colIds: number[], vals: Datum[], tz: string): string {
  const cols = colIds.map((id) => desc.columns.find((c) => c.id === id)!);
  return `(${cols.map((c) => c.name).join(', ')})=(${vals.map((v, i) => (v === null ? 'NULL' : formatDatum(v, cols[i]!.type, { timezone: tz }))).join(', ')})`;
}

async function tableById(env: StmtEnv, id: number): Promise<TableDesc> {
  const d = await env.catalog.getById(env.txn, id);
  if (!d || d.kind === 'database' || d.kind === 'schema') throw new BurrowError('XX000', `foreign key references missing table ${id}`);
  return d;
}

/**
 * The span of index ix holding the entries whose leading columns equal vals,
 * when colIds are (in any order) exactly its first columns; null otherwise.
 */
function leadingSpan(ix: IndexLayout, colIds: number[], vals: Datum[]): { start: Buffer; end: Buffer } | null {
  const lead = ix.index.columnIds.slice(0, colIds.length);
  if (lead.length < colIds.length || !lead.every((id) => colIds.includes(id))) return null;
  try {
    const start = encodeIndexKeyPrefix(ix, lead.map((id) => vals[colIds.indexOf(id)]!));
    return { start, end: prefixEnd(start) };
  } catch {
    return null; // a value the index's key type cannot encode: fall back to a scan
  }
}

/**
 * Rows of `desc` whose colIds equal vals: a range scan of the primary key or
 * of a secondary index that starts with those columns (then each row is read
 * by its primary key), else a scan of the whole table. The range forms keep a
 * check proportional to the matching rows: a userfile delete used to read
 * every other file's 4 MiB chunks looking for references to its file_id.
 */
async function findRows(env: StmtEnv, desc: TableDesc, colIds: number[], vals: Datum[], limit: number): Promise<Row[]> {
  const l = tableLayout(desc);
  const ords = colIds.map((id) => l.ordinalById.get(id)!);
  const matches = (r: Row): boolean => ords.every((o, i) => r[o] !== null && compareDatums(r[o]!, vals[i]!, l.types[o]!) === 0);
  const out: Row[] = [];
  const pkSpan = leadingSpan(l.primary, colIds, vals);
  const ix = pkSpan ? undefined : l.secondaries.find((s) => leadingSpan(s, colIds, vals) !== null);
  const span = pkSpan ?? (ix ? leadingSpan(ix, colIds, vals)! : indexSpan(l.primary));
  for await (const page of env.txn.scan(span.start, span.end)) {
    for (const kv of page) {
      let r: Row;
      if (ix) {
        const pkKey = primaryKey(l, decodeSecondaryRow(l, ix, kv.key, kv.value));
        const value = await env.txn.get(pkKey);
        if (value === undefined) continue;
        r = decodePrimaryRow(l, pkKey, value);
      } else r = decodePrimaryRow(l, kv.key, kv.value);
      if (matches(r)) {
        out.push(r);
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}

export async function checkFkInsert(env: StmtEnv, desc: TableDesc, row: Row, verb: 'insert' | 'update' | 'upsert' = 'insert'): Promise<void> {
  for (const fk of desc.outboundFks) {
    const vals = valuesOf(desc, row, fk.originColumnIds);
    if (vals.some((v) => v === null)) continue;
    const parent = await tableById(env, fk.referencedTableId);
    const found = await findRows(env, parent, fk.referencedColumnIds, vals, 1);
    if (found.length === 0) {
      throw new BurrowError('23503', `${verb} on table "${desc.name}" violates foreign key constraint "${fk.name}"`, {
        detail: `Key ${keyText(desc, fk.originColumnIds, vals, env.session.timezone)} is not present in table "${parent.name}".`,
      });
    }
  }
}

/** Called when parent row `old` is deleted (next = null) or updated to `next`. */
export async function checkFkDelete(env: StmtEnv, desc: TableDesc, old: Row, next: Row | null, depth = 0): Promise<void> {
  if (depth > maxCascadeDepth) throw new BurrowError('54001', 'foreign key cascade is too deep');
  for (const fk of desc.inboundFks) {
    const oldVals = valuesOf(desc, old, fk.referencedColumnIds);
    if (next) {
      const newVals = valuesOf(desc, next, fk.referencedColumnIds);
      if (oldVals.every((v, i) => v !== null && newVals[i] !== null && compareDatums(v, newVals[i]!, desc.columns[tableLayout(desc).ordinalById.get(fk.referencedColumnIds[i]!)!]!.type) === 0)) continue;
    }
    if (oldVals.some((v) => v === null)) continue;
    const child = await tableById(env, fk.originTableId);
    const action = next ? fk.onUpdate : fk.onDelete;
    const limit = action === 'CASCADE' || action === 'SET NULL' || action === 'SET DEFAULT' ? 100_000 : 1;
    const children = await findRows(env, child, fk.originColumnIds, oldVals, limit);
    if (children.length === 0) continue;
    await applyAction(env, desc, child, fk, action, children, next, depth, oldVals);
  }
}

function defaultOf(t: TableDesc, colId: number): Datum {
  // Constant defaults only (a literal number or string), which is what SET DEFAULT is used with.
  const c = t.columns.find((x) => x.id === colId)!;
  const d = c.defaultExpr?.trim();
  if (!d) return null;
  if (/^-?\d+$/.test(d) && c.type.family === 'int') return BigInt(d);
  const m = /^'(.*)'$/.exec(d);
  if (m && c.type.family === 'string') return m[1]!.replace(/''/g, "'");
  return null;
}

async function applyAction(
  env: StmtEnv, parent: TableDesc, child: TableDesc, fk: ForeignKeyDesc, action: ForeignKeyDesc['onDelete'], children: Row[], next: Row | null, depth: number, oldVals: Datum[],
): Promise<void> {
  const tz = env.session.timezone;
  if (action === 'NO ACTION' || action === 'RESTRICT') {
    throw new BurrowError('23503', `${next ? 'update' : 'delete'} on table "${parent.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`, {
      detail: `Key ${keyText(parent, fk.referencedColumnIds, oldVals, tz)} is still referenced from table "${child.name}".`,
    });
  }
  const l = tableLayout(child);
  for (const c of children) {
    if (action === 'CASCADE' && !next) {
      await checkFkDelete(env, child, c, null, depth + 1);
      deleteRow(env.txn, child, c);
      continue;
    }
    const updated = c.slice();
    fk.originColumnIds.forEach((id, i) => {
      const o = l.ordinalById.get(id)!;
      updated[o] = action === 'CASCADE' && next ? valuesOf(parent, next, fk.referencedColumnIds)[i]! : action === 'SET DEFAULT' ? defaultOf(child, id) : null;
    });
    await checkFkDelete(env, child, c, updated, depth + 1);
    await updateRow(env.txn, child, c, updated, tz);
  }
}
