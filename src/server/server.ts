// Owns a running Burrow server: opening the store and the SQL engine, the
// pgwire listener (with TLS from the certificates directory on a secure
// server), the HTTP health endpoint, cancellation keys, and orderly shutdown
// (stop accepting, close connections, wait for in-flight commits, close the
// store).

import http from 'node:http';
import net from 'node:net';
import crypto from 'node:crypto';
import { openStore, type Store } from '../storage/store.js';
import { installServices, stopServices } from './services.js';
import { openSqlEngine, type SqlEngine } from '../sql/engine.js';
import { serveConnection } from '../pgwire/connection.js';
import { loadServerTls, type ServerTls } from '../pgwire/tls.js';
import { startGcLoop } from '../sql/gc/gc-loop.js';

export interface ServerOptions {
  /** Directory for the LMDB store, or 'memory'. */
  store: string;
  host: string;
  port: number;
  httpHost: string;
  httpPort: number;
  insecure: boolean;
  /** Secure mode: the directory with ca.crt, node.crt and node.key. */
  certsDir?: string;
  /** Secure mode: accept SQL clients without TLS (they must still authenticate). */
  acceptSqlWithoutTls?: boolean;
  externalIoDir?: string;
}

export interface RunningServer {
  engine: SqlEngine;
  store: Store;
  sqlAddress: { host: string; port: number };
  httpAddress: { host: string; port: number } | null;
  stop(): Promise<void>;
}

const maxConnections = 10_000;
/** How often GC removes history older than each table's gc.ttlseconds. */
const gcIntervalMs = 60_000;

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  let tls: ServerTls | null = null;
  if (!opts.insecure) {
    if (!opts.certsDir) throw new Error('a secure server needs a certificates directory (--certs-dir); use --insecure for a development server');
    tls = loadServerTls(opts.certsDir);
  }
  const store = await openStore(opts.store === 'memory' ? { engine: 'memory' } : { engine: 'lmdb', path: opts.store, syncMode: 'full' });
  const engine = await openSqlEngine(store);
  installServices(engine, { externalIoDir: opts.externalIoDir });
  const gc = startGcLoop(engine, { intervalMs: gcIntervalMs });
  const cancels = new Map<number, { secret: number; cancel: () => void }>();
  let nextPid = 1;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    if (sockets.size >= maxConnections) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, {
      engine,
      insecure: opts.insecure,
      tls,
      acceptSqlWithoutTls: opts.acceptSqlWithoutTls ?? false,
      upgraded(tlsSocket) {
        // Shutdown ends the TLS socket (close_notify), not the TCP socket under it.
        sockets.delete(socket);
        if (!tlsSocket.destroyed) sockets.add(tlsSocket);
        tlsSocket.on('close', () => sockets.delete(tlsSocket));
      },
      register(cancel) {
        const pid = nextPid++;
        const secret = crypto.randomInt(0, 2 ** 31 - 1);
        cancels.set(pid, { secret, cancel });
        return [pid, secret];
      },
      unregister: (pid) => void cancels.delete(pid),
      cancel(pid, secret) {
        const c = cancels.get(pid);
        if (c && c.secret === secret) c.cancel();
      },
    });
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  let httpServer: http.Server | null = null;
  let httpAddress: RunningServer['httpAddress'] = null;
  if (opts.httpPort >= 0) {
    httpServer = http.createServer((req, res) => {
      if (req.url?.startsWith('/health')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ nodeId: 1, ready: true }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve, reject) => {
      httpServer!.once('error', reject);
      httpServer!.listen(opts.httpPort, opts.httpHost, () => resolve());
    });
    const ha = httpServer.address() as net.AddressInfo;
    httpAddress = { host: opts.httpHost, port: ha.port };
  }
  let stopping: Promise<void> | null = null;
  return {
    engine,
    store,
    sqlAddress: { host: opts.host, port: addr.port },
    httpAddress,
    stop() {
      stopping ??= (async () => {
        server.close();
        httpServer?.close();
        for (const s of sockets) s.end();
        await new Promise((r) => setTimeout(r, 50));
        for (const s of sockets) s.destroy();
        await gc.stop();
        await stopServices(engine);
        await engine.kv.drain();
        await store.close();
      })();
      return stopping;
    },
  };
}
