// Owns the encoding of non-key column values in a row's KV value: for each
// non-NULL column in column-ID order, the ID delta (uvarint) then the datum's
// payload. NULLs are absent. Decimals keep their scale (1.50 stays 1.50),
// unlike key encodings, which normalize. The format is Burrow's own, stable
// across versions (backups carry it), and documented here.
//
// Payloads: int/oid/time/timestamp(tz)/date: zigzag varint; float: 8 bytes
// LE; decimal: kind byte (0 finite, 1 NaN, 2 +Inf, 3 -Inf), zigzag exp,
// zigzag coefficient; string/jsonb: uvarint length + UTF-8 (jsonb as JSON
// text); bytes: uvarint length + bytes; bool: one byte; uuid: 16 bytes;
// interval: zigzag months, days, micros; array: uvarint count, then per
// element a null byte (0 null, 1 present) and the element payload.
// readDecimalParts reads a decimal payload as numbers (batch aggregation).

import { BurrowError } from '../../util/errors.js';
import type { Decimal } from '../../util/decimal.js';
import type { Datum, Interval, Json } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { uuidString } from './key-codec.js';

export interface ValueWriter {
  buf: Buffer;
  end: number;
}

export function newValueWriter(capacityBytes = 128): ValueWriter {
  return { buf: Buffer.allocUnsafe(capacityBytes), end: 0 };
}

function ensure(w: ValueWriter, n: number): void {
  if (w.end + n <= w.buf.length) return;
  const grown = Buffer.allocUnsafe(Math.max(w.end + n, w.buf.length * 2));
  w.buf.copy(grown, 0, 0, w.end);
  w.buf = grown;
}

export function putUvarint(w: ValueWriter, v: number): void {
  ensure(w, 10);
  while (v >= 0x80) {
    w.buf[w.end++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  w.buf[w.end++] = v;
}

function putZigzag(w: ValueWriter, v: bigint): void {
  let z = v >= 0n ? v << 1n : ((-v) << 1n) - 1n;
  ensure(w, 20);
  while (z >= 0x80n) {
    w.buf[w.end++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  w.buf[w.end++] = Number(z);
}

function putSmallZigzag(w: ValueWriter, v: number): void {
  if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 30) {
    const z = v >= 0 ? v * 2 : -v * 2 - 1;
    putUvarint(w, z);
  } else putZigzag(w, BigInt(v));
}

function putBytes(w: ValueWriter, b: Uint8Array): void {
  putUvarint(w, b.length);
  ensure(w, b.length);
  w.buf.set(b, w.end);
  w.end += b.length;
}

function putString(w: ValueWriter, s: string): void {
  const maxBytes = s.length * 3;
  ensure(w, maxBytes + 10);
  // Reserve the length after writing: encode into place, then shift if the length prefix is wider than 1 byte.
  const start = w.end + 1;
  const n = w.buf.write(s, start, 'utf8');
  if (n < 0x80) {
    w.buf[w.end] = n;
    w.end = start + n;
    return;
  }
  const tmp = Buffer.from(w.buf.subarray(start, start + n));
  putBytes(w, tmp);
}

export function encodeValueDatum(w: ValueWriter, d: Datum, t: SqlType): void {
  switch (t.family) {
    case 'int': case 'oid': case 'time': case 'timestamp': case 'timestamptz':
      return putZigzag(w, d as bigint);
    case 'date':
      return putSmallZigzag(w, d as number);
    case 'float':
      ensure(w, 8);
      w.buf.writeDoubleLE(d as number, w.end);
      w.end += 8;
      return;
    case 'decimal': {
      const x = d as Decimal;
      ensure(w, 1);
      if (x.kind === 'finite') {
        w.buf[w.end++] = 0;
        putSmallZigzag(w, x.exp);
        putZigzag(w, x.coef);
      } else w.buf[w.end++] = x.kind === 'nan' ? 1 : x.neg ? 3 : 2;
      return;
    }
    case 'string':
      return putString(w, d as string);
    case 'jsonb':
      return putString(w, JSON.stringify((d as Json).json));
    case 'bytes':
      return putBytes(w, d as Buffer);
    case 'bool':
      ensure(w, 1);
      w.buf[w.end++] = d ? 1 : 0;
      return;
    case 'uuid': {
      ensure(w, 16);
      Buffer.from((d as string).replace(/-/g, ''), 'hex').copy(w.buf, w.end);
      w.end += 16;
      return;
    }
    case 'interval': {
      const iv = d as Interval;
      putSmallZigzag(w, iv.months);
      putSmallZigzag(w, iv.days);
      putZigzag(w, iv.micros);
      return;
    }
    case 'array': case 'tuple': {
      const list = d as Datum[];
      putUvarint(w, list.length);
      list.forEach((e, i) => {
        ensure(w, 1);
        if (e === null) {
          w.buf[w.end++] = 0;
          return;
        }
        w.buf[w.end++] = 1;
        encodeValueDatum(w, e, t.family === 'array' ? t.elem! : t.fields![i]!);
      });
      return;
    }
    default:
      throw new BurrowError('XX000', `internal error: cannot store a value of type ${t.family}`);
  }
}

export interface ValueReader {
  buf: Buffer;
  offset: number;
}

function corrupt(): BurrowError {
  return new BurrowError('XX001', 'row value is corrupt: it ends in the middle of a column');
}

export function getUvarint(r: ValueReader): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    const b = r.buf[r.offset++];
    if (b === undefined) throw corrupt();
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 128;
  }
  throw corrupt();
}

function getZigzag(r: ValueReader): bigint {
  // Fast path: values below 2^53 (timestamps in microseconds included) decode with doubles.
  let v = 0;
  let mul = 1;
  const start = r.offset;
  for (let i = 0; i < 8; i++) {
    const b = r.buf[r.offset++];
    if (b === undefined) throw corrupt();
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > Number.MAX_SAFE_INTEGER) break;
      return BigInt(v % 2 === 0 ? v / 2 : -(v + 1) / 2);
    }
    mul *= 128;
  }
  r.offset = start;
  return getZigzagBig(r);
}

function getZigzagBig(r: ValueReader): bigint {
  let z = 0n;
  let shift = 0n;
  for (let i = 0; i < 20; i++) {
    const b = r.buf[r.offset++];
    if (b === undefined) throw corrupt();
    z |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
    shift += 7n;
  }
  throw corrupt();
}

function getSmallZigzag(r: ValueReader): number {
  const start = r.offset;
  const z = getUvarint(r);
  if (z < 2 ** 31) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  r.offset = start;
  return Number(getZigzag(r));
}

function getBytes(r: ValueReader): Buffer {
  const n = getUvarint(r);
  if (r.offset + n > r.buf.length) throw corrupt();
  const out = r.buf.subarray(r.offset, r.offset + n);
  r.offset += n;
  return out;
}

export function decodeValueDatum(r: ValueReader, t: SqlType): Datum {
  switch (t.family) {
    case 'int': case 'oid': case 'time': case 'timestamp': case 'timestamptz':
      return getZigzag(r);
    case 'date':
      return getSmallZigzag(r);
    case 'float': {
      if (r.offset + 8 > r.buf.length) throw corrupt();
      const f = r.buf.readDoubleLE(r.offset);
      r.offset += 8;
      return f;
    }
    case 'decimal': {
      const kind = r.buf[r.offset++];
      if (kind === 0) {
        const exp = getSmallZigzag(r);
        return { kind: 'finite', coef: getZigzag(r), exp };
      }
      if (kind === 1) return { kind: 'nan' };
      if (kind === 2 || kind === 3) return { kind: 'inf', neg: kind === 3 };
      throw corrupt();
    }
    case 'string':
      return getBytes(r).toString('utf8');
    case 'jsonb':
      return { json: JSON.parse(getBytes(r).toString('utf8')) };
    case 'bytes':
      return Buffer.from(getBytes(r));
    case 'bool':
      return r.buf[r.offset++] === 1;
    case 'uuid': {
      if (r.offset + 16 > r.buf.length) throw corrupt();
      const s = uuidString(r.buf.subarray(r.offset, r.offset + 16));
      r.offset += 16;
      return s;
    }
    case 'interval': {
      const months = getSmallZigzag(r);
      const days = getSmallZigzag(r);
      return { months, days, micros: getZigzag(r) };
    }
    case 'array': case 'tuple': {
      const n = getUvarint(r);
      const out: Datum[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = r.buf[r.offset++] === 0 ? null : decodeValueDatum(r, t.family === 'array' ? t.elem! : t.fields![i]!);
      }
      return out;
    }
    default:
      throw new BurrowError('XX000', `internal error: cannot read a value of type ${t.family}`);
  }
}

/** A finite decimal's coefficient (a safe integer) and exponent, as readDecimalParts gives them. */
export interface DecimalParts {
  coef: number;
  exp: number;
}

/**
 * Reads the decimal payload at buf[offset] into out without building a
 * Decimal or a bigint, when it is finite with a coefficient below 2^53 and
 * a small exponent; false otherwise (NaN, infinities, larger coefficients,
 * corrupt bytes: decode those with decodeValueDatum).
 */
export function readDecimalParts(buf: Buffer, offset: number, out: DecimalParts): boolean {
  if (buf[offset] !== 0) return false;
  let p = offset + 1;
  let b = buf[p++];
  if (b === undefined) return false;
  let z = b & 0x7f;
  let mul = 128;
  while (b >= 0x80) {
    if (mul > 2 ** 28) return false;
    b = buf[p++];
    if (b === undefined) return false;
    z += (b & 0x7f) * mul;
    mul *= 128;
  }
  const exp = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  let v = 0;
  mul = 1;
  for (let i = 0; i < 8; i++) {
    b = buf[p++];
    if (b === undefined) return false;
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > Number.MAX_SAFE_INTEGER) return false;
      out.coef = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      out.exp = exp;
      return true;
    }
    mul *= 128;
  }
  return false;
}

function skipVarint(r: ValueReader): void {
  for (let i = 0; i < 20; i++) {
    const b = r.buf[r.offset++];
    if (b === undefined) throw corrupt();
    if (b < 0x80) return;
  }
  throw corrupt();
}

/** Steps over one value without building it (columns a query does not read). */
export function skipValueDatum(r: ValueReader, t: SqlType): void {
  switch (t.family) {
    case 'int': case 'oid': case 'time': case 'timestamp': case 'timestamptz': case 'date':
      return skipVarint(r);
    case 'float':
      r.offset += 8;
      return;
    case 'decimal':
      if (r.buf[r.offset++] === 0) {
        skipVarint(r);
        skipVarint(r);
      }
      return;
    case 'string': case 'jsonb': case 'bytes': {
      const n = getUvarint(r);
      r.offset += n;
      return;
    }
    case 'bool':
      r.offset += 1;
      return;
    case 'uuid':
      r.offset += 16;
      return;
    case 'interval':
      skipVarint(r);
      skipVarint(r);
      skipVarint(r);
      return;
    default:
      decodeValueDatum(r, t);
  }
}
