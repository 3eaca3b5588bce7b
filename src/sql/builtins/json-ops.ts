// Owns JSONB value operations the operators and JSON builtins share: key,
// index and path fetches, containment, existence, concatenation, deletion
// and path set. Values are plain parsed JSON (datum.ts's JsonValue); no
// function mutates its input.
//
// Invariants (PostgreSQL/CockroachDB semantics):
// - Negative array indexes count from the end; a missing key, index or
//   path gives undefined (the operator turns it into SQL NULL).
// - `a @> b`: every object key/value of b is contained in a's, every array
//   element of b is contained in some element of a; a scalar array contains
//   the scalar.

import { BurrowError } from '../../util/errors.js';
import type { Datum, JsonValue } from '../types/datum.js';
import { formatJsonText } from './deps.js';

export type JsonObject = { [k: string]: JsonValue };

export function isJsonObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function jsonFetchKey(v: JsonValue, key: string): JsonValue | undefined {
  if (!isJsonObject(v) || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
  return v[key];
}

export function jsonFetchIndex(v: JsonValue, index: number): JsonValue | undefined {
  if (!Array.isArray(v)) return undefined;
  const i = index < 0 ? v.length + index : index;
  return i >= 0 && i < v.length ? v[i] : undefined;
}

/** `#>`: each path step is an object key or an array index written as text. */
export function jsonFetchPath(v: JsonValue, path: readonly Datum[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const step of path) {
    if (cur === undefined || step === null) return undefined;
    const s = step as string;
    if (Array.isArray(cur)) {
      if (!/^-?\d+$/.test(s)) return undefined;
      cur = jsonFetchIndex(cur, Number(s));
    } else {
      cur = jsonFetchKey(cur, s);
    }
  }
  return cur;
}

/** `->>`: strings unquoted, JSON null is SQL NULL, the rest as JSON text. */
export function jsonAsText(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : formatJsonText(v);
}

export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEquals(a[k]!, b[k]!));
  }
  return false;
}

/** `a @> b`. */
export function jsonContains(a: JsonValue, b: JsonValue): boolean {
  if (isJsonObject(a)) {
    return isJsonObject(b) && Object.keys(b).every((k) => k in a && jsonContains(a[k]!, b[k]!));
  }
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return b.every((x) => a.some((y) => jsonContainsElem(y, x)));
    return !isJsonObject(b) && a.some((y) => jsonEquals(y, b));
  }
  return jsonEquals(a, b);
}

function jsonContainsElem(haystack: JsonValue, needle: JsonValue): boolean {
  if (Array.isArray(needle) || isJsonObject(needle)) return jsonContains(haystack, needle);
  return jsonEquals(haystack, needle);
}

/** `?`: a top-level key, a string array element, or an equal string scalar. */
export function jsonExists(v: JsonValue, key: string): boolean {
  if (isJsonObject(v)) return Object.prototype.hasOwnProperty.call(v, key);
  if (Array.isArray(v)) return v.some((e) => e === key);
  return v === key;
}

/** `||`: objects merge (right wins); otherwise both sides become array elements. */
export function jsonConcat(a: JsonValue, b: JsonValue): JsonValue {
  if (isJsonObject(a) && isJsonObject(b)) return { ...a, ...b };
  const left = Array.isArray(a) ? a : [a];
  const right = Array.isArray(b) ? b : [b];
  return [...left, ...right];
}

function cannotDeleteFromScalar(): BurrowError {
  return new BurrowError('22023', 'cannot delete from scalar');
}

/** `- string`: drops an object key or equal string array elements. */
export function jsonDeleteKey(v: JsonValue, key: string): JsonValue {
  if (isJsonObject(v)) {
    const { [key]: _dropped, ...rest } = v;
    return rest;
  }
  if (Array.isArray(v)) return v.filter((e) => e !== key);
  throw cannotDeleteFromScalar();
}

/** `- int`: drops an array element (negative counts from the end). */
export function jsonDeleteIndex(v: JsonValue, index: number): JsonValue {
  if (isJsonObject(v)) throw new BurrowError('22023', 'cannot delete from object using integer index');
  if (!Array.isArray(v)) throw cannotDeleteFromScalar();
  const i = index < 0 ? v.length + index : index;
  return v.filter((_e, j) => j !== i);
}

/** `#-`: deletes the element at path (no-op when the path does not exist). */
export function jsonDeletePath(v: JsonValue, path: readonly string[]): JsonValue {
  if (path.length === 0) return v;
  if (!Array.isArray(v) && !isJsonObject(v)) throw cannotDeleteFromScalar();
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(v)) {
    if (!/^-?\d+$/.test(head)) throw new BurrowError('22P02', `a path element is not an integer: ${head}`);
    const i = Number(head) < 0 ? v.length + Number(head) : Number(head);
    if (i < 0 || i >= v.length) return v;
    if (rest.length === 0) return v.filter((_e, j) => j !== i);
    return v.map((e, j) => (j === i && (Array.isArray(e) || isJsonObject(e)) ? jsonDeletePath(e, rest) : e));
  }
  if (!(head in v)) return v;
  if (rest.length === 0) return jsonDeleteKey(v, head);
  const child = v[head]!;
  if (!Array.isArray(child) && !isJsonObject(child)) return v;
  return { ...v, [head]: jsonDeletePath(child, rest) };
}

/** jsonb_set(target, path, value, create_missing). */
export function jsonSetPath(v: JsonValue, path: readonly string[], value: JsonValue, createMissing: boolean): JsonValue {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (isJsonObject(v)) {
    if (!(head in v) && (!createMissing || rest.length > 0)) return v;
    return { ...v, [head]: head in v ? jsonSetPath(v[head]!, rest, value, createMissing) : value };
  }
  if (Array.isArray(v)) return setArrayElem(v, head, rest, value, createMissing);
  throw new BurrowError('22023', 'cannot set path in scalar');
}

function setArrayElem(v: JsonValue[], head: string, rest: string[], value: JsonValue, createMissing: boolean): JsonValue {
  if (!/^-?\d+$/.test(head)) throw new BurrowError('22P02', `a path element is not an integer: ${head}`);
  const n = Number(head);
  const i = n < 0 ? v.length + n : n;
  if (i >= 0 && i < v.length) return v.map((e, j) => (j === i ? jsonSetPath(e, rest, value, createMissing) : e));
  if (!createMissing || rest.length > 0) return v;
  return i < 0 ? [value, ...v] : [...v, value];
}

export function jsonTypeof(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'boolean' : typeof v;
}

export function parseJsonText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new BurrowError('22P02', `unable to decode JSON: ${(err as Error).message}`);
  }
}
