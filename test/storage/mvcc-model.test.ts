// Property test: MVCC on both engines against a simple model (a list of
// versions per key). Random batches of writes and deletes at increasing
// timestamps, reads and scans (both ways, small pages; forward ones also
// through the batch form, visitPage) at random past
// timestamps, GC at random thresholds, exports, and stats after every step;
// once with every value direct in its latest slot, once with most indirect.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Timestamp } from '../../src/util/hlc.js';
import { compareTimestamps } from '../../src/util/hlc.js';
import type { Store } from '../../src/storage/store.js';
import { decodeUserKey, setIndirectThresholdBytesForTesting } from '../../src/storage/mvcc-key.js';
import { engineKinds, withStore } from '../support/stores.js';

interface Version {
  ts: Timestamp;
  value: Buffer | null;
}
type Model = Map<string, Version[]>; // hex key -> versions, newest first

const keyArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0x41, 0x42, 0xff), { minLength: 1, maxLength: 3 })
  .map((a) => Buffer.from(a));
const valueArb = fc.option(fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a)), { nil: null, freq: 3 });

type Op =
  | { kind: 'write'; writes: { key: Buffer; value: Buffer | null }[]; advanceNs: number; logical: number }
  | { kind: 'get'; key: Buffer; back: number }
  | { kind: 'scan'; start: Buffer | null; end: Buffer | null; reverse: boolean; page: number; back: number }
  | { kind: 'gc'; back: number }
  | { kind: 'export'; back: number; window: number; allRevisions: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), writes: fc.array(fc.record({ key: keyArb, value: valueArb }), { minLength: 1, maxLength: 4 }), advanceNs: fc.integer({ min: 0, max: 3 }), logical: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), key: keyArb, back: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('scan' as const), start: fc.option(keyArb, { nil: null }), end: fc.option(keyArb, { nil: null }), reverse: fc.boolean(), page: fc.integer({ min: 1, max: 3 }), back: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gc' as const), back: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('export' as const), back: fc.integer({ min: 0, max: 12 }), window: fc.integer({ min: 0, max: 12 }), allRevisions: fc.boolean() }) },
);

const gcStart = Buffer.from([0x00]);
const gcEnd = Buffer.from([0xff, 0xff, 0xff, 0xff]);

function visibleAt(versions: Version[] | undefined, ts: Timestamp): Version | undefined {
  return versions?.find((v) => compareTimestamps(v.ts, ts) <= 0);
}

function modelStats(m: Model) {
  const s = { liveBytes: 0, liveCount: 0, keyCount: 0, valCount: 0, totalBytes: 0 };
  for (const [hex, versions] of m) {
    if (versions.length === 0) continue;
    const klen = hex.length / 2;
    s.keyCount++;
    for (const v of versions) {
      s.valCount++;
      s.totalBytes += klen + 12 + (v.value ? v.value.length : 0);
    }
    if (versions[0]!.value) {
      s.liveCount++;
      s.liveBytes += klen + 12 + versions[0]!.value.length;
    }
  }
  return s;
}

function modelGc(m: Model, threshold: Timestamp): void {
  for (const [hex, versions] of m) {
    const keep = versions.findIndex((v) => compareTimestamps(v.ts, threshold) <= 0);
    if (keep === -1) continue;
    const from = versions[keep]!.value === null ? keep : keep + 1;
    versions.splice(from);
    if (versions.length === 0) m.delete(hex);
  }
}

function inRange(k: Buffer, start: Buffer | null, end: Buffer | null): boolean {
  return (!start || Buffer.compare(k, start) >= 0) && (!end || Buffer.compare(k, end) < 0);
}

async function runOps(store: Store, ops: Op[]): Promise<void> {
  const model: Model = new Map();
  const history: Timestamp[] = [{ wall: 1000n, logical: 0 }];
  let gcThreshold: Timestamp | null = null;
  let now: Timestamp = history[0]!;
  const pastTs = (back: number): Timestamp => history[Math.max(0, history.length - 1 - back)]!;
  const tooOld = (ts: Timestamp): boolean => gcThreshold !== null && compareTimestamps(ts, gcThreshold) <= 0;

  for (const op of ops) {
    if (op.kind === 'write') {
      now = { wall: now.wall + BigInt(op.advanceNs) + (op.advanceNs === 0 && op.logical === 0 ? 1n : 0n), logical: op.advanceNs === 0 ? now.logical + op.logical : op.logical };
      history.push(now);
      const dedup = new Map<string, { key: Buffer; value: Buffer | null }>();
      for (const w of op.writes) dedup.set(w.key.toString('hex'), w);
      await store.commit([...dedup.values()], now);
      for (const [hex, w] of dedup) {
        const versions = model.get(hex) ?? [];
        if (w.value === null && (versions.length === 0 || versions[0]!.value === null)) continue;
        versions.unshift({ ts: now, value: w.value });
        model.set(hex, versions);
      }
    } else if (op.kind === 'get') {
      const ts = pastTs(op.back);
      if (tooOld(ts)) {
        assert.throws(() => store.get(op.key, ts), /must be after replica GC threshold/);
        continue;
      }
      const got = store.get(op.key, ts);
      const want = visibleAt(model.get(op.key.toString('hex')), ts);
      assert.deepEqual(got?.value ?? null, want?.value ?? null, `get ${op.key.toString('hex')} at ${ts.wall}`);
    } else if (op.kind === 'scan') {
      const ts = pastTs(op.back);
      if (tooOld(ts)) continue;
      const rows: string[] = [];
      let span: { start?: Buffer | undefined; end?: Buffer | undefined } | undefined = { start: op.start ?? undefined, end: op.end ?? undefined };
      for (let guard = 0; span && guard < 1000; guard++) {
        const page = store.scanPage({ start: span.start, end: span.end, ts, reverse: op.reverse, maxRows: op.page });
        assert.ok(page.rows.length <= op.page);
        for (const r of page.rows) rows.push(`${r.key.toString('hex')}=${r.value.toString('hex')}`);
        span = page.resume;
      }
      const want: string[] = [];
      const sortedKeys = [...model.keys()].sort((a, c) => Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(c, 'hex')));
      for (const hex of sortedKeys) {
        const v = visibleAt(model.get(hex), ts);
        if (v?.value && inRange(Buffer.from(hex, 'hex'), op.start, op.end)) want.push(`${hex}=${v.value.toString('hex')}`);
      }
      if (op.reverse) want.reverse();
      assert.deepEqual(rows, want, `scan at ${ts.wall}`);
      if (!op.reverse) {
        // The batch form (visitPage) sees the same rows, pages and resume spans.
        const visited: string[] = [];
        let vspan: { start?: Buffer | undefined; end?: Buffer | undefined } | undefined = { start: op.start ?? undefined, end: op.end ?? undefined };
        for (let guard = 0; vspan && guard < 1000; guard++) {
          const page = store.visitPage({ start: vspan.start, end: vspan.end, ts, maxRows: op.page }, (k, v, at) => {
            visited.push(`${decodeUserKey(k).toString('hex')}=${v.subarray(at).toString('hex')}`);
          });
          assert.ok(page.rows <= op.page);
          vspan = page.resume;
        }
        assert.deepEqual(visited, want, `visitPage at ${ts.wall}`);
      }
    } else if (op.kind === 'gc') {
      const t = pastTs(op.back);
      const res = await store.gc(gcStart, gcEnd, t);
      if (!gcThreshold || compareTimestamps(t, gcThreshold) > 0) gcThreshold = t;
      modelGc(model, res.threshold);
    } else {
      const endTs = pastTs(op.back);
      const startIdx = history.length - 1 - op.back - op.window;
      const startTs = op.window > 0 && startIdx >= 0 ? history[startIdx] : undefined;
      if (tooOld(startTs ?? endTs)) continue;
      const got: string[] = [];
      let from: Buffer | undefined;
      for (let guard = 0; guard < 1000; guard++) {
        const page = store.exportPage({ start: from, end: undefined, startTs, endTs, allRevisions: op.allRevisions, maxKeys: 2 });
        for (const e of page.entries) got.push(`${e.key.toString('hex')}@${e.ts.wall}.${e.ts.logical}=${e.value?.toString('hex') ?? 'del'}`);
        from = page.resume;
        if (!from) break;
      }
      const want: string[] = [];
      const inWindow = (ts: Timestamp) => compareTimestamps(ts, endTs) <= 0 && (!startTs || compareTimestamps(ts, startTs) > 0);
      const sortedKeys = [...model.keys()].sort((a, c) => Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(c, 'hex')));
      for (const hex of sortedKeys) {
        const versions = model.get(hex)!;
        const pick = op.allRevisions ? versions.filter((v) => inWindow(v.ts)) : [visibleAt(versions, endTs)].filter((v): v is Version => !!v && inWindow(v.ts) && (v.value !== null || !!startTs));
        for (const v of pick) want.push(`${hex}@${v.ts.wall}.${v.ts.logical}=${v.value?.toString('hex') ?? 'del'}`);
      }
      assert.deepEqual(got, want, `export (${startTs?.wall}, ${endTs.wall}] all=${op.allRevisions}`);
    }
    assert.deepEqual(store.stats(), modelStats(model), 'stats');
  }
}

for (const kind of engineKinds) {
  test(`${kind}: MVCC matches the model`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        await withStore(kind, (store) => runOps(store, ops));
      }),
      { numRuns: kind === 'memory' ? 1000 : 300 },
    );
  });

  // Values of 3 bytes and up written indirectly (pointer in the latest slot), shorter ones directly:
  // every mix of the two forms across versions, deletes, same-timestamp rewrites, GC and exports.
  test(`${kind}: MVCC matches the model with large values stored indirectly`, async () => {
    setIndirectThresholdBytesForTesting(3);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
          await withStore(kind, (store) => runOps(store, ops));
        }),
        { numRuns: kind === 'memory' ? 1000 : 300 },
      );
    } finally {
      setIndirectThresholdBytesForTesting(undefined);
    }
  });
}
