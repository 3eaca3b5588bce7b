// The foreground-activity counter the BACKUP export worker throttles on:
// busy() turns true when the foreground noted work since the previous look
// (also when noted on another thread through the shared counter) and false
// again once the quiet time has passed without any.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { foregroundCounter, foregroundWatcher, noteForegroundWork } from '../../src/util/foreground-activity.js';

test('busy after foreground work, quiet again after quietMs', async () => {
  const w = foregroundWatcher(foregroundCounter(), 30);
  assert.equal(w.busy(), false, 'nothing noted yet');
  noteForegroundWork();
  assert.equal(w.busy(), true);
  assert.equal(w.busy(), true, 'still within the quiet time');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(w.busy(), false);
});

test('a worker thread sees the counter move', async () => {
  const shared = foregroundCounter();
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const start = Atomics.load(workerData, 0);
    parentPort.postMessage('ready');
    const t0 = Date.now();
    (function poll() {
      if (Atomics.load(workerData, 0) !== start) return parentPort.postMessage('moved');
      if (Date.now() - t0 > 5000) return parentPort.postMessage('timeout');
      setTimeout(poll, 1);
    })();`;
  const worker = new Worker(code, { eval: true, workerData: shared });
  const messages: unknown[] = [];
  let wake: (() => void) | null = null;
  worker.on('message', (m) => {
    messages.push(m);
    wake?.();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((r) => (wake = r));
    return messages.shift();
  };
  assert.equal(await next(), 'ready');
  noteForegroundWork();
  const seen = next();
  assert.equal(await seen, 'moved');
  await worker.terminate();
});
