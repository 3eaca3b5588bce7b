// Owns the logic-test runner: text files in the sqllogictest dialect that
// CockroachDB's logic tests use, run against any backend that executes SQL
// (in-process sessions here; pgwire once the server exists).
//
// Directives:
//   statement ok | statement count N | statement error [pgcode XXXXX | XXXXX] [regex]
//   query <types> [rowsort|nosort|valuesort] [colnames] [retry]   then SQL, ----, expected rows
//   user <name>      switch the session user (one session per user)
//   let $name        then a query returning one value; $name is substituted afterwards
//   halt             stop the file here
// Values print as CockroachDB's runner prints them: NULL, `·` for the empty
// string, true/false, other values in their text form; columns joined by
// single spaces. rowsort sorts rows, valuesort sorts all values.

import fs from 'node:fs';

export interface BackendResult {
  columns: string[];
  rows: string[][];
  /** A timestamp (decimal HLC) at which the same read would see the same data. */
  asOf?: string;
  /** Rows the (last) statement affected, when the backend knows it; `statement count N` checks it then. */
  rowsAffected?: number;
}

export interface LogicBackend {
  /** Runs sql as user; resolves with rows (possibly none) or rejects with an error carrying `code`. */
  exec(sql: string, user: string): Promise<BackendResult>;
}

export interface QueryRecord {
  sql: string;
  user: string;
  expected: string[];
  sort: 'rowsort' | 'valuesort' | 'nosort';
  line: number;
  asOf: string | undefined;
}

export interface RunReport {
  cases: number;
  queries: QueryRecord[];
}

interface Block {
  header: string;
  sql: string;
  expected: string[] | null;
  line: number;
}

function parseBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const header = line.trim();
    const start = i + 1;
    i++;
    const sqlLines: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i] !== '----') sqlLines.push(lines[i++]!);
    let expected: string[] | null = null;
    if (i < lines.length && lines[i] === '----') {
      i++;
      expected = [];
      while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
    }
    blocks.push({ header, sql: sqlLines.join('\n'), expected, line: start });
  }
  return blocks;
}

const norm = (s: string): string => s.trim().split(/\s+/).join(' ');

function sortOutput(rows: string[][], mode: string): string[] {
  if (mode === 'valuesort') return rows.flat().sort();
  const lines = rows.map((r) => r.join(' '));
  return mode === 'rowsort' ? lines.sort() : lines;
}

function sortExpected(expected: string[], mode: string): string[] {
  if (mode === 'valuesort') return expected.flatMap((l) => norm(l).split(' ')).sort();
  const lines = expected.map(norm);
  return mode === 'rowsort' ? lines.sort() : lines;
}

export async function runLogicFile(path: string, backend: LogicBackend): Promise<RunReport> {
  const blocks = parseBlocks(fs.readFileSync(path, 'utf8'));
  const vars = new Map<string, string>();
  const subst = (s: string): string => s.replace(/\$([a-z_][a-z0-9_]*)/gi, (m, n: string) => vars.get(n) ?? m);
  let user = 'root';
  const report: RunReport = { cases: 0, queries: [] };
  const where = (b: Block): string => `${path}:${b.line}`;
  for (const b of blocks) {
    const words = b.header.split(/\s+/);
    const sql = subst(b.sql);
    switch (words[0]) {
      case 'halt':
        return report;
      case 'user':
        user = words[1]!;
        continue;
      case 'let': {
        const r = await backend.exec(sql, user);
        vars.set(words[1]!.replace(/^\$/, ''), r.rows[0]?.[0] ?? '');
        continue;
      }
      case 'statement': {
        report.cases++;
        if (words[1] === 'ok' || words[1] === 'count') {
          let r: BackendResult;
          try {
            r = await backend.exec(sql, user);
          } catch (err) {
            throw new Error(`${where(b)}: expected success, got ${(err as { code?: string }).code ?? ''} ${(err as Error).message}\n${sql}`);
          }
          const want = words[1] === 'count' ? Number(words[2]) : undefined;
          if (want !== undefined && r.rowsAffected !== undefined && r.rowsAffected !== want) {
            throw new Error(`${where(b)}: expected ${want} rows affected, got ${r.rowsAffected}\n${sql}`);
          }
          continue;
        }
        if (words[1] !== 'error') throw new Error(`${where(b)}: unknown directive ${b.header}`);
        let rest = b.header.replace(/^statement\s+error\s*/, '');
        let code: string | null = null;
        const m = /^(?:pgcode\s+)?([0-9A-Z]{5})(?:\s+|$)/.exec(rest);
        if (m && (rest.startsWith('pgcode') || /^[0-9A-Z]{5}(\s|$)/.test(rest))) {
          code = m[1]!;
          rest = rest.slice(m[0].length);
        }
        const re = rest.trim() ? new RegExp(rest.trim()) : null;
        try {
          await backend.exec(sql, user);
        } catch (err) {
          const e = err as { code?: string; message: string };
          if (code && e.code !== code) throw new Error(`${where(b)}: expected error code ${code}, got ${e.code}: ${e.message}`);
          if (re && !re.test(e.message)) throw new Error(`${where(b)}: error "${e.message}" does not match /${re.source}/`);
          continue;
        }
        throw new Error(`${where(b)}: expected an error${code ? ` ${code}` : ''}${re ? ` /${re.source}/` : ''}, but the statement succeeded\n${sql}`);
      }
      case 'query': {
        report.cases++;
        const types = words[1] ?? '';
        const sort = (words.find((w) => w === 'rowsort' || w === 'valuesort' || w === 'nosort') ?? 'nosort') as QueryRecord['sort'];
        const colnames = words.includes('colnames');
        let r: BackendResult;
        try {
          r = await backend.exec(sql, user);
        } catch (err) {
          throw new Error(`${where(b)}: query failed: ${(err as { code?: string }).code ?? ''} ${(err as Error).message}\n${sql}`);
        }
        if (r.columns.length !== types.length) {
          throw new Error(`${where(b)}: expected ${types.length} columns (${types}), got ${r.columns.length} (${r.columns.join(', ')})`);
        }
        const expected = (b.expected ?? []).map(subst);
        const exp = colnames ? expected.slice(1) : expected;
        if (colnames && norm(expected[0] ?? '') !== r.columns.join(' ')) {
          throw new Error(`${where(b)}: column names\n  expected: ${norm(expected[0] ?? '')}\n  actual:   ${r.columns.join(' ')}`);
        }
        const got = sortOutput(r.rows.map((row) => row.map((v) => norm(v) || '·')), sort).map(norm);
        const want = sortExpected(exp, sort);
        if (got.join('\n') !== want.join('\n')) {
          throw new Error(`${where(b)}: query results differ\n${sql}\n  expected:\n    ${want.join('\n    ')}\n  actual:\n    ${got.join('\n    ')}`);
        }
        report.queries.push({ sql, user, expected: want, sort, line: b.line, asOf: r.asOf });
        continue;
      }
      default:
        throw new Error(`${where(b)}: unknown directive ${b.header}`);
    }
  }
  return report;
}

export const nondeterministic = /\b(now|random|gen_random_uuid|uuid_generate_v4|unique_rowid|clock_timestamp|statement_timestamp|transaction_timestamp|current_timestamp|cluster_logical_timestamp|current_date|localtimestamp|nextval|current_user|session_user|current_database|current_schema)\b|AS OF SYSTEM TIME|^\s*(SHOW|EXPLAIN)/i;

/** Re-runs each recorded SELECT as of the time it first ran; returns how many were compared. */
export async function rerunAsOf(path: string, queries: QueryRecord[], backend: LogicBackend): Promise<number> {
  let n = 0;
  for (const q of queries) {
    if (!q.asOf || nondeterministic.test(q.sql) || !/^\s*(SELECT|VALUES|TABLE|WITH)\b/i.test(q.sql)) continue;
    const r = await backend.exec(`BEGIN AS OF SYSTEM TIME ${q.asOf}; ${q.sql.replace(/;\s*$/, '')}; COMMIT`, q.user);
    const got = sortOutput(r.rows.map((row) => row.map((v) => norm(v) || '·')), q.sort).map(norm);
    if (got.join('\n') !== q.expected.join('\n')) {
      throw new Error(`${path}:${q.line}: after reopening, the query as of ${q.asOf} differs\n${q.sql}\n  expected:\n    ${q.expected.join('\n    ')}\n  actual:\n    ${got.join('\n    ')}`);
    }
    n++;
  }
  return n;
}
