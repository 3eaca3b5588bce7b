// Owns Burrow's order-preserving key encoding, in the style of CockroachDB's
// util/encoding package: functions that append typed values to a growing key
// and decode them back, plus the /Table/<tableID>/<indexID> key prefix.
//
// Invariants:
// - For every type and direction, unsigned bytewise order of encodings equals
//   value order (reversed for descending), and encodings are prefix-free, so a
//   tuple of encoded values (a composite key) sorts by its components.
// - Every encoding starts with a marker byte (table below) from which
//   peekType/skipValue learn the type and length. Ascending NULL is 0x00
//   (sorts first); descending NULL is 0xff (sorts last), as in CockroachDB.
// - Direction: bytes, timestamps, bools and UUIDs have separate descending
//   markers. Ints, uvarints, floats and decimals use CockroachDB's descending
//   forms (the ascending form of the complemented/negated value), which share
//   markers with ascending, so their decoder must be told the direction (the
//   index descriptor knows it). skipValue never needs the direction.
// - Equal values encode identically: 1.0 and 1.00 (decimals are normalized),
//   and -0 and +0 (floats). Decoding -0 gives +0; decoding a decimal gives
//   its normalized form (the scale lives in the row value, not the key).
// - Decoders never read past the end of their buffer: malformed input throws
//   a BurrowError with SQLSTATE XX001. Decoded Buffers are fresh copies.
// All offsets and lengths here are in bytes.
//
// Marker  Encoding (ascending unless marked desc)
// 0x00    NULL                      0xff  NULL desc
// 0x02    float NaN                 0x06  float NaN desc
// 0x03    float < 0: ~IEEE bits (8) 0x04  float ±0     0x05  float > 0: IEEE bits (8)
// 0x12    bytes/string              0x13  bytes/string desc
//           escaped 0x00 -> 0x00 0xff, terminator 0x00 0x01; desc complements all
// 0x14    timestamp                 0x15  timestamp desc
//           varint(seconds) varint(nanos 0..1e9-1); desc uses ~seconds, ~nanos
// 0x18    decimal NaN               0x1e  decimal NaN desc
// 0x19    decimal -Inf              0x1d  decimal +Inf    0x1b  decimal 0
// 0x1a    decimal < 0               0x1c  decimal > 0     (mantissa scheme below)
// 0x20    false  0x21 true          0x22  true desc       0x23  false desc
// 0x30    UUID (16 raw bytes)       0x31  UUID desc (16 complemented bytes)
// 0x80-0xfd  int (CockroachDB varint; uvarint is the non-negative part):
//           0x88+v for 0 <= v <= 109; 0xf5+n then n big-endian bytes for larger
//           v; 0x88-n then the low n bytes of v's two's complement for v < 0.
//           Descending int = ascending ~v; descending uvarint = 0x88 for 0,
//           else 0x88-n then the low n bytes of ~v (CockroachDB's forms).
//
// Decimal scheme: a nonzero normalized value is ±0.d1d2...dn × 10^E with
// d1 != 0 and dn != 0. Positive: 0x1c, varint(E), then the digits in pairs
// (odd n is padded with a 0), each pair x (0..99) as byte 2x+1 except the
// last pair as 2x. Larger E means larger |value|; for the same E, the pair
// bytes compare like the digit strings, and because only the final byte is
// even no mantissa is a prefix of another. Negative: 0x1a, varint(-E), then
// the complement (0xff - b) of each mantissa byte. The last mantissa byte is
// found by its parity, so no terminator is needed. Descending decimal =
// ascending encoding of the negated value; NaN gets its own desc marker.

import type { Decimal } from './decimal.js';
import { pow10Big } from './decimal.js';
import { BurrowError, SqlState } from './errors.js';

export const Marker = {
  null: 0x00,
  floatNaN: 0x02,
  floatNeg: 0x03,
  floatZero: 0x04,
  floatPos: 0x05,
  floatNaNDesc: 0x06,
  bytes: 0x12,
  bytesDesc: 0x13,
  timestamp: 0x14,
  timestampDesc: 0x15,
  decimalNaN: 0x18,
  decimalNegInf: 0x19,
  decimalNeg: 0x1a,
  decimalZero: 0x1b,
  decimalPos: 0x1c,
  decimalPosInf: 0x1d,
  decimalNaNDesc: 0x1e,
  boolFalse: 0x20,
  boolTrue: 0x21,
  boolTrueDesc: 0x22,
  boolFalseDesc: 0x23,
  uuid: 0x30,
  uuidDesc: 0x31,
  intMin: 0x80,
  intZero: 0x88,
  intMax: 0xfd,
  nullDesc: 0xff,
} as const;

/** Largest uvarint stored in the marker byte alone (0x88 + 109 = 0xf5). */
export const intSmall = 109;
export const uuidBytes = 16;

export type EncodingType = 'null' | 'int' | 'float' | 'decimal' | 'bytes' | 'timestamp' | 'bool' | 'uuid';

// ------------------------------------------------------- writer and reader

/** A growable key buffer: bytes [0, end) are the key so far. */
export interface KeyWriter {
  buf: Buffer;
  end: number;
}

/** A cursor over an encoded key; decoders advance offset past what they read. */
export interface KeyReader {
  buf: Buffer;
  offset: number;
}

export function newKeyWriter(initialCapacityBytes = 64): KeyWriter {
  return { buf: Buffer.allocUnsafe(Math.max(16, initialCapacityBytes)), end: 0 };
}

/** Truncates the key to its first endBytes bytes (0 clears it; keeps capacity). */
export function resetKeyWriter(w: KeyWriter, endBytes = 0): void {
  if (endBytes < 0 || endBytes > w.end) {
    throw new BurrowError(SqlState.InternalError, `internal error: cannot reset key writer to ${endBytes} of ${w.end} bytes`);
  }
  w.end = endBytes;
}

/** The key so far, sharing memory with the writer: valid until its next write. */
export function keyView(w: KeyWriter): Buffer {
  return w.buf.subarray(0, w.end);
}

/** A copy of the key so far, safe to keep. */
export function keyCopy(w: KeyWriter): Buffer {
  const out = Buffer.allocUnsafe(w.end);
  w.buf.copy(out, 0, 0, w.end);
  return out;
}

/** Appends already-encoded bytes (e.g. a prefix) unchanged. */
export function appendRaw(w: KeyWriter, bytes: Uint8Array): void {
  ensure(w, bytes.length);
  w.buf.set(bytes, w.end);
  w.end += bytes.length;
}

export function newKeyReader(buf: Uint8Array, offset = 0): KeyReader {
  return { buf: asBuffer(buf), offset };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function ensure(w: KeyWriter, extraBytes: number): void {
  const neededBytes = w.end + extraBytes;
  if (neededBytes <= w.buf.length) return;
  const grown = Buffer.allocUnsafe(Math.max(neededBytes, w.buf.length * 2));
  w.buf.copy(grown, 0, 0, w.end);
  w.buf = grown;
}

function putByte(w: KeyWriter, b: number): void {
  if (w.end >= w.buf.length) ensure(w, 1);
  w.buf[w.end++] = b;
}

function takeByte(r: KeyReader, what: string): number {
  const b = r.buf[r.offset];
  if (b === undefined) throw truncated(what, r.offset);
  r.offset++;
  return b;
}

function need(r: KeyReader, lengthBytes: number, what: string): void {
  if (r.offset + lengthBytes > r.buf.length) throw truncated(what, r.offset);
}

function corrupt(message: string, offset: number): BurrowError {
  return new BurrowError(SqlState.DataCorrupted, `malformed key: ${message}`, {
    detail: `at byte offset ${offset}`,
  });
}

function truncated(what: string, offset: number): BurrowError {
  return corrupt(`${what} is truncated`, offset);
}

function badMarker(what: string, marker: number, offset: number): BurrowError {
  return corrupt(`unexpected marker 0x${marker.toString(16).padStart(2, '0')} for ${what}`, offset);
}

// ------------------------------------------------------------------- NULL

export function encodeNullAscending(w: KeyWriter): void {
  putByte(w, Marker.null);
}

export function encodeNullDescending(w: KeyWriter): void {
  putByte(w, Marker.nullDesc);
}

/**
 * If a NULL of either direction starts at r.offset, consumes it and returns
 * true. (No non-NULL encoding starts with 0x00 or 0xff.)
 */
export function decodeIfNull(r: KeyReader): boolean {
  const m = r.buf[r.offset];
  if (m !== Marker.null && m !== Marker.nullDesc) return false;
  r.offset++;
  return true;
}

// ------------------------------------------------- 64-bit integer plumbing
//
// Integers travel through module scratch state as sign + two uint32 halves,
// so encoding a number never allocates a bigint.

const two32 = 4294967296;
const maxUint64 = (1n << 64n) - 1n;
let scratchNeg = false;
let scratchHi = 0;
let scratchLo = 0;

/** Loads v's sign and magnitude into the scratch; throws unless 0 <= |v| < 2^64. */
function loadMagnitude(v: number | bigint, typeName: string): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) {
      throw new BurrowError(SqlState.InternalError, `internal error: ${typeName} key value ${v} is not an integer`);
    }
    scratchNeg = v < 0;
    const magnitude = scratchNeg ? -v : v;
    scratchHi = Math.floor(magnitude / two32);
    scratchLo = magnitude - scratchHi * two32;
    if (scratchHi >= two32) throw outOfRange(typeName, v);
    return;
  }
  scratchNeg = v < 0n;
  const magnitude = scratchNeg ? -v : v;
  if (magnitude > maxUint64) throw outOfRange(typeName, v);
  scratchHi = Number(magnitude >> 32n);
  scratchLo = Number(magnitude & 0xffffffffn);
}

function outOfRange(typeName: string, v: number | bigint): BurrowError {
  return new BurrowError('22003', `${typeName} out of range`, { detail: `value ${v} cannot be encoded` });
}

function checkInt64(v: number | bigint): void {
  const limitHi = 0x80000000; // 2^63 = {hi 2^31, lo 0}
  const tooBig = scratchNeg
    ? scratchHi > limitHi || (scratchHi === limitHi && scratchLo !== 0)
    : scratchHi >= limitHi;
  if (tooBig) throw outOfRange('bigint', v);
}

function byteLength32(x: number): number {
  return x < 0x100 ? 1 : x < 0x10000 ? 2 : x < 0x1000000 ? 3 : 4;
}

function byteLength64(hi: number, lo: number): number {
  return hi !== 0 ? 4 + byteLength32(hi) : byteLength32(lo);
}

/** Mask of a 32-bit half covering its low `bytes` bytes (<= 0: none, >= 4: all). */
function halfMask(bytes: number): number {
  if (bytes <= 0) return 0;
  return bytes >= 4 ? 0xffffffff : 2 ** (8 * bytes) - 1;
}

/** Appends marker then the low n bytes (big-endian) of the 64-bit value hi:lo. */
function putTail(w: KeyWriter, marker: number, hi: number, lo: number, n: number): void {
  ensure(w, n + 1);
  const buf = w.buf;
  const pos = w.end;
  buf[pos] = marker;
  for (let k = 0; k < n; k++) {
    buf[pos + n - k] = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
  }
  w.end = pos + n + 1;
}

/** Reads n big-endian bytes into scratchHi:scratchLo. */
function readTail(r: KeyReader, n: number, what: string): void {
  need(r, n, what);
  const buf = r.buf;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    hi = ((hi << 8) | (lo >>> 24)) >>> 0;
    lo = ((lo << 8) | buf[r.offset + i]!) >>> 0;
  }
  r.offset += n;
  scratchHi = hi;
  scratchLo = lo;
}

/** Appends the scratch (non-negative, < 2^64) as an ascending uvarint. */
function putUvarintScratch(w: KeyWriter): void {
  if (scratchHi === 0 && scratchLo <= intSmall) {
    putByte(w, Marker.intZero + scratchLo);
    return;
  }
  const n = byteLength64(scratchHi, scratchLo);
  putTail(w, Marker.intMax - 8 + n, scratchHi, scratchLo, n);
}

/** Appends the scratch (an int64) as an ascending varint. */
function putVarintScratch(w: KeyWriter): void {
  if (!scratchNeg) {
    putUvarintScratch(w);
    return;
  }
  const n = byteLength64(scratchHi, scratchLo);
  // Two's complement of the magnitude; its low n bytes are 2^(8n) - |v|.
  const twosLo = scratchLo === 0 ? 0 : two32 - scratchLo;
  const twosHi = (~scratchHi + (scratchLo === 0 ? 1 : 0)) >>> 0;
  putTail(w, Marker.intZero - n, twosHi, twosLo, n);
}

/** Replaces the scratch value v with ~v = -v - 1. */
function complementScratch(): void {
  if (!scratchNeg) {
    // -(v + 1): magnitude + 1
    scratchNeg = true;
    if (scratchLo === two32 - 1) {
      scratchLo = 0;
      scratchHi += 1;
    } else {
      scratchLo += 1;
    }
    return;
  }
  // |v| - 1 (|v| >= 1)
  scratchNeg = false;
  if (scratchLo === 0) {
    scratchLo = two32 - 1;
    scratchHi -= 1;
  } else {
    scratchLo -= 1;
  }
}

/** Reads an ascending varint into the scratch as sign + magnitude. */
function readVarintScratch(r: KeyReader, what: string): void {
  const at = r.offset;
  const m = takeByte(r, what);
  scratchNeg = false;
  if (m >= Marker.intZero && m <= Marker.intZero + intSmall) {
    scratchHi = 0;
    scratchLo = m - Marker.intZero;
  } else if (m > Marker.intZero + intSmall && m <= Marker.intMax) {
    readTail(r, m - (Marker.intMax - 8), what);
  } else if (m >= Marker.intMin && m < Marker.intZero) {
    const n = Marker.intZero - m;
    readTail(r, n, what);
    // Sign-extend the n-byte two's complement to 64 bits, then negate.
    const lo = (scratchLo | ~halfMask(n)) >>> 0;
    const hi = (scratchHi | ~halfMask(n - 4)) >>> 0;
    scratchLo = lo === 0 ? 0 : two32 - lo;
    scratchHi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    scratchNeg = true;
  } else {
    throw badMarker(what, m, at);
  }
}

const smallBigInts: bigint[] = Array.from({ length: intSmall + 1 }, (_, i) => BigInt(i));

function scratchToBigInt(): bigint {
  if (scratchHi === 0) {
    if (!scratchNeg && scratchLo <= intSmall) return smallBigInts[scratchLo]!;
    return scratchNeg ? -BigInt(scratchLo) : BigInt(scratchLo);
  }
  const magnitude = (BigInt(scratchHi) << 32n) | BigInt(scratchLo);
  return scratchNeg ? -magnitude : magnitude;
}

function scratchToNumber(what: string, offset: number): number {
  if (scratchHi >= 0x200000) throw corrupt(`${what} exceeds 2^53`, offset);
  const magnitude = scratchHi * two32 + scratchLo;
  return scratchNeg ? -magnitude : magnitude;
}

// ---------------------------------------------------------------- uvarint

/** CockroachDB's EncodeUvarintAscending; v in [0, 2^64). Used for table and index IDs. */
export function encodeUvarintAscending(w: KeyWriter, v: number | bigint): void {
  loadMagnitude(v, 'uvarint');
  if (scratchNeg) throw outOfRange('uvarint', v);
  putUvarintScratch(w);
}

/** CockroachDB's EncodeUvarintDescending; v in [0, 2^64). */
export function encodeUvarintDescending(w: KeyWriter, v: number | bigint): void {
  loadMagnitude(v, 'uvarint');
  if (scratchNeg) throw outOfRange('uvarint', v);
  if (scratchHi === 0 && scratchLo === 0) {
    putByte(w, Marker.intZero);
    return;
  }
  const n = byteLength64(scratchHi, scratchLo);
  putTail(w, Marker.intZero - n, ~scratchHi >>> 0, ~scratchLo >>> 0, n);
}

function readUvarintScratch(r: KeyReader, desc: boolean): void {
  const at = r.offset;
  const m = takeByte(r, 'uvarint');
  scratchNeg = false;
  if (!desc && m >= Marker.intZero && m <= Marker.intZero + intSmall) {
    scratchHi = 0;
    scratchLo = m - Marker.intZero;
  } else if (!desc && m > Marker.intZero + intSmall && m <= Marker.intMax) {
    readTail(r, m - (Marker.intMax - 8), 'uvarint');
  } else if (desc && m === Marker.intZero) {
    scratchHi = 0;
    scratchLo = 0;
  } else if (desc && m >= Marker.intMin && m < Marker.intZero) {
    const n = Marker.intZero - m;
    readTail(r, n, 'uvarint');
    scratchLo = (~scratchLo & halfMask(n)) >>> 0;
    scratchHi = (~scratchHi & halfMask(n - 4)) >>> 0;
  } else {
    throw badMarker('uvarint', m, at);
  }
}

/** Decodes a uvarint as a number; throws XX001 above 2^53 - 1 (use the Big variant). */
export function decodeUvarintAscending(r: KeyReader): number {
  const at = r.offset;
  readUvarintScratch(r, false);
  return scratchToNumber('uvarint', at);
}

export function decodeUvarintDescending(r: KeyReader): number {
  const at = r.offset;
  readUvarintScratch(r, true);
  return scratchToNumber('uvarint', at);
}

export function decodeUvarintAscendingBig(r: KeyReader): bigint {
  readUvarintScratch(r, false);
  return scratchToBigInt();
}

export function decodeUvarintDescendingBig(r: KeyReader): bigint {
  readUvarintScratch(r, true);
  return scratchToBigInt();
}

// ------------------------------------------------------------ int64 varint

/** CockroachDB's EncodeVarintAscending; v in [-2^63, 2^63 - 1] (22003 otherwise). */
export function encodeVarintAscending(w: KeyWriter, v: number | bigint): void {
  loadMagnitude(v, 'bigint');
  checkInt64(v);
  putVarintScratch(w);
}

/** CockroachDB's EncodeVarintDescending: the ascending encoding of ~v = -v - 1. */
export function encodeVarintDescending(w: KeyWriter, v: number | bigint): void {
  loadMagnitude(v, 'bigint');
  checkInt64(v);
  complementScratch();
  putVarintScratch(w);
}

export function decodeVarintAscending(r: KeyReader): bigint {
  readVarintScratch(r, 'int');
  return scratchToBigInt();
}

export function decodeVarintDescending(r: KeyReader): bigint {
  readVarintScratch(r, 'int');
  return ~scratchToBigInt();
}

/** Reads an ascending varint as a safe-integer number (internal: exponents, nanos). */
function readVarintNumber(r: KeyReader, what: string): number {
  const at = r.offset;
  readVarintScratch(r, what);
  return scratchToNumber(what, at);
}

// ------------------------------------------------------------------ float

/** NaN first, then -Inf .. -MIN_VALUE, ±0 (one encoding), MIN_VALUE .. +Inf. */
export function encodeFloatAscending(w: KeyWriter, f: number): void {
  putFloat(w, f, false);
}

/** The ascending encoding of -f, except NaN, which gets its own marker and sorts last. */
export function encodeFloatDescending(w: KeyWriter, f: number): void {
  putFloat(w, f, true);
}

function putFloat(w: KeyWriter, f: number, desc: boolean): void {
  if (Number.isNaN(f)) return putByte(w, desc ? Marker.floatNaNDesc : Marker.floatNaN);
  if (f === 0) return putByte(w, Marker.floatZero);
  const v = desc ? -f : f;
  ensure(w, 9);
  const buf = w.buf;
  const pos = w.end;
  buf.writeDoubleBE(v, pos + 1);
  if (v < 0) {
    buf[pos] = Marker.floatNeg;
    for (let i = pos + 1; i <= pos + 8; i++) buf[i] = ~buf[i]! & 0xff;
  } else {
    buf[pos] = Marker.floatPos;
  }
  w.end = pos + 9;
}

const floatScratch = Buffer.alloc(8);

export function decodeFloatAscending(r: KeyReader): number {
  return readFloat(r, false);
}

/** Decodes a descending float; zero always decodes as +0. */
export function decodeFloatDescending(r: KeyReader): number {
  return readFloat(r, true);
}

function readFloat(r: KeyReader, desc: boolean): number {
  const at = r.offset;
  const m = takeByte(r, 'float');
  if (m === (desc ? Marker.floatNaNDesc : Marker.floatNaN)) return NaN;
  if (m === Marker.floatZero) return 0;
  if (m !== Marker.floatNeg && m !== Marker.floatPos) throw badMarker('float', m, at);
  need(r, 8, 'float');
  let v: number;
  if (m === Marker.floatPos) {
    v = r.buf.readDoubleBE(r.offset);
  } else {
    for (let i = 0; i < 8; i++) floatScratch[i] = ~r.buf[r.offset + i]! & 0xff;
    v = floatScratch.readDoubleBE(0);
  }
  r.offset += 8;
  return desc ? -v : v;
}

// -------------------------------------------------------- bytes and strings

export function encodeBytesAscending(w: KeyWriter, bytes: Uint8Array): void {
  ensure(w, 1 + bytes.length);
  w.buf[w.end++] = Marker.bytes;
  const start = w.end;
  w.buf.set(bytes, start);
  w.end += bytes.length;
  escapeAndTerminate(w, start);
}

export function encodeBytesDescending(w: KeyWriter, bytes: Uint8Array): void {
  ensure(w, 1 + bytes.length);
  w.buf[w.end++] = Marker.bytesDesc;
  const start = w.end;
  w.buf.set(bytes, start);
  w.end += bytes.length;
  escapeAndTerminate(w, start);
  complementRange(w.buf, start, w.end);
}

/** Strings are their UTF-8 bytes (lone surrogates become U+FFFD), encoded as bytes. */
export function encodeStringAscending(w: KeyWriter, s: string): void {
  ensure(w, 1 + 3 * s.length);
  w.buf[w.end++] = Marker.bytes;
  const start = w.end;
  w.end += writeUtf8(w.buf, s, start);
  escapeAndTerminate(w, start);
}

export function encodeStringDescending(w: KeyWriter, s: string): void {
  ensure(w, 1 + 3 * s.length);
  w.buf[w.end++] = Marker.bytesDesc;
  const start = w.end;
  w.end += writeUtf8(w.buf, s, start);
  escapeAndTerminate(w, start);
  complementRange(w.buf, start, w.end);
}

const shortStringChars = 32;

/** Writes s as UTF-8 at offset (capacity already ensured); returns the bytes written. */
function writeUtf8(buf: Buffer, s: string, offset: number): number {
  // Short ASCII strings are faster to copy by hand than through the native call.
  if (s.length <= shortStringChars) {
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[offset + i] = c;
    }
    if (i === s.length) return i;
  }
  return buf.write(s, offset, 'utf8');
}

/** Escapes each 0x00 in [start, w.end) as 0x00 0xff, then appends 0x00 0x01. */
function escapeAndTerminate(w: KeyWriter, start: number): void {
  let zeros = 0;
  for (let i = start; i < w.end; i++) if (w.buf[i] === 0) zeros++;
  ensure(w, zeros + 2);
  const buf = w.buf;
  let src = w.end - 1;
  let dst = w.end - 1 + zeros;
  while (dst > src) {
    const b = buf[src--]!;
    if (b === 0) {
      buf[dst--] = 0xff;
      buf[dst--] = 0x00;
    } else {
      buf[dst--] = b;
    }
  }
  w.end += zeros;
  buf[w.end++] = 0x00;
  buf[w.end++] = 0x01;
}

function complementRange(buf: Buffer, start: number, end: number): void {
  for (let i = start; i < end; i++) buf[i] = ~buf[i]! & 0xff;
}

let lastEscapeCount = 0;

/** Offset of the terminator of the escaped byte string starting at start; sets lastEscapeCount. */
function findTerminator(buf: Uint8Array, start: number, desc: boolean): number {
  const escape = desc ? 0xff : 0x00;
  const escapedZero = desc ? 0x00 : 0xff;
  const terminator = desc ? 0xfe : 0x01;
  lastEscapeCount = 0;
  let pos = start;
  for (;;) {
    const i = buf.indexOf(escape, pos);
    if (i === -1 || i + 1 >= buf.length) throw corrupt('unterminated bytes', start);
    const next = buf[i + 1];
    if (next === terminator) return i;
    if (next !== escapedZero) throw corrupt('invalid escape in bytes', i);
    lastEscapeCount++;
    pos = i + 2;
  }
}

/** Copies [start, end) without escapes (and complemented back when desc). */
function unescape(buf: Buffer, start: number, end: number, desc: boolean): Buffer {
  const out = Buffer.allocUnsafe(end - start - lastEscapeCount);
  if (!desc && lastEscapeCount === 0) {
    buf.copy(out, 0, start, end);
    return out;
  }
  let j = 0;
  for (let i = start; i < end; i++) {
    const b = desc ? ~buf[i]! & 0xff : buf[i]!;
    out[j++] = b;
    if (b === 0) i++; // skip the escape's second byte
  }
  return out;
}

/** Consumes one escaped byte string; returns where its body starts (it ends at r.offset - 2). */
function consumeBytes(r: KeyReader, desc: boolean, what: string): number {
  const at = r.offset;
  const m = takeByte(r, what);
  if (m !== (desc ? Marker.bytesDesc : Marker.bytes)) throw badMarker(what, m, at);
  const start = r.offset;
  r.offset = findTerminator(r.buf, start, desc) + 2;
  return start;
}

export function decodeBytesAscending(r: KeyReader): Buffer {
  const start = consumeBytes(r, false, 'bytes');
  return unescape(r.buf, start, r.offset - 2, false);
}

export function decodeBytesDescending(r: KeyReader): Buffer {
  const start = consumeBytes(r, true, 'bytes');
  return unescape(r.buf, start, r.offset - 2, true);
}

export function decodeStringAscending(r: KeyReader): string {
  const start = consumeBytes(r, false, 'string');
  if (lastEscapeCount === 0) return r.buf.toString('utf8', start, r.offset - 2);
  return unescape(r.buf, start, r.offset - 2, false).toString('utf8');
}

export function decodeStringDescending(r: KeyReader): string {
  const start = consumeBytes(r, true, 'string');
  return unescape(r.buf, start, r.offset - 2, true).toString('utf8');
}

// ------------------------------------------------------------------- bool

export function encodeBoolAscending(w: KeyWriter, b: boolean): void {
  putByte(w, b ? Marker.boolTrue : Marker.boolFalse);
}

export function encodeBoolDescending(w: KeyWriter, b: boolean): void {
  putByte(w, b ? Marker.boolTrueDesc : Marker.boolFalseDesc);
}

export function decodeBoolAscending(r: KeyReader): boolean {
  return readBool(r, Marker.boolTrue, Marker.boolFalse);
}

export function decodeBoolDescending(r: KeyReader): boolean {
  return readBool(r, Marker.boolTrueDesc, Marker.boolFalseDesc);
}

function readBool(r: KeyReader, trueMarker: number, falseMarker: number): boolean {
  const at = r.offset;
  const m = takeByte(r, 'bool');
  if (m === trueMarker) return true;
  if (m === falseMarker) return false;
  throw badMarker('bool', m, at);
}

// -------------------------------------------------------------- timestamp

const nsPerSecond = 1_000_000_000n;
const minInt64 = -(1n << 63n);
const maxInt64 = (1n << 63n) - 1n;

/** ns is nanoseconds since the Unix epoch; floor(ns / 1e9) must fit an int64 (22008 otherwise). */
export function encodeTimestampAscending(w: KeyWriter, ns: bigint): void {
  putTimestamp(w, ns, false);
}

export function encodeTimestampDescending(w: KeyWriter, ns: bigint): void {
  putTimestamp(w, ns, true);
}

function putTimestamp(w: KeyWriter, ns: bigint, desc: boolean): void {
  let seconds = ns / nsPerSecond;
  let nanos = Number(ns - seconds * nsPerSecond);
  if (nanos < 0) {
    seconds -= 1n;
    nanos += 1e9;
  }
  if (seconds < minInt64 || seconds > maxInt64) {
    throw new BurrowError('22008', 'timestamp out of range', { detail: `${ns} nanoseconds since the epoch` });
  }
  putByte(w, desc ? Marker.timestampDesc : Marker.timestamp);
  encodeVarintAscending(w, desc ? ~seconds : seconds);
  encodeVarintAscending(w, desc ? -nanos - 1 : nanos);
}

export function decodeTimestampAscending(r: KeyReader): bigint {
  return readTimestamp(r, false);
}

export function decodeTimestampDescending(r: KeyReader): bigint {
  return readTimestamp(r, true);
}

function readTimestamp(r: KeyReader, desc: boolean): bigint {
  const at = r.offset;
  const m = takeByte(r, 'timestamp');
  if (m !== (desc ? Marker.timestampDesc : Marker.timestamp)) throw badMarker('timestamp', m, at);
  const seconds = decodeVarintAscending(r);
  const nanosAt = r.offset;
  let nanos = readVarintNumber(r, 'timestamp nanos');
  if (desc) nanos = -nanos - 1;
  if (nanos < 0 || nanos >= 1e9) throw corrupt('timestamp nanos out of range', nanosAt);
  return (desc ? ~seconds : seconds) * nsPerSecond + BigInt(nanos);
}

// ------------------------------------------------------------------- UUID

export function encodeUuidAscending(w: KeyWriter, uuid: Uint8Array): void {
  putUuid(w, uuid, Marker.uuid);
}

export function encodeUuidDescending(w: KeyWriter, uuid: Uint8Array): void {
  putUuid(w, uuid, Marker.uuidDesc);
  complementRange(w.buf, w.end - uuidBytes, w.end);
}

function putUuid(w: KeyWriter, uuid: Uint8Array, marker: number): void {
  if (uuid.length !== uuidBytes) {
    throw new BurrowError(SqlState.InternalError, `internal error: a UUID has ${uuidBytes} bytes, got ${uuid.length}`);
  }
  ensure(w, 1 + uuidBytes);
  w.buf[w.end++] = marker;
  w.buf.set(uuid, w.end);
  w.end += uuidBytes;
}

export function decodeUuidAscending(r: KeyReader): Buffer {
  return readUuid(r, false);
}

export function decodeUuidDescending(r: KeyReader): Buffer {
  return readUuid(r, true);
}

function readUuid(r: KeyReader, desc: boolean): Buffer {
  const at = r.offset;
  const m = takeByte(r, 'uuid');
  if (m !== (desc ? Marker.uuidDesc : Marker.uuid)) throw badMarker('uuid', m, at);
  need(r, uuidBytes, 'uuid');
  const out = Buffer.allocUnsafe(uuidBytes);
  r.buf.copy(out, 0, r.offset, r.offset + uuidBytes);
  r.offset += uuidBytes;
  if (desc) complementRange(out, 0, uuidBytes);
  return out;
}

// ---------------------------------------------------------------- decimal

/** Numerically equal values (1.0, 1.00) encode identically. See the scheme above. */
export function encodeDecimalAscending(w: KeyWriter, d: Decimal): void {
  putDecimal(w, d, false);
}

/** The ascending encoding of -d, except NaN, which gets its own marker and sorts last. */
export function encodeDecimalDescending(w: KeyWriter, d: Decimal): void {
  putDecimal(w, d, true);
}

function putDecimal(w: KeyWriter, d: Decimal, desc: boolean): void {
  if (d.kind === 'nan') return putByte(w, desc ? Marker.decimalNaNDesc : Marker.decimalNaN);
  if (d.kind === 'inf') return putByte(w, d.neg !== desc ? Marker.decimalNegInf : Marker.decimalPosInf);
  if (d.coef === 0n) return putByte(w, Marker.decimalZero);
  const neg = d.coef < 0n !== desc;
  const digits = (d.coef < 0n ? -d.coef : d.coef).toString();
  const leadExp = d.exp + digits.length; // value = ±0.digits × 10^leadExp
  if (!Number.isSafeInteger(leadExp)) {
    throw new BurrowError(SqlState.InternalError, `internal error: decimal exponent ${d.exp} is out of range`);
  }
  let digitCount = digits.length;
  while (digits.charCodeAt(digitCount - 1) === 48 /* '0' */) digitCount--;
  putByte(w, neg ? Marker.decimalNeg : Marker.decimalPos);
  encodeVarintAscending(w, neg ? -leadExp : leadExp);
  putMantissa(w, digits, digitCount, neg);
}

/** Appends digit pairs: 2x+1 for each pair but the last, 2x for the last; complemented if neg. */
function putMantissa(w: KeyWriter, digits: string, digitCount: number, neg: boolean): void {
  const pairs = (digitCount + 1) >> 1;
  ensure(w, pairs);
  const buf = w.buf;
  let pos = w.end;
  for (let p = 0; p < pairs; p++) {
    const high = digits.charCodeAt(2 * p) - 48;
    const low = 2 * p + 1 < digitCount ? digits.charCodeAt(2 * p + 1) - 48 : 0;
    const pair = high * 10 + low;
    const b = p === pairs - 1 ? 2 * pair : 2 * pair + 1;
    buf[pos++] = neg ? 0xff - b : b;
  }
  w.end = pos;
}

export function decodeDecimalAscending(r: KeyReader): Decimal {
  return readDecimal(r, false);
}

/** Decodes a descending decimal (normalized: 1.50 comes back as 1.5). */
export function decodeDecimalDescending(r: KeyReader): Decimal {
  return readDecimal(r, true);
}

function readDecimal(r: KeyReader, desc: boolean): Decimal {
  const at = r.offset;
  const m = takeByte(r, 'decimal');
  if (m === (desc ? Marker.decimalNaNDesc : Marker.decimalNaN)) return { kind: 'nan' };
  if (m === Marker.decimalZero) return { kind: 'finite', coef: 0n, exp: 0 };
  if (m === Marker.decimalNegInf || m === Marker.decimalPosInf) {
    return { kind: 'inf', neg: (m === Marker.decimalNegInf) !== desc };
  }
  if (m !== Marker.decimalNeg && m !== Marker.decimalPos) throw badMarker('decimal', m, at);
  const encodedNeg = m === Marker.decimalNeg;
  const storedExp = readVarintNumber(r, 'decimal exponent');
  const leadExp = encodedNeg ? -storedExp : storedExp;
  const mantissa = readMantissa(r, encodedNeg);
  const coef = encodedNeg !== desc ? -mantissa.coef : mantissa.coef;
  return { kind: 'finite', coef, exp: leadExp - mantissa.digitCount };
}

const pairsPerChunk = 7; // 14 digits stay below 2^53

function readMantissa(r: KeyReader, neg: boolean): { coef: bigint; digitCount: number } {
  const buf = r.buf;
  let coef = 0n;
  let chunk = 0;
  let chunkPairs = 0;
  let pairs = 0;
  let lastPair = 0;
  for (;;) {
    const raw = buf[r.offset];
    if (raw === undefined) throw truncated('decimal mantissa', r.offset);
    const b = neg ? 0xff - raw : raw;
    const pair = b >> 1;
    if (pair > 99 || (pairs === 0 && pair < 10)) throw corrupt('invalid decimal mantissa byte', r.offset);
    r.offset++;
    chunk = chunk * 100 + pair;
    chunkPairs++;
    pairs++;
    if (chunkPairs === pairsPerChunk) {
      coef = coef * pow10Big(2 * pairsPerChunk) + BigInt(chunk);
      chunk = 0;
      chunkPairs = 0;
    }
    if ((b & 1) === 0) {
      lastPair = pair;
      break;
    }
  }
  if (chunkPairs > 0) coef = coef * pow10Big(2 * chunkPairs) + BigInt(chunk);
  if (lastPair === 0) throw corrupt('decimal mantissa ends in 00', r.offset - 1);
  if (lastPair % 10 === 0) return { coef: coef / 10n, digitCount: 2 * pairs - 1 };
  return { coef, digitCount: 2 * pairs };
}

// ------------------------------------------------ peeking and skipping

const typeByMarker: (EncodingType | undefined)[] = buildTypeTable();

function buildTypeTable(): (EncodingType | undefined)[] {
  const table: (EncodingType | undefined)[] = new Array(256).fill(undefined);
  const set = (type: EncodingType, ...markers: number[]): void => {
    for (const m of markers) table[m] = type;
  };
  set('null', Marker.null, Marker.nullDesc);
  set('float', Marker.floatNaN, Marker.floatNeg, Marker.floatZero, Marker.floatPos, Marker.floatNaNDesc);
  set('bytes', Marker.bytes, Marker.bytesDesc);
  set('timestamp', Marker.timestamp, Marker.timestampDesc);
  for (let m = Marker.decimalNaN; m <= Marker.decimalNaNDesc; m++) set('decimal', m);
  set('bool', Marker.boolFalse, Marker.boolTrue, Marker.boolTrueDesc, Marker.boolFalseDesc);
  set('uuid', Marker.uuid, Marker.uuidDesc);
  for (let m: number = Marker.intMin; m <= Marker.intMax; m++) set('int', m);
  return table;
}

/** The type of the encoded value starting at offset ('int' also covers uvarints). */
export function peekType(buf: Uint8Array, offset: number): EncodingType {
  const m = buf[offset];
  if (m === undefined) throw truncated('key', offset);
  const type = typeByMarker[m];
  if (type === undefined) throw badMarker('any type', m, offset);
  return type;
}

/** The offset just past the encoded value starting at offset (either direction). */
export function skipValue(buf: Uint8Array, offset: number): number {
  const type = peekType(buf, offset);
  const m = buf[offset]!;
  let end: number;
  switch (type) {
    case 'null':
    case 'bool':
      end = offset + 1;
      break;
    case 'float':
      end = m === Marker.floatNeg || m === Marker.floatPos ? offset + 9 : offset + 1;
      break;
    case 'uuid':
      end = offset + 1 + uuidBytes;
      break;
    case 'int':
      end = offset + varintLength(m);
      break;
    case 'bytes':
      end = findTerminator(buf, offset + 1, m === Marker.bytesDesc) + 2;
      break;
    case 'timestamp':
      end = skipVarint(buf, skipVarint(buf, offset + 1));
      break;
    case 'decimal':
      end = skipDecimal(buf, offset, m);
      break;
  }
  if (end > buf.length) throw truncated(type, offset);
  return end;
}

/** Total length of a varint (either direction) from its marker. */
function varintLength(marker: number): number {
  if (marker < Marker.intZero) return 1 + Marker.intZero - marker;
  if (marker <= Marker.intZero + intSmall) return 1;
  return 1 + marker - (Marker.intMax - 8);
}

function skipVarint(buf: Uint8Array, offset: number): number {
  const m = buf[offset];
  if (m === undefined) throw truncated('int', offset);
  if (m < Marker.intMin || m > Marker.intMax) throw badMarker('int', m, offset);
  return offset + varintLength(m);
}

function skipDecimal(buf: Uint8Array, offset: number, marker: number): number {
  if (marker !== Marker.decimalNeg && marker !== Marker.decimalPos) return offset + 1;
  // The mantissa ends at its first byte with an even pair code.
  const lastParity = marker === Marker.decimalNeg ? 1 : 0;
  let pos = skipVarint(buf, offset + 1);
  for (;;) {
    const b = buf[pos];
    if (b === undefined) throw truncated('decimal mantissa', pos);
    pos++;
    if ((b & 1) === lastParity) return pos;
  }
}

// ------------------------------------------------------ spans and tables

/**
 * The smallest key greater than every key that has `key` as a prefix: drop
 * trailing 0xff bytes and increment the last remaining byte. If no such key
 * exists (key is empty or all 0xff), returns a copy of key, as CockroachDB's
 * PrefixEnd does; callers must treat that case as unbounded.
 */
export function prefixEnd(key: Uint8Array): Buffer {
  let end = key.length;
  while (end > 0 && key[end - 1] === 0xff) end--;
  if (end === 0) return Buffer.from(key);
  const out = Buffer.allocUnsafe(end);
  out.set(key.subarray(0, end));
  out[end - 1] = key[end - 1]! + 1;
  return out;
}

const prefixWriter = newKeyWriter(32);

/** Appends /Table/<tableId>/<indexId>: uvarint(tableId) uvarint(indexId). */
export function appendTableIndexPrefix(w: KeyWriter, tableId: number, indexId: number): void {
  encodeUvarintAscending(w, tableId);
  encodeUvarintAscending(w, indexId);
}

export function encodeTableIndexPrefix(tableId: number, indexId: number): Buffer {
  resetKeyWriter(prefixWriter);
  appendTableIndexPrefix(prefixWriter, tableId, indexId);
  return keyCopy(prefixWriter);
}

/** uvarint(tableId); a table's keys span [tablePrefix(id), prefixEnd(tablePrefix(id))). */
export function tablePrefix(tableId: number): Buffer {
  resetKeyWriter(prefixWriter);
  encodeUvarintAscending(prefixWriter, tableId);
  return keyCopy(prefixWriter);
}

/** Reads the table and index IDs every table key starts with; offset is where the columns begin. */
export function decodeTablePrefix(key: Uint8Array): { tableId: number; indexId: number; offset: number } {
  const r = newKeyReader(key);
  const tableId = decodeUvarintAscending(r);
  const indexId = decodeUvarintAscending(r);
  return { tableId, indexId, offset: r.offset };
}
