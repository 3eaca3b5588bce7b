// Owns zone configurations as data: their shape, storage in system.zones
// (keyed by descriptor ID; 0 is RANGE default; the config column holds the
// JSON of the fields set at that level), inheritance table -> database ->
// RANGE default, CockroachDB's SQL rendering (raw_config_sql), and the GC TTL
// lookup the GC loop uses.
//
// Invariants: a stored config holds only explicitly set fields, except
// RANGE default, which is always complete (missing row = built-in default).
// Reads go through the caller's transaction.

import type { Txn } from '../../kv/txn.js';
import type { Catalog } from '../catalog/catalog.js';
import { zonesTable } from '../catalog/system-schema.js';
import { decodePrimaryRow, indexSpan, primaryKey, primaryValue, tableLayout } from '../rowenc/table-codec.js';

export interface ZoneConfig {
  rangeMinBytes?: number;
  rangeMaxBytes?: number;
  gcTtlSeconds?: number;
  numReplicas?: number;
  numVoters?: number;
  globalReads?: boolean;
  constraints?: string;
  voterConstraints?: string;
  leasePreferences?: string;
}

export const defaultZoneId = 0;

/** RANGE default as `cockroach start-single-node` configures it (replication factor 1). */
export const defaultZoneConfig: Readonly<ZoneConfig> = {
  rangeMinBytes: 134_217_728,
  rangeMaxBytes: 536_870_912,
  gcTtlSeconds: 14_400,
  numReplicas: 1,
  constraints: '[]',
  leasePreferences: '[]',
};

const zonesLayout = tableLayout(zonesTable);

function zoneKey(id: number): Buffer {
  return primaryKey(zonesLayout, [BigInt(id), null]);
}

export async function readZone(txn: Txn, id: number): Promise<ZoneConfig | undefined> {
  const key = zoneKey(id);
  const v = await txn.get(key);
  if (!v) return id === defaultZoneId ? { ...defaultZoneConfig } : undefined;
  const row = decodePrimaryRow(zonesLayout, key, v);
  return JSON.parse((row[1] as Buffer).toString('utf8')) as ZoneConfig;
}

export function writeZone(txn: Txn, id: number, cfg: ZoneConfig): void {
  const row = [BigInt(id), Buffer.from(JSON.stringify(cfg), 'utf8')];
  txn.put(primaryKey(zonesLayout, row), primaryValue(zonesLayout, row));
}

export function deleteZone(txn: Txn, id: number): void {
  txn.del(zoneKey(id));
}

/** Every stored zone (RANGE default included only when it has a row), by ID. */
export async function listZones(txn: Txn): Promise<{ id: number; config: ZoneConfig }[]> {
  const span = indexSpan(zonesLayout.primary);
  const out: { id: number; config: ZoneConfig }[] = [];
  for await (const page of txn.scan(span.start, span.end)) {
    for (const { key, value } of page) {
      const row = decodePrimaryRow(zonesLayout, key, value);
      out.push({ id: Number(row[0] as bigint), config: JSON.parse((row[1] as Buffer).toString('utf8')) as ZoneConfig });
    }
  }
  return out;
}

/** The zone IDs consulted for a descriptor, most specific first, ending with RANGE default. */
export async function zoneChain(txn: Txn, catalog: Catalog, id: number): Promise<number[]> {
  if (id === defaultZoneId) return [defaultZoneId];
  const d = await catalog.getById(txn, id);
  if (!d || d.kind === 'database') return [id, defaultZoneId];
  if (d.kind === 'schema') return [d.parentId, defaultZoneId];
  return [id, d.parentId, defaultZoneId];
}

/** Fills fields missing from cfg from its ancestors in chain (after cfg's own level). */
export async function completeZone(txn: Txn, cfg: ZoneConfig, ancestors: number[]): Promise<ZoneConfig> {
  let out: ZoneConfig = { ...cfg };
  for (const id of ancestors) {
    const z = await readZone(txn, id);
    if (z) out = { ...z, ...out };
  }
  return out;
}

/** The GC TTL that applies to a table (its zone, else its database's, else RANGE default's). */
export async function gcTtlSecondsFor(txn: Txn, catalog: Catalog, tableId: number): Promise<number> {
  for (const id of await zoneChain(txn, catalog, tableId)) {
    const z = await readZone(txn, id);
    if (z?.gcTtlSeconds !== undefined) return z.gcTtlSeconds;
  }
  return defaultZoneConfig.gcTtlSeconds!;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** CockroachDB's zoneConfigToSQL: `ALTER <target> CONFIGURE ZONE USING` and one field per line. */
export function zoneConfigSql(target: string, z: ZoneConfig): string {
  const parts: string[] = [];
  if (z.rangeMinBytes !== undefined) parts.push(`range_min_bytes = ${z.rangeMinBytes}`);
  if (z.rangeMaxBytes !== undefined) parts.push(`range_max_bytes = ${z.rangeMaxBytes}`);
  if (z.gcTtlSeconds !== undefined) parts.push(`gc.ttlseconds = ${z.gcTtlSeconds}`);
  if (z.globalReads !== undefined) parts.push(`global_reads = ${z.globalReads}`);
  if (z.numReplicas !== undefined) parts.push(`num_replicas = ${z.numReplicas}`);
  if (z.numVoters !== undefined) parts.push(`num_voters = ${z.numVoters}`);
  if (z.constraints !== undefined) parts.push(`constraints = ${quote(z.constraints)}`);
  if (z.voterConstraints !== undefined) parts.push(`voter_constraints = ${quote(z.voterConstraints)}`);
  if (z.leasePreferences !== undefined) parts.push(`lease_preferences = ${quote(z.leasePreferences)}`);
  return `ALTER ${target} CONFIGURE ZONE USING\n` + parts.map((p) => `\t${p}`).join(',\n');
}
