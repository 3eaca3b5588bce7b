// Owns `burrow start-single-node --background`, as CockroachDB's: the command
// starts the server as a detached child process (its own session, so the
// terminal's signals do not reach it; stdin closed; stdout and stderr appended
// to <store>/logs/burrow.log, or discarded for an in-memory store), waits until
// the server accepts connections, prints its startup lines and exits 0. If the
// server fails to start, its error is printed and the command exits 1. The
// server's PID is in the store's LOCK file (and in --pid-file when given); it
// stops cleanly on SIGTERM or SIGINT.
//
// The child runs the same command without --background; an environment
// variable and an IPC channel tell it to report back: { ready: lines } once
// listening, or { error: message }, then it drops the channel.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedArgs } from './flags.js';

const childEnv = 'BURROW_BACKGROUND_CHILD';
const isChild = process.env[childEnv] === '1';
// Not passed on to anything the server might spawn.
delete process.env[childEnv];

type Report = { ready: string } | { error: string };

/** Where a background server's stdout and stderr go: null (discarded) for an in-memory store. */
export function backgroundLogFile(store: string): string | null {
  return store === 'memory' ? null : path.join(store, 'logs', 'burrow.log');
}

/** True in a server started by --background. */
export function startedInBackground(): boolean {
  return isChild;
}

/** In a server started by --background, tells the waiting command how the start went and lets it go; elsewhere nothing. */
export function reportToParent(r: Report): Promise<void> {
  if (!isChild || !process.send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    process.send!(r, () => {
      if (process.connected) process.disconnect();
      resolve();
    });
  });
}

/** The flags as arguments again, without --background. */
function childArgs(args: ParsedArgs): string[] {
  const out: string[] = [];
  for (const [name, values] of args.flags) {
    if (name === 'background') continue;
    for (const v of values) out.push(`--${name}=${v}`);
  }
  return args.positional.length > 0 ? [...out, '--', ...args.positional] : out;
}

export async function startInBackground(args: ParsedArgs, store: string): Promise<number> {
  const logFile = backgroundLogFile(store);
  let out: number | 'ignore' = 'ignore';
  if (logFile) {
    try {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      out = fs.openSync(logFile, 'a', 0o600);
    } catch (err) {
      console.error(`ERROR: cannot open the server log ${logFile}: ${(err as Error).message}`);
      return 1;
    }
  }
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'start-single-node', ...childArgs(args)], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...process.env, [childEnv]: '1' },
  });
  if (typeof out === 'number') fs.closeSync(out);
  // Interrupted while waiting: the server goes too.
  const stop = () => void child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const report = await new Promise<Report>((resolve) => {
    child.on('message', (m) => resolve(m as Report));
    child.once('error', (err) => resolve({ error: `cannot start the server process: ${err.message}` }));
    child.once('exit', (code, signal) => {
      const error = `the server process exited (${signal ?? `exit code ${code}`}) before it was ready${logFile ? `; see ${logFile}` : ''}`;
      // A report sent just before exiting may still be on its way.
      if (child.connected) child.once('disconnect', () => resolve({ error }));
      else resolve({ error });
    });
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if ('error' in report) {
    console.error(`ERROR: ${report.error}`);
    return 1;
  }
  console.log(report.ready);
  if (child.connected) child.disconnect();
  child.unref();
  return 0;
}
