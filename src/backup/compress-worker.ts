// Owns the compression thread of a BACKUP export: data blocks the export
// worker builds are compressed here (compressBlockSync, the data file's one
// setting) at background priority, so compression runs beside the export
// and both give way to the threads serving queries.
// Messages: in `{ id, raw }` (the block's bytes, transferred), out
// `{ id, out }` (the compressed bytes, transferred) or `{ id, error }`.

import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../util/thread-priority.js';
import { compressBlockSync } from './data-file.js';

export interface CompressRequest {
  id: number;
  raw: ArrayBuffer;
}

export type CompressReply = { id: number; out: ArrayBuffer; error?: undefined } | { id: number; error: string };

const port = parentPort!;
lowerThreadPriority();

port.on('message', (m: CompressRequest) => {
  try {
    const c = compressBlockSync(Buffer.from(m.raw));
    const out = new ArrayBuffer(c.length);
    new Uint8Array(out).set(c);
    port.postMessage({ id: m.id, out } satisfies CompressReply, [out]);
  } catch (err) {
    port.postMessage({ id: m.id, error: String((err as Error)?.message ?? err) } satisfies CompressReply);
  }
});
