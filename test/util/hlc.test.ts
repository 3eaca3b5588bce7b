// HLC clock: monotonic, decimal rendering, never backwards across restarts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareTimestamps, newClock, parseDecimalTimestamp, timestampToDebugString, timestampToDecimalString,
} from '../../src/util/hlc.js';
import { openStore } from '../../src/storage/store.js';
import { removeDir, tempDir } from '../support/stores.js';

test('clock is strictly monotonic even when physical time stands still or goes back', () => {
  let physical = 1_000n;
  const clock = newClock({ physicalNowNs: () => physical });
  const a = clock.now();
  const b = clock.now();
  physical = 500n;
  const c = clock.now();
  physical = 2_000n;
  const d = clock.now();
  assert.deepEqual([a, b, c, d], [
    { wall: 1000n, logical: 0 },
    { wall: 1000n, logical: 1 },
    { wall: 1000n, logical: 2 },
    { wall: 2000n, logical: 0 },
  ]);
});

test('clock never passes its persisted ceiling; logical ticks absorb the wait', () => {
  const ceiling = { ceilingNs: 1_500n };
  const clock = newClock({ physicalNowNs: () => 9_999n, ceiling });
  const a = clock.now();
  const b = clock.now();
  assert.deepEqual(a, { wall: 1_499n, logical: 0 });
  assert.deepEqual(b, { wall: 1_499n, logical: 1 });
  ceiling.ceilingNs = 20_000n;
  assert.deepEqual(clock.now(), { wall: 9_999n, logical: 0 });
});

test('decimal rendering matches cluster_logical_timestamp()', () => {
  const ts = { wall: 1600000000123456789n, logical: 3 };
  assert.equal(timestampToDecimalString(ts), '1600000000123456789.0000000003');
  assert.deepEqual(parseDecimalTimestamp('1600000000123456789.0000000003'), ts);
  assert.deepEqual(parseDecimalTimestamp('1600000000123456789'), { wall: 1600000000123456789n, logical: 0 });
  assert.equal(timestampToDebugString(ts), '1600000000.123456789,3');
  assert.throws(() => parseDecimalTimestamp('abc'), /could not parse/);
});

test('a reopened store never hands out a timestamp at or below one handed out before', async () => {
  const dir = tempDir();
  let physical = 5_000_000_000_000n;
  const physicalNowNs = () => physical;
  const s1 = await openStore({ engine: 'lmdb', path: dir, physicalNowNs });
  const before = s1.clock.now();
  await s1.close();
  physical = 1_000_000_000n; // the wall clock jumped back by more than an hour
  const s2 = await openStore({ engine: 'lmdb', path: dir, physicalNowNs });
  const after = s2.clock.now();
  await s2.close();
  removeDir(dir);
  assert.ok(compareTimestamps(after, before) > 0, `${after.wall} should exceed ${before.wall}`);
});
