// Owns one client connection speaking PostgreSQL protocol 3.0: the startup
// handshake (SSLRequest upgraded to TLS when the server has certificates,
// otherwise 'N'; GSSENC refused with 'N'; CancelRequest), authentication
// (trust in insecure mode; on a secure server TLS is required and auth.ts
// runs a client-certificate, SCRAM-SHA-256 or cleartext-password exchange;
// startup and authentication must finish within authTimeoutMs), the simple
// and extended query protocols (Parse/Bind/Describe/Execute with row limits
// and portal suspension, Sync, Close, Flush), error recovery (skip to Sync),
// and ReadyForQuery with the session's transaction status. Statements are
// handed to a SQL session; this file executes nothing itself.
//
// Limits: a message larger than maxMessageBytes gets an error and the
// connection closes; input is processed one message at a time.

import { noteForegroundWork } from '../util/foreground-activity.js';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { BurrowError, toBurrowError } from '../util/errors.js';
import type { SqlEngine } from '../sql/engine.js';
import type { CopyInSession, PreparedStatement, Session } from '../sql/session/session.js';
import type { Statement } from '../sql/parser/ast.js';
import { copyFormat, newCopyParser, type CopyParser } from './copy-parser.js';
import type { StatementResult } from '../sql/session/result.js';
import { commandTag } from '../sql/session/result.js';
import { typeFromOid, typeLen, typeOid, T, type SqlType } from '../sql/types/types.js';
import type { OutCol } from '../sql/plan/types.js';
import { crdbVersion, serverVersion } from '../sql/session/session-vars.js';
import {
  Reader, Writer, authOk, backendKeyData, bindComplete, cancelRequestCode, closeComplete, commandComplete, dataRow,
  emptyQueryResponse, errorOrNotice, gssEncRequestCode, maxMessageBytes, maxStartupBytes, noData, parameterDescription,
  parameterStatus, parseComplete, portalSuspended, protocolError, protocolVersion3, readyForQuery, rowDescription,
  sslRequestCode, type FieldDesc,
} from './messages.js';
import { decodeBinary, encodeBinary, encodeText } from './value-format.js';
import { beginAuth, type AuthExchange } from './auth.js';
import { peerCertificate, upgradeToTls, type ServerTls } from './tls.js';

export interface ConnectionHooks {
  engine: SqlEngine;
  /** Registers the connection for cancellation; returns [pid, secret]. */
  register(cancel: () => void): [number, number];
  unregister(pid: number): void;
  cancel(pid: number, secret: number): void;
  insecure: boolean;
  /** Certificates for answering SSLRequest; null serves plaintext only. */
  tls?: ServerTls | null;
  /** Secure mode only: let clients authenticate (by password) without TLS, as --accept-sql-without-tls. */
  acceptSqlWithoutTls?: boolean;
  /** Called when the connection's socket is replaced by its TLS socket. */
  upgraded?(tlsSocket: TLSSocket): void;
}

/** How long a client has to finish startup and authentication. */
const authTimeoutMs = 60_000;
/** Unframed input one connection buffers before it stops reading its socket. */
const inputHighWaterBytes = 8 * 1024 * 1024;

interface Portal {
  ps: PreparedStatement;
  params: unknown[];
  resultFormats: number[];
  result: StatementResult | null;
  sent: number;
  described: boolean;
}

function fieldsOf(cols: OutCol[], formats: number[]): FieldDesc[] {
  return cols.map((c, i) => ({
    name: c.name,
    tableOid: 0,
    column: 0,
    typeOid: typeOid(c.type),
    typeLen: typeLen(c.type),
    typeMod: -1,
    format: formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i] ?? 0,
  }));
}

export function serveConnection(rawSocket: Socket, hooks: ConnectionHooks): void {
  let socket: Socket = rawSocket;
  let tlsSocket: TLSSocket | null = null;
  let tlsConfig: ServerTls | null = null;
  // Input not yet framed: `buf` (contiguous) then `chunks` (appended by
  // onData, joined only when a message needs them, so a long COPY stream is
  // never re-copied per chunk). Reading pauses while more than
  // inputHighWaterBytes wait and a whole message is among them (so a large
  // single message can still arrive), and resumes as they are consumed.
  let buf: Buffer = Buffer.alloc(0);
  let chunks: Buffer[] = [];
  let chunkBytes = 0;
  let needBytes = 0;
  let paused = false;
  const buffered = (): number => buf.length + chunkBytes;
  const fill = (n: number): boolean => {
    if (buf.length >= n) return true;
    if (chunks.length > 0) {
      buf = buf.length === 0 && chunks.length === 1 ? chunks[0]! : Buffer.concat([buf, ...chunks]);
      chunks = [];
      chunkBytes = 0;
    }
    if (buf.length >= n) return true;
    needBytes = n;
    if (paused) {
      paused = false;
      socket.resume();
    }
    return false;
  };
  const maybeResume = (): void => {
    if (paused && buffered() < inputHighWaterBytes / 2) {
      paused = false;
      socket.resume();
    }
  };
  let startupDone = false;
  // Between the startup message and AuthenticationOk: the exchange in progress.
  let auth: { exchange: AuthExchange; database: string; params: Map<string, string> } | null = null;
  let session: Session | null = null;
  let pid = 0;
  const statements = new Map<string, PreparedStatement>();
  const portals = new Map<string, Portal>();
  let skipToSync = false;
  // COPY FROM STDIN in progress: data messages go to the sink until CopyDone or CopyFail.
  let copy: { sink: CopyInSession | null; parser: CopyParser; failed: boolean; simple: boolean } | null = null;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  // idle_in_transaction_session_timeout: armed when ReadyForQuery reports an
  // open or aborted transaction, cleared by the next message.
  let idleTimer: NodeJS.Timeout | null = null;
  const clearIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
  };
  const armIdle = (status: number): void => {
    clearIdle();
    if (status === 0x49 || !session) return; // 'I'
    const ms = Number(session.state.vars.get('idle_in_transaction_session_timeout') ?? '0');
    if (!(ms > 0)) return;
    idleTimer = setTimeout(() => {
      sendError(new BurrowError('25P03', 'terminating connection due to idle-in-transaction timeout'), 'FATAL');
      close();
    }, ms);
    idleTimer.unref();
  };
  const send = (b: Buffer): void => {
    if (closed) return;
    socket.write(b);
    if (b[0] === 0x5a && b.length === 6) armIdle(b[5]!); // ReadyForQuery
  };
  const sendError = (err: unknown, severity: 'ERROR' | 'FATAL' = 'ERROR'): void => {
    const e = toBurrowError(err);
    send(errorOrNotice('E', { severity, code: e.code, message: e.message, detail: e.detail, hint: e.hint, position: (e as { position?: number }).position }));
  };
  const close = (): void => {
    if (closed) return;
    clearIdle();
    closed = true;
    session?.close();
    if (pid) hooks.unregister(pid);
    socket.end();
  };

  const onData = (chunk: Buffer): void => {
    clearIdle();
    noteForegroundWork();
    chunks.push(chunk);
    chunkBytes += chunk.length;
    if (!paused && buffered() > inputHighWaterBytes && buffered() >= needBytes) {
      paused = true;
      socket.pause();
    }
    queue = queue.then(corked).catch((err) => {
      sendError(err, 'FATAL');
      close();
    });
  };
  const onEnd = (): void => close();
  const attach = (s: Socket): void => {
    s.on('data', onData);
    s.on('error', onEnd);
    s.on('close', onEnd);
  };
  attach(socket);
  const authTimer = setTimeout(() => {
    if (startupDone) return;
    close();
    socket.destroy();
  }, authTimeoutMs);
  authTimer.unref();
  rawSocket.once('close', () => clearTimeout(authTimer));

  // Messages produced while handling one batch of input go out in one write.
  async function corked(): Promise<void> {
    const out = socket;
    out.cork();
    try {
      await drain();
    } finally {
      if (!out.destroyed) out.uncork();
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (closed) return;
      if (!startupDone && !auth) {
        if (!fill(4)) return;
        const len = buf.readInt32BE(0);
        if (len < 8 || len > maxStartupBytes) throw protocolError(`startup packet of ${len} bytes`);
        if (!fill(len)) return;
        const body = buf.subarray(4, len);
        buf = buf.subarray(len);
        await startup(new Reader(Buffer.from(body)));
        continue;
      }
      maybeResume();
      if (!fill(5)) return;
      const type = String.fromCharCode(buf[0]!);
      const len = buf.readInt32BE(1);
      if (len < 4) throw protocolError(`message length ${len}`);
      if (auth && len > maxStartupBytes) throw protocolError(`authentication message of ${len} bytes`);
      if (len > maxMessageBytes) {
        throw new BurrowError('08P01', `message size ${len} bytes exceeds the maximum of ${maxMessageBytes} bytes`);
      }
      if (!fill(1 + len)) return;
      const body = Buffer.from(buf.subarray(5, 1 + len));
      buf = buf.subarray(1 + len);
      if (auth) await authMessage(type, body);
      else await handle(type, new Reader(body));
    }
  }

  async function startup(r: Reader): Promise<void> {
    const code = r.int32();
    if (code === sslRequestCode && hooks.tls && !hooks.insecure) {
      if (tlsSocket) throw protocolError('SSLRequest on an encrypted connection');
      // Bytes after SSLRequest would be plaintext injected ahead of the handshake.
      if (buffered() > 0) throw protocolError('unexpected data after SSLRequest');
      upgrade(hooks.tls);
      return;
    }
    if (code === sslRequestCode || code === gssEncRequestCode) {
      if (tlsSocket) throw protocolError('encryption request on an encrypted connection');
      socket.write('N');
      return;
    }
    if (code === cancelRequestCode) {
      hooks.cancel(r.int32(), r.int32());
      close();
      return;
    }
    if (code !== protocolVersion3) {
      throw new BurrowError('08P01', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: server supports 3.0`);
    }
    const params = new Map<string, string>();
    while (r.remaining() > 1) {
      const k = r.cstring();
      if (!k) break;
      params.set(k, r.cstring());
    }
    const database = params.get('database') ?? 'defaultdb';
    if (hooks.insecure) return startSession((params.get('user') ?? 'root').toLowerCase(), database, params);
    if (!tlsSocket && !hooks.acceptSqlWithoutTls) throw new BurrowError('08P01', 'node is running secure mode, SSL connection required');
    const begun = await beginAuth({ kv: hooks.engine.kv, user: params.get('user') ?? 'root', peer: tlsSocket ? peerCertificate(tlsSocket, tlsConfig!) : null });
    if ('user' in begun) return startSession(begun.user, database, params);
    auth = { exchange: begun, database, params };
    send(begun.request);
  }

  /** One message of an authentication exchange; starts the session when it succeeds. */
  async function authMessage(type: string, body: Buffer): Promise<void> {
    const a = auth!;
    if (type === 'X') return close();
    const { reply, user } = await a.exchange.step(type, body);
    for (const m of reply) send(m);
    if (user !== undefined) {
      auth = null;
      startSession(user, a.database, a.params);
    }
  }

  /** Answers 'S' to SSLRequest and continues the protocol over TLS. */
  function upgrade(serverTls: ServerTls): void {
    socket.off('data', onData);
    socket.off('error', onEnd);
    socket.off('close', onEnd);
    socket.write('S');
    const t = upgradeToTls(socket, serverTls);
    tlsSocket = t;
    tlsConfig = serverTls;
    socket = t;
    attach(t);
    hooks.upgraded?.(t);
  }

  function startSession(user: string, database: string, params: Map<string, string>): void {
    clearTimeout(authTimer);
    session = hooks.engine.newSession(user, database);
    const appName = params.get('application_name');
    if (appName) session.state.applicationName = appName;
    startupDone = true;
    const [p, secret] = hooks.register(() => session?.cancel());
    pid = p;
    send(authOk());
    for (const [k, v] of [
      ['server_version', serverVersion], ['server_encoding', 'UTF8'], ['client_encoding', 'UTF8'], ['DateStyle', 'ISO, MDY'],
      ['IntervalStyle', 'postgres'], ['TimeZone', 'UTC'], ['integer_datetimes', 'on'], ['standard_conforming_strings', 'on'],
      ['application_name', appName ?? ''], ['crdb_version', crdbVersion], ['is_superuser', 'on'], ['session_authorization', user],
    ] as const) send(parameterStatus(k, v));
    send(backendKeyData(p, secret));
    send(readyForQuery('I'));
  }

  async function handle(type: string, r: Reader): Promise<void> {
    const s = session!;
    if (type === 'X') return close();
    if (copy) return copyMessage(s, type, r);
    if (type === 'S') {
      skipToSync = false;
      send(readyForQuery(s.txnStatus()));
      return;
    }
    if (type === 'H') return;
    if (skipToSync && type !== 'Q') return;
    try {
      switch (type) {
        case 'Q': return await simpleQuery(s, r.cstring());
        case 'P': return await parse(s, r);
        case 'B': return bind(r);
        case 'D': return await describe(s, r);
        case 'E': return await execute(s, r);
        case 'C': {
          const kind = String.fromCharCode(r.byte());
          const name = r.cstring();
          if (kind === 'S') statements.delete(name);
          else portals.delete(name);
          send(closeComplete());
          return;
        }
        case 'd': case 'c': case 'f':
          return; // COPY data outside COPY: ignored, as PostgreSQL does
        default:
          throw protocolError(`unknown message type ${JSON.stringify(type)}`);
      }
    } catch (err) {
      sendError(err);
      if (type !== 'Q') skipToSync = true;
      else send(readyForQuery(s.txnStatus()));
    }
  }

  function sendResult(res: StatementResult, formats: number[], from = 0, maxRows = 0, withDescription = true): boolean {
    const tz = session!.state.timezone;
    for (const n of res.notices) send(errorOrNotice('N', { severity: 'NOTICE', code: '00000', message: n }));
    if (res.columns) {
      if (withDescription) send(rowDescription(fieldsOf(res.columns, formats)));
      const types = res.columns.map((c) => c.type);
      const fmt = (i: number): number => (formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i] ?? 0);
      const end = maxRows > 0 ? Math.min(res.rows.length, from + maxRows) : res.rows.length;
      for (let i = from; i < end; i++) {
        const row = res.rows[i]!;
        send(dataRow(row.map((d, j) => (d === null ? null : fmt(j) === 1 ? encodeBinary(d, types[j]!, tz) : encodeText(d, types[j]!, tz)))));
      }
      if (end < res.rows.length) return false;
      send(commandComplete(res.columns && res.tag === 'SELECT' ? `SELECT ${res.rows.length}` : commandTag(res)));
      return true;
    }
    send(commandComplete(commandTag(res)));
    return true;
  }

  async function copyMessage(s: Session, type: string, r: Reader): Promise<void> {
    const c = copy!;
    try {
      if (type === 'd') {
        if (c.failed) return;
        const data = r.bytes(r.remaining());
        if (c.sink!.addBytes) await c.sink!.addBytes(data);
        else await c.sink!.add(c.parser.feed(data));
        return;
      }
      if (type === 'c') {
        copy = null;
        if (c.failed) {
          if (c.simple) send(readyForQuery(s.txnStatus()));
          return;
        }
        if (!c.sink!.addBytes) await c.sink!.add(c.parser.end());
        const res = await c.sink!.finish();
        send(commandComplete(commandTag(res)));
        if (c.simple) send(readyForQuery(s.txnStatus()));
        return;
      }
      if (type === 'f') {
        copy = null;
        const msg = r.remaining() > 0 ? r.cstring() : '';
        if (!c.failed) {
          c.sink!.abort();
          sendError(new BurrowError('57014', `COPY from stdin failed: ${msg}`));
        }
        if (c.simple) send(readyForQuery(s.txnStatus()));
        else skipToSync = true;
        return;
      }
      // Flush and Sync during COPY are ignored, as PostgreSQL does.
    } catch (err) {
      c.failed = true;
      c.sink?.abort();
      sendError(err);
      if (!c.simple) skipToSync = true;
      // Failing at CopyDone ends the COPY: a simple query is then over.
      else if (type === 'c') send(readyForQuery(s.txnStatus()));
    }
  }

  async function startCopy(s: Session, st: Extract<Statement, { kind: 'copyFrom' }>, simple: boolean): Promise<void> {
    const sink = await s.copyIn(st);
    copy = { sink, parser: sink.addBytes ? newCopyParser(copyFormat([])) : newCopyParser(copyFormat(st.options)), failed: false, simple };
    const w = new Writer().byte(0).int16(sink.columnCount);
    for (let i = 0; i < sink.columnCount; i++) w.int16(0);
    send(w.finish('G'));
  }

  async function copyOut(s: Session, st: Extract<Statement, { kind: 'copyTo' }>): Promise<void> {
    const { parse: parseSql } = await import('../sql/parser/index.js');
    const sql = st.query ? null : `SELECT ${st.columns.length ? st.columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ') : '*'} FROM ${[st.table!.catalog, st.table!.schema, st.table!.name].filter(Boolean).map((x) => `"${x}"`).join('.')}`;
    const res = await s.execute(st.query ?? parseSql(sql!)[0]!, []);
    const fmt = copyFormat(st.options);
    const cols = res.columns ?? [];
    const w = new Writer().byte(0).int16(cols.length);
    for (let i = 0; i < cols.length; i++) w.int16(0);
    send(w.finish('H'));
    const tz = s.state.timezone;
    const esc = (v: string) => (fmt.csv ? (/[",\n\r]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v) : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
    if (fmt.csv && fmt.header) send(new Writer().bytes(Buffer.from(cols.map((c) => c.name).join(fmt.delimiter) + '\n')).finish('d'));
    for (const row of res.rows) {
      const line = row.map((d, i) => (d === null ? fmt.nullString : esc(encodeText(d, cols[i]!.type, tz).toString('utf8')))).join(fmt.delimiter) + '\n';
      send(new Writer().bytes(Buffer.from(line, 'utf8')).finish('d'));
    }
    send(new Writer().finish('c'));
    send(commandComplete(`COPY ${res.rows.length}`));
  }

  async function simpleQuery(s: Session, sql: string): Promise<void> {
    if (sql.trim() === '' || /^\s*;*\s*$/.test(sql)) {
      send(emptyQueryResponse());
      send(readyForQuery(s.txnStatus()));
      return;
    }
    const { parse: parseSql } = await import('../sql/parser/index.js');
    try {
      const stmts = parseSql(sql);
      if (stmts.length === 0) send(emptyQueryResponse());
      for (const st of stmts) {
        if (st.kind === 'copyFrom') {
          // ReadyForQuery comes after CopyDone/CopyFail; statements after COPY in the same string are not run.
          await startCopy(s, st, true);
          return;
        }
        if (st.kind === 'copyTo') {
          await copyOut(s, st);
          continue;
        }
        sendResult(await s.execute(st, []), []);
      }
    } catch (err) {
      sendError(err);
    }
    send(readyForQuery(s.txnStatus()));
  }

  async function parse(s: Session, r: Reader): Promise<void> {
    const name = r.cstring();
    const sql = r.cstring();
    const n = r.int16();
    const types: (SqlType | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const oid = r.int32();
      types.push(oid === 0 ? undefined : typeFromOid(oid) ?? T.string);
    }
    const ps = await s.prepare(sql, types);
    statements.set(name, ps);
    send(parseComplete());
  }

  function bind(r: Reader): void {
    const portal = r.cstring();
    const stmt = r.cstring();
    const ps = statements.get(stmt);
    if (!ps) throw new BurrowError('26000', `prepared statement "${stmt}" does not exist`);
    const nf = r.int16();
    const formats: number[] = [];
    for (let i = 0; i < nf; i++) formats.push(r.int16());
    const np = r.int16();
    const params: unknown[] = [];
    for (let i = 0; i < np; i++) {
      const len = r.int32();
      if (len === -1) {
        params.push(null);
        continue;
      }
      const raw = r.bytes(len);
      const f = nf === 0 ? 0 : nf === 1 ? formats[0]! : formats[i] ?? 0;
      const t = ps.paramTypes[i];
      params.push(f === 1 ? decodeBinary(Buffer.from(raw), t ?? T.bytes, session!.state.timezone) : raw.toString('utf8'));
    }
    const nr = r.int16();
    const resultFormats: number[] = [];
    for (let i = 0; i < nr; i++) resultFormats.push(r.int16());
    portals.set(portal, { ps, params, resultFormats, result: null, sent: 0, described: false });
    send(bindComplete());
  }

  async function describe(s: Session, r: Reader): Promise<void> {
    const kind = String.fromCharCode(r.byte());
    const name = r.cstring();
    if (kind === 'S') {
      const ps = statements.get(name);
      if (!ps) throw new BurrowError('26000', `prepared statement "${name}" does not exist`);
      send(parameterDescription(ps.paramTypes.map((t) => (t ? typeOid(t) : 25))));
      send(ps.columns ? rowDescription(fieldsOf(ps.columns, [])) : noData());
      return;
    }
    const p = portals.get(name);
    if (!p) throw new BurrowError('34000', `portal "${name}" does not exist`);
    if (p.ps.stmt?.kind === 'copyFrom' || p.ps.stmt?.kind === 'copyTo') {
      send(noData());
      return;
    }
    // Run the statement now so its result columns are known; Execute sends the rows.
    if (!p.result) p.result = await s.executePrepared(p.ps, p.params);
    p.described = true;
    send(p.result.columns ? rowDescription(fieldsOf(p.result.columns, p.resultFormats)) : noData());
  }

  async function execute(s: Session, r: Reader): Promise<void> {
    const name = r.cstring();
    const maxRows = r.int32();
    const p = portals.get(name);
    if (!p) throw new BurrowError('34000', `portal "${name}" does not exist`);
    if (!p.ps.stmt) {
      send(emptyQueryResponse());
      return;
    }
    if (p.ps.stmt.kind === 'copyFrom') return startCopy(s, p.ps.stmt, false);
    if (p.ps.stmt.kind === 'copyTo') return copyOut(s, p.ps.stmt);
    if (!p.result) p.result = await s.executePrepared(p.ps, p.params);
    const done = sendResult(p.result, p.resultFormats, p.sent, maxRows, false);
    if (done) {
      p.sent = p.result.rows.length;
      p.result = p.ps.stmt.kind === 'select' ? null : p.result;
      if (p.result === null) p.sent = 0;
    } else {
      p.sent += maxRows;
      send(portalSuspended());
    }
  }
}
