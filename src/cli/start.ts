// Owns `burrow start-single-node`: starts a server on a store (secure with
// --certs-dir, or --insecure) and prints the connection details as
// CockroachDB's start command does; SIGINT/SIGTERM
// shut it down cleanly (in-flight commits finish, the store closes).
// --background runs it as a detached process (background.ts); --pid-file
// writes its PID once it is ready.

import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../server/server.js';
import { flag, hostPort, type ParsedArgs } from './flags.js';
import { buildInfo } from './version.js';
import { backgroundLogFile, reportToParent, startInBackground, startedInBackground } from './background.js';

export async function startSingleNode(args: ParsedArgs): Promise<number> {
  const t0 = performance.now();
  const insecure = flag(args, 'insecure') === 'true';
  const certsDir = flag(args, 'certs-dir');
  if (!insecure && !certsDir) {
    console.error('ERROR: cannot start a secure server without --certs-dir; use --insecure for a development server');
    return 1;
  }
  const acceptSqlWithoutTls = flag(args, 'accept-sql-without-tls') === 'true';
  const storeFlag = flag(args, 'store') ?? 'burrow-data';
  const store = storeFlag === 'type=mem' || storeFlag.startsWith('type=mem') ? 'memory' : path.resolve(storeFlag.replace(/^path=/, ''));
  const listen = hostPort(flag(args, 'listen-addr') ?? 'localhost:26257', 26257);
  const httpAddr = hostPort(flag(args, 'http-addr') ?? 'localhost:8080', 8080);
  if (flag(args, 'background') === 'true') return startInBackground(args, store);
  let server;
  try {
    server = await startServer({
      store, host: listen.host, port: listen.port, httpHost: httpAddr.host, httpPort: httpAddr.port, insecure,
      ...externalIoDirOption(flag(args, 'external-io-dir')),
      ...(insecure ? {} : { certsDir: certsDir!, acceptSqlWithoutTls }),
    });
  } catch (err) {
    console.error(`ERROR: ${(err as Error).message}`);
    await reportToParent({ error: (err as Error).message });
    return 1;
  }
  const pidFile = flag(args, 'pid-file');
  if (pidFile) {
    try {
      fs.writeFileSync(path.resolve(pidFile), `${process.pid}\n`);
    } catch (err) {
      const message = `cannot write the PID file: ${(err as Error).message}`;
      console.error(`ERROR: ${message}`);
      await server.stop();
      await reportToParent({ error: message });
      return 1;
    }
  }
  const host = listen.host === '0.0.0.0' || listen.host === '' ? 'localhost' : listen.host;
  const port = server.sqlAddress.port;
  const q = (p: string) => encodeURIComponent(p);
  const sslQuery = insecure
    ? 'sslmode=disable'
    : `sslcert=${q(path.join(certsDir!, 'client.root.crt'))}&sslkey=${q(path.join(certsDir!, 'client.root.key'))}&sslmode=verify-full&sslrootcert=${q(path.join(certsDir!, 'ca.crt'))}`;
  const warning = insecure
    ? [
      '*',
      '* WARNING: ALL SECURITY CONTROLS HAVE BEEN DISABLED!',
      '*',
      '* This mode is intended for non-production testing only.',
      '*',
      `* - Any user, even root, can log in without providing a password.`,
      `* - Any user, connecting as root, can read or write any data in your cluster.`,
      '*',
    ]
    : [];
  const lines = [
    ...warning,
    `Burrow node starting at ${new Date().toISOString()} (took ${((performance.now() - t0) / 1000).toFixed(1)}s)`,
    `build:               ${buildInfo()}`,
    `webui:               http://${httpAddr.host}:${server.httpAddress?.port ?? httpAddr.port}`,
    `sql:                 postgresql://root@${host}:${port}/defaultdb?${sslQuery}`,
    `sql (JDBC):          jdbc:postgresql://${host}:${port}/defaultdb?${sslQuery}&user=root`,
    `RPC client flags:    burrow <client cmd> --host=${host}:${port} ${insecure ? '--insecure' : `--certs-dir=${certsDir}`}`,
    ...(startedInBackground() ? [`logs:                ${backgroundLogFile(store) ?? 'discarded (in-memory store)'}`] : []),
    `store[0]:            ${store === 'memory' ? 'type=mem' : `path=${store}`}`,
    `storage engine:      ${store === 'memory' ? 'memory' : 'lmdb'}`,
    `status:              ${'initialized new cluster'}`,
    `nodeID:              1`,
  ];
  console.log(lines.join('\n'));
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error('initiating graceful shutdown of server');
      void server.stop().then(() => {
        console.error('server drained and shutdown completed');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Only now (signals handled) does a --background command return.
  await reportToParent({ ready: lines.join('\n') });
  await stopped;
  return 0;
}

/** --external-io-dir: a directory (made absolute) or 'disabled'; the server defaults it to <store>/extern. */
function externalIoDirOption(v: string | undefined): { externalIoDir?: string } {
  if (v === undefined || v === '') return {};
  return { externalIoDir: v === 'disabled' ? 'disabled' : path.resolve(v) };
}
