// Owns writing one table row's KV entries inside a transaction: the primary
// index entry and every secondary index entry, with uniqueness checks that
// fail as CockroachDB's do (23505 with the constraint name and the key), and
// the deletes that keep indexes exact when a row changes or goes away.

import { BurrowError } from '../../util/errors.js';
import type { Txn } from '../../kv/txn.js';
import type { Row } from '../types/datum.js';
import { formatDatum } from '../types/format.js';
import type { TableDesc } from '../catalog/descriptor.js';
import {
  primaryKey, primaryValue, secondaryEntry, tableLayout, type TableLayout,
} from '../rowenc/table-codec.js';

function duplicateError(l: TableLayout, indexName: string, colIds: number[], row: Row, tz: string): BurrowError {
  const cols = colIds.map((id) => l.desc.columns[l.ordinalById.get(id)!]!);
  const vals = cols.map((c) => {
    const d = row[l.ordinalById.get(c.id)!]!;
    return d === null ? 'NULL' : formatDatum(d, c.type, { timezone: tz });
  });
  return new BurrowError('23505', `duplicate key value violates unique constraint "${indexName}"`, {
    detail: `Key (${cols.map((c) => c.name).join(', ')})=(${vals.join(', ')}) already exists.`,
  });
}

/** Inserts a new row; fails on a primary key or unique index conflict. */
export async function insertRow(txn: Txn, desc: TableDesc, row: Row, tz: string): Promise<void> {
  const l = tableLayout(desc);
  const key = primaryKey(l, row);
  if (await txn.get(key)) throw duplicateError(l, desc.primaryIndex.name, desc.primaryIndex.columnIds, row, tz);
  for (const ix of l.secondaries) {
    const e = secondaryEntry(ix, row, l.primary);
    if (ix.index.unique && (await txn.get(e.key))) throw duplicateError(l, ix.index.name, ix.index.columnIds, row, tz);
  }
  txn.put(key, primaryValue(l, row));
  for (const ix of l.secondaries) {
    const e = secondaryEntry(ix, row, l.primary);
    txn.put(e.key, e.value);
  }
}

/** Removes a row's primary and secondary entries. */
export function deleteRow(txn: Txn, desc: TableDesc, row: Row): void {
  const l = tableLayout(desc);
  txn.del(primaryKey(l, row));
  for (const ix of l.secondaries) txn.del(secondaryEntry(ix, row, l.primary).key);
}

/** Replaces oldRow by newRow, moving index entries that changed and checking uniqueness of new ones. */
export async function updateRow(txn: Txn, desc: TableDesc, oldRow: Row, newRow: Row, tz: string): Promise<void> {
  const l = tableLayout(desc);
  const oldKey = primaryKey(l, oldRow);
  const newKey = primaryKey(l, newRow);
  const pkChanged = !oldKey.equals(newKey);
  if (pkChanged) {
    if (await txn.get(newKey)) throw duplicateError(l, desc.primaryIndex.name, desc.primaryIndex.columnIds, newRow, tz);
    txn.del(oldKey);
  }
  txn.put(newKey, primaryValue(l, newRow));
  for (const ix of l.secondaries) {
    const o = secondaryEntry(ix, oldRow, l.primary);
    const n = secondaryEntry(ix, newRow, l.primary);
    if (o.key.equals(n.key)) {
      if (!o.value.equals(n.value)) txn.put(n.key, n.value);
      continue;
    }
    if (ix.index.unique && (await txn.get(n.key))) throw duplicateError(l, ix.index.name, ix.index.columnIds, newRow, tz);
    txn.del(o.key);
    txn.put(n.key, n.value);
  }
}
