// Owns test helpers that open engines and stores of both kinds in temporary
// directories and clean them up.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../../src/storage/engine.js';
import { openMemoryEngine } from '../../src/storage/memory-engine.js';
import { defaultLmdbOptions, openLmdbEngine } from '../../src/storage/lmdb-engine.js';
import { openStore, type Store, type StoreOptions } from '../../src/storage/store.js';
import type { Timestamp } from '../../src/util/hlc.js';
import { mvccApplyWrites } from '../../src/storage/mvcc-write.js';
import { persistStatsDeltas, type StatsDeltas } from '../../src/storage/mvcc-stats.js';

export type EngineKind = 'memory' | 'lmdb';
export const engineKinds: EngineKind[] = ['memory', 'lmdb'];

export function tempDir(prefix = 'burrow-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function withEngine<T>(kind: EngineKind, fn: (e: Engine) => Promise<T>): Promise<T> {
  const dir = kind === 'lmdb' ? tempDir() : undefined;
  const engine = kind === 'lmdb' ? openLmdbEngine({ ...defaultLmdbOptions, syncMode: 'none', path: dir! }) : openMemoryEngine();
  try {
    return await fn(engine);
  } finally {
    await engine.close();
    if (dir) removeDir(dir);
  }
}

export async function withStore<T>(kind: EngineKind, fn: (s: Store) => Promise<T>, extra: Partial<StoreOptions> = {}): Promise<T> {
  const dir = kind === 'lmdb' ? tempDir() : undefined;
  const store = await openStore({ engine: kind, ...(dir ? { path: dir } : {}), syncMode: 'none', ...extra });
  try {
    return await fn(store);
  } finally {
    await store.close();
    if (dir) removeDir(dir);
  }
}

export const b = (s: string): Buffer => Buffer.from(s);

/** Commits MVCC writes at ts straight to an engine, with stats, as the store's commit does. */
export async function mvccCommit(e: Engine, writes: { key: Buffer; value: Buffer | null }[], at: Timestamp): Promise<void> {
  await e.write((w) => {
    const deltas: StatsDeltas = new Map();
    mvccApplyWrites(w, writes, at, deltas);
    persistStatsDeltas(w, deltas);
  });
}
