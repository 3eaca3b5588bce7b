// Owns the exclusive lock on a store directory. LMDB itself lets several
// processes share an environment, but Burrow's clock, group commit and GC
// assume one owner, so a second opener (another process, or this one twice)
// gets a clear error naming the directory and the holder's PID.
//
// The lock is a file `LOCK` holding the owner's PID, created with O_EXCL. A
// lock whose PID is no longer alive is stale (the owner crashed) and is taken
// over. Bounded: at most a few attempts, never a wait loop.

import fs from 'node:fs';
import path from 'node:path';
import { BurrowError, SqlState } from '../util/errors.js';

const heldInProcess = new Set<string>();

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(dir: string, pid: number | undefined): BurrowError {
  return new BurrowError(
    SqlState.ObjectInUse,
    `store directory ${dir} is already in use by another Burrow process${pid ? ` (pid ${pid})` : ''}`,
    { hint: 'Stop the other server first, or start this one with a different --store.' },
  );
}

export interface StoreLock {
  release(): void;
}

export function lockStoreDir(dir: string): StoreLock {
  const abs = path.resolve(dir);
  if (heldInProcess.has(abs)) throw lockedError(abs, process.pid);
  const lockPath = path.join(abs, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      heldInProcess.add(abs);
      return {
        release() {
          heldInProcess.delete(abs);
          try {
            fs.unlinkSync(lockPath);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readOrEmpty(lockPath).trim());
      if (pidAlive(pid) && pid !== process.pid) throw lockedError(abs, pid);
      // Stale lock from a crashed owner (or our own PID recycled): take it over.
      try {
        fs.unlinkSync(lockPath);
      } catch {
        // raced with another opener; retry
      }
    }
  }
  throw lockedError(abs, undefined);
}

function readOrEmpty(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
