// Owns the process's foreground-activity counter: the wire layer bumps it for
// every batch of client messages it handles, and background threads (the
// BACKUP export worker) read it to tell whether queries are being served
// right now, and then give them most of the CPU. Shared memory
// (SharedArrayBuffer + Atomics), so a worker reads it without messages.
// The counter only ever increases (wrapping at 2^32 is harmless: readers
// compare for change, not order).

const counter = new Int32Array(new SharedArrayBuffer(4));

/** Called by the foreground (pgwire) whenever it handles client work. */
export function noteForegroundWork(): void {
  Atomics.add(counter, 0, 1);
}

/** The shared counter, for handing to a worker thread (workerData). */
export function foregroundCounter(): Int32Array {
  return counter;
}

/**
 * A background thread's view: busy() is true when the foreground did work
 * since the previous call or within the last quietMs.
 */
export function foregroundWatcher(shared: Int32Array, quietMs: number): { busy(): boolean } {
  let last = Atomics.load(shared, 0);
  let lastChangeMs = -Infinity;
  return {
    busy() {
      const now = Atomics.load(shared, 0);
      const t = Date.now();
      if (now !== last) {
        last = now;
        lastChangeMs = t;
      }
      return t - lastChangeMs <= quietMs;
    },
  };
}
