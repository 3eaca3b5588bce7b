// Owns cluster settings at runtime: converting a SQL value to a setting's
// encoded form (validating it as CockroachDB does), the encoded form to what
// SHOW prints, and persistence in system.settings (one row per setting that
// differs from its default; RESET deletes the row). Also the SET/RESET/SHOW
// CLUSTER SETTING(S) statements.
//
// Invariants: system.settings holds encoded values only (see registry.ts);
// a missing row means the default. Writes go through the statement's
// transaction, so they are as durable as any commit and survive restarts.

import { BurrowError } from '../../util/errors.js';
import type { Txn } from '../../kv/txn.js';
import type { SetClusterSettingStatement, ShowClusterSettingStatement, ShowClusterSettingsStatement } from '../parser/ast.js';
import { decodePrimaryRow, primaryKey, primaryValue, tableLayout } from '../rowenc/table-codec.js';
import { settingsTable } from '../catalog/system-schema.js';
import { userHasRoleOption } from '../privilege/check.js';
import type { Datum } from '../types/datum.js';
import { formatInterval, intervalFromMicros, parseInterval } from '../types/interval.js';
import { T, type SqlType } from '../types/types.js';
import type { OutCol } from '../plan/types.js';
import type { StmtEnv } from '../session/stmt-env.js';
import { commandResult, rowsResult, type StatementResult } from '../session/result.js';
import { evalConstant, shortTypeName, type TypedValue } from './const-expr.js';
import { allSettings, binaryVersion, lookupSetting, type SettingDef, type SettingType } from './registry.js';
import { formatByteSize, formatGoDuration, parseByteSize, parseGoDuration } from './setting-values.js';

const settingsLayout = tableLayout(settingsTable);

// ------------------------------------------------------------ encoding values

function typeMismatch(def: SettingDef, want: string, got: SqlType): BurrowError {
  return new BurrowError('42804', `argument of SET CLUSTER SETTING ${def.name} must be type ${want}, not type ${shortTypeName(got)}`);
}

function invalidValue(def: SettingDef, why: string): BurrowError {
  return new BurrowError('22023', `invalid value for ${def.name}: ${why}`);
}

function encodeBool(def: SettingDef, v: TypedValue): string {
  if (v.type.family === 'bool') return v.value ? 'true' : 'false';
  const s = v.type.family === 'string' ? String(v.value).trim().toLowerCase() : '';
  if (['true', 'on', 'yes', 't', '1'].includes(s)) return 'true';
  if (['false', 'off', 'no', 'f', '0'].includes(s)) return 'false';
  throw typeMismatch(def, 'bool', v.type);
}

function encodeInt(def: SettingDef, v: TypedValue): string {
  if (v.type.family === 'int') return String(v.value);
  if (v.type.family === 'string' && /^\s*-?\d+\s*$/.test(String(v.value))) return String(BigInt(String(v.value).trim()));
  throw typeMismatch(def, 'int', v.type);
}

function encodeFloat(def: SettingDef, v: TypedValue): string {
  const f = v.type.family === 'float' ? (v.value as number) : v.type.family === 'int' ? Number(v.value) : NaN;
  if (Number.isNaN(f)) throw typeMismatch(def, 'float', v.type);
  return String(f);
}

function encodeDuration(def: SettingDef, v: TypedValue): string {
  let iv;
  if (v.type.family === 'interval') iv = v.value as ReturnType<typeof parseInterval>;
  else if (v.type.family === 'string') iv = parseInterval(String(v.value));
  else throw typeMismatch(def, 'interval', v.type);
  if (iv.months !== 0 || iv.days !== 0) {
    throw new BurrowError('XXUUU', `cannot use day or month specifiers: '${formatInterval(iv)}'`);
  }
  if (iv.micros < 0n) throw invalidValue(def, 'cannot be set to a negative duration');
  return formatGoDuration(iv.micros * 1000n);
}

function encodeByteSize(def: SettingDef, v: TypedValue): string {
  let bytes: bigint;
  if (v.type.family === 'string') bytes = parseByteSize(String(v.value));
  else if (v.type.family === 'int') bytes = v.value as bigint;
  else throw typeMismatch(def, 'string', v.type);
  if (bytes < 0n) throw invalidValue(def, 'cannot be set to a negative value');
  return String(bytes);
}

function enumHint(def: SettingDef): string {
  const vals = Object.entries(def.enumValues!).sort((a, b) => a[1] - b[1]).map(([n, i]) => `${i}: ${n}`);
  return `Available values: ${vals.join(', ')}`;
}

function encodeEnum(def: SettingDef, v: TypedValue): string {
  const values = def.enumValues!;
  if (v.type.family === 'int') {
    if (Object.values(values).includes(Number(v.value))) return String(v.value);
    throw new BurrowError('XXUUU', `invalid integer value '${v.value}' for enum setting`, { hint: enumHint(def) });
  }
  if (v.type.family !== 'string') throw new BurrowError('XXUUU', `cannot use ${shortTypeName(v.type)} value for enum setting, must be int or string`);
  const n = values[String(v.value).toLowerCase()];
  if (n === undefined) throw new BurrowError('XXUUU', `invalid string value '${v.value}' for enum setting`, { hint: enumHint(def) });
  return String(n);
}

function encodeVersion(def: SettingDef, v: TypedValue): string {
  if (v.type.family !== 'string') throw typeMismatch(def, 'string', v.type);
  const text = String(v.value);
  const m = /^(\d+)\.(\d+)(?:-\d+)?$/.exec(text);
  if (!m) throw new BurrowError('XXUUU', `invalid version ${text}`);
  const [cur, want] = [binaryVersion.split('.').map(Number), [Number(m[1]), Number(m[2])]];
  const cmp = want[0]! - cur[0]! || want[1]! - cur[1]!;
  if (cmp < 0) throw new BurrowError('XXUUU', `versions cannot be downgraded (attempting to downgrade from ${binaryVersion} to ${text})`);
  if (cmp > 0) throw new BurrowError('XXUUU', `cannot upgrade to ${text}: node running ${binaryVersion}`);
  return binaryVersion;
}

function encodeString(def: SettingDef, v: TypedValue): string {
  if (v.type.family !== 'string') throw typeMismatch(def, 'string', v.type);
  return String(v.value);
}

const encoders: Record<SettingType, (def: SettingDef, v: TypedValue) => string> = {
  b: encodeBool, i: encodeInt, f: encodeFloat, d: encodeDuration, z: encodeByteSize, e: encodeEnum, m: encodeVersion, s: encodeString,
};

/** Validates a SQL value for a setting and returns its encoded form. */
export function encodeSettingValue(def: SettingDef, v: TypedValue): string {
  if (v.value === null) throw new BurrowError('22004', `setting ${def.name} cannot be set to NULL`);
  return encoders[def.type](def, v);
}

// ------------------------------------------------------------ showing values

function enumName(def: SettingDef, encoded: string): string {
  const hit = Object.entries(def.enumValues!).find(([, i]) => String(i) === encoded);
  return hit ? hit[0] : `unknown(${encoded})`;
}

/** The value as SHOW CLUSTER SETTINGS prints it in its `value` column. */
export function displaySettingValue(def: SettingDef, encoded: string): string {
  switch (def.type) {
    case 'z': return formatByteSize(BigInt(encoded));
    case 'e': return enumName(def, encoded);
    default: return encoded;
  }
}

/** The typed value SHOW CLUSTER SETTING <name> returns (INT, BOOL, FLOAT, INTERVAL or STRING). */
export function typedSettingValue(def: SettingDef, encoded: string): TypedValue {
  switch (def.type) {
    case 'b': return { type: T.bool, value: encoded === 'true' };
    case 'i': return { type: T.int, value: BigInt(encoded) };
    case 'f': return { type: T.float, value: Number(encoded) };
    case 'd': return { type: T.interval, value: intervalFromMicros((parseGoDuration(encoded) ?? 0n) / 1000n) };
    default: return { type: T.string, value: displaySettingValue(def, encoded) };
  }
}

// ------------------------------------------------------------ persistence

function settingKey(name: string): Buffer {
  return primaryKey(settingsLayout, [name, null, null, null]);
}

/** The encoded value of a setting as of the transaction (its default when never set). */
export async function readSettingEncoded(txn: Txn, def: SettingDef): Promise<string> {
  const key = settingKey(def.name);
  const v = await txn.get(key);
  if (!v) return def.defaultEncoded;
  return decodePrimaryRow(settingsLayout, key, v)[1] as string;
}

/** Reads a setting by name; throws for unknown names. */
export async function readClusterSetting(txn: Txn, name: string): Promise<string> {
  return readSettingEncoded(txn, mustLookup(name, 'set'));
}

function writeSetting(txn: Txn, def: SettingDef, encoded: string, nowMicros: bigint): void {
  const row: Datum[] = [def.name, encoded, nowMicros, def.type];
  txn.put(primaryKey(settingsLayout, row), primaryValue(settingsLayout, row));
}

// ------------------------------------------------------------ statements

function mustLookup(name: string, verb: 'set' | 'show'): SettingDef {
  const def = lookupSetting(name);
  if (def) return def;
  if (verb === 'show') throw new BurrowError('XXUUU', `unknown setting: "${name.toLowerCase()}"`);
  throw new BurrowError('XXUUU', `unknown cluster setting '${name.toLowerCase()}'`);
}

/** MODIFYCLUSTERSETTING (admins have it): needed to set a setting. */
async function requireModify(env: StmtEnv, name: string): Promise<void> {
  if (await userHasRoleOption(env.txn, env.session.user, 'MODIFYCLUSTERSETTING')) return;
  throw new BurrowError('42501', `only users with the MODIFYCLUSTERSETTING privilege are allowed to set cluster setting '${name}'`);
}

/** MODIFYCLUSTERSETTING or VIEWCLUSTERSETTING: needed to show settings; `what` ends the error text. */
async function requireView(env: StmtEnv, what: string): Promise<void> {
  const user = env.session.user;
  if (await userHasRoleOption(env.txn, user, 'MODIFYCLUSTERSETTING')) return;
  if (await userHasRoleOption(env.txn, user, 'VIEWCLUSTERSETTING')) return;
  throw new BurrowError('42501', `only users with MODIFYCLUSTERSETTING, MODIFYSQLCLUSTERSETTING or VIEWCLUSTERSETTING privileges are allowed to ${what}`);
}

export async function execSetClusterSetting(stmt: SetClusterSettingStatement, env: StmtEnv): Promise<StatementResult> {
  const def = mustLookup(stmt.name, 'set');
  await requireModify(env, def.name);
  if (env.explicitTxn) throw new BurrowError('XXUUU', 'SET CLUSTER SETTING cannot be used inside a multi-statement transaction');
  if (stmt.value === null) {
    if (def.type === 'm') throw new BurrowError('XXUUU', 'cannot RESET cluster version setting');
    env.txn.del(settingKey(def.name));
  } else {
    const value = await evalConstant(stmt.value, env, 'SET CLUSTER SETTING', valueHints[def.type]);
    const encoded = encodeSettingValue(def, value);
    writeSetting(env.txn, def, encoded, env.evalCtx.txnTimestampMicros);
  }
  const result = commandResult('SET CLUSTER SETTING');
  if (def.name.startsWith('sql.defaults.')) result.notices.push(`setting global default ${def.name} is not recommended`);
  return result;
}

/** The type a value is read as (string literals are parsed to it), as CockroachDB's requiredType. */
const valueHints: Record<SettingType, SqlType | undefined> = {
  b: T.bool, i: T.int, f: T.float, d: T.interval, z: T.string, e: undefined, m: T.string, s: T.string,
};

const col = (name: string, type: SqlType): OutCol => ({ name, type, table: null, hidden: false });

export async function execShowClusterSetting(stmt: ShowClusterSettingStatement, env: StmtEnv): Promise<StatementResult> {
  if (stmt.name.toLowerCase() === 'all') return execShowClusterSettings({ kind: 'showClusterSettings', all: true }, env);
  const def = mustLookup(stmt.name, 'show');
  await requireView(env, `show cluster setting '${def.name}'`);
  const v = typedSettingValue(def, await readSettingEncoded(env.txn, def));
  return rowsResult('SHOW', [col(def.name, v.type)], [[v.value]]);
}

export async function execShowClusterSettings(stmt: ShowClusterSettingsStatement, env: StmtEnv): Promise<StatementResult> {
  await requireView(env, 'SHOW CLUSTER SETTINGS');
  const rows: Datum[][] = [];
  for (const def of allSettings()) {
    if (!stmt.all && !def.public) continue;
    const value = displaySettingValue(def, await readSettingEncoded(env.txn, def));
    rows.push(stmt.all ? [def.name, value, def.type, def.public, def.description] : [def.name, value, def.type, def.description]);
  }
  const cols = [col('variable', T.string), col('value', T.string), col('setting_type', T.string)];
  if (stmt.all) cols.push(col('public', T.bool));
  cols.push(col('description', T.string));
  return rowsResult('SHOW', cols, rows);
}
