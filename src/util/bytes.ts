// Owns byte-string helpers every layer may use. compareBytes is Buffer.compare
// in plain JS: for short keys that differ early it beats the native call's
// argument checks (measured on the sorted-map scan and restore's ingest).

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Whether k holds prefix at offset at (checked from the prefix's end: keys of one table share their start). */
export function hasPrefixAt(k: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (k.length - at < prefix.length) return false;
  for (let i = prefix.length - 1; i >= 0; i--) if (k[at + i] !== prefix[i]) return false;
  return true;
}
