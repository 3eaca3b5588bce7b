// Owns the text input syntax of every SQL type: what '...'::TYPE and text
// wire parameters accept (parseDatum), with CockroachDB's error texts, and
// fitting a value to a parameterized type (int widths, DECIMAL(p,s),
// VARCHAR(n)/CHAR(n), TIME(p)/TIMESTAMP(p)), which casts share.
//
// Invariants: parseDatum returns a datum in the representation datum.ts
// describes, already fitted to t as an explicit cast fits it (strings
// truncated to their width, decimals rounded to their scale). Errors are
// BurrowErrors: 22P02 for malformed input, 22003 for out-of-range numbers,
// 22007/22008 for dates and times, 22001 for over-long strings on write.

import { BurrowError } from '../../util/errors.js';
import { parseDecimal, roundDecimal, pow10Big, type Decimal } from '../../util/decimal.js';
import type { Datum } from './datum.js';
import { typeName, type SqlType } from './types.js';
import {
  checkTimestampBounds, isInfiniteTimestamp, parseDate, parseTime, parseTimestamp, parseTimestampTz, roundMicrosToPrecision,
} from './datetime.js';
import { parseInterval } from './interval.js';
import { parseJson } from './json.js';

export interface ParseContext {
  timezone: string;
  /** The statement's time for 'now', 'today'… (defaults to the wall clock). */
  nowMicros?: bigint;
}

/** CockroachDB's lower-case type name as its parse errors print it (int, float, string[], …). */
export function crdbTypeName(t: SqlType): string {
  switch (t.family) {
    case 'int': return t.width === 64 ? 'int' : `int${t.width / 8}`;
    case 'float': return t.width === 64 ? 'float' : 'float4';
    case 'string': return t.variant === 'varchar' ? 'varchar' : t.variant === 'char' ? 'char' : t.variant === 'name' ? 'name' : 'string';
    case 'array': return `${crdbTypeName(t.elem!)}[]`;
    case 'tuple': return 'record';
    default: return t.family;
  }
}

function couldNotParse(s: string, type: string, reason?: string, code = '22P02'): BurrowError {
  return new BurrowError(code, `could not parse "${s}" as type ${type}${reason === undefined ? '' : `: ${reason}`}`);
}

// ---------------------------------------------------------------- numbers

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
const intPattern = /^([+-]?)(0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*|\d(?:_?\d)*)$/;

/** INT input: decimal (leading zeros stay decimal), 0x/0o/0b prefixes and '_' separators. */
export function parseInt64(text: string): bigint {
  const s = text.trim();
  const m = intPattern.exec(s);
  if (m === null) throw couldNotParse(s, 'int', `strconv.ParseInt: parsing "${s}": invalid syntax`);
  const magnitude = BigInt(m[2]!.replace(/_/g, '').replace(/^0(?=\d)/, ''));
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value < int64Min || value > int64Max) {
    throw couldNotParse(s, 'int', `strconv.ParseInt: parsing "${s}": value out of range`, '22003');
  }
  return value;
}

const floatPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const floatSpecials: Record<string, number> = {
  nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity,
  '-inf': -Infinity, '-infinity': -Infinity,
};

/** FLOAT input, including NaN, Inf, -Infinity (any case); FLOAT4 rounds to single precision. */
export function parseFloatText(text: string, width = 64): number {
  const s = text.trim();
  const special = floatSpecials[s.toLowerCase()];
  if (special !== undefined) return special;
  if (!floatPattern.test(s)) throw couldNotParse(s, 'float', `strconv.ParseFloat: parsing "${s}": invalid syntax`);
  const f = width === 32 ? Math.fround(Number(s)) : Number(s);
  if (!Number.isFinite(f)) {
    throw couldNotParse(s, 'float', `strconv.ParseFloat: parsing "${s}": value out of range`, '22003');
  }
  return f;
}

function parseDecimalText(text: string): Decimal {
  return parseDecimal(text.trim());
}

/** BOOL input: true/false/yes/no/on/off/1/0 and unambiguous prefixes, any case, spaces trimmed. */
export function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  const isPrefixOf = (word: string, min = 1): boolean => s.length >= min && word.startsWith(s);
  if (isPrefixOf('true') || isPrefixOf('yes') || isPrefixOf('on', 2) || s === '1') return true;
  if (isPrefixOf('false') || isPrefixOf('no') || isPrefixOf('off', 2) || s === '0') return false;
  throw couldNotParse(text.trim(), 'bool', 'invalid bool value');
}

function parseOid(text: string): bigint {
  let v: bigint;
  try {
    v = parseInt64(text);
  } catch {
    throw couldNotParse(text.trim(), 'oid');
  }
  if (v < 0n && v >= -(2n ** 31n)) v += 2n ** 32n;
  if (v < 0n || v >= 2n ** 32n) throw new BurrowError('22003', 'OID out of range');
  return v;
}

// ---------------------------------------------------------- bytes, uuid

function hexBytes(s: string, text: string): Buffer {
  const hex = s.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw couldNotParse(text, 'bytes', 'encoding/hex: invalid byte');
  if (hex.length % 2 !== 0) throw couldNotParse(text, 'bytes', 'encoding/hex: odd length hex string');
  return Buffer.from(hex, 'hex');
}

function escapeBytes(text: string): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < text.length) {
    const next = text.indexOf('\\', i);
    const end = next < 0 ? text.length : next;
    if (end > i) out.push(Buffer.from(text.slice(i, end), 'utf8'));
    if (next < 0) break;
    i = next + readEscape(text, next, out);
  }
  return Buffer.concat(out);
}

/** Decodes the escape at text[at] (a doubled backslash or backslash-ooo) into out; returns its length. */
function readEscape(text: string, at: number, out: Buffer[]): number {
  if (text[at + 1] === '\\') {
    out.push(Buffer.from([0x5c]));
    return 2;
  }
  const octal = text.slice(at + 1, at + 4);
  if (!/^[0-3][0-7][0-7]$/.test(octal)) throw couldNotParse(text, 'bytes', 'invalid bytea escape sequence');
  out.push(Buffer.from([parseInt(octal, 8)]));
  return 4;
}

/** BYTES input: '\x0a0b' hex form, or the escape form ('\\' and '\ooo'); other text is its UTF-8. */
export function parseBytes(text: string): Buffer {
  if (/^\\x/i.test(text)) return hexBytes(text.slice(2), text);
  return escapeBytes(text);
}

const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function canonicalFromHex(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** UUID input: canonical, 32 hex digits, '{…}' braces, 'urn:uuid:' prefix, any case. */
export function parseUuid(text: string): string {
  let body = text.trim();
  if (/^urn:uuid:/i.test(body)) body = body.slice(9);
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  if (body.length !== 32 && body.length !== 36) {
    throw couldNotParse(text, 'uuid', `uuid: incorrect UUID length: ${text}`);
  }
  const ok = body.length === 36 ? canonicalUuid.test(body) : /^[0-9a-f]{32}$/i.test(body);
  if (!ok) throw couldNotParse(text, 'uuid', `uuid: incorrect UUID format: ${text}`);
  return canonicalFromHex(body.replace(/-/g, ''));
}

/** A UUID from its 16 raw bytes (BYTES -> UUID). */
export function uuidFromBytes(b: Buffer): string {
  if (b.length !== 16) {
    throw new BurrowError('22P02', `could not parse "${b.toString('latin1')}" as type uuid: uuid: UUID must be exactly 16 bytes long, got ${b.length} bytes`);
  }
  return canonicalFromHex(b.toString('hex'));
}

export function uuidToBytes(u: string): Buffer {
  return Buffer.from(u.replace(/-/g, ''), 'hex');
}

// ------------------------------------------------------ arrays and tuples

/** A cursor over array or record literal text. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  peek(): string | undefined {
    return this.text[this.pos];
  }
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  done(): boolean {
    return this.pos >= this.text.length;
  }
}

function malformedArray(text: string, t: SqlType, reason: string): BurrowError {
  return couldNotParse(text, crdbTypeName(t), reason);
}

/** A quoted element: backslash escapes any character. The cursor is on the opening quote. */
function readQuoted(c: Cursor, onError: () => BurrowError): string {
  let out = '';
  for (c.pos++; !c.done(); c.pos++) {
    const ch = c.text[c.pos]!;
    if (ch === '"') {
      c.pos++;
      return out;
    }
    if (ch === '\\') c.pos++;
    if (c.done()) break;
    out += c.text[c.pos];
  }
  throw onError();
}

/** An unquoted array element up to ',' or '}', backslash escapes honored, outer whitespace dropped. */
function readUnquotedElement(c: Cursor): { text: string; wasEscaped: boolean } {
  let out = '';
  let trailingSpace = 0;
  let wasEscaped = false;
  for (; !c.done() && c.peek() !== ',' && c.peek() !== '}'; c.pos++) {
    let ch = c.text[c.pos]!;
    if (ch === '\\' && c.pos + 1 < c.text.length) {
      ch = c.text[++c.pos]!;
      wasEscaped = true;
      trailingSpace = 0;
    } else if (/\s/.test(ch)) {
      trailingSpace++;
    } else {
      trailingSpace = 0;
    }
    out += ch;
  }
  return { text: out.slice(0, out.length - trailingSpace).replace(/^\s+/, ''), wasEscaped };
}

function readArrayElement(c: Cursor, arrayType: SqlType, ctx: ParseContext): Datum {
  const elem = arrayType.elem!;
  const fail = (): BurrowError => malformedArray(c.text, arrayType, 'malformed array');
  if (c.peek() === '{') {
    if (elem.family !== 'array') throw fail();
    return readArrayBody(c, elem, ctx);
  }
  if (c.peek() === '"') return parseElementText(readQuoted(c, fail), arrayType, ctx, c.text);
  const { text, wasEscaped } = readUnquotedElement(c);
  if (text === '') throw fail();
  if (!wasEscaped && text.toUpperCase() === 'NULL') return null;
  return parseElementText(text, arrayType, ctx, c.text);
}

function parseElementText(text: string, arrayType: SqlType, ctx: ParseContext, whole: string): Datum {
  try {
    return parseDatum(text, arrayType.elem!, ctx);
  } catch (err) {
    if (!(err instanceof BurrowError)) throw err;
    throw new BurrowError(err.code, `could not parse "${whole}" as type ${crdbTypeName(arrayType)}: ${err.message}`);
  }
}

function readArrayBody(c: Cursor, arrayType: SqlType, ctx: ParseContext): Datum[] {
  const fail = (reason: string): BurrowError => malformedArray(c.text, arrayType, reason);
  if (c.peek() !== '{') throw fail('array must be enclosed in { and }');
  c.pos++;
  c.skipSpace();
  const out: Datum[] = [];
  if (c.peek() === '}') {
    c.pos++;
    return out;
  }
  for (;;) {
    c.skipSpace();
    out.push(readArrayElement(c, arrayType, ctx));
    c.skipSpace();
    const sep = c.peek();
    c.pos++;
    if (sep === '}') return out;
    if (sep !== ',') throw fail('malformed array');
  }
}

/** Array input `{1,2,"a b",NULL}` (nested braces for arrays of arrays). */
export function parseArray(text: string, arrayType: SqlType, ctx: ParseContext): Datum[] {
  const c = new Cursor(text);
  c.skipSpace();
  if (c.peek() !== '{') throw malformedArray(text, arrayType, 'array must be enclosed in { and }');
  const out = readArrayBody(c, arrayType, ctx);
  c.skipSpace();
  if (!c.done()) throw malformedArray(text, arrayType, 'extra text after closing right brace');
  return out;
}

function readRecordField(c: Cursor, onError: () => BurrowError): string | null {
  let out = '';
  let quotedAny = false;
  while (!c.done() && c.peek() !== ',' && c.peek() !== ')') {
    if (c.peek() === '"') {
      quotedAny = true;
      out += readQuotedRecord(c, onError);
    } else {
      if (c.peek() === '\\') c.pos++;
      out += c.text[c.pos++] ?? '';
    }
  }
  return out === '' && !quotedAny ? null : out;
}

/** A quoted record field: "" and backslash both escape. The cursor is on the opening quote. */
function readQuotedRecord(c: Cursor, onError: () => BurrowError): string {
  let out = '';
  for (c.pos++; !c.done(); c.pos++) {
    const ch = c.text[c.pos]!;
    if (ch === '"' && c.text[c.pos + 1] === '"') {
      out += '"';
      c.pos++;
    } else if (ch === '"') {
      c.pos++;
      return out;
    } else {
      if (ch === '\\') c.pos++;
      out += c.text[c.pos] ?? '';
    }
  }
  throw onError();
}

/** Record input `(1,abc,)`: an empty unquoted field is NULL. */
export function parseTuple(text: string, t: SqlType, ctx: ParseContext): Datum[] {
  const fields = t.fields ?? [];
  const fail = (): BurrowError => couldNotParse(text, 'record', 'malformed record literal');
  const c = new Cursor(text.trim());
  if (c.peek() !== '(') throw fail();
  c.pos++;
  const out: Datum[] = [];
  for (;;) {
    const raw = readRecordField(c, fail);
    if (out.length >= fields.length) throw fail();
    out.push(raw === null ? null : parseDatum(raw, fields[out.length]!, ctx));
    const sep = c.text[c.pos++];
    if (sep === ')') break;
    if (sep !== ',') throw fail();
  }
  if (!c.done() || out.length !== fields.length) throw fail();
  return out;
}

// ------------------------------------------------------- fitting to a type

export type FitMode = 'explicit' | 'assignment';

function fitInt(v: bigint, t: SqlType): bigint {
  if (t.width === 16 && (v < -32768n || v > 32767n)) throw new BurrowError('22003', 'integer out of range for type int2');
  if (t.width === 32 && (v < -2147483648n || v > 2147483647n)) {
    throw new BurrowError('22003', 'integer out of range for type int4');
  }
  return v;
}

/**
 * Rounds to the type's scale and checks its precision, with CockroachDB's
 * text: `type DECIMAL(3,1): value with precision 3, scale 1 must round to
 * an absolute value less than 10^2`.
 */
export function limitDecimal(d: Decimal, t: SqlType): Decimal {
  if (d.kind !== 'finite' || t.precision === 0) return d;
  const rounded = roundDecimal(d, t.scale);
  const coef = rounded.kind === 'finite' ? (rounded.coef < 0n ? -rounded.coef : rounded.coef) : 0n;
  if (coef >= pow10Big(t.precision)) {
    const digits = t.precision - t.scale;
    const bound = digits === 0 ? '1' : `10^${digits}`;
    throw new BurrowError('22003', `type ${typeName(t)}: value with precision ${t.precision}, scale ${t.scale} must round to an absolute value less than ${bound}`);
  }
  return rounded;
}

function fitString(s: string, t: SqlType, mode: FitMode): string {
  const trimmed = t.variant === 'char' ? s.replace(/ +$/, '') : s;
  if (t.width <= 0) return trimmed;
  const chars = Array.from(trimmed);
  if (chars.length <= t.width) return trimmed;
  if (mode === 'assignment') throw new BurrowError('22001', `value too long for type ${typeName(t)}`);
  return chars.slice(0, t.width).join('');
}

function fitTimestamp(micros: bigint, t: SqlType): bigint {
  if (isInfiniteTimestamp(micros)) return micros;
  return checkTimestampBounds(roundMicrosToPrecision(micros, t.precision));
}

function toFloat4(f: number): number {
  const r = Math.fround(f);
  if (Number.isFinite(f) && !Number.isFinite(r)) throw new BurrowError('22003', 'float out of range');
  return r;
}

/**
 * Fits a value of t's family to t's parameters: INT2/INT4 range (22003),
 * FLOAT4 rounding, DECIMAL(p,s) rounding and precision (22003), string
 * widths (explicit casts truncate, assignments fail with 22001; CHAR drops
 * trailing spaces and is not padded, as CockroachDB), TIME(p)/TIMESTAMP(p)
 * rounding, element-wise for arrays and tuples.
 */
export function fitToType(d: Datum, t: SqlType, mode: FitMode): Datum {
  if (d === null) return null;
  switch (t.family) {
    case 'int': return fitInt(d as bigint, t);
    case 'float': return t.width === 32 ? toFloat4(d as number) : d;
    case 'decimal': return limitDecimal(d as Decimal, t);
    case 'string': return fitString(d as string, t, mode);
    case 'time': return roundMicrosToPrecision(d as bigint, t.precision);
    case 'timestamp': case 'timestamptz': return fitTimestamp(d as bigint, t);
    case 'array': return (d as Datum[]).map((e) => fitToType(e, t.elem!, mode));
    case 'tuple': return (d as Datum[]).map((e, i) => fitToType(e, t.fields![i]!, mode));
    default: return d;
  }
}

// ------------------------------------------------------------------ entry

function parseRaw(text: string, t: SqlType, ctx: ParseContext): Datum {
  switch (t.family) {
    case 'int': return parseInt64(text);
    case 'float': return parseFloatText(text, t.width);
    case 'decimal': return parseDecimalText(text);
    case 'string': case 'unknown': return text;
    case 'bytes': return parseBytes(text);
    case 'bool': return parseBool(text);
    case 'date': return parseDate(text, ctx.timezone, ctx.nowMicros);
    case 'time': return parseTime(text, ctx.timezone, ctx.nowMicros);
    case 'timestamp': return parseTimestamp(text, ctx.timezone, ctx.nowMicros);
    case 'timestamptz': return parseTimestampTz(text, ctx.timezone, ctx.nowMicros);
    case 'interval': return parseInterval(text);
    case 'uuid': return parseUuid(text);
    case 'jsonb': return parseJson(text);
    case 'oid': return parseOid(text);
    case 'array': return parseArray(text, t, ctx);
    case 'tuple': return parseTuple(text, t, ctx);
    case 'void': return '';
  }
}

/**
 * Parses the text form of a value of type t (the input syntax of '…'::t and
 * of text wire parameters), fitted to t as an explicit cast fits it.
 */
export function parseDatum(text: string, t: SqlType, ctx: ParseContext): Datum {
  return fitToType(parseRaw(text, t, ctx), t, 'explicit');
}
