// Owns SQL types: the families Burrow supports, their parameters, their
// PostgreSQL OIDs and names, and the conversion from a parsed TypeRef.
// Invariant: a SqlType is a plain immutable object; the shared singletons
// below are used for unparameterized types so identity checks are cheap.

import { BurrowError } from '../../util/errors.js';
import type { TypeRef } from '../parser/ast.js';

export type Family =
  | 'int' | 'float' | 'decimal' | 'string' | 'bytes' | 'bool' | 'date' | 'time' | 'timestamp' | 'timestamptz'
  | 'interval' | 'uuid' | 'jsonb' | 'array' | 'oid' | 'unknown' | 'tuple' | 'void';

export interface SqlType {
  readonly family: Family;
  /** int: 16/32/64 bits; float: 32/64; string: max chars (0 = unlimited). */
  readonly width: number;
  /** decimal precision and scale (0 = unconstrained); time/timestamp precision (-1 = default). */
  readonly precision: number;
  readonly scale: number;
  /** string flavour as written, for display: STRING, VARCHAR, CHAR, NAME. */
  readonly variant: 'string' | 'varchar' | 'char' | 'name' | '';
  /** Element type of an array. */
  readonly elem: SqlType | null;
  /** Field types of a tuple. */
  readonly fields: readonly SqlType[] | null;
}

function mk(family: Family, extra: Partial<SqlType> = {}): SqlType {
  return Object.freeze({ family, width: 0, precision: 0, scale: 0, variant: '', elem: null, fields: null, ...extra }) as SqlType;
}

export const T = {
  int: mk('int', { width: 64 }),
  int4: mk('int', { width: 32 }),
  int2: mk('int', { width: 16 }),
  float: mk('float', { width: 64 }),
  float4: mk('float', { width: 32 }),
  decimal: mk('decimal'),
  string: mk('string', { variant: 'string' }),
  name: mk('string', { variant: 'name' }),
  bytes: mk('bytes'),
  bool: mk('bool'),
  date: mk('date'),
  time: mk('time', { precision: -1 }),
  timestamp: mk('timestamp', { precision: -1 }),
  timestamptz: mk('timestamptz', { precision: -1 }),
  interval: mk('interval'),
  uuid: mk('uuid'),
  jsonb: mk('jsonb'),
  oid: mk('oid'),
  unknown: mk('unknown'),
  void: mk('void'),
} as const;

export function arrayOf(elem: SqlType): SqlType {
  return mk('array', { elem });
}

export function tupleOf(fields: SqlType[]): SqlType {
  return mk('tuple', { fields });
}

export function decimalType(precision: number, scale: number): SqlType {
  return precision === 0 && scale === 0 ? T.decimal : mk('decimal', { precision, scale });
}

export function stringType(variant: SqlType['variant'], width: number): SqlType {
  if (variant === 'string' && width === 0) return T.string;
  return mk('string', { variant, width });
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a === b) return true;
  if (a.family !== b.family || a.width !== b.width || a.precision !== b.precision || a.scale !== b.scale) return false;
  if (a.elem || b.elem) return !!a.elem && !!b.elem && typesEqual(a.elem, b.elem);
  return true;
}

/** Same family (and element family): values are interchangeable without a cast. */
export function sameFamily(a: SqlType, b: SqlType): boolean {
  if (a.family !== b.family) return false;
  if (a.family === 'array') return sameFamily(a.elem!, b.elem!);
  return true;
}

function unsupported(name: string): BurrowError {
  return new BurrowError('42704', `type "${name.toLowerCase()}" does not exist`);
}

/** Converts a parsed type reference to a SqlType. SERIAL types map to INT widths (the caller adds the default). */
export function typeFromRef(ref: TypeRef): SqlType {
  let t = baseType(ref);
  for (let i = 0; i < ref.arrayDims; i++) t = arrayOf(t);
  return t;
}

function baseType(ref: TypeRef): SqlType {
  const p = ref.params;
  switch (ref.name) {
    case 'INT': case 'INT8': case 'INT64': case 'BIGINT': case 'INTEGER': case 'SERIAL': case 'SERIAL8': case 'BIGSERIAL':
      return ref.name === 'INTEGER' ? T.int : T.int;
    case 'INT4': case 'SERIAL4':
      return T.int4;
    case 'INT2': case 'SMALLINT': case 'SERIAL2': case 'SMALLSERIAL':
      return T.int2;
    case 'FLOAT': case 'FLOAT8': case 'DOUBLE PRECISION': case 'DOUBLE':
      if (ref.name === 'FLOAT' && p.length > 0 && p[0]! <= 24) return T.float4;
      return T.float;
    case 'FLOAT4': case 'REAL':
      return T.float4;
    case 'DECIMAL': case 'NUMERIC': case 'DEC':
      return decimalType(p[0] ?? 0, p[1] ?? 0);
    case 'STRING': case 'TEXT':
      return stringType('string', p[0] ?? 0);
    case 'VARCHAR': case 'CHARACTER VARYING': case 'CHAR VARYING':
      return stringType('varchar', p[0] ?? 0);
    case 'CHAR': case 'CHARACTER': case 'BPCHAR':
      return stringType('char', p[0] ?? 1);
    case 'NAME':
      return T.name;
    case 'BYTES': case 'BYTEA': case 'BLOB':
      return T.bytes;
    case 'BOOL': case 'BOOLEAN':
      return T.bool;
    case 'DATE':
      return T.date;
    case 'TIME': case 'TIME WITHOUT TIME ZONE':
      return p.length ? mk('time', { precision: p[0]! }) : T.time;
    case 'TIMESTAMP': case 'TIMESTAMP WITHOUT TIME ZONE':
      return p.length ? mk('timestamp', { precision: p[0]! }) : T.timestamp;
    case 'TIMESTAMPTZ': case 'TIMESTAMP WITH TIME ZONE':
      return p.length ? mk('timestamptz', { precision: p[0]! }) : T.timestamptz;
    case 'INTERVAL':
      return T.interval;
    case 'UUID':
      return T.uuid;
    case 'JSONB': case 'JSON':
      return T.jsonb;
    case 'OID': case 'REGCLASS': case 'REGTYPE': case 'REGPROC': case 'REGNAMESPACE':
      return T.oid;
    default:
      throw unsupported(ref.name);
  }
}

export function isSerial(ref: TypeRef): boolean {
  return /^(SMALL|BIG)?SERIAL[248]?$/.test(ref.name);
}

/** CockroachDB's SQL name of a type as SHOW CREATE TABLE and SHOW COLUMNS print it. */
export function typeName(t: SqlType): string {
  switch (t.family) {
    case 'int': return t.width === 64 ? 'INT8' : t.width === 32 ? 'INT4' : 'INT2';
    case 'float': return t.width === 64 ? 'FLOAT8' : 'FLOAT4';
    case 'decimal': return t.precision ? `DECIMAL(${t.precision},${t.scale})` : 'DECIMAL';
    case 'string':
      if (t.variant === 'varchar') return t.width ? `VARCHAR(${t.width})` : 'VARCHAR';
      if (t.variant === 'char') return t.width === 1 ? 'CHAR' : `CHAR(${t.width})`;
      if (t.variant === 'name') return 'NAME';
      return t.width ? `STRING(${t.width})` : 'STRING';
    case 'bytes': return 'BYTES';
    case 'bool': return 'BOOL';
    case 'date': return 'DATE';
    case 'time': return t.precision >= 0 ? `TIME(${t.precision})` : 'TIME';
    case 'timestamp': return t.precision >= 0 ? `TIMESTAMP(${t.precision})` : 'TIMESTAMP';
    case 'timestamptz': return t.precision >= 0 ? `TIMESTAMPTZ(${t.precision})` : 'TIMESTAMPTZ';
    case 'interval': return 'INTERVAL';
    case 'uuid': return 'UUID';
    case 'jsonb': return 'JSONB';
    case 'array': return `${typeName(t.elem!)}[]`;
    case 'oid': return 'OID';
    case 'tuple': return `RECORD`;
    case 'unknown': return 'UNKNOWN';
    case 'void': return 'VOID';
  }
}

/** PostgreSQL's lower-case name as information_schema.columns.data_type and pg_typeof show it. */
export function pgTypeName(t: SqlType): string {
  switch (t.family) {
    case 'int': return t.width === 64 ? 'bigint' : t.width === 32 ? 'integer' : 'smallint';
    case 'float': return t.width === 64 ? 'double precision' : 'real';
    case 'decimal': return 'numeric';
    case 'string': return t.variant === 'varchar' ? 'character varying' : t.variant === 'char' ? 'character' : t.variant === 'name' ? 'name' : 'text';
    case 'bytes': return 'bytea';
    case 'bool': return 'boolean';
    case 'date': return 'date';
    case 'time': return 'time without time zone';
    case 'timestamp': return 'timestamp without time zone';
    case 'timestamptz': return 'timestamp with time zone';
    case 'interval': return 'interval';
    case 'uuid': return 'uuid';
    case 'jsonb': return 'jsonb';
    case 'array': return `${pgTypeName(t.elem!)}[]`;
    case 'oid': return 'oid';
    case 'tuple': return 'record';
    case 'unknown': return 'unknown';
    case 'void': return 'void';
  }
}

const oids: Record<string, number> = {
  int64: 20, int32: 23, int16: 21, float64: 701, float32: 700, decimal: 1700, string: 25, varchar: 1043, char: 1042,
  name: 19, bytes: 17, bool: 16, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186,
  uuid: 2950, jsonb: 3802, oid: 26, unknown: 705, tuple: 2249, void: 2278,
};
const arrayOids: Record<number, number> = {
  20: 1016, 23: 1007, 21: 1005, 701: 1022, 700: 1021, 1700: 1231, 25: 1009, 1043: 1015, 1042: 1014, 19: 1003,
  17: 1001, 16: 1000, 1082: 1182, 1083: 1183, 1114: 1115, 1184: 1185, 1186: 1187, 2950: 2951, 3802: 3807, 26: 1028,
};

/** The PostgreSQL type OID clients see for t. */
export function typeOid(t: SqlType): number {
  switch (t.family) {
    case 'int': return oids[`int${t.width}`]!;
    case 'float': return oids[`float${t.width}`]!;
    case 'string': return oids[t.variant === 'varchar' || t.variant === 'char' || t.variant === 'name' ? t.variant : 'string']!;
    case 'array': return arrayOids[typeOid(t.elem!)] ?? 2277;
    default: return oids[t.family]!;
  }
}

/** The SqlType for a PostgreSQL OID (parameter types sent by clients); undefined if unknown. */
export function typeFromOid(oid: number): SqlType | undefined {
  const table: Record<number, SqlType> = {
    20: T.int, 23: T.int4, 21: T.int2, 701: T.float, 700: T.float4, 1700: T.decimal, 25: T.string,
    1043: stringType('varchar', 0), 1042: stringType('char', 0), 19: T.name, 17: T.bytes, 16: T.bool, 1082: T.date,
    1083: T.time, 1114: T.timestamp, 1184: T.timestamptz, 1186: T.interval, 2950: T.uuid, 3802: T.jsonb, 114: T.jsonb,
    26: T.oid, 705: T.unknown,
  };
  if (table[oid]) return table[oid];
  for (const [elemOid, arrOid] of Object.entries(arrayOids)) {
    if (arrOid === oid) return arrayOf(table[Number(elemOid)]!);
  }
  return undefined;
}

/** Fixed byte size as pg_type.typlen reports it (-1 for variable). */
export function typeLen(t: SqlType): number {
  switch (t.family) {
    case 'int': return t.width / 8;
    case 'float': return t.width / 8;
    case 'bool': return 1;
    case 'date': return 4;
    case 'time': case 'timestamp': case 'timestamptz': return 8;
    case 'interval': return 16;
    case 'uuid': return 16;
    case 'oid': return 4;
    default: return -1;
  }
}
