// Owns starting and calling the compression thread (compress-worker.ts) from
// an export worker: compress(raw) sends a copy of the block and resolves
// with its compressed bytes, in any order; a dead thread rejects every
// pending and later call instead of hanging them.

import { Worker } from 'node:worker_threads';
import type { CompressReply, CompressRequest } from './compress-worker.js';

export interface CompressThread {
  compress(raw: Buffer): Promise<Buffer>;
  /** False once the thread failed, exited or was closed. */
  alive(): boolean;
  close(): Promise<void>;
}

export function startCompressThread(): CompressThread {
  const worker = new Worker(new URL('./compress-worker.js', import.meta.url));
  const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  const failAll = (e: Error): void => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on('message', (m: CompressReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (!p) return;
    if (m.error !== undefined) p.reject(new Error(`block compression failed: ${m.error}`));
    else p.resolve(Buffer.from(m.out));
  });
  worker.on('error', (err) => failAll(new Error(`compression thread failed: ${err.message}`)));
  worker.on('exit', () => failAll(new Error('compression thread exited')));
  return {
    alive: () => !dead,
    compress(raw) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      const copy = new ArrayBuffer(raw.length);
      new Uint8Array(copy).set(raw);
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, raw: copy } satisfies CompressRequest, [copy]);
      });
    },
    async close() {
      failAll(new Error('compression thread closed'));
      await worker.terminate();
    },
  };
}
