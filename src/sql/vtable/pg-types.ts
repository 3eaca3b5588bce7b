// Owns PostgreSQL's view of types: the rows of pg_type, a column type's
// (typid, typmod) pair, udt names and information_schema numeric facts, and
// format_type()'s rendering of (typid, typmod).
//
// Invariants: OIDs are PostgreSQL's (typeOid() for every type Burrow has);
// typmod follows PostgreSQL (-1 none; varchar/char n+4; numeric
// ((p << 16) | s) + 4; time/timestamp precision as is).

import { typeLen, typeOid, type SqlType } from '../types/types.js';

export interface PgTypeRow {
  oid: number;
  typname: string;
  /** format_type() name without modifiers. */
  display: string;
  typlen: number;
  typtype: 'b' | 'p';
  typcategory: string;
  typelem: number;
  typarray: number;
  typcollation: number;
  typalign: string;
}

type BaseSpec = [oid: number, typname: string, display: string, len: number, category: string, arrayOid: number];

const baseTypes: BaseSpec[] = [
  [16, 'bool', 'boolean', 1, 'B', 1000],
  [17, 'bytea', 'bytea', -1, 'U', 1001],
  [18, 'char', '"char"', 1, 'S', 1002],
  [19, 'name', 'name', 64, 'S', 1003],
  [20, 'int8', 'bigint', 8, 'N', 1016],
  [21, 'int2', 'smallint', 2, 'N', 1005],
  [22, 'int2vector', 'int2vector', -1, 'A', 1006],
  [23, 'int4', 'integer', 4, 'N', 1007],
  [24, 'regproc', 'regproc', 4, 'N', 1008],
  [25, 'text', 'text', -1, 'S', 1009],
  [26, 'oid', 'oid', 4, 'N', 1028],
  [30, 'oidvector', 'oidvector', -1, 'A', 1013],
  [114, 'json', 'json', -1, 'U', 199],
  [700, 'float4', 'real', 4, 'N', 1021],
  [701, 'float8', 'double precision', 8, 'N', 1022],
  [705, 'unknown', 'unknown', -2, 'X', 0],
  [869, 'inet', 'inet', -1, 'I', 1041],
  [1042, 'bpchar', 'character', -1, 'S', 1014],
  [1043, 'varchar', 'character varying', -1, 'S', 1015],
  [1082, 'date', 'date', 4, 'D', 1182],
  [1083, 'time', 'time without time zone', 8, 'D', 1183],
  [1114, 'timestamp', 'timestamp without time zone', 8, 'D', 1115],
  [1184, 'timestamptz', 'timestamp with time zone', 8, 'D', 1185],
  [1186, 'interval', 'interval', 16, 'T', 1187],
  [1266, 'timetz', 'time with time zone', 12, 'D', 1270],
  [1560, 'bit', 'bit', -1, 'V', 1561],
  [1562, 'varbit', 'bit varying', -1, 'V', 1563],
  [1700, 'numeric', 'numeric', -1, 'N', 1231],
  [2202, 'regprocedure', 'regprocedure', 4, 'N', 2207],
  [2205, 'regclass', 'regclass', 4, 'N', 2210],
  [2206, 'regtype', 'regtype', 4, 'N', 2211],
  [2249, 'record', 'record', -1, 'P', 2287],
  [2277, 'anyarray', 'anyarray', -1, 'P', 0],
  [2278, 'void', 'void', 4, 'P', 0],
  [2283, 'anyelement', 'anyelement', 4, 'P', 0],
  [2950, 'uuid', 'uuid', 16, 'U', 2951],
  [3802, 'jsonb', 'jsonb', -1, 'U', 3807],
  [4089, 'regnamespace', 'regnamespace', 4, 'N', 4090],
];

const collatable = new Set([18, 19, 25, 1042, 1043]);
const pseudo = new Set(['P', 'X']);

function alignOf(len: number): string {
  return len === 8 || len === 16 ? 'd' : len === 4 ? 'i' : len === 2 ? 's' : len === 1 ? 'c' : 'i';
}

function baseRow([oid, typname, display, len, category, arrayOid]: BaseSpec): PgTypeRow {
  return {
    oid, typname, display, typlen: len, typtype: pseudo.has(category) ? 'p' : 'b', typcategory: category,
    typelem: 0, typarray: arrayOid, typcollation: collatable.has(oid) ? 100 : 0, typalign: alignOf(len),
  };
}

function arrayRow([oid, typname, display, , , arrayOid]: BaseSpec): PgTypeRow {
  return {
    oid: arrayOid, typname: `_${typname}`, display: `${display}[]`, typlen: -1, typtype: 'b', typcategory: 'A',
    typelem: oid, typarray: 0, typcollation: collatable.has(oid) ? 100 : 0, typalign: alignOf(typlenOfArrayElem(oid)),
  };
}

function typlenOfArrayElem(oid: number): number {
  return baseTypes.find((b) => b[0] === oid)?.[3] ?? -1;
}

/** Every row of pg_type, ordered by OID. */
export const pgTypeRows: readonly PgTypeRow[] = [
  ...baseTypes.map(baseRow),
  ...baseTypes.filter((b) => b[5] !== 0).map(arrayRow),
].sort((a, b) => a.oid - b.oid);

const byOid = new Map(pgTypeRows.map((r) => [r.oid, r]));

export function pgTypeByOid(oid: number): PgTypeRow | undefined {
  return byOid.get(oid);
}

/** PostgreSQL's typmod for a column of type t. */
export function typmodOf(t: SqlType): number {
  switch (t.family) {
    case 'string':
      return (t.variant === 'varchar' || t.variant === 'char') && t.width > 0 ? t.width + 4 : -1;
    case 'decimal':
      return t.precision > 0 ? ((t.precision << 16) | t.scale) + 4 : -1;
    case 'time': case 'timestamp': case 'timestamptz':
      return t.precision >= 0 ? t.precision : -1;
    default:
      return -1;
  }
}

/** format_type(typid, typmod) as PostgreSQL renders it. */
export function formatType(oid: number, typmod: number | null): string {
  const row = byOid.get(oid);
  if (!row) return '???';
  if (row.typcategory === 'A' && row.typelem !== 0) return `${formatType(row.typelem, typmod)}[]`;
  return withModifier(row, typmod ?? -1);
}

function withModifier(row: PgTypeRow, typmod: number): string {
  if (typmod < 0) return row.display;
  switch (row.oid) {
    case 1043: case 1042:
      return `${row.display}(${typmod - 4})`;
    case 1700: {
      const v = typmod - 4;
      return `numeric(${v >> 16},${v & 0xffff})`;
    }
    case 1083: case 1114:
      return row.display.replace(/^(timestamp|time)/, `$1(${typmod})`);
    case 1184:
      return `timestamp(${typmod}) with time zone`;
    default:
      return row.display;
  }
}

/** information_schema.columns' udt_name: pg_type.typname of the column type. */
export function udtName(t: SqlType): string {
  return byOid.get(typeOid(t))?.typname ?? 'unknown';
}

/** The storage length pg_attribute.attlen reports. */
export function attlenOf(t: SqlType): number {
  return typeLen(t);
}

/** information_schema numeric facts: [precision, radix, scale], NULLs where PostgreSQL has them. */
export function numericFacts(t: SqlType): [number | null, number | null, number | null] {
  if (t.family === 'int') return [t.width, 2, 0];
  if (t.family === 'float') return [t.width === 64 ? 53 : 24, 2, null];
  if (t.family === 'decimal') return [t.precision || null, 10, t.precision ? t.scale : null];
  return [null, null, null];
}

export function characterMaxLength(t: SqlType): number | null {
  return t.family === 'string' && (t.variant === 'varchar' || t.variant === 'char') && t.width > 0 ? t.width : null;
}

export function datetimePrecision(t: SqlType): number | null {
  if (t.family === 'time' || t.family === 'timestamp' || t.family === 'timestamptz') return t.precision >= 0 ? t.precision : 6;
  if (t.family === 'interval') return 6;
  return t.family === 'date' ? 0 : null;
}

/** information_schema.columns.data_type: PostgreSQL's name, 'ARRAY' for arrays. */
export function infoSchemaDataType(t: SqlType): string {
  if (t.family === 'array') return 'ARRAY';
  return formatType(typeOid(t), -1);
}
