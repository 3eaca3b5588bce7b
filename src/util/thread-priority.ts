// Owns lowering the CPU priority of the calling thread, for background work
// (BACKUP's export and compression threads) that should give way to the
// threads serving queries whenever both want a core. Linux only: a thread's
// kernel id comes from /proc/thread-self and setpriority() on it changes that
// thread alone. Anywhere else, or if it fails, nothing changes (best effort:
// priority affects speed, never correctness).

import fs from 'node:fs';
import os from 'node:os';

/** The nice value background threads run at (0 normal, 19 lowest). */
export const backgroundNice = 10;

/** Sets the calling thread's nice value; true if it took effect. */
export function lowerThreadPriority(nice = backgroundNice): boolean {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
