// Owns SHOW BACKUPS IN '<collection>' (column path: each complete full
// backup, oldest first, `2021/03/24-210532.53`) and SHOW BACKUP [SCHEMAS]
// FROM LATEST|'<folder>' IN '<collection>' [WITH check_files, privileges,
// encryption_passphrase]: one row per object per layer with CockroachDB's
// columns, plus create_statement (SCHEMAS), privileges and owner
// (privileges), file_bytes (check_files, which also reads every data file
// and fails on a missing or damaged one, naming it).

import crypto from 'node:crypto';
import { BurrowError } from '../util/errors.js';
import type { ShowBackupStatement, ShowBackupsStatement } from '../sql/parser/ast.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { rowsResult, type StatementResult } from '../sql/session/result.js';
import type { SqlEngine } from '../sql/engine.js';
import type { DatabaseDesc, Descriptor, SchemaDesc, TableDesc } from '../sql/catalog/descriptor.js';
import { deserializeDescriptor } from '../sql/catalog/descriptor.js';
import { systemTables } from '../sql/catalog/system-schema.js';
import { resultColumns, resultRows } from '../sql/vtable/vtable.js';
import { createStatementText } from '../sql/show/create-stmt.js';
import type { CatalogSnapshot } from '../sql/vtable/snapshot.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { evalOptions, evalString } from './options.js';
import { listFullBackups, listIncrementals, manifestName, normalizeFolder, resolveLatest } from './layout.js';
import { readManifest, tsFromJson, type BackupManifest } from './manifest.js';
import { collectionKey } from './encryption-info.js';
import { storageAs } from './backup-job.js';
import { openDataFile, storageSource } from './data-file.js';
import type { EncryptionKey } from './encryption.js';

export async function showBackups(stmt: ShowBackupsStatement, env: StmtEnv, engine: SqlEngine): Promise<StatementResult> {
  const uri = await evalString(stmt.collection[0]!, env, 'SHOW BACKUPS collection');
  const storage = await storageAs(engine, env.session.user, uri);
  const cols = resultColumns('path text');
  return rowsResult('SHOW', cols, (await listFullBackups(storage)).map((p) => [p]));
}

const showOptions = { check_files: 'flag', privileges: 'flag', encryption_passphrase: 'string', as_json: 'flag', debug_ids: 'flag', incremental_location: 'string', skip_size: 'flag' } as const;

function microsOf(j: BackupManifest['endTime']): bigint {
  return tsFromJson(j).wall / 1000n;
}

function privilegesText(d: Descriptor): string {
  const kindWord = d.kind === 'database' ? 'DATABASE' : d.kind === 'schema' ? 'SCHEMA' : 'TABLE';
  return d.privileges.users
    .filter((u) => u.privileges.length)
    .map((u) => `GRANT ${u.privileges.join(', ')} ON ${kindWord} ${d.name} TO ${u.user}; `)
    .join('');
}

async function checkFiles(storage: ExternalStorage, folder: string, m: BackupManifest, key: EncryptionKey | undefined): Promise<void> {
  for (const f of m.files) {
    const path = `${folder}/${f.path}`;
    if (!(await storage.exists(path))) {
      throw new BurrowError('58P01', `backup data file ${path} is missing`, { hint: 'The backup is damaged; take a new full backup or use another one.' });
    }
    const h = crypto.createHash('sha256');
    let size = 0;
    for await (const b of storage.read(path)) {
      h.update(b);
      size += b.length;
    }
    if (size !== f.sizeBytes || h.digest('hex') !== f.sha256) {
      throw new BurrowError('XX001', `backup data file ${path} does not match its checksum in the manifest`, { hint: 'The backup is damaged; take a new full backup or use another one.' });
    }
    const reader = await openDataFile(storageSource(storage, path), { encryption: key });
    for await (const batch of reader.entries()) void batch;
  }
}

export async function showBackup(stmt: ShowBackupStatement, env: StmtEnv, engine: SqlEngine): Promise<StatementResult> {
  if (stmt.details === 'FILES' || stmt.details === 'RANGES') throw new BurrowError('0A000', `unimplemented: SHOW BACKUP ${stmt.details}`, { hint: 'Use SHOW BACKUP or SHOW BACKUP SCHEMAS.' });
  if (stmt.inCollection.length === 0) {
    throw new BurrowError('0A000', "SHOW BACKUP needs a collection: SHOW BACKUP FROM LATEST IN '<collection>' or FROM '<folder>' IN '<collection>'");
  }
  const opts = await evalOptions(stmt.options, env, showOptions, 'SHOW BACKUP');
  const uri = await evalString(stmt.inCollection[0]!, env, 'SHOW BACKUP collection');
  const storage = await storageAs(engine, env.session.user, uri);
  const passphrase = opts.strings.get('encryption_passphrase');
  const key = passphrase !== undefined ? await collectionKey(storage, passphrase, false) : undefined;
  const folder = stmt.latest ? await resolveLatest(storage) : normalizeFolder(await evalString(stmt.path!, env, 'SHOW BACKUP path'));
  if (!(await storage.exists(`${folder}/${manifestName}`))) {
    throw new BurrowError('58P01', `backup ${folder} does not exist in ${storage.uri}`, { hint: `SHOW BACKUPS IN '${uri}' lists the backups there.` });
  }
  const schemas = stmt.details === 'SCHEMAS';
  const withPrivs = opts.flags.has('privileges');
  const withFiles = opts.flags.has('check_files');
  let spec = 'database_name text, parent_schema_name text, object_name text, object_type text, backup_type text, start_time timestamp, end_time timestamp, size_bytes int8, rows int8, is_full_cluster bool';
  if (schemas) spec += ', create_statement text';
  if (withPrivs) spec += ', privileges text, owner text';
  if (withFiles) spec += ', file_bytes int8';
  const cols = resultColumns(spec);
  const out: Record<string, unknown>[] = [];
  for (const layer of [folder, ...(await listIncrementals(storage, folder))]) {
    const m = await readManifest(storage, layer, key);
    if (withFiles) await checkFiles(storage, layer, m, key);
    const descs = m.descriptors.map((s) => deserializeDescriptor(Buffer.from(s)));
    const byId = new Map(descs.map((d) => [d.id, d]));
    const snap: CatalogSnapshot = {
      databases: descs.filter((d): d is DatabaseDesc => d.kind === 'database'),
      schemas: descs.filter((d): d is SchemaDesc => d.kind === 'schema'),
      tables: descs.filter((d): d is TableDesc => d.kind !== 'database' && d.kind !== 'schema'),
      byId,
      roles: [],
    };
    const fileBytes = new Map<number, number>();
    for (const f of m.files) fileBytes.set(f.tableId, (fileBytes.get(f.tableId) ?? 0) + f.sizeBytes);
    const common = {
      backup_type: m.startTime ? 'incremental' : 'full',
      start_time: m.startTime ? microsOf(m.startTime) : null,
      end_time: microsOf(m.endTime),
      is_full_cluster: m.isFullCluster,
    };
    if (m.isFullCluster) {
      // The system tables a cluster backup carries, shown as CockroachDB shows them.
      out.push({ ...common, database_name: null, parent_schema_name: null, object_name: 'system', object_type: 'database', size_bytes: null, rows: null });
      for (const name of m.systemTables) {
        const t = systemTables.find((x) => x.name === name);
        const st = t ? m.tableStats[String(t.id)] : undefined;
        const row: Record<string, unknown> = {
          ...common, database_name: 'system', parent_schema_name: 'public', object_name: name, object_type: 'table',
          size_bytes: BigInt(st?.dataBytes ?? 0), rows: BigInt(st?.rows ?? 0),
        };
        if (schemas) row.create_statement = null;
        if (withPrivs) Object.assign(row, { privileges: '', owner: 'node' });
        if (withFiles) row.file_bytes = BigInt(m.files.filter((f) => f.tableId === t?.id).reduce((a, f) => a + f.sizeBytes, 0));
        out.push(row);
      }
    }
    const order = (d: Descriptor): number => (d.kind === 'database' ? 0 : d.kind === 'schema' ? 1 : 2);
    for (const d of [...descs].sort((a, b) => order(a) - order(b) || a.id - b.id)) {
      const row: Record<string, unknown> = { ...common, object_name: d.name };
      if (d.kind === 'database') Object.assign(row, { database_name: null, parent_schema_name: null, object_type: 'database', size_bytes: null, rows: null });
      else if (d.kind === 'schema') Object.assign(row, { database_name: (byId.get(d.parentId) as DatabaseDesc | undefined)?.name ?? null, parent_schema_name: null, object_type: 'schema', size_bytes: null, rows: null });
      else {
        const st = m.tableStats[String(d.id)];
        Object.assign(row, {
          database_name: (byId.get(d.parentId) as DatabaseDesc | undefined)?.name ?? null,
          parent_schema_name: (byId.get(d.schemaId) as SchemaDesc | undefined)?.name ?? 'public',
          object_type: 'table',
          size_bytes: BigInt(st?.dataBytes ?? 0),
          rows: BigInt(st?.rows ?? 0),
        });
        if (schemas) row.create_statement = createStatementText(snap, d);
      }
      if (schemas && row.create_statement === undefined) row.create_statement = null;
      if (withPrivs) Object.assign(row, { privileges: privilegesText(d), owner: d.privileges.owner });
      if (withFiles) row.file_bytes = d.kind === 'database' || d.kind === 'schema' ? null : BigInt(fileBytes.get(d.id) ?? 0);
      out.push(row);
    }
  }
  return rowsResult('SHOW', cols, resultRows(cols, out as never));
}
