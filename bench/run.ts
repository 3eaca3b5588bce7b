// Owns the benchmark command line: `node dist/bench/run.js [--check] [<suite>...]`
// (no suite names: every registered suite). Runs the suites in order, prints
// a table per suite and writes bench/results/<suite>.json. Each suite is
// bounded by its maxDurationMs; past it the run aborts (temp dirs removed).
// --check exits 1 when a ratio misses its target.
//
// Suites register in `suites` below and are loaded only when run.

import { formatTable, passes, removeAllTempDirs, writeResults, type BenchResult, type Suite } from './harness.js';

const suites = new Map<string, () => Promise<Suite>>([
  ['storage', async () => (await import('./storage.js')).storageSuite],
  ['sql', async () => (await import('./sql.js')).sqlSuite],
  ['pgwire', async () => (await import('./pgwire.js')).pgwireSuite],
  ['userfile', async () => (await import('./userfile.js')).userfileSuite],
  ['backup', async () => (await import('./backup.js')).backupSuite],
]);

function usage(): string {
  return `usage: node dist/bench/run.js [--check] [<suite>...]\nsuites: ${[...suites.keys()].join(', ')}`;
}

async function runSuite(suite: Suite): Promise<BenchResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`suite ${suite.name} exceeded its bound of ${Math.round(suite.maxDurationMs / 1000)} s`)),
      suite.maxDurationMs,
    );
  });
  try {
    return await Promise.race([suite.run(), watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(usage());
    return 0;
  }
  const check = argv.includes('--check');
  const names = argv.filter((a) => !a.startsWith('-'));
  const chosen = names.length > 0 ? names : [...suites.keys()];
  const unknown = chosen.filter((n) => !suites.has(n));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}\n${usage()}`);
    return 2;
  }
  let missed = 0;
  for (const name of chosen) {
    const suite = await suites.get(name)!();
    console.log(`== ${suite.name}: ${suite.description}`);
    const startedMs = performance.now();
    const results = await runSuite(suite);
    const file = writeResults(suite.name, results);
    console.log('');
    console.log(formatTable(suite.name, results));
    console.log(`(${((performance.now() - startedMs) / 1000).toFixed(0)} s; written to ${file})\n`);
    missed += results.filter((r) => !passes(r)).length;
  }
  if (missed > 0) console.log(`${missed} result(s) below target`);
  return check && missed > 0 ? 1 : 0;
}

process.on('exit', removeAllTempDirs);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    removeAllTempDirs();
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Open stores or timers of an aborted suite must not keep the process alive.
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
