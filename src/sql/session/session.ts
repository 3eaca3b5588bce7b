// Owns a SQL session: its variables, its transaction state machine
// (no transaction / open / aborted, as PostgreSQL's ReadyForQuery reports
// them), statement execution with implicit transactions retried on 40001,
// explicit BEGIN/COMMIT/ROLLBACK with savepoints (including
// cockroach_restart), and AS OF SYSTEM TIME on SELECT and BEGIN.

import { BurrowError, SqlState } from '../../util/errors.js';
import { timestampToDecimalString, type Timestamp } from '../../util/hlc.js';
import type { Txn, Savepoint } from '../../kv/txn.js';
import { parse } from '../parser/index.js';
import type { Statement } from '../parser/ast.js';
import { T } from '../types/types.js';
import type { Datum } from '../types/datum.js';
import type { EvalContext } from '../types/eval-context.js';
import { validateTimeZone } from '../types/datetime.js';
import { formatExpr } from '../parser/index.js';
import type { PlanCtx } from '../plan/plan-ctx.js';
import type { ExecCtx } from '../plan/types.js';
import type { SqlEngine } from '../engine.js';
import { evalAsOf } from './as-of.js';
import { dispatch } from './dispatch.js';
import { startCopyIn } from '../dml/copy.js';
import { planSelect } from '../plan/build-select.js';
import { collectRows } from '../exec/basic-nodes.js';
import { commandResult, rowsResult, type StatementResult } from './result.js';
import { defaultVars, setVar, showVar, crdbVersion } from './session-vars.js';
import type { SessionState, StmtEnv } from './stmt-env.js';
import { newSequenceSessionState, sequenceFunctions } from '../objects/sequences.js';

export type TxnStatus = 'I' | 'T' | 'E';

export interface PreparedStatement {
  sql: string;
  stmt: Statement | null;
  /** Placeholder types inferred at prepare time (or given by the client). */
  paramTypes: (import('../types/types.js').SqlType | undefined)[];
  /** Result columns, when the statement returns rows and they are known without running it. */
  columns: import('../plan/types.js').OutCol[] | null;
  /** A cached SELECT plan and the catalog version it was made against. */
  plan: { node: import('../plan/types.js').RelNode; catalogVersion: number } | null;
}

export interface CopyInSession {
  columnCount: number;
  add(rows: (string | null)[][]): Promise<void>;
  /**
   * When present, the wire layer hands the raw COPY data bytes here instead
   * of splitting them into rows (the userfile upload hook parses its own format).
   */
  addBytes?(chunk: Buffer): Promise<void>;
  finish(): Promise<StatementResult>;
  abort(): void;
}

export interface Session {
  readonly state: SessionState;
  /** Parses and plans once; executePrepared runs it with parameters, reusing the plan while the catalog is unchanged. */
  prepare(sql: string, paramTypes?: (import('../types/types.js').SqlType | undefined)[]): Promise<PreparedStatement>;
  executePrepared(ps: PreparedStatement, params: unknown[]): Promise<StatementResult>;
  /** Starts COPY FROM STDIN: rows go in with add(); finish() commits (outside BEGIN) and gives the COPY result. */
  copyIn(stmt: Extract<Statement, { kind: 'copyFrom' }>): Promise<CopyInSession>;
  /**
   * Runs fn in a new transaction of its own (retried on 40001), as this
   * session's user, whatever transaction the session has open: internal work
   * such as userfile writes and jobs.
   */
  runInternal<T>(fn: (env: StmtEnv) => Promise<T>): Promise<T>;
  /** Parses and runs every statement in sql; stops at the first error (which it throws). */
  query(sql: string, params?: unknown[]): Promise<StatementResult[]>;
  execute(stmt: Statement, params?: unknown[]): Promise<StatementResult>;
  txnStatus(): TxnStatus;
  /** Aborts any open transaction (connection closed). */
  close(): void;
  cancel(): void;
}

const maxImplicitRetries = 50;

interface OpenTxn {
  txn: Txn;
  aborted: boolean;
  savepoints: { name: string; sp: Savepoint }[];
  restartable: boolean;
  asOf: Timestamp | null;
  readOnly: boolean;
}

/** Context a COPY handler of another layer gets: the session's user and internal transactions. */
export interface CopyHandlerContext {
  user: string;
  engine: SqlEngine;
  runInternal: Session['runInternal'];
  /** True inside an explicit BEGIN ... COMMIT. */
  explicitTxn: boolean;
}

export type CopyHandler = (stmt: Extract<Statement, { kind: 'copyFrom' }>, ctx: CopyHandlerContext) => Promise<CopyInSession>;

const copyHandlers = new Map<string, CopyHandler>();

/** Lets another layer take COPY into a special table name (`crdb_internal.user_file_upload`). */
export function registerCopyHandler(qualifiedName: string, h: CopyHandler): void {
  copyHandlers.set(qualifiedName, h);
}

function copyHandlerFor(stmt: Extract<Statement, { kind: 'copyFrom' }>): CopyHandler | undefined {
  return copyHandlers.get(`${stmt.table.schema ?? ''}.${stmt.table.name}`);
}

export function newSession(engine: SqlEngine, user: string, database: string): Session {
  const state: SessionState = {
    user,
    database,
    searchPath: ['public'],
    timezone: 'UTC',
    applicationName: '',
    vars: defaultVars(),
  };
  state.vars.set('session_user', user);
  let open: OpenTxn | null = null;
  let cancelled = false;
  const seqState = newSequenceSessionState();

  function evalContext(txn: Txn, params: unknown[], dryRun = false): EvalContext {
    const seq = sequenceFunctions({ kv: engine.kv, catalog: engine.catalog, txn, session: state, state: seqState });
    const micros = txn.readTs.wall / 1000n;
    const stmtMicros = engine.store.clock.physicalNowNs() / 1000n;
    return {
      timezone: state.timezone,
      txnTimestampMicros: micros,
      stmtTimestampMicros: stmtMicros,
      clockMicros: () => engine.store.clock.physicalNowNs() / 1000n,
      clusterLogicalTimestamp: () => timestampToDecimalString(txn.readTs),
      user: state.user,
      database: state.database,
      searchPath: state.searchPath,
      applicationName: state.applicationName,
      uniqueRowId: engine.uniqueRowId,
      ...seq,
      ...(dryRun ? { nextval: async () => 1n, setval: async (_t: string, v: bigint) => v } : {}),
      sessionVar: (n) => {
        try {
          return showVar(state, n);
        } catch {
          return undefined;
        }
      },
      version: crdbVersion,
      params: params as Datum[],
    };
  }

  /** dryRun: the statement runs only to learn placeholder types, in a transaction rolled back; sequences are not advanced. */
  function stmtEnv(txn: Txn, params: unknown[], explicit: boolean, dryRun = false): StmtEnv {
    const evalCtx = evalContext(txn, params, dryRun);
    let planCtx: PlanCtx | null = null;
    let execCtx: ExecCtx | null = null;
    const env: StmtEnv = {
      kv: engine.kv,
      store: engine.store,
      catalog: engine.catalog,
      txn,
      session: state,
      params: params as Datum[],
      evalCtx,
      explicitTxn: explicit,
      planCtx: () =>
        (planCtx ??= {
          txn,
          catalog: engine.catalog,
          session: { database: state.database, searchPath: state.searchPath, user: state.user, timezone: state.timezone },
          params: { types: [] },
          ctes: new Map(),
          virtualTable: engine.virtualTable,
          runStatement: async (st) => {
            const r = await dispatch(st, stmtEnv(txn, params, explicit));
            return { cols: r.columns ?? [], rows: r.rows };
          },
        }),
      execCtx: () => (execCtx ??= { txn, evalCtx, outer: [], cancelled: () => cancelled }),
    };
    return env;
  }

  function asOfOf(stmt: Statement, params: unknown[]): Timestamp | null {
    const e = stmt.kind === 'select' && stmt.body.kind === 'selectClause' ? stmt.body.asOf : null;
    if (!e) return null;
    const stmtNs = engine.store.clock.physicalNowNs();
    const now = engine.store.clock.now();
    return evalAsOf(e, stmtNs, now, state.timezone, params);
  }

  async function runImplicit(stmt: Statement, params: unknown[]): Promise<StatementResult> {
    const asOf = asOfOf(stmt, params);
    const readOnly = state.vars.get('default_transaction_read_only') === 'on';
    for (let attempt = 1; ; attempt++) {
      const txn = asOf ? engine.kv.begin({ readTs: asOf }) : engine.kv.begin({ readOnly });
      try {
        const r = await dispatch(stmt, stmtEnv(txn, params, false));
        await txn.commit();
        return r;
      } catch (err) {
        txn.rollback();
        const retry = err instanceof BurrowError && err.code === SqlState.SerializationFailure && attempt < maxImplicitRetries;
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, Math.min(20, attempt * Math.random() * 2)));
      }
    }
  }

  async function runExplicit(stmt: Statement, params: unknown[]): Promise<StatementResult> {
    const o = open!;
    if (o.aborted) {
      throw new BurrowError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    if (stmt.kind === 'select' && stmt.body.kind === 'selectClause' && stmt.body.asOf && !o.asOf) {
      throw new BurrowError('0A000', 'inconsistent AS OF SYSTEM TIME timestamp; expected: ' + timestampToDecimalString(o.txn.readTs), {
        hint: 'try SET TRANSACTION AS OF SYSTEM TIME',
      });
    }
    try {
      return await dispatch(stmt, stmtEnv(o.txn, params, true));
    } catch (err) {
      o.aborted = true;
      throw err;
    }
  }

  function beginTxn(asOf: Timestamp | null, readOnly: boolean): void {
    const txn = asOf ? engine.kv.begin({ readTs: asOf }) : engine.kv.begin({ readOnly });
    open = { txn, aborted: false, savepoints: [], restartable: false, asOf, readOnly: readOnly || !!asOf };
  }

  async function control(stmt: Statement, params: unknown[]): Promise<StatementResult | null> {
    switch (stmt.kind) {
      case 'begin': {
        if (open) throw new BurrowError('25001', 'there is already a transaction in progress');
        const stmtNs = engine.store.clock.physicalNowNs();
        const asOf = stmt.modes.asOf ? evalAsOf(stmt.modes.asOf, stmtNs, engine.store.clock.now(), state.timezone, params) : null;
        beginTxn(asOf, stmt.modes.readOnly === true || state.vars.get('default_transaction_read_only') === 'on');
        return commandResult('BEGIN');
      }
      case 'commit': {
        if (!open) return { ...commandResult('COMMIT'), notices: ['there is no transaction in progress'] };
        const o = open;
        open = null;
        if ((o as OpenTxn & { committed?: boolean }).committed) return commandResult('COMMIT'); // after RELEASE cockroach_restart
        if (o.aborted) {
          o.txn.rollback();
          return commandResult('ROLLBACK');
        }
        await o.txn.commit();
        return commandResult('COMMIT');
      }
      case 'rollback': {
        if (stmt.savepoint) return rollbackTo(stmt.savepoint);
        if (!open) return { ...commandResult('ROLLBACK'), notices: ['there is no transaction in progress'] };
        if (!(open as OpenTxn & { committed?: boolean }).committed) open.txn.rollback();
        open = null;
        return commandResult('ROLLBACK');
      }
      case 'savepoint': {
        if (!open) throw new BurrowError('25P01', 'there is no transaction in progress');
        if (open.aborted) throw new BurrowError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        if (stmt.name === 'cockroach_restart') open.restartable = true;
        open.savepoints.push({ name: stmt.name, sp: open.txn.savepoint() });
        return commandResult('SAVEPOINT');
      }
      case 'releaseSavepoint': {
        if (!open) throw new BurrowError('25P01', 'there is no transaction in progress');
        const i = open.savepoints.map((s) => s.name).lastIndexOf(stmt.name);
        if (i < 0) throw new BurrowError('3B001', `savepoint "${stmt.name}" does not exist`);
        if (open.aborted) throw new BurrowError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        open.savepoints.length = i;
        if (stmt.name === 'cockroach_restart') {
          // RELEASE SAVEPOINT cockroach_restart commits.
          const o = open;
          try {
            await o.txn.commit();
          } catch (err) {
            o.aborted = true;
            throw err;
          }
          open = { ...o, txn: o.txn, savepoints: [] };
          open.aborted = false;
          (open as OpenTxn & { committed?: boolean }).committed = true;
        }
        return commandResult('RELEASE');
      }
      case 'setTransaction': {
        if (!open) throw new BurrowError('25P01', 'there is no transaction in progress');
        if (stmt.modes.asOf) {
          const asOf = evalAsOf(stmt.modes.asOf, engine.store.clock.physicalNowNs(), engine.store.clock.now(), state.timezone, params);
          if (open.txn.hasWrites()) throw new BurrowError('25001', 'cannot set fixed timestamp, txn already has writes');
          beginTxn(asOf, true);
        } else if (stmt.modes.readOnly !== null) {
          if (stmt.modes.readOnly && !open.readOnly) {
            if (open.txn.hasWrites()) throw new BurrowError('25001', 'cannot set read-only mode after writing');
            beginTxn(null, true);
          }
        }
        return commandResult('SET TRANSACTION');
      }
      case 'setVar': {
        const value = stmt.values.length === 0 || stmt.values[0]!.kind === 'default' ? null : stmt.values.map(varValueText).join(', ');
        if (stmt.name === 'timezone' || stmt.name === 'time zone') {
          if (value !== null) validateTimeZone(value);
        }
        if (stmt.name === 'database' && value) {
          const txn = engine.kv.begin({ readOnly: true });
          const db = await engine.catalog.getDatabase(txn, value);
          if (!db) throw new BurrowError('3D000', `database "${value}" does not exist`);
        }
        setVar(state, stmt.name, value);
        return commandResult('SET');
      }
      case 'resetVar': {
        if (stmt.name === null) {
          const user = state.user;
          state.vars = defaultVars();
          state.vars.set('session_user', user);
          state.searchPath = ['public'];
          state.timezone = 'UTC';
          state.applicationName = '';
        } else setVar(state, stmt.name, null);
        return commandResult('RESET');
      }
      case 'showVar': {
        const n = stmt.name.toLowerCase();
        if (n === 'transaction_status') {
          return rowsResult('SHOW', [{ name: 'transaction_status', type: T.string, table: null, hidden: false }], [[open ? (open.aborted ? 'Aborted' : 'Open') : 'NoTxn']]);
        }
        if (n === 'transaction isolation level' || n === 'transaction_isolation') {
          return rowsResult('SHOW', [{ name: 'transaction_isolation', type: T.string, table: null, hidden: false }], [['serializable']]);
        }
        if (n === 'all') {
          const rows = [...state.vars.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k]) => [k, showVar(state, k)]);
          return rowsResult('SHOW', [
            { name: 'variable', type: T.string, table: null, hidden: false },
            { name: 'value', type: T.string, table: null, hidden: false },
          ], rows);
        }
        const value = showVar(state, n);
        const colName = n === 'time zone' ? 'timezone' : n;
        return rowsResult('SHOW', [{ name: colName, type: T.string, table: null, hidden: false }], [[value]]);
      }
      default:
        return null;
    }
  }

  function rollbackTo(name: string): StatementResult {
    if (!open) throw new BurrowError('25P01', 'there is no transaction in progress');
    const i = open.savepoints.map((s) => s.name).lastIndexOf(name);
    if (i < 0) throw new BurrowError('3B001', `savepoint "${name}" does not exist`);
    const sp = open.savepoints[i]!;
    open.savepoints.length = i + 1;
    if (name === 'cockroach_restart' || (open.aborted && open.txn.state !== 'open')) {
      // Restart: a fresh transaction with a new read timestamp (unless historical).
      const asOf = open.asOf;
      const ro = open.readOnly;
      open.txn.rollback();
      beginTxn(asOf, ro);
      open.restartable = true;
      open.savepoints = [{ name, sp: open.txn.savepoint() }];
      return commandResult('ROLLBACK');
    }
    open.txn.rollbackTo(sp.sp);
    open.aborted = false;
    return commandResult('ROLLBACK');
  }

  async function execute(stmt: Statement, params: unknown[] = []): Promise<StatementResult> {
    cancelled = false;
    const c = await control(stmt, params);
    if (c) return c;
    if (open) {
      if ((open as OpenTxn & { committed?: boolean }).committed) {
        throw new BurrowError('25000', 'current transaction is committed, commands ignored until end of transaction block');
      }
      return runExplicit(stmt, params);
    }
    return runImplicit(stmt, params);
  }

  async function planPrepared(ps: PreparedStatement, txn: Txn): Promise<import('../plan/types.js').RelNode> {
    const env = stmtEnv(txn, [], !!open);
    const pctx = env.planCtx();
    pctx.params.types = ps.paramTypes.slice();
    const node = await planSelect(ps.stmt as Extract<Statement, { kind: 'select' }>, pctx);
    ps.paramTypes = pctx.params.types;
    ps.columns = node.cols;
    return node;
  }

  async function prepare(sql: string, paramTypes: (import('../types/types.js').SqlType | undefined)[] = []): Promise<PreparedStatement> {
    const stmts = parse(sql);
    if (stmts.length > 1) throw new BurrowError('42601', 'cannot insert multiple commands into a prepared statement');
    const stmt = stmts[0] ?? null;
    const ps: PreparedStatement = { sql, stmt, paramTypes: paramTypes.slice(), columns: null, plan: null };
    if (stmt && stmt.kind === 'select' && !(stmt.body.kind === 'selectClause' && stmt.body.asOf)) {
      const txn = open && !open.aborted ? open.txn : engine.kv.begin({ readOnly: true });
      const version = engine.catalog.version();
      const node = await planPrepared(ps, txn);
      if (engine.catalog.usesLatest(txn)) ps.plan = { node, catalogVersion: version };
    } else if (stmt) {
      ps.paramTypes = await inferParamTypes(stmt, ps.paramTypes);
    }
    return ps;
  }

  async function inferParamTypes(stmt: Statement, given: (import('../types/types.js').SqlType | undefined)[]): Promise<(import('../types/types.js').SqlType | undefined)[]> {
    // Plan INSERT/UPDATE/DELETE inside a transaction that is rolled back, to learn placeholder types.
    const types = given.slice();
    if (stmt.kind !== 'insert' && stmt.kind !== 'update' && stmt.kind !== 'delete') return types;
    const txn = engine.kv.begin();
    try {
      const env = stmtEnv(txn, new Proxy([], { get: (t, k) => (k === 'length' ? 0 : (t as unknown as Record<string | symbol, unknown>)[k]) }), false, true);
      env.planCtx().params.types = types;
      await dispatch(stmt, env).catch(() => undefined);
      return env.planCtx().params.types;
    } finally {
      txn.rollback();
    }
  }

  async function runPreparedSelect(ps: PreparedStatement, params: unknown[], txn: Txn): Promise<StatementResult> {
    let plan = ps.plan;
    if (!plan || plan.catalogVersion !== engine.catalog.version() || !engine.catalog.usesLatest(txn)) {
      const version = engine.catalog.version();
      const node = await planPrepared(ps, txn);
      plan = engine.catalog.usesLatest(txn) ? { node, catalogVersion: version } : null;
      ps.plan = plan;
      if (!plan) return runPlan(node, txn, params);
    }
    return runPlan(plan.node, txn, params);
  }

  async function runPlan(node: import('../plan/types.js').RelNode, txn: Txn, params: unknown[]): Promise<StatementResult> {
    const env = stmtEnv(txn, params, !!open);
    const rows = await collectRows(node, env.execCtx());
    return rowsResult('SELECT', node.cols, rows);
  }

  async function executePrepared(ps: PreparedStatement, params: unknown[]): Promise<StatementResult> {
    if (!ps.stmt) return commandResult('');
    if (!ps.plan && ps.stmt.kind !== 'select') return execute(ps.stmt, params);
    if (ps.stmt.kind !== 'select' || (ps.stmt.body.kind === 'selectClause' && ps.stmt.body.asOf)) return execute(ps.stmt, params);
    cancelled = false;
    if (open) {
      if (open.aborted) throw new BurrowError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
      if ((open as OpenTxn & { committed?: boolean }).committed) {
        throw new BurrowError('25000', 'current transaction is committed, commands ignored until end of transaction block');
      }
      try {
        return await runPreparedSelect(ps, params, open.txn);
      } catch (err) {
        open.aborted = true;
        throw err;
      }
    }
    for (let attempt = 1; ; attempt++) {
      // Not read-only: a SELECT may call nextval(); committing without writes costs nothing.
      const txn = engine.kv.begin();
      try {
        const r = await runPreparedSelect(ps, params, txn);
        await txn.commit();
        return r;
      } catch (err) {
        txn.rollback();
        if (!(err instanceof BurrowError && err.code === SqlState.SerializationFailure && attempt < maxImplicitRetries)) throw err;
      }
    }
  }

  function runInternal<T>(fn: (env: StmtEnv) => Promise<T>): Promise<T> {
    return engine.kv.runTxn((txn) => fn(stmtEnv(txn, [], false)));
  }

  async function copyIn(stmt: Extract<Statement, { kind: 'copyFrom' }>): Promise<CopyInSession> {
    cancelled = false;
    if (open?.aborted) throw new BurrowError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    const handler = copyHandlerFor(stmt);
    if (handler) return handler(stmt, { user: state.user, engine, runInternal, explicitTxn: !!open });
    const explicit = open;
    const txn = explicit ? explicit.txn : engine.kv.begin();
    let target;
    try {
      target = await startCopyIn(stmt, stmtEnv(txn, [], !!explicit));
    } catch (err) {
      if (explicit) explicit.aborted = true;
      else txn.rollback();
      throw err;
    }
    const t = target;
    const fail = () => {
      if (explicit) explicit.aborted = true;
      else txn.rollback();
    };
    return {
      columnCount: t.columnCount,
      async add(rows) {
        try {
          await t.addRows(rows);
        } catch (err) {
          fail();
          throw err;
        }
      },
      async finish() {
        if (!explicit) await txn.commit();
        return commandResult('COPY', t.rowsInserted());
      },
      abort: fail,
    };
  }

  return {
    state,
    execute,
    prepare,
    executePrepared,
    copyIn,
    runInternal,
    async query(sql, params = []) {
      const stmts = parse(sql);
      const out: StatementResult[] = [];
      for (const s of stmts) out.push(await execute(s, params));
      return out;
    },
    txnStatus: () => (open ? (open.aborted ? 'E' : 'T') : 'I'),
    close() {
      if (open) open.txn.rollback();
      open = null;
    },
    cancel() {
      cancelled = true;
    },
  };
}

function varValueText(e: import('../parser/ast.js').Expr): string {
  switch (e.kind) {
    case 'str': return e.value;
    case 'colRef': return e.table ? `${e.table.name}.${e.column}` : e.column;
    case 'num': return e.text;
    case 'bool': return e.value ? 'true' : 'false';
    case 'unary': return e.op + varValueText(e.expr);
    default: return formatExpr(e);
  }
}
