// Owns the text forms of cluster-setting values that CockroachDB shares with
// Go: durations as Go's time.Duration prints them ("3s", "1m0s", "336h0m0s",
// "1.5ms") and byte sizes as go-humanize parses ("64MB", "10Mib", "1 GiB")
// and prints them in binary units ("128 MiB", "1.0 TiB", "0 B").
//
// Invariants: pure functions over bigint nanoseconds / bigint bytes; no I/O.

import { BurrowError } from '../../util/errors.js';

const nsPerMicro = 1_000n;
const nsPerMilli = 1_000_000n;
const nsPerSecond = 1_000_000_000n;

/** Digits of `frac` (of `digits` places) with trailing zeros removed, prefixed by '.'; '' when zero. */
function fraction(frac: bigint, digits: number): string {
  if (frac === 0n) return '';
  return '.' + frac.toString().padStart(digits, '0').replace(/0+$/, '');
}

/** Go's time.Duration.String() for a duration in nanoseconds. */
export function formatGoDuration(ns: bigint): string {
  if (ns < 0n) return '-' + formatGoDuration(-ns);
  if (ns === 0n) return '0s';
  if (ns < nsPerMicro) return `${ns}ns`;
  if (ns < nsPerMilli) return `${ns / nsPerMicro}${fraction(ns % nsPerMicro, 3)}µs`;
  if (ns < nsPerSecond) return `${ns / nsPerMilli}${fraction(ns % nsPerMilli, 6)}ms`;
  const secs = ns / nsPerSecond;
  const s = `${secs % 60n}${fraction(ns % nsPerSecond, 9)}s`;
  const mins = secs / 60n;
  if (mins === 0n) return s;
  const hours = mins / 60n;
  return hours === 0n ? `${mins % 60n}m${s}` : `${hours}h${mins % 60n}m${s}`;
}

const goUnitsNs: Record<string, bigint> = {
  ns: 1n, us: nsPerMicro, 'µs': nsPerMicro, 'μs': nsPerMicro, ms: nsPerMilli, s: nsPerSecond,
  m: 60n * nsPerSecond, h: 3600n * nsPerSecond,
};

/** Parses Go's duration syntax ("1h30m", "1.5s", "300ms"); undefined when the text is not one. */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text.trim());
  if (!m) return undefined;
  let total = 0n;
  for (const part of text.trim().replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [whole, frac = ''] = part[1]!.split('.');
    const unit = goUnitsNs[part[2]!]!;
    total += BigInt(whole || '0') * unit;
    if (frac) total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
  }
  return m[1] === '-' ? -total : total;
}

const byteUnits: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
  p: 1e15, pb: 1e15, pi: 1024 ** 5, pib: 1024 ** 5,
  e: 1e18, eb: 1e18, ei: 1024 ** 6, eib: 1024 ** 6,
};

/** CockroachDB's humanizeutil.ParseBytes: "64MB", "10Mib", "1,000", "-1 KiB". */
export function parseByteSize(text: string): bigint {
  const negative = text.startsWith('-');
  const s = negative ? text.slice(1) : text;
  const m = /^([\d.,]*)(.*)$/.exec(s)!;
  const num = Number(m[1]!.replace(/,/g, ''));
  if (m[1] === '' || !Number.isFinite(num)) {
    throw new BurrowError('XXUUU', `strconv.ParseFloat: parsing "${m[1]}": invalid syntax`);
  }
  const unit = m[2]!.trim().toLowerCase();
  const mult = byteUnits[unit];
  if (mult === undefined) throw new BurrowError('XXUUU', `unhandled size name: ${unit}`);
  const bytes = BigInt(Math.trunc(num * mult));
  return negative ? -bytes : bytes;
}

const binarySuffixes = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** go-humanize's IBytes as CockroachDB prints byte sizes: "0 B", "128 MiB", "1.0 TiB". */
export function formatByteSize(bytes: bigint): string {
  if (bytes < 0n) return '-' + formatByteSize(-bytes);
  if (bytes < 10n) return `${bytes} B`;
  const n = Number(bytes);
  const e = Math.floor(Math.log(n) / Math.log(1024));
  const val = Math.floor((n / 1024 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)} ${binarySuffixes[e]}`;
}
