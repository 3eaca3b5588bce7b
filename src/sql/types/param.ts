// Owns converting a placeholder's raw value into a datum of the type the
// planner inferred for it. Raw values come from the wire protocol (text, or
// already-decoded binary datums) or from the embedded API (JS values).

import { BurrowError } from '../../util/errors.js';
import { decimalFromNumber } from '../../util/decimal.js';
import type { Datum } from './datum.js';
import { parseDatum } from './parse.js';
import { castDatum } from './cast.js';
import { T, type SqlType } from './types.js';

export function coerceParam(raw: unknown, t: SqlType, timezone: string): Datum {
  if (raw === null || raw === undefined) return null;
  const ctx = { timezone };
  if (typeof raw === 'string') return t.family === 'unknown' ? raw : parseDatum(raw, t, ctx);
  if (typeof raw === 'bigint') return t.family === 'unknown' || t.family === 'int' ? raw : castDatum(raw, T.int, t, ctx);
  if (typeof raw === 'number') {
    if (t.family === 'float') return raw;
    if (t.family === 'decimal') return decimalFromNumber(raw);
    if (Number.isInteger(raw)) return t.family === 'int' || t.family === 'unknown' ? BigInt(raw) : castDatum(BigInt(raw), T.int, t, ctx);
    return t.family === 'unknown' ? raw : castDatum(raw, T.float, t, ctx);
  }
  if (typeof raw === 'boolean') return t.family === 'bool' || t.family === 'unknown' ? raw : castDatum(raw, T.bool, t, ctx);
  if (Buffer.isBuffer(raw)) return t.family === 'bytes' || t.family === 'unknown' ? raw : parseDatum(raw.toString('utf8'), t, ctx);
  if (raw instanceof Date) {
    const micros = BigInt(raw.getTime()) * 1000n;
    return t.family === 'timestamp' || t.family === 'timestamptz' || t.family === 'unknown' ? micros : castDatum(micros, T.timestamptz, t, ctx);
  }
  if (Array.isArray(raw)) return t.family === 'array' ? raw.map((x) => coerceParam(x, t.elem!, timezone)) : (raw as Datum[]);
  if (typeof raw === 'object') {
    // Already a datum (decoded binary parameter), or a JSON value for a JSONB parameter.
    if (t.family === 'jsonb' && !('json' in (raw as object))) return { json: raw as never };
    return raw as Datum;
  }
  throw new BurrowError('22023', `cannot use a ${typeof raw} as a parameter value`);
}
