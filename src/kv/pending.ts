// Owns the set of commits that are sequenced (validated, timestamped) but not
// yet durable in the engine. Reads at a timestamp at or above such a commit
// that touch its keys wait for it, so no reader sees a state that a crash
// could take back, and no reader misses a commit ordered before it.
// Validation also checks these commits, since the engine cannot see them yet.

import { compareTimestamps, type Timestamp } from '../util/hlc.js';

export interface PendingCommit {
  ts: Timestamp;
  keys: Buffer[]; // sorted
  minKey: Buffer;
  maxKey: Buffer;
  done: Promise<void>;
}

export interface PendingSet {
  list: PendingCommit[];
}

export function newPendingSet(): PendingSet {
  return { list: [] };
}

function spanHasKey(p: PendingCommit, start: Buffer | undefined, end: Buffer | undefined): boolean {
  if (end && Buffer.compare(p.minKey, end) >= 0) return false;
  if (start && Buffer.compare(p.maxKey, start) < 0) return false;
  for (const k of p.keys) {
    if ((!start || Buffer.compare(k, start) >= 0) && (!end || Buffer.compare(k, end) < 0)) return true;
  }
  return false;
}

/** Commits at or below ts that wrote into [start, end): a read there must wait for them. */
export function blockingCommits(s: PendingSet, start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): Promise<void>[] {
  const out: Promise<void>[] = [];
  for (const p of s.list) {
    if (compareTimestamps(p.ts, ts) <= 0 && spanHasKey(p, start, end)) out.push(p.done);
  }
  return out;
}

export function blockingCommitsForKey(s: PendingSet, key: Buffer, ts: Timestamp): Promise<void>[] {
  const out: Promise<void>[] = [];
  for (const p of s.list) {
    if (compareTimestamps(p.ts, ts) > 0) continue;
    if (Buffer.compare(key, p.minKey) < 0 || Buffer.compare(key, p.maxKey) > 0) continue;
    if (p.keys.some((k) => k.equals(key))) out.push(p.done);
  }
  return out;
}

/** Whether a pending commit newer than ts wrote into [start, end). */
export function pendingNewer(s: PendingSet, start: Buffer | undefined, end: Buffer | undefined, ts: Timestamp): boolean {
  return s.list.some((p) => compareTimestamps(p.ts, ts) > 0 && spanHasKey(p, start, end));
}

export function addPending(s: PendingSet, p: PendingCommit): void {
  s.list.push(p);
}

export function removePending(s: PendingSet, p: PendingCommit): void {
  const i = s.list.indexOf(p);
  if (i !== -1) s.list.splice(i, 1);
}
