// Owns the RESTORE statement: options, where it may run, finding the backup
// (LATEST or a folder, with or without its leading '/') and its incremental
// layers, the AS OF SYSTEM TIME checks, the plan and every conflict check
// before a job starts (so mistakes fail fast with CockroachDB's errors), and
// starting the job; without DETACHED it waits and returns the result row.

import { BurrowError } from '../util/errors.js';
import type { RestoreStatement } from '../sql/parser/ast.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { rowsResult, type StatementResult } from '../sql/session/result.js';
import { evalAsOf } from '../sql/session/as-of.js';
import type { SqlEngine } from '../sql/engine.js';
import type { Txn } from '../kv/txn.js';
import { allDescriptors } from '../sql/catalog/catalog-store.js';
import { SystemIds } from '../sql/catalog/system-schema.js';
import { userIsAdmin } from '../sql/privilege/check.js';
import { jobRegistryFor } from '../jobs/jobs-registry.js';
import { describeOptions, evalOptions, evalString } from './options.js';
import { listIncrementals, manifestName, normalizeFolder, resolveLatest } from './layout.js';
import { readManifest, tsToJson } from './manifest.js';
import { collectionKey } from './encryption-info.js';
import { storageAs } from './backup-job.js';
import { planRestore, type Layer } from './restore-plan.js';
import { checkRestoreConflicts, type RestoreDetails } from './restore-job.js';
import { jobIdColumns, waitForResult } from './backup-stmt.js';

const restoreOptions = {
  new_db_name: 'string', into_db: 'string', skip_missing_foreign_keys: 'flag', skip_missing_sequences: 'flag', skip_missing_views: 'flag',
  encryption_passphrase: 'string', schema_only: 'flag', verify_backup_table_data: 'flag', detached: 'flag', skip_localities_check: 'flag',
} as const;

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Databases and objects that make a cluster non-empty for a full cluster restore. */
async function userDescriptorNames(txn: Txn): Promise<string[]> {
  const all = await allDescriptors(txn);
  const builtin = new Set<number>([SystemIds.defaultDb, SystemIds.defaultDbPublicSchema, SystemIds.postgresDb, SystemIds.postgresPublicSchema]);
  return all.filter((d) => d.id >= SystemIds.firstUserId || (d.id >= SystemIds.defaultDb && !builtin.has(d.id)))
    .filter((d) => d.state === 'public' && !builtin.has(d.id))
    .map((d) => d.name);
}

export async function execRestore(stmt: RestoreStatement, env: StmtEnv, engine: SqlEngine): Promise<StatementResult> {
  const opts = await evalOptions(stmt.options, env, restoreOptions, 'RESTORE');
  const detached = opts.flags.has('detached');
  if (env.explicitTxn && !detached) {
    throw new BurrowError('25000', 'RESTORE cannot be used inside a multi-statement transaction without DETACHED option', {
      hint: 'Add WITH detached, or run RESTORE outside BEGIN ... COMMIT.',
    });
  }
  if (stmt.from.length !== 1 || stmt.from[0]!.length !== 1 || (!stmt.latest && !stmt.subdir)) {
    throw new BurrowError('0A000', "RESTORE needs one collection: RESTORE ... FROM LATEST IN '<collection>' or FROM '<folder>' IN '<collection>'", {
      hint: "SHOW BACKUPS IN '<collection>' lists the folders.",
    });
  }
  const uri = await evalString(stmt.from[0]![0]!, env, 'RESTORE source');
  const storage = await storageAs(engine, env.session.user, uri);
  const passphrase = opts.strings.get('encryption_passphrase') ?? null;
  const key = passphrase !== null ? await collectionKey(storage, passphrase, false) : undefined;
  const folder = stmt.latest ? await resolveLatest(storage) : normalizeFolder(await evalString(stmt.subdir!, env, 'RESTORE subdirectory'));
  if (!(await storage.exists(`${folder}/${manifestName}`))) {
    throw new BurrowError('58P01', `backup ${folder} does not exist in ${storage.uri}`, { hint: `SHOW BACKUPS IN ${quote(uri)} lists the backups there.` });
  }
  const layers: Layer[] = [];
  for (const f of [folder, ...(await listIncrementals(storage, folder))]) layers.push({ folder: f, manifest: await readManifest(storage, f, key) });
  const asOf = stmt.asOf ? evalAsOf(stmt.asOf, engine.store.clock.physicalNowNs(), engine.store.clock.now(), env.session.timezone, env.params) : null;
  const plan = planRestore(stmt, layers, asOf, {
    newDbName: opts.strings.get('new_db_name') ?? null,
    intoDb: opts.strings.get('into_db') ?? null,
    skipMissingForeignKeys: opts.flags.has('skip_missing_foreign_keys'),
    skipMissingSequences: opts.flags.has('skip_missing_sequences'),
    skipMissingViews: opts.flags.has('skip_missing_views'),
    sessionDatabase: env.session.database,
  });
  // Checks read in a transaction of their own: the statement's transaction
  // must not carry reads of names the job itself will write when it publishes.
  const check = engine.kv.begin();
  try {
    await preflight(check);
  } finally {
    check.rollback();
  }
  async function preflight(txn: Txn): Promise<void> {
  if (plan.kind === 'cluster') {
    if (!(await userIsAdmin(txn, env.session.user))) throw new BurrowError('42501', 'only users with the admin role are allowed to restore full cluster backups');
    const names = await userDescriptorNames(txn);
    if (names.length > 0) {
      const userfile = names.some((n) => /^userfiles_.*_upload_(files|payload)$/.test(n)) || uri.toLowerCase().startsWith('userfile:');
      throw new BurrowError('XXUUU', `full cluster restore can only be run on a cluster with no tables or databases but found ${names.length} descriptors: ${names.join(', ')}`, {
        hint: userfile
          ? `userfile keeps its files in tables of this cluster (defaultdb.public.userfiles_${env.session.user}_upload_files and _upload_payload), so a cluster holding a userfile collection is never empty. Restore the databases instead, for example: RESTORE DATABASE <name> FROM LATEST IN ${quote(uri)}`
          : 'Run a full cluster restore on a new, empty cluster, or restore databases: RESTORE DATABASE <name> FROM ...',
      });
    }
  }
  await checkRestoreConflicts(txn, plan.objects, plan.kind);
  }
  const details: RestoreDetails = {
    collectionUri: uri,
    layerFolders: plan.layers.map((l) => l.folder),
    targetTime: tsToJson(plan.targetTime),
    kind: plan.kind,
    objects: plan.objects,
    systemTables: plan.systemTables,
    encryptionPassphrase: passphrase,
    schemaOnly: opts.flags.has('schema_only'),
    verifyData: opts.flags.has('verify_backup_table_data'),
  };
  const what = !stmt.targets ? '' : stmt.targets.kind === 'databases' ? `DATABASE ${stmt.targets.names.join(', ')} ` : `TABLE ${plan.objects.filter((o) => o.kind !== 'database' && o.kind !== 'schema').map((o) => `${o.dbName}.${o.schemaName}.${o.name}`).join(', ')} `;
  const description = `RESTORE ${what}FROM ${quote(folder)} IN ${quote(uri)}${describeOptions(opts)}`;
  const job = await jobRegistryFor(engine).create({ type: 'RESTORE', description, statement: description, username: env.session.user, details });
  if (detached) return rowsResult('RESTORE', jobIdColumns, [[job.id]]);
  const r = await waitForResult(engine, job.id);
  return { ...r, tag: 'RESTORE' };
}
