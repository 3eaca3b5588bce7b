// Owns the result shape of one executed statement, as the wire protocol and
// the embedded API consume it: a command tag (PostgreSQL's), optional
// result columns, rows, and the affected-row count.

import type { Row } from '../types/datum.js';
import type { OutCol } from '../plan/types.js';

export interface StatementResult {
  /** Command tag verb as PostgreSQL sends it: SELECT, INSERT, UPDATE, CREATE TABLE, SET, ... */
  tag: string;
  /** Result columns; null for statements that return no rows (no RowDescription). */
  columns: OutCol[] | null;
  rows: Row[];
  rowsAffected: number;
  /** Notices to send before the result (e.g. "NOTICE: ..."). */
  notices: string[];
}

export function commandResult(tag: string, rowsAffected = 0): StatementResult {
  return { tag, columns: null, rows: [], rowsAffected, notices: [] };
}

export function rowsResult(tag: string, columns: OutCol[], rows: Row[]): StatementResult {
  return { tag, columns, rows, rowsAffected: rows.length, notices: [] };
}

/** PostgreSQL's command tag text: `INSERT 0 3`, `SELECT 2`, `UPDATE 1`, `CREATE TABLE`. */
export function commandTag(r: StatementResult): string {
  switch (r.tag) {
    case 'INSERT':
      return `INSERT 0 ${r.rowsAffected}`;
    case 'SELECT': case 'UPDATE': case 'DELETE': case 'MOVE': case 'FETCH': case 'COPY':
      return `${r.tag} ${r.rowsAffected}`;
    default:
      return r.tag;
  }
}
