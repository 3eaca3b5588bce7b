// Owns the benchmark harness: the suite and result types, paired
// interleaved measurement (ours vs a reference, A B A B ..., medians),
// duration bounds, temp directories under os.tmpdir() (removed afterwards,
// even on a hard exit), the printed table and bench/results/<suite>.json.
//
// Every figure here is a rate (ops, rows or commits per second, higher is
// better); ratio = ours / reference and passes when ratio >= target.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectGarbage } from '../src/util/full-gc.js';

/** One line of bench/results/<suite>.json; field order is the file's. */
export interface BenchResult {
  name: string;
  unit: string;
  /** Our figure. */
  value: number;
  /** What we are compared against, e.g. "raw lmdb getBinary". */
  reference: string;
  /** The reference's figure, measured in the same run. */
  referenceValue: number;
  /** value / referenceValue. */
  ratio: number;
  /** The figure for ratio. */
  target: number;
}

export interface SuiteFile {
  suite: string;
  results: BenchResult[];
}

export interface Suite {
  name: string;
  /** One line for `run.ts --help` and the README. */
  description: string;
  /** Hard bound on the whole suite; the runner aborts past it. */
  maxDurationMs: number;
  run(): Promise<BenchResult[]>;
}

/** Work done by one timed run: `ops` units (rows, gets, commits) in durationMs. */
export interface Sample {
  ops: number;
  durationMs: number;
}

export interface RunContext {
  /** A short, untimed-for-results run that warms code paths and caches. */
  warmup: boolean;
  /** 0-based measured round (-1 for warm-up). */
  round: number;
  /** Runners stop early once this is true and report the work done so far. */
  deadline: Deadline;
}

export type Runner = (ctx: RunContext) => Promise<Sample>;

export interface PairSpec {
  name: string;
  unit: string;
  reference: string;
  target: number;
  ours: Runner;
  ref: Runner;
  /** Measured rounds (each runs ours then the reference); at least 3. */
  rounds?: number;
  /** Bound on each single run (warm-up included). */
  maxRunMs: number;
  /** Print per-round figures as they come. */
  log?: (line: string) => void;
}

export interface Deadline {
  expired(): boolean;
  remainingMs(): number;
}

export function deadlineIn(ms: number): Deadline {
  const end = performance.now() + ms;
  return {
    expired: () => performance.now() >= end,
    remainingMs: () => Math.max(0, end - performance.now()),
  };
}

export const minRounds = 3;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function ratePerSecond(s: Sample): number {
  return s.durationMs > 0 ? (s.ops * 1000) / s.durationMs : NaN;
}

/** Times fn and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; durationMs: number }> {
  const t0 = performance.now();
  const result = await fn();
  return { result, durationMs: performance.now() - t0 };
}

function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(2);
}

/**
 * Warms both sides up once, then runs ours and the reference alternately
 * (A B A B ...) for `rounds` rounds and reports the median rate of each.
 */
export async function measurePair(spec: PairSpec): Promise<BenchResult> {
  const rounds = Math.max(minRounds, spec.rounds ?? minRounds);
  const log = spec.log ?? (() => {});
  const run = async (runner: Runner, warmup: boolean, round: number): Promise<Sample> => {
    // A full collection first, so one run's garbage is not collected on the next one's clock.
    collectGarbage();
    const s = await runner({ warmup, round, deadline: deadlineIn(spec.maxRunMs) });
    if (!(s.ops > 0) || !(s.durationMs > 0)) throw new Error(`${spec.name}: a run did no measurable work (${s.ops} ops in ${s.durationMs} ms)`);
    return s;
  };
  await run(spec.ours, true, -1);
  await run(spec.ref, true, -1);
  const oursRates: number[] = [];
  const refRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = await run(spec.ours, false, round);
    const b = await run(spec.ref, false, round);
    oursRates.push(ratePerSecond(a));
    refRates.push(ratePerSecond(b));
    log(
      `  ${spec.name} round ${round + 1}/${rounds}: ours ${formatRate(ratePerSecond(a))} ${spec.unit} ` +
        `(${a.ops} in ${a.durationMs.toFixed(0)} ms), reference ${formatRate(ratePerSecond(b))} ${spec.unit} ` +
        `(${b.ops} in ${b.durationMs.toFixed(0)} ms)`,
    );
  }
  const value = median(oursRates);
  const referenceValue = median(refRates);
  return {
    name: spec.name,
    unit: spec.unit,
    value: round3(value),
    reference: spec.reference,
    referenceValue: round3(referenceValue),
    ratio: round3(value / referenceValue),
    target: spec.target,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---- temp directories ----

const liveTempDirs = new Set<string>();

/** A fresh directory under os.tmpdir(); removed by removeTempDir or at process exit. */
export function makeTempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `burrow-bench-${label}-`));
  liveTempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  liveTempDirs.delete(dir);
}

export async function withTempDir<T>(label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(label);
  try {
    return await fn(dir);
  } finally {
    removeTempDir(dir);
  }
}

/** Removes every temp dir still alive (called on exit, including aborts). */
export function removeAllTempDirs(): void {
  for (const dir of [...liveTempDirs]) {
    try {
      removeTempDir(dir);
    } catch {
      // best effort at exit
    }
  }
}

// ---- output ----

/** <repo>/bench/results, found from this file's location (works from dist/bench or bench). */
export function resultsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'bench', 'results');
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json) above the benchmark');
    dir = up;
  }
}

export function writeResults(suite: string, results: readonly BenchResult[]): string {
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  const out: SuiteFile = {
    suite,
    results: results.map((r) => ({
      name: r.name,
      unit: r.unit,
      value: r.value,
      reference: r.reference,
      referenceValue: r.referenceValue,
      ratio: r.ratio,
      target: r.target,
    })),
  };
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return file;
}

export function passes(r: BenchResult): boolean {
  return r.ratio >= r.target;
}

export function formatTable(suite: string, results: readonly BenchResult[]): string {
  const header = ['name', 'ours', 'reference', 'ratio', 'target', 'ok?'];
  const rows = results.map((r) => [
    r.name,
    `${formatRate(r.value)} ${r.unit}`,
    `${formatRate(r.referenceValue)} ${r.unit} (${r.reference})`,
    r.ratio.toFixed(2),
    `>= ${r.target}`,
    passes(r) ? 'ok' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [
    `suite: ${suite}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
