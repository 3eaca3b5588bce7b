// Owns datum <-> wire value conversion for both PostgreSQL formats: text
// (formatDatum/parseDatum, what psql and most drivers use) and binary for
// the common types (ints, floats, bool, bytea, text, uuid, date,
// timestamp(tz), numeric, jsonb, interval).

import { BurrowError } from '../util/errors.js';
import type { Decimal } from '../util/decimal.js';
import type { Datum, Interval, Json } from '../sql/types/datum.js';
import { formatDatum } from '../sql/types/format.js';
import { parseDatum } from '../sql/types/parse.js';
import type { SqlType } from '../sql/types/types.js';

const pgEpochMicros = 946_684_800_000_000n; // 2000-01-01 in Unix microseconds
const pgEpochDays = 10_957;

export function encodeText(d: Datum, t: SqlType, timezone: string): Buffer {
  return Buffer.from(formatDatum(d, t, { timezone }), 'utf8');
}

function numericBinary(d: Decimal): Buffer {
  if (d.kind === 'nan') return Buffer.from([0, 0, 0, 0, 0xc0, 0, 0, 0]);
  if (d.kind === 'inf') return Buffer.from([0, 0, 0, 0, d.neg ? 0xf0 : 0xd0, 0, 0, 0]);
  const neg = d.coef < 0n;
  const dscale = Math.max(0, -d.exp);
  let digits = (neg ? -d.coef : d.coef).toString();
  // Place the decimal point: integer part and fraction part as strings.
  let intPart: string;
  let fracPart: string;
  if (d.exp >= 0) {
    intPart = digits + '0'.repeat(d.exp);
    fracPart = '';
  } else {
    const k = -d.exp;
    digits = digits.padStart(k + 1, '0');
    intPart = digits.slice(0, digits.length - k);
    fracPart = digits.slice(digits.length - k);
  }
  intPart = intPart.replace(/^0+/, '');
  const intGroups: number[] = [];
  for (let i = intPart.length; i > 0; i -= 4) intGroups.unshift(Number(intPart.slice(Math.max(0, i - 4), i)));
  const fracPadded = fracPart + '0'.repeat((4 - (fracPart.length % 4)) % 4);
  const fracGroups: number[] = [];
  for (let i = 0; i < fracPadded.length; i += 4) fracGroups.push(Number(fracPadded.slice(i, i + 4)));
  let groups = [...intGroups, ...fracGroups];
  let weight = intGroups.length - 1;
  while (groups.length && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  const out = Buffer.allocUnsafe(8 + groups.length * 2);
  out.writeInt16BE(groups.length, 0);
  out.writeInt16BE(weight, 2);
  out.writeUInt16BE(neg ? 0x4000 : 0, 4);
  out.writeInt16BE(dscale, 6);
  groups.forEach((g, i) => out.writeInt16BE(g, 8 + i * 2));
  return out;
}

export function encodeBinary(d: Datum, t: SqlType, timezone: string): Buffer {
  switch (t.family) {
    case 'int': {
      const b = Buffer.allocUnsafe(t.width / 8);
      if (t.width === 16) b.writeInt16BE(Number(d), 0);
      else if (t.width === 32) b.writeInt32BE(Number(d), 0);
      else b.writeBigInt64BE(d as bigint, 0);
      return b;
    }
    case 'oid': {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(Number(d), 0);
      return b;
    }
    case 'float': {
      const b = Buffer.allocUnsafe(t.width / 8);
      if (t.width === 32) b.writeFloatBE(d as number, 0);
      else b.writeDoubleBE(d as number, 0);
      return b;
    }
    case 'bool': return Buffer.from([d ? 1 : 0]);
    case 'bytes': return d as Buffer;
    case 'string': return Buffer.from(d as string, 'utf8');
    case 'uuid': return Buffer.from((d as string).replace(/-/g, ''), 'hex');
    case 'date': {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE((d as number) - pgEpochDays, 0);
      return b;
    }
    case 'time': case 'timestamp': case 'timestamptz': {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(t.family === 'time' ? (d as bigint) : (d as bigint) - pgEpochMicros, 0);
      return b;
    }
    case 'interval': {
      const iv = d as Interval;
      const b = Buffer.allocUnsafe(16);
      b.writeBigInt64BE(iv.micros, 0);
      b.writeInt32BE(iv.days, 8);
      b.writeInt32BE(iv.months, 12);
      return b;
    }
    case 'decimal': return numericBinary(d as Decimal);
    case 'jsonb': return Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify((d as Json).json), 'utf8')]);
    default:
      return encodeText(d, t, timezone);
  }
}

function numericFromBinary(b: Buffer): string {
  const n = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  let s = '';
  for (let i = 0; i < n; i++) s += String(b.readInt16BE(8 + i * 2)).padStart(4, '0');
  const intDigits = (weight + 1) * 4;
  let intPart: string;
  let frac: string;
  if (intDigits <= 0) {
    intPart = '0';
    frac = '0'.repeat(-intDigits) + s;
  } else {
    s = s.padEnd(intDigits, '0');
    intPart = s.slice(0, intDigits).replace(/^0+(?=\d)/, '');
    frac = s.slice(intDigits);
  }
  frac = frac.padEnd(dscale, '0').slice(0, dscale);
  return `${sign === 0x4000 ? '-' : ''}${intPart}${dscale > 0 ? '.' + frac : ''}`;
}

/** Decodes a parameter sent in binary format as type t. */
export function decodeBinary(b: Buffer, t: SqlType, timezone: string): Datum {
  const bad = (): BurrowError => new BurrowError('22P03', `incorrect binary data format in bind parameter for type ${t.family}`);
  switch (t.family) {
    case 'int':
      if (b.length === 8) return b.readBigInt64BE(0);
      if (b.length === 4) return BigInt(b.readInt32BE(0));
      if (b.length === 2) return BigInt(b.readInt16BE(0));
      throw bad();
    case 'oid':
      if (b.length !== 4) throw bad();
      return BigInt(b.readUInt32BE(0));
    case 'float':
      if (b.length === 8) return b.readDoubleBE(0);
      if (b.length === 4) return b.readFloatBE(0);
      throw bad();
    case 'bool':
      if (b.length !== 1) throw bad();
      return b[0] !== 0;
    case 'bytes': return Buffer.from(b);
    case 'string': return b.toString('utf8');
    case 'uuid':
      if (b.length !== 16) throw bad();
      return b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    case 'date':
      if (b.length !== 4) throw bad();
      return b.readInt32BE(0) + pgEpochDays;
    case 'time': case 'timestamp': case 'timestamptz':
      if (b.length !== 8) throw bad();
      return t.family === 'time' ? b.readBigInt64BE(0) : b.readBigInt64BE(0) + pgEpochMicros;
    case 'interval':
      if (b.length !== 16) throw bad();
      return { micros: b.readBigInt64BE(0), days: b.readInt32BE(8), months: b.readInt32BE(12) };
    case 'decimal':
      if (b.length < 8) throw bad();
      return parseDatum(numericFromBinary(b), t, { timezone });
    case 'jsonb':
      return parseDatum(b.subarray(b[0] === 1 ? 1 : 0).toString('utf8'), t, { timezone });
    default:
      return parseDatum(b.toString('utf8'), t, { timezone });
  }
}
