// Owns the compression thread of a BACKUP export: data blocks the export
// worker builds are compressed here (compressBlockSync, the data file's one
// setting) at background priority, so compression runs beside the export
// and both give way to the threads serving queries.
// Messages: in `{ id, raw, rawBytes }` (the block in the first rawBytes of
// raw, transferred), out `{ id, out, raw }` (the compressed bytes, and raw
// handed back for reuse, both transferred) or `{ id, error, raw }`.

import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../util/thread-priority.js';
import { compressBlockSync } from './data-file.js';

export interface CompressRequest {
  id: number;
  raw: ArrayBuffer;
  rawBytes: number;
}

export type CompressReply = { id: number; out: ArrayBuffer; raw: ArrayBuffer; error?: undefined } | { id: number; error: string; raw: ArrayBuffer };

const port = parentPort!;
lowerThreadPriority();

port.on('message', (m: CompressRequest) => {
  try {
    const c = compressBlockSync(Buffer.from(m.raw, 0, m.rawBytes));
    const out = new ArrayBuffer(c.length);
    new Uint8Array(out).set(c);
    port.postMessage({ id: m.id, out, raw: m.raw } satisfies CompressReply, [out, m.raw]);
  } catch (err) {
    port.postMessage({ id: m.id, error: String((err as Error)?.message ?? err), raw: m.raw } satisfies CompressReply, [m.raw]);
  }
});
