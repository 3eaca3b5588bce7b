// Owns the BACKUP statement: checking where it may run, evaluating the
// collection, time and options, choosing the layer (a new full backup, or an
// incremental appended with INTO LATEST IN / INTO '<folder>' IN), resolving
// targets at the backup time, and starting the job; without DETACHED it
// waits and returns CockroachDB's result row.

import { BurrowError } from '../util/errors.js';
import { compareTimestamps, type Timestamp } from '../util/hlc.js';
import type { BackupStatement } from '../sql/parser/ast.js';
import { formatStatement } from '../sql/parser/index.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { rowsResult, type StatementResult } from '../sql/session/result.js';
import { T } from '../sql/types/types.js';
import { evalAsOf } from '../sql/session/as-of.js';
import type { SqlEngine } from '../sql/engine.js';
import { jobRegistryFor } from '../jobs/jobs-registry.js';
import { describeOptions, evalOptions, evalString } from './options.js';
import { resolveBackupTargets } from './targets.js';
import {
  fullFolderName, incrementalFolderName, incrementalsPath, listIncrementals, manifestName, normalizeFolder, resolveLatest,
} from './layout.js';
import { readManifest, tsFromJson, tsToJson, type BackupManifest } from './manifest.js';
import { collectionKey } from './encryption-info.js';
import { storageAs, type BackupDetails } from './backup-job.js';

const backupOptions = { revision_history: 'flag', encryption_passphrase: 'string', detached: 'flag' } as const;

export const backupResultColumns = [
  { name: 'job_id', type: T.int }, { name: 'status', type: T.string }, { name: 'fraction_completed', type: T.float },
  { name: 'rows', type: T.int }, { name: 'index_entries', type: T.int }, { name: 'bytes', type: T.int },
].map((c) => ({ ...c, table: null, hidden: false }));

export const jobIdColumns = [{ name: 'job_id', type: T.int, table: null, hidden: false }];

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function targetsText(stmt: BackupStatement): string {
  const full = formatStatement({ ...stmt, options: [], asOf: null });
  const m = /^BACKUP (.*?) ?INTO /.exec(full);
  return m ? m[1]! : '';
}

export async function execBackup(stmt: BackupStatement, env: StmtEnv, engine: SqlEngine): Promise<StatementResult> {
  if (!stmt.nested) {
    throw new BurrowError('0A000', 'The `BACKUP TO` syntax is no longer supported. Please use `BACKUP INTO` instead.', {
      hint: "BACKUP DATABASE d INTO 'userfile:///backups'",
    });
  }
  if (stmt.incrementalFrom.length) throw new BurrowError('0A000', 'INCREMENTAL FROM is not supported with BACKUP INTO', { hint: "Use BACKUP ... INTO LATEST IN '<collection>'." });
  const opts = await evalOptions(stmt.options, env, backupOptions, 'BACKUP');
  const detached = opts.flags.has('detached');
  if (env.explicitTxn && !detached) {
    throw new BurrowError('25000', 'BACKUP cannot be used inside a multi-statement transaction without DETACHED option', {
      hint: 'Add WITH detached, or run BACKUP outside BEGIN ... COMMIT.',
    });
  }
  if (stmt.to.length !== 1) throw new BurrowError('0A000', 'locality-aware backups (several URIs) are not supported', { hint: 'Give one collection URI.' });
  const uri = await evalString(stmt.to[0]!, env, 'BACKUP destination');
  const now = engine.store.clock.now();
  const endTs: Timestamp = stmt.asOf ? evalAsOf(stmt.asOf, engine.store.clock.physicalNowNs(), now, env.session.timezone, env.params) : now;
  if (compareTimestamps(endTs, now) > 0) throw new BurrowError('3D000', 'AS OF SYSTEM TIME: cannot specify timestamp in the future');
  const storage = await storageAs(engine, env.session.user, uri);
  const passphrase = opts.strings.get('encryption_passphrase') ?? null;
  const key = passphrase !== null ? await collectionKey(storage, passphrase, true) : undefined;

  let fullFolder: string;
  let layerFolder: string;
  let previous: BackupManifest[] = [];
  if (stmt.latest || stmt.subdir) {
    fullFolder = stmt.latest ? await resolveLatest(storage) : normalizeFolder(await evalString(stmt.subdir!, env, 'BACKUP subdirectory'));
    if (!(await storage.exists(`${fullFolder}/${manifestName}`))) {
      throw new BurrowError('58P01', `backup ${fullFolder} does not exist in ${storage.uri}`, { hint: `List backups with SHOW BACKUPS IN ${quote(uri)}.` });
    }
    const layers = [fullFolder, ...(await listIncrementals(storage, fullFolder))];
    previous = [];
    for (const l of layers) previous.push(await readManifest(storage, l, key));
    layerFolder = `${incrementalsPath(fullFolder)}/${incrementalFolderName(endTs)}`;
  } else {
    fullFolder = fullFolderName(endTs);
    layerFolder = fullFolder;
    if (await storage.exists(`${fullFolder}/${manifestName}`)) {
      throw new BurrowError('42710', `a backup already exists in ${fullFolder}`, { hint: 'Wait a moment and run BACKUP again, or append with BACKUP ... INTO LATEST IN.' });
    }
  }
  const last = previous[previous.length - 1];
  const startTime = last ? last.endTime : null;
  if (startTime && compareTimestamps(endTs, tsFromJson(startTime)) <= 0) {
    throw new BurrowError('22023', `incremental backup end time must be after the previous layer's end time`, { hint: 'Use a later AS OF SYSTEM TIME, or none.' });
  }
  const readTxn = engine.kv.begin({ readTs: endTs });
  const resolved = await resolveBackupTargets(env, readTxn, stmt.targets);
  const full = previous[0];
  if (full) {
    const same = full.targets.kind === resolved.kind && (full.targets.kind === 'cluster' || JSON.stringify(full.targets.names) === JSON.stringify(resolved.names));
    if (!same) {
      throw new BurrowError('22023', `requested target(s) do not match the full backup ${fullFolder} they would be appended to`, {
        hint: 'Name the same targets as the full backup, or start a new full backup with BACKUP ... INTO the collection.',
      });
    }
  }
  const previousTables = new Set(previous.flatMap((m) => Object.keys(m.tableStats).map(Number)));
  const tableIds = resolved.tables.map((t) => t.id);
  // Every commit at or before endTs is durable before export reads.
  await engine.kv.drain();
  const details: BackupDetails = {
    collectionUri: uri,
    fullFolder,
    layerFolder,
    incremental: !!last,
    startTime,
    endTime: tsToJson(endTs),
    revisionHistory: opts.flags.has('revision_history'),
    encryptionPassphrase: passphrase,
    targets: resolved.kind === 'cluster' ? { kind: 'cluster' } : { kind: resolved.kind, names: resolved.names },
    completeDbs: resolved.completeDbs,
    descriptorIds: [...resolved.databases, ...resolved.schemas, ...resolved.tables].map((d) => d.id),
    tableIds,
    introducedTableIds: last ? tableIds.filter((id) => !previousTables.has(id)) : [],
    systemTableIds: resolved.systemTables.map((t) => t.id),
    isFullCluster: resolved.kind === 'cluster',
  };
  const asOf = stmt.asOf ? ` AS OF SYSTEM TIME '${endTs.wall}.${String(endTs.logical).padStart(10, '0')}'` : '';
  const description = `BACKUP ${targetsText(stmt)}${targetsText(stmt) ? ' ' : ''}INTO ${quote(fullFolder)} IN ${quote(uri)}${asOf}${describeOptions(opts)}`;
  const jobs = jobRegistryFor(engine);
  const job = await jobs.create({ type: 'BACKUP', description, statement: description, username: env.session.user, details });
  if (detached) return rowsResult('BACKUP', jobIdColumns, [[job.id]]);
  return waitForResult(engine, job.id);
}

/** Waits for a job and returns BACKUP/RESTORE's result row; a failed job's error is the statement's. */
export async function waitForResult(engine: SqlEngine, id: bigint): Promise<StatementResult> {
  const rec = await jobRegistryFor(engine).wait(id);
  if (rec.status === 'failed' || rec.status === 'canceled') {
    throw new BurrowError(rec.errorCode ?? 'XXUUU', rec.error ?? `job ${id} was ${rec.status}`);
  }
  const r = (rec.result ?? {}) as { rows?: number; indexEntries?: number; bytes?: number };
  return rowsResult('BACKUP', backupResultColumns, [[
    rec.id, rec.status, rec.fractionCompleted, BigInt(r.rows ?? 0), BigInt(r.indexEntries ?? 0), BigInt(r.bytes ?? 0),
  ]]);
}
