// Owns evaluating an AS OF SYSTEM TIME argument to an HLC timestamp, with
// the forms and errors CockroachDB documents: a negative interval (relative
// to the statement time), a timestamp, a decimal HLC timestamp, an integer of
// nanoseconds, or follower_read_timestamp(); only constant expressions.

import { BurrowError } from '../../util/errors.js';
import { compareTimestamps, parseDecimalTimestamp, timestampToDebugString, type Timestamp } from '../../util/hlc.js';
import type { Expr } from '../parser/ast.js';
import { parseInterval } from '../types/interval.js';
import { parseTimestampTz } from '../types/datetime.js';
import { intervalToMicros, type Interval } from '../types/datum.js';
import type { Decimal } from '../../util/decimal.js';
import { decimalToString } from '../../util/decimal.js';

const followerReadOffsetNs = 4_800_000_000n;

function err(msg: string): BurrowError {
  return new BurrowError('22023', `AS OF SYSTEM TIME: ${msg}`);
}

function fromInterval(iv: Interval, text: string, stmtNs: bigint): Timestamp {
  const micros = intervalToMicros(iv);
  if (micros >= 0n) throw err(`interval value '${text}' too large, AS OF interval must be <= -1µs`);
  return { wall: stmtNs + micros * 1000n, logical: 0 };
}

function fromString(s: string, stmtNs: bigint, timezone: string): Timestamp {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return { wall: BigInt(t), logical: 0 };
  if (/^\d+\.\d+$/.test(t)) return parseDecimalTimestamp(t);
  if (/^[-+]/.test(t) || /^\d+(\.\d+)?\s*[a-zµ]/i.test(t) || /^P/i.test(t)) {
    try {
      return fromInterval(parseInterval(t), t, stmtNs);
    } catch (e) {
      if (e instanceof BurrowError && e.message.startsWith('AS OF SYSTEM TIME')) throw e;
    }
  }
  try {
    return { wall: parseTimestampTz(t, timezone) * 1000n, logical: 0 };
  } catch {
    throw err(`value is neither timestamp, decimal, nor interval`);
  }
}

export function evalAsOf(e: Expr, stmtNs: bigint, nowTs: Timestamp, timezone: string, params: unknown[]): Timestamp {
  let ts: Timestamp;
  switch (e.kind) {
    case 'str':
      ts = fromString(e.value, stmtNs, timezone);
      break;
    case 'num':
      ts = e.numKind === 'int' ? { wall: BigInt(e.text), logical: 0 } : parseDecimalTimestamp(e.text);
      break;
    case 'unary':
      if (e.op === '-' && e.expr.kind === 'num') {
        throw err(`timestamp before 1970-01-01T00:00:00Z is invalid`);
      }
      throw err(`only constant expressions, with_min_timestamp, with_max_staleness, or follower_read_timestamp are allowed`);
    case 'placeholder': {
      const v = params[e.index - 1];
      if (typeof v === 'string') ts = fromString(v, stmtNs, timezone);
      else if (typeof v === 'number' || typeof v === 'bigint') ts = { wall: BigInt(v), logical: 0 };
      else throw err('value is neither timestamp, decimal, nor interval');
      break;
    }
    case 'typedLit':
    case 'cast': {
      const inner = e.kind === 'cast' ? e.expr : null;
      const typeName = e.type.name;
      const text = e.kind === 'typedLit' ? e.value : inner && inner.kind === 'str' ? inner.value : inner && inner.kind === 'num' ? inner.text : null;
      if (text === null) throw err(`only constant expressions, with_min_timestamp, with_max_staleness, or follower_read_timestamp are allowed`);
      if (typeName === 'INTERVAL') ts = fromInterval(parseInterval(text), text, stmtNs);
      else if (typeName === 'DECIMAL') ts = parseDecimalTimestamp(text);
      else if (typeName.startsWith('INT')) ts = { wall: BigInt(text), logical: 0 };
      else ts = { wall: parseTimestampTz(text, timezone) * 1000n, logical: 0 };
      break;
    }
    case 'func': {
      const name = e.name.join('.');
      if (name === 'follower_read_timestamp' || name === 'experimental_follower_read_timestamp' || name === 'crdb_internal.follower_read_timestamp') {
        ts = { wall: stmtNs - followerReadOffsetNs, logical: 0 };
        break;
      }
      if (name === 'now' || name === 'current_timestamp' || name === 'statement_timestamp') {
        ts = { wall: stmtNs, logical: 0 };
        break;
      }
      throw err(`only constant expressions, with_min_timestamp, with_max_staleness, or follower_read_timestamp are allowed`);
    }
    default:
      throw err(`only constant expressions, with_min_timestamp, with_max_staleness, or follower_read_timestamp are allowed`);
  }
  if (ts.wall === 0n && ts.logical === 0) throw err('zero timestamp is invalid');
  if (ts.wall < 0n) throw err(`timestamp before 1970-01-01T00:00:00Z is invalid`);
  if (compareTimestamps(ts, nowTs) > 0) {
    throw err(`cannot specify timestamp in the future (${timestampToDebugString(ts)} > ${timestampToDebugString(nowTs)})`);
  }
  return ts;
}

export function decimalToTimestamp(d: Decimal): Timestamp {
  return parseDecimalTimestamp(decimalToString(d));
}
