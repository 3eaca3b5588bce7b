// Owns the engine layout of MVCC data: how a (user key, timestamp) pair and
// its value become engine bytes.
//
// Engine keyspace: 0x01 prefixes local metadata (stats, GC thresholds, clock
// high-water mark); 0x02 prefixes MVCC data.
// Data key = 0x02 | escape(userKey) | 0x00 0x01 | ts12
//   escape(): 0x00 -> 0x00 0xff, so no user key's encoding is a prefix of
//   another's and byte order of data keys follows user-key order.
//   ts12 = (2^64-1 - wall) as 8 bytes BE, (2^32-1 - logical) as 4 bytes BE:
//   newer versions sort first.
// Every key with any version has a "latest slot": ts12 = twelve zero bytes
// (a timestamp no clock hands out), sorting before all of that key's
// versions and holding the newest version with its timestamp in the value,
// so a read at the present is one engine get. Older versions live at their
// real timestamps.
// Values: latest slot = tag | wall 8 | logical 4 | payload;
//         version     = tag | payload.   tag 0 = tombstone, 1 = value.
// Large values (indirectValueBytes and up, such as 4 MiB userfile chunks) are
// written at their version key from the start, and the latest slot holds a
// pointer: tag 2 | wall 8 | logical 4 | payload length 4. A newer version then
// leaves the value where it is instead of copying it to its version key, so
// deleting a 1 GiB file writes 256 small slots, not 1 GiB. Readers take the
// newest version from the version key with the pointer's timestamp (which
// always exists); history walks skip the pointer.
// The per-row checks scans make (isLatestSlot, latestAtOrBefore,
// versionAtOrBefore) read bytes directly: Buffer.readUInt32BE's argument
// validation was ~15% of a full-table aggregation.

import type { Timestamp } from '../util/hlc.js';
import { maxLogical, maxWallNs } from '../util/hlc.js';

export const localPrefixByte = 0x01;
export const dataPrefixByte = 0x02;
export const tsSuffixBytes = 12;
/** Terminator + ts suffix that follow the escaped user key. */
export const mvccSuffixBytes = 2 + tsSuffixBytes;
export const tagTombstone = 0;
export const tagValue = 1;
/** A latest slot whose value lives at the version key of its timestamp. */
export const tagIndirect = 2;
const indirectLatestBytes = 17;
const defaultIndirectValueBytes = 64 * 1024;
let indirectValueBytes = defaultIndirectValueBytes;

/** Values at least this many bytes are written indirectly (see above). */
export function indirectThresholdBytes(): number {
  return indirectValueBytes;
}

/** Testing knob: the indirect threshold (undefined restores the default). Readers handle both forms whatever it is. */
export function setIndirectThresholdBytesForTesting(bytes: number | undefined): void {
  indirectValueBytes = bytes ?? defaultIndirectValueBytes;
}

export function encodeIndirectLatest(ts: Timestamp, payloadBytes: number): Buffer {
  const out = Buffer.allocUnsafe(indirectLatestBytes);
  out[0] = tagIndirect;
  out.writeBigUInt64BE(ts.wall, 1);
  out.writeUInt32BE(ts.logical, 9);
  out.writeUInt32BE(payloadBytes, 13);
  return out;
}

/** What a latest slot says about the newest version, whichever form it has. */
export interface LatestInfo {
  ts: Timestamp;
  isValue: boolean;
  indirect: boolean;
  payloadBytes: number;
}

export function latestInfo(raw: Buffer): LatestInfo {
  const ts = { wall: raw.readBigUInt64BE(1), logical: raw.readUInt32BE(9) };
  if (raw[0] === tagIndirect) return { ts, isValue: true, indirect: true, payloadBytes: raw.readUInt32BE(13) };
  const isValue = raw[0] === tagValue;
  return { ts, isValue, indirect: false, payloadBytes: isValue ? raw.length - 13 : 0 };
}

const maxWall = maxWallNs;

/** Escaped user key with the data prefix byte, without terminator. */
export function encodeUserKeyBound(userKey: Buffer): Buffer {
  const full = encodeMvccKey(userKey, null);
  return full.subarray(0, full.length - mvccSuffixBytes);
}

/** Start of the engine span holding every version of every user key >= userKey. */
export function dataSpanStart(userKey: Buffer | undefined): Buffer {
  return userKey ? encodeUserKeyBound(userKey) : Buffer.from([dataPrefixByte]);
}

/** End (exclusive) of the engine span for user keys < userKey. */
export function dataSpanEnd(userKey: Buffer | undefined): Buffer {
  return userKey ? encodeUserKeyBound(userKey) : Buffer.from([dataPrefixByte + 1]);
}

function writeTs(out: Buffer, at: number, ts: Timestamp | null): void {
  if (ts === null) {
    for (let i = at; i < at + tsSuffixBytes; i++) out[i] = 0;
    return;
  }
  out.writeBigUInt64BE(maxWall - ts.wall, at);
  out.writeUInt32BE(maxLogical - ts.logical, at + 8);
}

/** The engine key of userKey's version at ts, or of its latest slot when ts is null. */
export function encodeMvccKey(userKey: Buffer, ts: Timestamp | null): Buffer {
  const len = userKey.length;
  let zeros = 0;
  for (let i = 0; i < len; i++) if (userKey[i] === 0) zeros++;
  const n = 1 + len + zeros;
  const out = Buffer.allocUnsafe(n + mvccSuffixBytes);
  out[0] = dataPrefixByte;
  if (zeros === 0) userKey.copy(out, 1);
  else {
    let o = 1;
    for (let i = 0; i < len; i++) {
      const b = userKey[i]!;
      out[o++] = b;
      if (b === 0) out[o++] = 0xff;
    }
  }
  out[n] = 0;
  out[n + 1] = 1;
  writeTs(out, n + 2, ts);
  return out;
}

/** Same engine key as encodeMvccKey but for another timestamp, reusing the prefix. */
export function withTimestamp(engineKey: Buffer, ts: Timestamp | null): Buffer {
  const out = Buffer.allocUnsafe(engineKey.length);
  engineKey.copy(out, 0, 0, engineKey.length - tsSuffixBytes);
  writeTs(out, engineKey.length - tsSuffixBytes, ts);
  return out;
}

/** Length of the part shared by all versions of one user key (prefix + escaped key + terminator). */
export function versionPrefixLength(engineKey: Buffer): number {
  return engineKey.length - tsSuffixBytes;
}

/** The first engine key after every version of the key whose version prefix has length plen. */
export function nextUserKeyStart(engineKey: Buffer): Buffer {
  const plen = versionPrefixLength(engineKey);
  const out = Buffer.allocUnsafe(plen);
  engineKey.copy(out, 0, 0, plen);
  out[plen - 1] = 0x02; // terminator 0x00 0x01 -> 0x00 0x02
  return out;
}

export function isLatestSlot(engineKey: Buffer): boolean {
  const n = engineKey.length;
  if (n < tsSuffixBytes) return false;
  // Unrolled: a version key's inverted timestamp is never all zeros, a latest slot's always is.
  return (
    (engineKey[n - 1]! | engineKey[n - 2]! | engineKey[n - 3]! | engineKey[n - 4]! | engineKey[n - 5]! | engineKey[n - 6]! |
      engineKey[n - 7]! | engineKey[n - 8]! | engineKey[n - 9]! | engineKey[n - 10]! | engineKey[n - 11]! | engineKey[n - 12]!) === 0
  );
}

/** The timestamp in a version key (not valid for the latest slot). */
export function versionKeyTimestamp(engineKey: Buffer): Timestamp {
  const at = engineKey.length - tsSuffixBytes;
  return {
    wall: maxWall - engineKey.readBigUInt64BE(at),
    logical: maxLogical - engineKey.readUInt32BE(at + 8),
  };
}

/** Recovers the user key from an engine data key. */
export function decodeUserKey(engineKey: Buffer): Buffer {
  const end = engineKey.length - mvccSuffixBytes;
  const first0 = engineKey.indexOf(0, 1);
  if (first0 === -1 || first0 >= end) return engineKey.subarray(1, end); // engine keys are never mutated: share
  const out = Buffer.allocUnsafe(end - 1);
  let o = 0;
  for (let i = 1; i < end; i++) {
    const b = engineKey[i]!;
    out[o++] = b;
    if (b === 0) i++; // skip the 0xff escape
  }
  return out.subarray(0, o);
}

export interface DecodedValue {
  ts: Timestamp;
  /** null for a tombstone. */
  value: Buffer | null;
}

export function encodeLatestValue(ts: Timestamp, value: Buffer | null): Buffer {
  const out = Buffer.allocUnsafe(13 + (value ? value.length : 0));
  out[0] = value ? tagValue : tagTombstone;
  out.writeBigUInt64BE(ts.wall, 1);
  out.writeUInt32BE(ts.logical, 9);
  if (value) value.copy(out, 13);
  return out;
}

/** A direct latest slot's version (an indirect one throws: its value is elsewhere, see latestInfo). */
export function decodeLatestValue(raw: Buffer): DecodedValue {
  if (raw[0] === tagIndirect) throw new Error('decodeLatestValue: an indirect latest slot has no value of its own');
  return {
    ts: { wall: raw.readBigUInt64BE(1), logical: raw.readUInt32BE(9) },
    value: raw[0] === tagValue ? raw.subarray(13) : null,
  };
}

export function latestValueTimestamp(raw: Buffer): Timestamp {
  return { wall: raw.readBigUInt64BE(1), logical: raw.readUInt32BE(9) };
}

export function encodeVersionValue(value: Buffer | null): Buffer {
  if (!value) return Buffer.from([tagTombstone]);
  const out = Buffer.allocUnsafe(1 + value.length);
  out[0] = tagValue;
  value.copy(out, 1);
  return out;
}

export function decodeVersionValue(raw: Buffer): Buffer | null {
  return raw[0] === tagValue ? raw.subarray(1) : null;
}

/** Converts a latest-slot value into the version value it becomes when demoted. */
export function latestToVersionValue(raw: Buffer): Buffer {
  if (raw[0] === tagIndirect) throw new Error('latestToVersionValue: an indirect latest slot is already at its version key');
  if (raw[0] !== tagValue) return Buffer.from([tagTombstone]);
  const out = Buffer.allocUnsafe(raw.length - 12);
  out[0] = tagValue;
  raw.copy(out, 1, 13);
  return out;
}

// The demotion scratch: deleting a 4 MiB userfile chunk must not allocate 4 MiB
// (a file's delete is one transaction, so a 1 GiB file made 1 GiB of garbage
// inside one synchronous engine apply). Kept up to maxDemoteScratchBytes.
const maxDemoteScratchBytes = 8 * 1024 * 1024;
let demoteScratch = Buffer.allocUnsafe(0);

/** encodeVersionValue of a value into the same scratch buffer (valid until the next call of either). */
export function scratchVersionValue(value: Buffer): Buffer {
  const n = 1 + value.length;
  if (n > maxDemoteScratchBytes) return encodeVersionValue(value);
  if (demoteScratch.length < n) demoteScratch = Buffer.allocUnsafe(Math.min(maxDemoteScratchBytes, Math.max(n, demoteScratch.length * 2, 4096)));
  demoteScratch[0] = tagValue;
  value.copy(demoteScratch, 1);
  return demoteScratch.subarray(0, n);
}

/** latestToVersionValue into a shared scratch buffer: valid until the next call (EngineWriter.put copies). */
export function scratchLatestToVersionValue(raw: Buffer): Buffer {
  if (raw[0] === tagIndirect) throw new Error('latestToVersionValue: an indirect latest slot is already at its version key');
  const n = raw[0] === tagValue ? raw.length - 12 : 1;
  if (n > maxDemoteScratchBytes) return latestToVersionValue(raw);
  if (demoteScratch.length < n) demoteScratch = Buffer.allocUnsafe(Math.min(maxDemoteScratchBytes, Math.max(n, demoteScratch.length * 2, 4096)));
  if (raw[0] !== tagValue) {
    demoteScratch[0] = tagTombstone;
    return demoteScratch.subarray(0, 1);
  }
  demoteScratch[0] = tagValue;
  raw.copy(demoteScratch, 1, 13);
  return demoteScratch.subarray(0, n);
}

/** Payload length of a stored value (0 for tombstones), either slot kind. */
export function payloadLength(raw: Buffer, latest: boolean): number {
  if (raw[0] !== tagValue) return 0;
  return raw.length - (latest ? 13 : 1);
}

/** A read timestamp split into 32-bit parts, for comparing stored timestamps without BigInt. */
export interface TsParts {
  hi: number;
  lo: number;
  logical: number;
  /** The same parts inverted, as version keys store them. */
  invHi: number;
  invLo: number;
  invLogical: number;
}

export function tsParts(ts: Timestamp): TsParts {
  const hi = Number(ts.wall >> 32n);
  const lo = Number(ts.wall & 0xffffffffn);
  return { hi, lo, logical: ts.logical, invHi: 0xffffffff - hi, invLo: 0xffffffff - lo, invLogical: 0xffffffff - ts.logical };
}

/** The big-endian uint32 at b[at..at+4] (the caller checked the length): Buffer.readUInt32BE without its argument checks, for per-row scan paths. */
function u32(b: Buffer, at: number): number {
  return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** Whether a latest-slot value's timestamp is at or before p. */
export function latestAtOrBefore(value: Buffer, p: TsParts): boolean {
  if (value.length < 13) throw new RangeError(`latest-slot value of ${value.length} bytes is too short`);
  const hi = u32(value, 1);
  if (hi !== p.hi) return hi < p.hi;
  const lo = u32(value, 5);
  if (lo !== p.lo) return lo < p.lo;
  return u32(value, 9) <= p.logical;
}

/** Whether a version key's timestamp is at or before p (its inverted bytes are at or after p's). */
export function versionAtOrBefore(engineKey: Buffer, p: TsParts): boolean {
  const at = engineKey.length - tsSuffixBytes;
  if (at < 0) throw new RangeError(`version key of ${engineKey.length} bytes is too short`);
  const hi = u32(engineKey, at);
  if (hi !== p.invHi) return hi > p.invHi;
  const lo = u32(engineKey, at + 4);
  if (lo !== p.invLo) return lo > p.invLo;
  return u32(engineKey, at + 8) >= p.invLogical;
}

// Scratch buffers for hot write paths (commits and bulk ingest): valid until
// the next call. Safe only where the bytes are consumed at once
// (EngineWriter.put copies). Results are cached views of the scratch buffer,
// one per length, so a call allocates no slice object.
let keyScratch = Buffer.allocUnsafe(256);
let keyViews: Array<Buffer | undefined> = [];
let valueScratch = Buffer.allocUnsafe(4096);
let valueViews: Array<Buffer | undefined> = [];
const tsScratch = Buffer.allocUnsafe(12);
let lastScratchTs: Timestamp | null = null;
const maxCachedViewBytes = 64 * 1024;

function scratchView(buf: Buffer, views: Array<Buffer | undefined>, n: number): Buffer {
  if (n > maxCachedViewBytes) return buf.subarray(0, n);
  return views[n] ?? (views[n] = buf.subarray(0, n));
}

/** encodeMvccKey into a shared scratch buffer (see above). */
export function scratchMvccKey(userKey: Buffer, ts: Timestamp | null): Buffer {
  const len = userKey.length;
  if (keyScratch.length < 2 * len + mvccSuffixBytes + 1) {
    keyScratch = Buffer.allocUnsafe(2 * (2 * len + mvccSuffixBytes + 1));
    keyViews = [];
  }
  const out = keyScratch;
  out[0] = dataPrefixByte;
  let o = 1;
  for (let i = 0; i < len; i++) {
    const b = userKey[i]!;
    out[o++] = b;
    if (b === 0) out[o++] = 0xff;
  }
  out[o] = 0;
  out[o + 1] = 1;
  writeTs(out, o + 2, ts);
  return scratchView(out, keyViews, o + mvccSuffixBytes);
}

/** encodeLatestValue into a shared scratch buffer (see above). */
export function scratchLatestValue(ts: Timestamp, value: Buffer | null): Buffer {
  const n = 13 + (value ? value.length : 0);
  if (valueScratch.length < n) {
    valueScratch = Buffer.allocUnsafe(Math.max(n, valueScratch.length * 2));
    valueViews = [];
  }
  const out = valueScratch;
  out[0] = value ? tagValue : tagTombstone;
  if (ts !== lastScratchTs) {
    lastScratchTs = ts;
    tsScratch.writeBigUInt64BE(ts.wall, 0);
    tsScratch.writeUInt32BE(ts.logical, 8);
  }
  for (let i = 0; i < 12; i++) out[1 + i] = tsScratch[i]!;
  if (value) value.copy(out, 13);
  return scratchView(out, valueViews, n);
}
