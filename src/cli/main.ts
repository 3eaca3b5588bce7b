#!/usr/bin/env node
// Owns the burrow command line: dispatching to start-single-node, sql, cert,
// demo and version. Commands load lazily so each starts only what it needs. The CLI is a client like any other: only
// start-single-node and demo open a store, through the server module.

import { parseArgs } from './flags.js';
import { printVersion } from './version.js';

const booleans = new Set([
  'insecure', 'background', 'help', 'echo-sql',
  'accept-sql-without-tls', 'overwrite', 'allow-ca-key-reuse', 'also-generate-pkcs8-key', 'recursive',
]);
const aliases: Record<string, string> = { e: 'execute', f: 'file', d: 'database', u: 'user', h: 'help', r: 'recursive' };

function usage(): string {
  return [
    'Usage: burrow <command> [flags]',
    '',
    'Commands:',
    '  start-single-node   start a single-node server (--certs-dir=DIR | --insecure, --store=PATH|type=mem --listen-addr=HOST:PORT --http-addr=HOST:PORT --accept-sql-without-tls --background --pid-file=FILE)',
    '  sql                 open a SQL shell or run statements (-e, -f) against a server (--certs-dir=DIR | --insecure, --url, --host, --user)',
    '  cert                create-ca, create-node HOST..., create-client USER, list (--certs-dir=DIR --ca-key=FILE)',
    '  userfile            upload, list, get, delete files in userfile storage (upload [-r] SRC [DEST], list [PATTERN], get PATTERN [DEST], delete PATTERN)',
    '  demo                an in-memory server with a sample bank database and an open shell',
    '  version             print version information',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  let args;
  try {
    args = parseArgs(rest, booleans, aliases);
  } catch (err) {
    console.error(`ERROR: ${(err as Error).message}`);
    return 1;
  }
  switch (cmd) {
    case 'start-single-node':
    case 'start':
      return (await import('./start.js')).startSingleNode(args);
    case 'sql':
      return (await import('./sql-shell.js')).sqlCommand(args);
    case 'cert':
      return (await import('./cert.js')).certCommand(args);
    case 'demo':
      return (await import('./demo.js')).demoCommand(args);
    case 'userfile':
      return (await import('./userfile.js')).userfileCommand(args);
    case 'version':
      return printVersion();
    case undefined:
    case 'help':
    case '--help':
      console.log(usage());
      return 0;
    default:
      console.error(`ERROR: unknown command "${cmd}"\n${usage()}`);
      return 1;
  }
}

// No top-level await: the bundle (scripts/bundle.mjs) is a CommonJS script.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
