// Owns `burrow demo`: like `cockroach demo`, starts a temporary in-memory
// server on a free loopback port (or --sql-port), creates the `bank`
// database with an `accounts` table and a few rows, prints the connection
// parameters, then runs the SQL shell against it (`burrow sql` with --url):
// interactive on a terminal; -e/-f statements, or the statements piped on
// stdin, otherwise. The server stops when the shell exits. Nothing is
// written to disk.

import { startServer, type RunningServer } from '../server/server.js';
import { flag, type ParsedArgs } from './flags.js';
import { sqlCommand } from './sql-shell.js';

export const demoDatabase = 'bank';
export const demoAccounts = 100;

const firstNames = ['Ana', 'Bo', 'Chen', 'Dara', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ines', 'Jon'];
const lastNames = ['Silva', 'Berg', 'Wei', 'Okafor', 'Novak', 'Haddad', 'Kim', 'Rossi', 'Diaz', 'Moreau'];

/** The demo data set: statements run in order on a fresh server. */
export function demoStatements(): string[] {
  const rows: string[] = [];
  for (let i = 1; i <= demoAccounts; i++) {
    const name = `${firstNames[(i - 1) % 10]} ${lastNames[Math.floor((i - 1) / 10) % 10]}`;
    // Deterministic balances with cents, between 0 and 10,000.
    const cents = (i * 7_919_113) % 1_000_000;
    rows.push(`(${i}, ${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}, '${name}')`);
  }
  return [
    `CREATE DATABASE ${demoDatabase}`,
    `CREATE TABLE ${demoDatabase}.accounts (id INT8 PRIMARY KEY, balance DECIMAL NOT NULL, name STRING NOT NULL)`,
    `INSERT INTO ${demoDatabase}.accounts (id, balance, name) VALUES ${rows.join(', ')}`,
  ];
}

async function loadDemoData(server: RunningServer): Promise<void> {
  const s = server.engine.newSession('root', 'defaultdb');
  try {
    for (const sql of demoStatements()) await s.query(sql);
  } finally {
    s.close();
  }
}

export async function demoCommand(args: ParsedArgs): Promise<number> {
  const portFlag = flag(args, 'sql-port');
  const port = portFlag === undefined ? 0 : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ERROR: invalid --sql-port ${portFlag}`);
    return 1;
  }
  const host = '127.0.0.1';
  let server: RunningServer;
  try {
    server = await startServer({ store: 'memory', host, port, httpHost: host, httpPort: 0, insecure: true });
  } catch (err) {
    console.error(`ERROR: ${(err as Error).message}`);
    return 1;
  }
  const stop = (): Promise<void> => server.stop();
  const onSignal = (): void => {
    void stop().finally(() => process.exit(1));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    try {
      await loadDemoData(server);
    } catch (err) {
      console.error(`ERROR: loading the demo data: ${(err as Error).message}`);
      return 1;
    }
    const sqlPort = server.sqlAddress.port;
    const url = `postgresql://root@${host}:${sqlPort}/${demoDatabase}?sslmode=disable`;
    const interactive = process.stdin.isTTY === true && !args.flags.has('execute') && !args.flags.has('file');
    const banner = [
      '#',
      '# Welcome to the Burrow demo database!',
      '#',
      '# You are connected to a temporary, in-memory Burrow node.',
      '# The node and all its data go away when this shell exits.',
      '#',
      `# The "${demoDatabase}" database has an "accounts" table with ${demoAccounts} rows.`,
      '#',
      '# Connection parameters:',
      `#   (webui)    http://${host}:${server.httpAddress?.port ?? 0}`,
      `#   (sql)      ${url}`,
      `#   (sql/jdbc) jdbc:postgresql://${host}:${sqlPort}/${demoDatabase}?sslmode=disable&user=root`,
      '#',
    ].join('\n');
    // Piped or -e/-f output stays machine-readable: the banner goes to stderr then.
    if (interactive) console.log(banner);
    else console.error(banner);
    // The shell connects with --url; host, user and database are passed too so its prompt shows them.
    const shellFlags = new Map(args.flags);
    shellFlags.delete('sql-port');
    shellFlags.delete('certs-dir');
    shellFlags.set('insecure', ['true']);
    shellFlags.set('url', [url]);
    shellFlags.set('host', [`${host}:${sqlPort}`]);
    shellFlags.set('user', ['root']);
    shellFlags.set('database', [demoDatabase]);
    return await sqlCommand({ flags: shellFlags, positional: args.positional });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await stop();
  }
}
