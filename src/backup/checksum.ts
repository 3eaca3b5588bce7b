// Owns the CRC32 used by backup files (IEEE polynomial 0xEDB88320, the same
// value zlib, gzip and PNG compute). Uses node:zlib's native crc32 when this
// Node has it (Node >= 20.15 / 22.2; ~5.8 GB/s here) and a table-driven JS
// fallback otherwise; both give identical results and both support
// continuation: crc32(b, crc32(a)) === crc32(concat(a, b)).
//
// Invariant: the result is an unsigned 32-bit integer (0 .. 2^32-1).

import zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, initial?: number) => number;

const nativeCrc32: Crc32Fn | undefined = (() => {
  const candidate = (zlib as unknown as { crc32?: unknown }).crc32;
  if (typeof candidate !== 'function') return undefined;
  const fn = candidate as (data: Uint8Array, value?: number) => number;
  // Guard against a same-named function with another meaning: check the known vector.
  try {
    return fn(Buffer.from('123456789', 'latin1')) === 0xcbf43926 ? (data, initial) => fn(data, initial ?? 0) : undefined;
  } catch {
    return undefined;
  }
})();

/** Slicing-by-4 tables for the JS fallback. */
const tables: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  const out = [t0];
  for (let s = 1; s < 4; s++) {
    const prev = out[s - 1]!;
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    out.push(t);
  }
  return out;
})();

/** The JS implementation (exported so tests can compare it with the native one). */
export function crc32Js(data: Uint8Array, initial = 0): number {
  const [t0, t1, t2, t3] = tables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~initial >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 4 <= n; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < n; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** True when node:zlib provides crc32 (the fast path). */
export const hasNativeCrc32 = nativeCrc32 !== undefined;

/** CRC32 of data, continuing from `initial` (the CRC of the bytes before it). */
export const crc32: Crc32Fn = nativeCrc32 ?? crc32Js;
