// Owns what every worker thread of the server shares: where a worker's
// script is, and ending a worker cleanly. Scripts are tsc output under
// dist/src/<layer>/; in the CLI bundle (dist/burrow-bundle.cjs, whose
// import.meta.url is the bundle's) they are still loaded from dist/src/.
// Invariants: endWorker always leaves the thread ended, waiting at most
// timeoutMs for it to finish on its own (closing what it holds) first.

import type { Worker } from 'node:worker_threads';

/** The URL of a worker script given by its path under src/ (`backup/export-worker.js`). */
export function workerScriptUrl(pathUnderSrc: string): URL {
  const here = import.meta.url;
  return here.endsWith('.cjs') ? new URL(`./src/${pathUnderSrc}`, here) : new URL(`../${pathUnderSrc}`, here);
}

/**
 * Ends a worker: when graceful is given, it asks the worker to finish
 * (resolving once it says so) and waits for that or its exit, at most
 * timeoutMs; then terminates it and waits for the exit.
 */
export async function endWorker(worker: Worker, exited: Promise<void>, timeoutMs: number, graceful?: () => Promise<void>): Promise<void> {
  if (graceful) {
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    await Promise.race([graceful(), exited]);
    clearTimeout(timer);
  }
  await worker.terminate();
  await exited;
}
