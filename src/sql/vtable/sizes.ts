// Owns table sizes as MVCC statistics report them: live and total bytes of a
// table's key span (crdb_internal.table_sizes, pg_relation_size) and the
// estimated row count SHOW TABLES prints.
//
// Invariants: statistics are the store's current committed ones (they are
// not versioned, so AS OF SYSTEM TIME does not change them); the row
// estimate is the table's live keys divided by its index count (each row
// has one entry per index).

import type { Store } from '../../storage/store.js';
import type { TableDesc } from '../catalog/descriptor.js';
import { tableSpan } from '../rowenc/table-codec.js';

export interface TableSize {
  liveBytes: number;
  totalBytes: number;
  liveKeys: number;
}

export function tableSize(store: Store, tableId: number): TableSize {
  const span = tableSpan(tableId);
  const s = store.stats(span.start, span.end);
  return { liveBytes: s.liveBytes, totalBytes: s.totalBytes, liveKeys: s.liveCount };
}

export function estimatedRowCount(store: Store, t: TableDesc): number {
  if (t.kind !== 'table') return 0;
  return Math.round(tableSize(store, t.id).liveKeys / (1 + t.indexes.length));
}
