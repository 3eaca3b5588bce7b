// Owns session variables: their defaults, which names exist, how SET
// normalizes values, and what SHOW prints. `database`, `search_path`,
// `timezone` and `application_name` are mirrored into SessionState fields
// because planning reads them on every statement.

import { BurrowError } from '../../util/errors.js';
import type { SessionState } from './stmt-env.js';

export const serverVersion = '13.0.0';
export const crdbVersion = 'CockroachDB CCL v23.2.0 (x86_64-pc-linux-gnu, built 2026/11/24, go1.21) (Burrow 0.1.0)';

export function defaultVars(): Map<string, string> {
  return new Map([
    ['application_name', ''],
    ['bytea_output', 'hex'],
    ['serial_normalization', 'rowid'],
    ['client_encoding', 'UTF8'],
    ['client_min_messages', 'notice'],
    ['crdb_version', crdbVersion],
    ['database', ''],
    ['datestyle', 'ISO, MDY'],
    ['default_transaction_isolation', 'serializable'],
    ['default_transaction_read_only', 'off'],
    ['extra_float_digits', '1'],
    ['idle_in_transaction_session_timeout', '0'],
    ['integer_datetimes', 'on'],
    ['intervalstyle', 'postgres'],
    ['is_superuser', 'on'],
    ['lc_collate', 'C.UTF-8'],
    ['lc_ctype', 'C.UTF-8'],
    ['node_id', '1'],
    ['search_path', '"$user", public'],
    ['server_encoding', 'UTF8'],
    ['server_version', serverVersion],
    ['server_version_num', '130000'],
    ['session_user', 'root'],
    ['sql_safe_updates', 'off'],
    ['standard_conforming_strings', 'on'],
    ['statement_timeout', '0'],
    ['timezone', 'UTC'],
    ['transaction_isolation', 'serializable'],
    ['transaction_priority', 'normal'],
    ['transaction_read_only', 'off'],
    ['transaction_status', 'NoTxn'],
    ['lock_timeout', '0'],
    ['max_identifier_length', '128'],
    ['vectorize', 'on'],
    ['distsql', 'auto'],
    ['allow_prepare_as_opt_plan', 'off'],
    ['enable_zigzag_join', 'on'],
    ['reorder_joins_limit', '8'],
    ['optimizer', 'on'],
    ['row_security', 'off'],
    ['default_int_size', '8'],
  ]);
}

const aliases: Record<string, string> = { 'time zone': 'timezone', time_zone: 'timezone', names: 'client_encoding' };

export function normalizeVarName(name: string): string {
  const n = name.toLowerCase();
  return aliases[n] ?? n;
}

export function parseSearchPath(v: string): string[] {
  return v.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter((s) => s.length > 0 && s !== '$user');
}

/** Applies SET name = value to the session; throws for unknown names and invalid values. */
export function setVar(s: SessionState, rawName: string, value: string | null): void {
  const name = normalizeVarName(rawName);
  const defaults = defaultVars();
  if (!s.vars.has(name) && !defaults.has(name)) {
    throw new BurrowError('42704', `unrecognized configuration parameter "${rawName}"`);
  }
  const v = value ?? defaults.get(name)!;
  switch (name) {
    case 'database':
      s.database = v;
      break;
    case 'search_path':
      s.searchPath = parseSearchPath(v);
      break;
    case 'timezone':
      s.timezone = v;
      break;
    case 'application_name':
      s.applicationName = v;
      break;
    case 'sql_safe_updates': case 'default_transaction_read_only': {
      const b = v.toLowerCase();
      if (!['true', 'false', 'on', 'off', '1', '0', 't', 'f'].includes(b)) {
        throw new BurrowError('22023', `parameter "${name}" requires a Boolean value`);
      }
      s.vars.set(name, ['true', 'on', '1', 't'].includes(b) ? 'on' : 'off');
      return;
    }
    case 'idle_in_transaction_session_timeout': case 'statement_timeout': case 'lock_timeout': {
      s.vars.set(name, String(durationMs(v, name)));
      return;
    }
    case 'server_version': case 'server_version_num': case 'crdb_version': case 'node_id': case 'session_user': case 'transaction_status':
      throw new BurrowError('55P02', `parameter "${name}" cannot be changed`);
    default:
      break;
  }
  s.vars.set(name, v);
}

export function showVar(s: SessionState, rawName: string): string {
  const name = normalizeVarName(rawName);
  switch (name) {
    case 'database': return s.database;
    case 'timezone': return s.timezone;
    case 'application_name': return s.applicationName;
    case 'session_user': case 'current_user': return s.user;
    default: break;
  }
  const v = s.vars.get(name);
  if (v === undefined) throw new BurrowError('42704', `unrecognized configuration parameter "${rawName}"`);
  return v;
}

/** Timeout settings: a number of milliseconds, or a duration like `5s`, `100ms`, `2min`. */
function durationMs(v: string, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h|us|µs)?\s*$/i.exec(v);
  if (!m) throw new BurrowError('22023', `invalid value for parameter "${name}": "${v}"`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000, h: 3_600_000, us: 0.001, 'µs': 0.001 };
  return Math.round(n * factor[unit]!);
}
