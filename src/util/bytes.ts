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
