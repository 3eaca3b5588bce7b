// Owns parsing of type references (column types, casts, typed literals,
// PREPARE parameter types) into normalized TypeRefs.
// Invariants: built-in names are normalized to CockroachDB's canonical
// spelling (INT → INT8, TEXT → STRING, JSON → JSONB, ...); anything else is a
// user-defined type carrying its object name; array suffixes (`[]`, `[n]`,
// `ARRAY`) only increase arrayDims.

import type { TypeRef } from './ast.js';
import {
  acceptKw, acceptKws, acceptOp, expectOp, isKw, isOp, parseObjectName, parseSmallInt, peek,
  type Cursor,
} from './cursor.js';

/** Single-word built-in types with no special grammar. */
const SIMPLE_TYPES: Record<string, string> = {
  int: 'INT8', integer: 'INT8', int8: 'INT8', int64: 'INT8', bigint: 'INT8',
  int4: 'INT4', int2: 'INT2', smallint: 'INT2',
  serial: 'SERIAL8', serial8: 'SERIAL8', bigserial: 'SERIAL8', serial4: 'SERIAL4',
  serial2: 'SERIAL2', smallserial: 'SERIAL2',
  float8: 'FLOAT8', float4: 'FLOAT4', real: 'FLOAT4',
  decimal: 'DECIMAL', numeric: 'DECIMAL', dec: 'DECIMAL',
  string: 'STRING', text: 'STRING', varchar: 'VARCHAR', name: 'NAME',
  bytes: 'BYTES', bytea: 'BYTES', blob: 'BYTES',
  bool: 'BOOL', boolean: 'BOOL',
  date: 'DATE', timetz: 'TIMETZ', timestamptz: 'TIMESTAMPTZ', interval: 'INTERVAL',
  uuid: 'UUID', jsonb: 'JSONB', json: 'JSONB', inet: 'INET', oid: 'OID', varbit: 'VARBIT',
  regclass: 'REGCLASS', regproc: 'REGPROC', regprocedure: 'REGPROCEDURE', regtype: 'REGTYPE',
  regnamespace: 'REGNAMESPACE', regrole: 'REGROLE',
};

/** Words that begin a built-in type (used to recognize typed literals). */
const BUILTIN_TYPE_WORDS = new Set([
  ...Object.keys(SIMPLE_TYPES), 'float', 'double', 'char', 'character', 'time', 'timestamp', 'bit',
]);

export function isBuiltinTypeWord(word: string): boolean {
  return BUILTIN_TYPE_WORDS.has(word);
}

function builtin(name: string, params: number[] = []): TypeRef {
  return { name, params, arrayDims: 0, userDefined: null };
}

/** `(n)` or `(p, s)` after a type name; empty when absent. */
function parseTypeParams(p: Cursor, max: number): number[] {
  if (!isOp(p, '(')) return [];
  p.i++;
  const params = [parseSmallInt(p)];
  while (params.length < max && acceptOp(p, ',')) params.push(parseSmallInt(p));
  expectOp(p, ')');
  return params;
}

/** `WITH TIME ZONE` → true, `WITHOUT TIME ZONE` → false, absent → null. */
function parseTimeZoneSuffix(p: Cursor): boolean | null {
  if (acceptKws(p, 'with', 'time', 'zone')) return true;
  if (acceptKws(p, 'without', 'time', 'zone')) return false;
  return null;
}

function parseTimeType(p: Cursor, word: 'time' | 'timestamp'): TypeRef {
  const params = parseTypeParams(p, 1);
  const tz = parseTimeZoneSuffix(p);
  const base = word === 'time' ? 'TIME' : 'TIMESTAMP';
  return builtin(tz ? `${base}TZ` : base, params);
}

function parseFloatType(p: Cursor): TypeRef {
  const params = parseTypeParams(p, 1);
  if (params.length === 0) return builtin('FLOAT8');
  return builtin(params[0]! <= 24 ? 'FLOAT4' : 'FLOAT8');
}

function parseCharType(p: Cursor): TypeRef {
  const varying = acceptKw(p, 'varying');
  const params = parseTypeParams(p, 1);
  return builtin(varying ? 'VARCHAR' : 'CHAR', params);
}

function parseBitType(p: Cursor): TypeRef {
  const varying = acceptKw(p, 'varying');
  return builtin(varying ? 'VARBIT' : 'BIT', parseTypeParams(p, 1));
}

/**
 * `pg_catalog.<builtin>` (psql writes `::pg_catalog.regclass`,
 * `::pg_catalog.text`): skips the qualification so the built-in is parsed
 * and normalized as if written bare.
 */
function skipPgCatalogQualifier(p: Cursor): void {
  const q = peek(p);
  const n = peek(p, 2);
  if ((q.kind === 'word' || q.kind === 'qident') && q.text === 'pg_catalog' && isOp(p, '.', 1)
    && n.kind === 'word' && BUILTIN_TYPE_WORDS.has(n.text)) {
    p.i += 2;
  }
}

/** The type without array suffixes. */
function parseBaseType(p: Cursor): TypeRef {
  skipPgCatalogQualifier(p);
  const t = peek(p);
  if (t.kind === 'word') {
    const special = parseSpecialBaseType(p, t.text);
    if (special !== null) return special;
    const simple = SIMPLE_TYPES[t.text];
    if (simple !== undefined) {
      p.i++;
      return builtin(simple, parseTypeParams(p, simple === 'DECIMAL' ? 2 : 1));
    }
  }
  const name = parseObjectName(p);
  return { name: name.name, params: [], arrayDims: 0, userDefined: name };
}

/** Multi-word and parameterized built-ins; null when `word` is not one. */
function parseSpecialBaseType(p: Cursor, word: string): TypeRef | null {
  switch (word) {
    case 'time':
    case 'timestamp':
      p.i++;
      return parseTimeType(p, word);
    case 'float':
      p.i++;
      return parseFloatType(p);
    case 'double':
      if (!isKw(p, 'precision', 1)) return null;
      p.i += 2;
      return builtin('FLOAT8');
    case 'char':
    case 'character':
      p.i++;
      return parseCharType(p);
    case 'bit':
      p.i++;
      return parseBitType(p);
    default:
      return null;
  }
}

/** A full type reference, including array suffixes. */
export function parseType(p: Cursor): TypeRef {
  const type = parseBaseType(p);
  while (isOp(p, '[')) {
    p.i++;
    if (peek(p).kind === 'int') p.i++;
    expectOp(p, ']');
    type.arrayDims++;
  }
  if (acceptKw(p, 'array')) type.arrayDims++;
  return type;
}
