// Owns the string and bytes builtins (length, substring, trim, pad, replace,
// split_part, format, quote_*, encode/decode, hashes, regexp_*, ...).
//
// Invariants: character positions and lengths count Unicode code points
// (not UTF-16 units); positions are 1-based as in SQL; every function is
// strict (NULL in, NULL out) except concat and concat_ws, which skip NULLs.
// Error texts follow CockroachDB's.

import { createHash } from 'node:crypto';
import { BurrowError } from '../../util/errors.js';
import type { Datum } from '../types/datum.js';
import { T, arrayOf } from '../types/types.js';
import { formatName } from '../parser/print-names.js';
import { formatDatumText } from './deps.js';
import { AnyT, defineFunction, overload, type FunctionDef } from './overload.js';
import { compileSimilar, regexpExtract, regexpReplace, compileRegex } from './pattern.js';

const S = T.string;
const I = T.int;
const B = T.bytes;
const Bool = T.bool;

/** Maximum result size of repeat/lpad/rpad, as a guard against runaway memory. */
const maxGeneratedStringChars = 64 * 1024 * 1024;

const surrogate = /[\uD800-\uDFFF]/;

/** Code points of s (fast path: s itself when it has no surrogate pairs). */
export function codePoints(s: string): string[] | string {
  return surrogate.test(s) ? Array.from(s) : s;
}

export function charLength(s: string): number {
  return surrogate.test(s) ? Array.from(s).length : s.length;
}

function sliceChars(s: string, start: number, end?: number): string {
  const cp = codePoints(s);
  return typeof cp === 'string' ? cp.slice(start, end) : cp.slice(start, end).join('');
}

function str(d: Datum): string {
  return d as string;
}

function int(d: Datum): number {
  const v = d as bigint;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

function checkGeneratedLength(n: number): void {
  if (n > maxGeneratedStringChars) {
    throw new BurrowError('54000', `requested length too large, exceeds ${maxGeneratedStringChars} characters`);
  }
}

// -------------------------------------------------------------- substring

/** SQL substring: 1-based start; a start before 1 eats into the length. */
function substringChars(s: string, start: number, length?: number): string {
  if (length !== undefined && length < 0) throw new BurrowError('22011', 'negative substring length not allowed');
  const from = Math.max(start, 1);
  if (length === undefined) return sliceChars(s, from - 1);
  const end = start + length;
  if (end <= from) return '';
  return sliceChars(s, from - 1, end - 1);
}

function substringBytes(b: Buffer, start: number, length?: number): Buffer {
  if (length !== undefined && length < 0) throw new BurrowError('22011', 'negative substring length not allowed');
  const from = Math.max(start, 1);
  const end = length === undefined ? b.length + 1 : start + length;
  return end <= from ? Buffer.alloc(0) : Buffer.from(b.subarray(from - 1, end - 1));
}

const substringOverloads = [
  overload([S, I], S, ([s, a]) => substringChars(str(s), int(a))),
  overload([S, I, I], S, ([s, a, n]) => substringChars(str(s), int(a), int(n))),
  overload([B, I], B, ([s, a]) => substringBytes(s as Buffer, int(a))),
  overload([B, I, I], B, ([s, a, n]) => substringBytes(s as Buffer, int(a), int(n))),
  overload([S, S], S, ([s, p]) => regexpExtract(str(s), str(p))),
  overload([S, S, S], S, ([s, p, e]) => similarSubstring(str(s), str(p), str(e))),
];

/** substring(s, pattern, escape): the part between the two escape-double-quote markers. */
function similarSubstring(s: string, pattern: string, escape: string): string | null {
  const marker = `${escape}"`;
  const parts = pattern.split(marker);
  if (parts.length !== 3) return compileSimilar(pattern, escape)(s) ? s : null;
  for (let i = 0; i <= s.length; i++) {
    for (let j = s.length; j >= i; j--) {
      if (compileSimilar(parts[0]!, escape)(s.slice(0, i)) && compileSimilar(parts[1]!, escape)(s.slice(i, j)) &&
        compileSimilar(parts[2]!, escape)(s.slice(j))) {
        return s.slice(i, j);
      }
    }
  }
  return null;
}

// ------------------------------------------------------------ trim / pad

function trimSet(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(chars));
  const cp = Array.from(s);
  let start = 0;
  let end = cp.length;
  if (left) while (start < end && set.has(cp[start]!)) start++;
  if (right) while (end > start && set.has(cp[end - 1]!)) end--;
  return cp.slice(start, end).join('');
}

function trimFunction(name: string, left: boolean, right: boolean): FunctionDef {
  return defineFunction(name, [
    overload([S], S, ([s]) => trimSet(str(s), ' ', left, right)),
    overload([S, S], S, ([s, c]) => trimSet(str(s), str(c), left, right)),
  ]);
}

function pad(s: string, length: number, fill: string, left: boolean): string {
  checkGeneratedLength(length);
  const cp = Array.from(s);
  if (length <= 0) return '';
  if (cp.length >= length) return cp.slice(0, length).join('');
  const fillCp = Array.from(fill);
  if (fillCp.length === 0) return s;
  const padding: string[] = [];
  for (let i = 0; padding.length < length - cp.length; i++) padding.push(fillCp[i % fillCp.length]!);
  return left ? padding.join('') + s : s + padding.join('');
}

function padFunction(name: string, left: boolean): FunctionDef {
  return defineFunction(name, [
    overload([S, I], S, ([s, n]) => pad(str(s), int(n), ' ', left)),
    overload([S, I, S], S, ([s, n, f]) => pad(str(s), int(n), str(f), left)),
  ]);
}

// ------------------------------------------------------------ left/right

function leftChars(s: string, n: number): string {
  const len = charLength(s);
  return sliceChars(s, 0, n >= 0 ? n : Math.max(len + n, 0));
}

function rightChars(s: string, n: number): string {
  const len = charLength(s);
  return sliceChars(s, n >= 0 ? Math.max(len - n, 0) : Math.min(-n, len));
}

function leftBytes(b: Buffer, n: number): Buffer {
  return Buffer.from(b.subarray(0, n >= 0 ? n : Math.max(b.length + n, 0)));
}

function rightBytes(b: Buffer, n: number): Buffer {
  return Buffer.from(b.subarray(n >= 0 ? Math.max(b.length - n, 0) : Math.min(-n, b.length)));
}

// --------------------------------------------------------------- overlay

/** overlay(s PLACING r FROM start [FOR n]): n defaults to the length of r. */
function overlayChars(s: string, r: string, start: number, n?: number): string {
  const count = n ?? charLength(r);
  return substringChars(s, 1, Math.max(start - 1, 0)) + r + substringChars(s, start + count);
}

function overlayBytes(b: Buffer, r: Buffer, start: number, n?: number): Buffer {
  const count = n ?? r.length;
  return Buffer.concat([substringBytes(b, 1, Math.max(start - 1, 0)), r, substringBytes(b, start + count)]);
}

// ----------------------------------------------------------- misc string

function repeat(s: string, n: number): string {
  if (n <= 0) return '';
  checkGeneratedLength(s.length * n);
  return s.repeat(n);
}

function strpos(s: string, sub: string): bigint {
  const i = s.indexOf(sub);
  return i < 0 ? 0n : BigInt(charLength(s.slice(0, i)) + 1);
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new BurrowError('22023', 'field position must not be zero');
  const parts = delim === '' ? [s] : s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return i >= 0 && i < parts.length ? parts[i]! : '';
}

function initcap(s: string): string {
  let out = '';
  let startOfWord = true;
  for (const ch of s) {
    out += startOfWord ? ch.toUpperCase() : ch.toLowerCase();
    startOfWord = !/[\p{L}\p{N}]/u.test(ch);
  }
  return out;
}

function translate(s: string, from: string, to: string): string {
  const f = Array.from(from);
  const t = Array.from(to);
  let out = '';
  for (const ch of s) {
    const i = f.indexOf(ch);
    if (i < 0) out += ch;
    else if (i < t.length) out += t[i];
  }
  return out;
}

function ascii(s: string): bigint {
  const cp = s.codePointAt(0);
  if (cp === undefined) throw new BurrowError('22023', 'the input string must not be empty');
  return BigInt(cp);
}

function chr(n: bigint): string {
  if (n < 0n) throw new BurrowError('22023', 'input value must be >= 0');
  if (n > 0x10ffffn) throw new BurrowError('22023', 'input value must be <= 1114111 (maximum Unicode code point)');
  return String.fromCodePoint(Number(n));
}

function toHexInt(n: bigint): string {
  return BigInt.asUintN(64, n).toString(16);
}

// ------------------------------------------------------------- encodings

function unsupportedFormat(fn: string): BurrowError {
  return new BurrowError('22023', `only 'hex', 'escape', and 'base64' formats are supported for ${fn}()`);
}

function encodeEscape(b: Buffer): string {
  let out = '';
  for (const byte of b) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0 || byte >= 0x80) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out;
}

function decodeEscape(s: string): Buffer {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x5c) bytes.push(raw[i]!);
    else if (raw[i + 1] === 0x5c) bytes.push(0x5c), i++;
    else if (/^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else throw new BurrowError('22P02', 'invalid syntax for decode(..., \'escape\')');
  }
  return Buffer.from(bytes);
}

function encode(b: Buffer, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex': return b.toString('hex');
    case 'base64': return b.toString('base64');
    case 'escape': return encodeEscape(b);
    default: throw unsupportedFormat('encode');
  }
}

function decode(s: string, format: string): Buffer {
  switch (format.toLowerCase()) {
    case 'hex':
      if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new BurrowError('22P02', `encoding/hex: invalid byte: ${s}`);
      return Buffer.from(s, 'hex');
    case 'base64': return Buffer.from(s.replace(/\s+/g, ''), 'base64');
    case 'escape': return decodeEscape(s);
    default: throw unsupportedFormat('decode');
  }
}

function hashHex(algorithm: string, d: Datum): string {
  return createHash(algorithm).update(typeof d === 'string' ? Buffer.from(d, 'utf8') : (d as Buffer)).digest('hex');
}

function hashFunction(name: string, algorithm: string): FunctionDef {
  return defineFunction(name, [
    overload([S], S, ([s]) => hashHex(algorithm, s)),
    overload([B], S, ([b]) => hashHex(algorithm, b)),
  ]);
}

// ---------------------------------------------------------- quote/format

export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `e'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

interface FormatState {
  args: readonly Datum[];
  types: readonly import('../types/types.js').SqlType[];
  next: number;
  tz: string;
}

function formatArg(st: FormatState, position: number | null, conv: string): string {
  const i = position ?? st.next;
  if (i >= st.args.length) throw new BurrowError('22023', 'too few arguments for format()');
  st.next = i + 1;
  const d = st.args[i]!;
  const text = d === null ? null : formatDatumText(d, st.types[i]!, st.tz);
  if (conv === 's') return text ?? '';
  if (conv === 'L') return text === null ? 'NULL' : quoteLiteral(text);
  if (text === null) throw new BurrowError('22004', 'null values cannot be formatted as an SQL identifier');
  return formatName(text);
}

function formatString(fmt: string, st: FormatState): string {
  return fmt.replace(/%(?:(\d+)\$)?(-?\d*)([sIL%])|%(.?)/g, (m, pos: string | undefined, width: string, conv: string | undefined, bad: string | undefined) => {
    if (conv === undefined) throw new BurrowError('22023', `unrecognized format() type specifier "${bad ?? ''}"`);
    if (conv === '%') return '%';
    const text = formatArg(st, pos ? Number(pos) - 1 : null, conv);
    return applyWidth(text, width, m);
  });
}

function applyWidth(text: string, width: string, _spec: string): string {
  if (width === '' || width === '-') return text;
  const n = Math.abs(Number(width));
  return width.startsWith('-') ? text.padEnd(n) : text.padStart(n);
}

// ------------------------------------------------------------ concat(_ws)

function concatText(args: readonly Datum[], types: readonly import('../types/types.js').SqlType[], tz: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const d = args[i]!;
    if (d !== null) out.push(formatDatumText(d, types[i]!, tz));
  }
  return out;
}

// ------------------------------------------------------------ definitions

export const stringFunctions: FunctionDef[] = [
  ...['length', 'char_length', 'character_length'].map((name) => defineFunction(name, [
    overload([S], I, ([s]) => BigInt(charLength(str(s)))),
    overload([B], I, ([b]) => BigInt((b as Buffer).length)),
  ])),
  defineFunction('octet_length', [
    overload([S], I, ([s]) => BigInt(Buffer.byteLength(str(s)))),
    overload([B], I, ([b]) => BigInt((b as Buffer).length)),
  ]),
  defineFunction('bit_length', [
    overload([S], I, ([s]) => BigInt(Buffer.byteLength(str(s)) * 8)),
    overload([B], I, ([b]) => BigInt((b as Buffer).length * 8)),
  ]),
  defineFunction('lower', [overload([S], S, ([s]) => str(s).toLowerCase())]),
  defineFunction('upper', [overload([S], S, ([s]) => str(s).toUpperCase())]),
  defineFunction('substr', substringOverloads.slice(0, 4)),
  defineFunction('substring', substringOverloads),
  defineFunction('concat', [
    overload({ variadic: AnyT }, S, (args, ctx, types) => concatText(args, types, ctx.timezone).join(''), { strict: false }),
  ]),
  defineFunction('concat_ws', [
    overload({ leading: [S], variadic: AnyT }, S, (args, ctx, types) =>
      args[0] === null ? null : concatText(args.slice(1), types.slice(1), ctx.timezone).join(str(args[0])), { strict: false }),
  ]),
  defineFunction('overlay', [
    overload([S, S, I], S, ([s, r, a]) => overlayChars(str(s), str(r), int(a))),
    overload([S, S, I, I], S, ([s, r, a, n]) => overlayChars(str(s), str(r), int(a), int(n))),
    overload([B, B, I], B, ([s, r, a]) => overlayBytes(s as Buffer, r as Buffer, int(a))),
    overload([B, B, I, I], B, ([s, r, a, n]) => overlayBytes(s as Buffer, r as Buffer, int(a), int(n))),
  ]),
  defineFunction('replace', [
    overload([S, S, S], S, ([s, f, t]) => (str(f) === '' ? str(s) : str(s).split(str(f)).join(str(t)))),
  ]),
  trimFunction('btrim', true, true),
  trimFunction('trim', true, true),
  trimFunction('ltrim', true, false),
  trimFunction('rtrim', false, true),
  padFunction('lpad', true),
  padFunction('rpad', false),
  defineFunction('left', [
    overload([S, I], S, ([s, n]) => leftChars(str(s), int(n))),
    overload([B, I], B, ([b, n]) => leftBytes(b as Buffer, int(n))),
  ]),
  defineFunction('right', [
    overload([S, I], S, ([s, n]) => rightChars(str(s), int(n))),
    overload([B, I], B, ([b, n]) => rightBytes(b as Buffer, int(n))),
  ]),
  defineFunction('repeat', [overload([S, I], S, ([s, n]) => repeat(str(s), int(n)))]),
  defineFunction('reverse', [overload([S], S, ([s]) => Array.from(str(s)).reverse().join(''))]),
  defineFunction('strpos', [overload([S, S], I, ([s, sub]) => strpos(str(s), str(sub)))]),
  defineFunction('position', [overload([S, S], I, ([sub, s]) => strpos(str(s), str(sub)))]),
  defineFunction('split_part', [overload([S, S, I], S, ([s, d, n]) => splitPart(str(s), str(d), int(n)))]),
  defineFunction('starts_with', [overload([S, S], Bool, ([s, p]) => str(s).startsWith(str(p)))]),
  defineFunction('initcap', [overload([S], S, ([s]) => initcap(str(s)))]),
  defineFunction('translate', [overload([S, S, S], S, ([s, f, t]) => translate(str(s), str(f), str(t)))]),
  hashFunction('md5', 'md5'),
  hashFunction('sha1', 'sha1'),
  hashFunction('sha224', 'sha224'),
  hashFunction('sha256', 'sha256'),
  hashFunction('sha384', 'sha384'),
  hashFunction('sha512', 'sha512'),
  defineFunction('encode', [overload([B, S], S, ([b, f]) => encode(b as Buffer, str(f)))]),
  defineFunction('decode', [overload([S, S], B, ([s, f]) => decode(str(s), str(f)))]),
  defineFunction('to_hex', [
    overload([I], S, ([n]) => toHexInt(n as bigint)),
    overload([B], S, ([b]) => (b as Buffer).toString('hex')),
    overload([S], S, ([s]) => Buffer.from(str(s), 'utf8').toString('hex')),
  ]),
  defineFunction('ascii', [overload([S], I, ([s]) => ascii(str(s)))]),
  defineFunction('chr', [overload([I], S, ([n]) => chr(n as bigint))]),
  defineFunction('format', [
    overload({ leading: [S], variadic: AnyT }, S, (args, ctx, types) =>
      args[0] === null ? null : formatString(str(args[0]), { args: args.slice(1), types: types.slice(1), next: 0, tz: ctx.timezone }),
    { strict: false, volatility: 'stable' }),
  ]),
  defineFunction('quote_ident', [overload([S], S, ([s]) => formatName(str(s)))]),
  defineFunction('quote_literal', [
    overload([S], S, ([s]) => quoteLiteral(str(s))),
    overload([AnyT], S, ([d], ctx, types) => quoteLiteral(formatDatumText(d!, types[0]!, ctx.timezone)), { volatility: 'stable' }),
  ]),
  defineFunction('quote_nullable', [
    overload([AnyT], S, ([d], ctx, types) => (d === null ? 'NULL' : quoteLiteral(formatDatumText(d, types[0]!, ctx.timezone))),
      { strict: false, volatility: 'stable' }),
  ]),
  defineFunction('regexp_replace', [
    overload([S, S, S], S, ([s, p, r]) => regexpReplace(str(s), str(p), str(r))),
    overload([S, S, S, S], S, ([s, p, r, f]) => regexpReplace(str(s), str(p), str(r), str(f))),
  ]),
  defineFunction('regexp_extract', [overload([S, S], S, ([s, p]) => regexpExtract(str(s), str(p)))]),
  defineFunction('regexp_split_to_array', [
    overload([S, S], arrayOf(S), ([s, p]) => regexpSplit(str(s), str(p), '')),
    overload([S, S, S], arrayOf(S), ([s, p, f]) => regexpSplit(str(s), str(p), str(f))),
  ]),
];

/** regexp_split_to_array: empty matches split between characters, as in PostgreSQL. */
export function regexpSplit(s: string, pattern: string, flags: string): string[] {
  const re = compileRegex(pattern, flags.includes('i') ? 'ig' : 'g');
  const out: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0] === '') {
      if (m.index >= s.length) break;
      if (m.index === last) {
        re.lastIndex = m.index + 1;
        if (m.index === 0 && last === 0) continue;
      }
    }
    out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '') re.lastIndex = Math.max(re.lastIndex, m.index + 1);
  }
  out.push(s.slice(last));
  return out;
}
