// Owns COPY ... FROM STDIN on the SQL side: rows arrive as text fields
// (already split by the wire layer), are parsed into the target columns'
// types, completed with defaults, checked, and inserted. The whole COPY is
// one transaction (CockroachDB's default, copy_from_atomic_enabled): either
// every row lands or none does. Its size is bounded by the transaction
// write-buffer limit.

import { BurrowError } from '../../util/errors.js';
import type { CopyFromStatement } from '../parser/ast.js';
import type { Row } from '../types/datum.js';
import { parseDatum } from '../types/parse.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { completeRow, prepareTableWrite } from './table-write.js';
import { insertRow } from './row-writer.js';
import { checkFkInsert } from './fk.js';

export interface CopyInTarget {
  columnCount: number;
  /** Inserts a batch of rows of text fields. */
  addRows(rows: (string | null)[][]): Promise<void>;
  rowsInserted(): number;
}

export async function startCopyIn(stmt: CopyFromStatement, env: StmtEnv): Promise<CopyInTarget> {
  if (env.txn.readOnly) throw new BurrowError('25006', 'cannot execute COPY in a read-only transaction');
  const { desc } = await env.catalog.resolveTable(env.txn, stmt.table, env.session);
  if (desc.kind !== 'table') throw new BurrowError('42809', `"${desc.name}" is not a table`);
  const { requirePrivilege } = await import('../privilege/check.js');
  await requirePrivilege(env, desc, 'INSERT');
  const w = await prepareTableWrite(desc, env.planCtx());
  const targets = stmt.columns.length
    ? stmt.columns.map((n) => {
        const i = desc.columns.findIndex((c) => c.name === n);
        if (i < 0) throw new BurrowError('42703', `column "${n}" does not exist`);
        return i;
      })
    : desc.columns.map((c, i) => (c.hidden || c.computeExpr ? -1 : i)).filter((i) => i >= 0);
  const ctx = env.execCtx();
  const tz = env.session.timezone;
  let count = 0;
  return {
    columnCount: targets.length,
    rowsInserted: () => count,
    async addRows(rows) {
      for (const fields of rows) {
        if (fields.length !== targets.length) {
          throw new BurrowError('22P04', `expected ${targets.length} values, got ${fields.length}`, { detail: `row ${count + 1}` });
        }
        const row: Row = new Array(desc.columns.length).fill(null);
        const given = new Array(desc.columns.length).fill(false);
        targets.forEach((ci, j) => {
          given[ci] = true;
          const v = fields[j]!;
          row[ci] = v === null ? null : parseDatum(v, desc.columns[ci]!.type, { timezone: tz });
        });
        await completeRow(w, row, given, ctx);
        await checkFkInsert(env, desc, row);
        await insertRow(env.txn, desc, row, tz);
        count++;
      }
    },
  };
}
