// Owns encoding one datum into an index key (ascending or descending) and
// decoding it back, by SQL type. Order of encodings = SQL order of values,
// NULL first ascending and last descending, as CockroachDB's indexes sort.
// Types without an order-preserving encoding (JSONB, arrays, tuples) are not
// indexable: keyEncodable() says so before a descriptor is ever written.

import { BurrowError } from '../../util/errors.js';
import * as enc from '../../util/encoding.js';
import type { Decimal } from '../../util/decimal.js';
import type { Datum, Interval } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import { typeName } from '../types/types.js';

export type Direction = 'asc' | 'desc';

export function keyEncodable(t: SqlType): boolean {
  return t.family !== 'jsonb' && t.family !== 'array' && t.family !== 'tuple' && t.family !== 'unknown' && t.family !== 'void';
}

export function notIndexableError(column: string, t: SqlType): BurrowError {
  return new BurrowError(
    '0A000',
    `unimplemented: column ${column} has type ${typeName(t).toLowerCase()}, which is not indexable in a non-inverted index`,
    { hint: 'Index a computed column holding a scalar extracted from it instead.' },
  );
}

function uuidBytes(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, ''), 'hex');
}

export function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeKeyDatum(w: enc.KeyWriter, d: Datum, t: SqlType, dir: Direction): void {
  const asc = dir === 'asc';
  if (d === null) {
    if (asc) enc.encodeNullAscending(w);
    else enc.encodeNullDescending(w);
    return;
  }
  switch (t.family) {
    case 'int': case 'oid': case 'time':
      return asc ? enc.encodeVarintAscending(w, d as bigint) : enc.encodeVarintDescending(w, d as bigint);
    case 'date':
      return asc ? enc.encodeVarintAscending(w, d as number) : enc.encodeVarintDescending(w, d as number);
    case 'timestamp': case 'timestamptz': {
      const ns = (d as bigint) * 1000n;
      return asc ? enc.encodeTimestampAscending(w, ns) : enc.encodeTimestampDescending(w, ns);
    }
    case 'float':
      return asc ? enc.encodeFloatAscending(w, d as number) : enc.encodeFloatDescending(w, d as number);
    case 'decimal':
      return asc ? enc.encodeDecimalAscending(w, d as Decimal) : enc.encodeDecimalDescending(w, d as Decimal);
    case 'string':
      return asc ? enc.encodeStringAscending(w, d as string) : enc.encodeStringDescending(w, d as string);
    case 'bytes':
      return asc ? enc.encodeBytesAscending(w, d as Buffer) : enc.encodeBytesDescending(w, d as Buffer);
    case 'bool':
      return asc ? enc.encodeBoolAscending(w, d as boolean) : enc.encodeBoolDescending(w, d as boolean);
    case 'uuid':
      return asc ? enc.encodeUuidAscending(w, uuidBytes(d as string)) : enc.encodeUuidDescending(w, uuidBytes(d as string));
    case 'interval': {
      const iv = d as Interval;
      // Ordered by total length (a month is 30 days), then months, then days, so values stay distinct.
      const total = BigInt(iv.months) * 30n * 86_400_000_000n + BigInt(iv.days) * 86_400_000_000n + iv.micros;
      const put = asc ? enc.encodeVarintAscending : enc.encodeVarintDescending;
      put(w, total);
      put(w, iv.months);
      put(w, iv.days);
      return;
    }
    default:
      throw notIndexableError('?', t);
  }
}

export function decodeKeyDatum(r: enc.KeyReader, t: SqlType, dir: Direction): Datum {
  if (enc.decodeIfNull(r)) return null;
  const asc = dir === 'asc';
  switch (t.family) {
    case 'int': case 'oid': case 'time':
      return asc ? enc.decodeVarintAscending(r) : enc.decodeVarintDescending(r);
    case 'date':
      return Number(asc ? enc.decodeVarintAscending(r) : enc.decodeVarintDescending(r));
    case 'timestamp': case 'timestamptz':
      return (asc ? enc.decodeTimestampAscending(r) : enc.decodeTimestampDescending(r)) / 1000n;
    case 'float':
      return asc ? enc.decodeFloatAscending(r) : enc.decodeFloatDescending(r);
    case 'decimal':
      return asc ? enc.decodeDecimalAscending(r) : enc.decodeDecimalDescending(r);
    case 'string':
      return asc ? enc.decodeStringAscending(r) : enc.decodeStringDescending(r);
    case 'bytes':
      return asc ? enc.decodeBytesAscending(r) : enc.decodeBytesDescending(r);
    case 'bool':
      return asc ? enc.decodeBoolAscending(r) : enc.decodeBoolDescending(r);
    case 'uuid':
      return uuidString(asc ? enc.decodeUuidAscending(r) : enc.decodeUuidDescending(r));
    case 'interval': {
      const get = asc ? enc.decodeVarintAscending : enc.decodeVarintDescending;
      const total = get(r);
      const months = Number(get(r));
      const days = Number(get(r));
      return { months, days, micros: total - BigInt(months) * 30n * 86_400_000_000n - BigInt(days) * 86_400_000_000n };
    }
    default:
      throw notIndexableError('?', t);
  }
}
