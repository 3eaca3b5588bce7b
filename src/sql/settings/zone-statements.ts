// Owns the zone statements: ALTER DATABASE|TABLE|RANGE ... CONFIGURE ZONE
// USING ... | DISCARD, SHOW ZONE CONFIGURATION FROM <target> (the zone that
// applies, completed with inherited fields, named after the level it comes
// from) and SHOW ZONE CONFIGURATIONS (every configured zone, raw).
//
// Invariants: writes go through the statement's transaction; RANGE default
// is stored complete; other levels store only the fields set there.

import { BurrowError } from '../../util/errors.js';
import type { ConfigureZoneStatement, ShowZoneConfigStatement, ZoneSetting, ZoneTarget } from '../parser/ast.js';
import { formatObjectName } from '../parser/index.js';
import type { Datum } from '../types/datum.js';
import { T } from '../types/types.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, rowsResult, type StatementResult } from '../session/result.js';
import type { Descriptor } from '../catalog/descriptor.js';
import { hasPrivilege, requireAdmin } from '../privilege/check.js';
import { errorNounOf } from '../privilege/privilege-set.js';
import { evalConstant, shortTypeName } from './const-expr.js';
import {
  completeZone, defaultZoneId, deleteZone, listZones, readZone, writeZone, zoneChain, zoneConfigSql, type ZoneConfig,
} from './zones.js';

interface ResolvedZoneTarget {
  id: number;
  /** The database or table; null for RANGE default. */
  desc: Descriptor | null;
  /** The target as written: `TABLE a`, `DATABASE d`, `RANGE default`. */
  text: string;
  /** Database name for ascending from a table to its database. */
  dbName: string | null;
}

async function resolveZoneTarget(t: ZoneTarget, env: StmtEnv): Promise<ResolvedZoneTarget> {
  switch (t.kind) {
    case 'range':
      if (t.name !== 'default') throw new BurrowError('42704', `"${t.name}" is not a built-in zone`);
      return { id: defaultZoneId, desc: null, text: 'RANGE default', dbName: null };
    case 'database': {
      const db = await env.catalog.mustGetDatabase(env.txn, t.name);
      return { id: db.id, desc: db, text: `DATABASE ${t.name}`, dbName: db.name };
    }
    case 'table': {
      const r = await env.catalog.resolveTable(env.txn, t.name, env.session);
      if (r.desc.kind === 'view') {
        throw new BurrowError('42809', `cannot set a zone configuration on non-physical object ${r.desc.name}`);
      }
      return { id: r.desc.id, desc: r.desc, text: `TABLE ${formatObjectName(t.name)}`, dbName: r.db.name };
    }
    case 'index':
      throw new BurrowError('0A000', 'unimplemented: zone configurations on indexes');
  }
}

// ------------------------------------------------------------ CONFIGURE ZONE

type FieldKind = 'int' | 'string' | 'bool';
const zoneFields: Record<string, [keyof ZoneConfig, FieldKind]> = {
  range_min_bytes: ['rangeMinBytes', 'int'],
  range_max_bytes: ['rangeMaxBytes', 'int'],
  'gc.ttlseconds': ['gcTtlSeconds', 'int'],
  num_replicas: ['numReplicas', 'int'],
  num_voters: ['numVoters', 'int'],
  global_reads: ['globalReads', 'bool'],
  constraints: ['constraints', 'string'],
  voter_constraints: ['voterConstraints', 'string'],
  lease_preferences: ['leasePreferences', 'string'],
};

async function fieldValue(s: ZoneSetting, kind: FieldKind, env: StmtEnv): Promise<number | string | boolean> {
  const hint = kind === 'int' ? T.int : kind === 'bool' ? T.bool : T.string;
  const v = await evalConstant(s.value!, env, 'CONFIGURE ZONE', hint);
  if (v.type.family !== hint.family || v.value === null) {
    throw new BurrowError('42804', `argument of ${s.name} must be type ${shortTypeName(hint)}, not type ${shortTypeName(v.type)}`);
  }
  return kind === 'int' ? Number(v.value as bigint) : (v.value as string | boolean);
}

async function applySettings(cfg: ZoneConfig, settings: ZoneSetting[], env: StmtEnv): Promise<ZoneConfig> {
  const out: Record<string, unknown> = { ...cfg };
  const seen = new Set<string>();
  for (const s of settings) {
    const name = s.name.toLowerCase();
    if (seen.has(name)) throw new BurrowError('22023', `duplicate zone config parameter: "${name}"`);
    seen.add(name);
    const field = zoneFields[name];
    if (!field) throw new BurrowError('22023', `unsupported zone config parameter: "${name}"`);
    if (s.value === null) delete out[field[0]];
    else out[field[0]] = await fieldValue(s, field[1], env);
  }
  return out as ZoneConfig;
}

function invalidZone(why: string): BurrowError {
  return new BurrowError('22023', `could not validate zone config: ${why}`);
}

const minRangeMaxBytes = 64 << 20;

/** CockroachDB's ZoneConfig.Validate, on the config completed with its ancestors. */
function validateZone(z: ZoneConfig): void {
  if (z.numReplicas !== undefined && z.numReplicas <= 0) throw invalidZone('at least one replica is required');
  if (z.numReplicas === 2 && !(z.numVoters && z.numVoters > 0)) throw invalidZone('at least 3 replicas are required for multi-replica configurations');
  if (z.numVoters !== undefined && z.numVoters <= 0) throw invalidZone('at least one voting replica is required');
  if (z.numVoters === 2) throw invalidZone('at least 3 voting replicas are required for multi-replica configurations');
  if (z.numVoters !== undefined && z.numReplicas !== undefined && z.numVoters > z.numReplicas) throw invalidZone('num_voters cannot be greater than num_replicas');
  if (z.rangeMaxBytes !== undefined && z.rangeMaxBytes < minRangeMaxBytes) throw invalidZone(`RangeMaxBytes ${z.rangeMaxBytes} less than minimum allowed ${minRangeMaxBytes}`);
  if (z.rangeMinBytes !== undefined && z.rangeMinBytes < 0) throw invalidZone(`RangeMinBytes ${z.rangeMinBytes} less than minimum allowed 0`);
  if (z.rangeMinBytes !== undefined && z.rangeMaxBytes !== undefined && z.rangeMinBytes >= z.rangeMaxBytes) {
    throw invalidZone(`RangeMinBytes ${z.rangeMinBytes} is greater than or equal to RangeMaxBytes ${z.rangeMaxBytes}`);
  }
  if (z.gcTtlSeconds !== undefined && z.gcTtlSeconds < 0) throw invalidZone(`GC.TTLSeconds ${z.gcTtlSeconds} less than minimum allowed 0`);
  if (z.voterConstraints !== undefined && z.numVoters === undefined) throw invalidZone('when voter_constraints are set, num_voters must be set as well');
}

/** ZONECONFIG or CREATE on the database or table; admin for RANGE default. */
async function requireZonePrivilege(env: StmtEnv, target: ResolvedZoneTarget): Promise<void> {
  const d = target.desc;
  if (!d) return requireAdmin(env, 'configure RANGE default');
  const user = env.session.user;
  if ((await hasPrivilege(env.txn, user, d, 'ZONECONFIG')) || (await hasPrivilege(env.txn, user, d, 'CREATE'))) return;
  throw new BurrowError('42501', `user ${user} does not have ZONECONFIG or CREATE privilege on ${errorNounOf(d)} ${d.name}`);
}

export async function execConfigureZone(stmt: ConfigureZoneStatement, env: StmtEnv): Promise<StatementResult> {
  const target = await resolveZoneTarget(stmt.target, env);
  await requireZonePrivilege(env, target);
  if (stmt.settings === 'discard') {
    if (target.id === defaultZoneId) throw new BurrowError('22023', 'cannot remove default zone');
    const existed = (await readZone(env.txn, target.id)) !== undefined;
    deleteZone(env.txn, target.id);
    return commandResult(`CONFIGURE ZONE ${existed ? 1 : 0}`);
  }
  const current = (await readZone(env.txn, target.id)) ?? {};
  const next = await applySettings(current, stmt.settings, env);
  const chain = await zoneChain(env.txn, env.catalog, target.id);
  validateZone(await completeZone(env.txn, next, chain.slice(1)));
  writeZone(env.txn, target.id, next);
  return commandResult('CONFIGURE ZONE 1');
}

// ------------------------------------------------------------ SHOW ZONE CONFIGURATION(S)

const showCols = [
  { name: 'target', type: T.string, table: null, hidden: false },
  { name: 'raw_config_sql', type: T.string, table: null, hidden: false },
];

async function showOne(t: ZoneTarget, env: StmtEnv): Promise<Datum[]> {
  const target = await resolveZoneTarget(t, env);
  const chain = await zoneChain(env.txn, env.catalog, target.id);
  for (let i = 0; i < chain.length; i++) {
    const z = await readZone(env.txn, chain[i]!);
    if (!z) continue;
    const full = await completeZone(env.txn, z, chain.slice(i + 1));
    const text = chain[i] === target.id ? target.text : chain[i] === defaultZoneId ? 'RANGE default' : `DATABASE ${target.dbName}`;
    return [text, zoneConfigSql(text, full)];
  }
  throw new Error('unreachable: RANGE default always has a zone');
}

async function zoneTargetName(id: number, env: StmtEnv): Promise<string | null> {
  if (id === defaultZoneId) return 'RANGE default';
  const d = await env.catalog.getById(env.txn, id);
  if (!d || d.state !== 'public') return null;
  if (d.kind === 'database') return `DATABASE ${d.name}`;
  if (d.kind === 'schema') return null;
  const db = await env.catalog.getById(env.txn, d.parentId);
  const schema = await env.catalog.getById(env.txn, d.schemaId);
  return `TABLE ${formatObjectName({ catalog: db?.name ?? '', schema: schema?.name ?? 'public', name: d.name })}`;
}

async function showAll(env: StmtEnv): Promise<Datum[][]> {
  const zones = await listZones(env.txn);
  if (!zones.some((z) => z.id === defaultZoneId)) zones.unshift({ id: defaultZoneId, config: (await readZone(env.txn, defaultZoneId))! });
  const rows: Datum[][] = [];
  for (const z of zones) {
    const name = await zoneTargetName(z.id, env);
    if (name) rows.push([name, zoneConfigSql(name, z.config)]);
  }
  return rows;
}

export async function execShowZoneConfig(stmt: ShowZoneConfigStatement, env: StmtEnv): Promise<StatementResult> {
  const rows = stmt.target ? [await showOne(stmt.target, env)] : await showAll(env);
  return rowsResult('SHOW', showCols, rows);
}
