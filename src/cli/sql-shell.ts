// Owns `burrow sql`: a PostgreSQL client (node-postgres) that runs -e
// statements, a -f file, or an interactive shell, and prints results as
// CockroachDB's `cockroach sql` does: TSV when stdout is not a terminal, a
// table otherwise (or --format table|tsv|csv|records|raw), `ERROR: ...` and
// `SQLSTATE: ...` on failure with exit code 1.
// Security: without --insecure, the certificates directory (--certs-dir, or
// the default when it exists) gives TLS with verify-full against ca.crt and
// logs in with client.<user>.crt/.key when present; a password may come in
// the URL instead.

import fs from 'node:fs';
import readline from 'node:readline';
import type pg from 'pg';
import { flag, type ParsedArgs } from './flags.js';
import { clientCertPaths, defaultCertsDir } from '../pgwire/tls.js';

export type Format = 'table' | 'tsv' | 'csv' | 'records' | 'raw';

/** Adds sslmode/sslrootcert/sslcert/sslkey from the certificates directory to a URL that does not set them. */
function urlWithCerts(url: string, certsDir: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const q = u.searchParams;
  if (q.get('sslmode') === 'disable') return url;
  const files = clientCertPaths(certsDir, decodeURIComponent(u.username || 'root').toLowerCase());
  if (!q.has('sslmode')) q.set('sslmode', 'verify-full');
  if (!q.has('sslrootcert') && files.ca) q.set('sslrootcert', files.ca);
  if (!q.has('sslcert') && !q.has('sslkey') && files.cert && files.key) {
    q.set('sslcert', files.cert);
    q.set('sslkey', files.key);
  }
  return u.toString();
}

export function connectionConfig(args: ParsedArgs): pg.ClientConfig {
  const insecure = flag(args, 'insecure') === 'true';
  const certsDirFlag = flag(args, 'certs-dir') ?? process.env.BURROW_CERTS_DIR ?? process.env.COCKROACH_CERTS_DIR;
  let url = flag(args, 'url') ?? process.env.BURROW_URL ?? process.env.COCKROACH_URL;
  if (url && !insecure && certsDirFlag) url = urlWithCerts(url, certsDirFlag);
  const cfg: pg.ClientConfig = url ? { connectionString: url } : {};
  const hostFlag = flag(args, 'host') ?? process.env.BURROW_HOST;
  if (hostFlag) {
    const [h, p] = hostFlag.split(':');
    cfg.host = h;
    if (p) cfg.port = Number(p);
  } else if (!url) cfg.host = 'localhost';
  const port = flag(args, 'port') ?? process.env.BURROW_PORT;
  if (port) cfg.port = Number(port);
  else if (!url && !cfg.port) cfg.port = 26257;
  const user = flag(args, 'user') ?? process.env.BURROW_USER;
  if (user) cfg.user = user;
  else if (!url) cfg.user = 'root';
  const db = flag(args, 'database') ?? process.env.BURROW_DATABASE;
  if (db) cfg.database = db;
  else if (!url) cfg.database = 'defaultdb';
  if (!url && !insecure) {
    const files = clientCertPaths(certsDirFlag ?? defaultCertsDir(), (cfg.user ?? 'root').toLowerCase());
    if (files.ca) {
      cfg.ssl = {
        rejectUnauthorized: true,
        ca: fs.readFileSync(files.ca, 'utf8'),
        ...(files.cert && files.key ? { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') } : {}),
      };
    } else if (certsDirFlag) {
      throw new Error(`cannot load certificates: ${certsDirFlag}/ca.crt not found; set --certs-dir, or use --insecure`);
    }
  }
  cfg.types = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
  return cfg;
}

function render(res: pg.QueryResult, format: Format): string {
  const cols = res.fields.map((f) => f.name);
  if (!res.fields.length) return res.command ? `${res.command}${res.command === 'INSERT' || res.command === 'UPDATE' || res.command === 'DELETE' || res.command === 'SELECT' ? ` ${res.command === 'INSERT' ? '0 ' : ''}${res.rowCount ?? 0}` : ''}` : '';
  const rows = (res.rows as unknown as (string | null)[][]).map((r) => r.map((v) => (v === null ? 'NULL' : v)));
  switch (format) {
    case 'tsv':
      return [cols.join('\t'), ...rows.map((r) => r.join('\t'))].join('\n');
    case 'csv': {
      const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      return [cols.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\n');
    }
    case 'records':
      return rows.map((r, i) => [`-[ RECORD ${i + 1} ]`, ...r.map((v, j) => `${cols[j]} | ${v}`)].join('\n')).join('\n');
    case 'raw':
      return rows.map((r) => r.map((v, j) => `# ${cols[j]}\n${v}`).join('\n')).join('\n');
    case 'table': {
      const widths = cols.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j]!.length)));
      const line = (vals: string[]) => ' ' + vals.map((v, j) => v.padEnd(widths[j]!)).join(' | ');
      return [line(cols), '-' + widths.map((w) => '-'.repeat(w)).join('-+-') + '-', ...rows.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
    }
  }
}

function printError(err: unknown): void {
  const e = err as { message: string; code?: string; detail?: string; hint?: string };
  console.error(`ERROR: ${e.message}`);
  if (e.code) console.error(`SQLSTATE: ${e.code}`);
  if (e.detail) console.error(`DETAIL: ${e.detail}`);
  if (e.hint) console.error(`HINT: ${e.hint}`);
}

async function runText(client: pg.Client, sql: string, format: Format): Promise<boolean> {
  try {
    const res = (await client.query({ text: sql, rowMode: 'array' })) as unknown as pg.QueryResult | pg.QueryResult[];
    for (const r of Array.isArray(res) ? res : [res]) {
      const out = render(r, format);
      if (out) console.log(out);
    }
    return true;
  } catch (err) {
    printError(err);
    return false;
  }
}

const metaCommands: Record<string, (arg: string) => string> = {
  '\\l': () => 'SHOW DATABASES',
  '\\dt': () => 'SHOW TABLES',
  '\\d': (arg) => (arg ? `SHOW COLUMNS FROM ${arg}` : 'SHOW TABLES'),
  '\\du': () => 'SHOW USERS',
};

async function interactive(client: pg.Client, cfg: pg.ClientConfig, format: Format): Promise<number> {
  const historyFile = `${process.env.HOME ?? '.'}/.burrow_sql_history`;
  let history: string[] = [];
  try {
    history = fs.readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000);
  } catch {
    history = [];
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, history, historySize: 1000, terminal: true });
  const prompt = () => `${cfg.user ?? 'root'}@${cfg.host ?? 'localhost'}:${cfg.port ?? 26257}/${cfg.database ?? 'defaultdb'}> `;
  console.log('#\n# Welcome to the Burrow SQL shell.\n# All statements must be terminated by a semicolon.\n# To exit, type: \\q.\n#');
  let pending = '';
  rl.setPrompt(prompt());
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (!pending && trimmed.startsWith('\\')) {
      const [cmd, ...rest] = trimmed.split(/\s+/);
      if (cmd === '\\q' || cmd === 'quit' || cmd === 'exit') break;
      if (cmd === '\\?') console.log('\\q  exit\n\\l  list databases\n\\dt list tables\n\\d [table]  describe a table\n\\du list users');
      else if (metaCommands[cmd!]) await runText(client, metaCommands[cmd!]!(rest.join(' ')), format);
      else console.log(`unknown command ${cmd}; type \\? for help`);
      rl.prompt();
      continue;
    }
    if (!pending && (trimmed === 'quit' || trimmed === 'exit')) break;
    pending += (pending ? '\n' : '') + line;
    if (trimmed.endsWith(';')) {
      await runText(client, pending, format);
      try {
        fs.appendFileSync(historyFile, pending.replace(/\n/g, ' ') + '\n');
      } catch {
        // history is best effort
      }
      pending = '';
      rl.setPrompt(prompt());
    } else rl.setPrompt('                              -> ');
    rl.prompt();
  }
  rl.close();
  return 0;
}

/**
 * Connects a client from the connection flags, or prints the error (with
 * `report`) and returns null. The driver is loaded here, not at the top: the
 * bundled CLI must not load it to start a server.
 */
export async function connectClient(
  args: ParsedArgs,
  report: (err: unknown) => void = printError,
  stream?: pg.ClientConfig['stream'],
): Promise<{ client: pg.Client; cfg: pg.ClientConfig } | null> {
  let cfg: pg.ClientConfig;
  try {
    cfg = connectionConfig(args);
  } catch (err) {
    report(err);
    return null;
  }
  if (stream) cfg.stream = stream;
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client(cfg);
  // A socket error surfaces through the query that is running; do not crash on the event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    report(err);
    return null;
  }
  return { client, cfg };
}

export async function sqlCommand(args: ParsedArgs): Promise<number> {
  const requested = flag(args, 'format') as Format | undefined;
  const format: Format = requested ?? (process.stdout.isTTY ? 'table' : 'tsv');
  const conn = await connectClient(args);
  if (!conn) return 1;
  const { client, cfg } = conn;
  try {
    const execs = args.flags.get('execute') ?? [];
    const file = flag(args, 'file');
    if (execs.length || file) {
      const texts = [...execs, ...(file ? [fs.readFileSync(file, 'utf8')] : [])];
      for (const t of texts) if (!(await runText(client, t, format))) return 1;
      return 0;
    }
    if (!process.stdin.isTTY) {
      const text = fs.readFileSync(0, 'utf8');
      return (await runText(client, text, format)) ? 0 : 1;
    }
    return await interactive(client, cfg, format);
  } finally {
    await client.end().catch(() => undefined);
  }
}
