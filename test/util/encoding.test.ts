// Tests src/util/encoding.ts: known byte layouts, round trips, and the core
// invariant, checked with fast-check for every type in both directions:
// sign(compare(encode(a), encode(b))) === sign(compareValue(a, b)) (negated
// for descending), also for composite keys with NULLs mixed in.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BurrowError } from '../../src/util/errors.js';
import { compareDecimal, normalizeDecimal, parseDecimal, type Decimal } from '../../src/util/decimal.js';
import * as enc from '../../src/util/encoding.js';
import type { EncodingType, KeyReader, KeyWriter } from '../../src/util/encoding.js';

const numRuns = 1000;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
const uint64Max = 2n ** 64n - 1n;

// ------------------------------------------------------------- helpers

function encodeWith(fn: (w: KeyWriter) => void): Buffer {
  const w = enc.newKeyWriter(16);
  fn(w);
  return enc.keyCopy(w);
}

function hex(fn: (w: KeyWriter) => void): string {
  return encodeWith(fn).toString('hex');
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFloat(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0; // -0 equals 0
}

/** Code point order, which is UTF-8 byte order (JS `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return ca[i]! < cb[i]! ? -1 : 1;
  }
  return ca.length - cb.length;
}

/** No lone surrogates (those cannot round-trip through UTF-8). */
function isWellFormed(s: string): boolean {
  return Buffer.from(s, 'utf8').toString('utf8') === s;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

function isBurrowError(code: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof BurrowError, `expected BurrowError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

// ------------------------------------------------------------- codecs

interface Codec<T> {
  name: string;
  type: EncodingType;
  arb: fc.Arbitrary<T>;
  compare: (a: T, b: T) => number;
  /** What decoding gives back (e.g. -0 -> 0, decimals normalized). */
  canonical: (v: T) => unknown;
  encode: [(w: KeyWriter, v: T) => void, (w: KeyWriter, v: T) => void];
  decode: [(r: KeyReader) => unknown, (r: KeyReader) => unknown];
}

type AnyCodec = Codec<unknown>;

function codec<T>(c: Codec<T>): AnyCodec {
  return c as unknown as AnyCodec;
}

const int64Arb = fc.oneof(
  fc.bigInt({ min: int64Min, max: int64Max }),
  fc.bigInt({ min: -70000n, max: 70000n }),
  fc.constantFrom(int64Min, int64Min + 1n, int64Max, int64Max - 1n, 0n, -1n, 1n, 109n, 110n, 255n, 256n, -255n, -256n),
);

const uint64Arb = fc.oneof(
  fc.bigInt({ min: 0n, max: uint64Max }),
  fc.bigInt({ min: 0n, max: 70000n }),
  fc.constantFrom(0n, 1n, 109n, 110n, 255n, 256n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, uint64Max, uint64Max - 1n),
);

const floatArb = fc.oneof(
  fc.double(),
  fc.double({ min: -10, max: 10 }),
  fc.constantFrom(
    -0, 0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
    2.2250738585072014e-308, 2.225073858507201e-308, -2.225073858507201e-308, 3 * Number.MIN_VALUE, 1, -1, 0.5,
  ),
);

const decimalPool: Decimal[] = [
  '0', '0.000', '-0.0', '1', '1.0', '1.00', '-1', '-1.000', '0.1', '0.10', '10', '1e1', '99', '100', '1e2', '0.01',
  '-0.01', '123.456', '123.4560', '-123.456', '9.99', '10.01', '1e-100000', '1e100000', '-1e100000', '-1e-100000',
  '12345678901234567890123456789', '1234567890123456789012345678.9', 'NaN', 'Infinity', '-Infinity',
].map(parseDecimal);

const finiteDecimalArb: fc.Arbitrary<Decimal> = fc
  .record({
    coef: fc.oneof(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: -1000n, max: 1000n })),
    exp: fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -400, max: 400 })),
    extraScale: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ coef, exp, extraScale }) => ({ kind: 'finite', coef: coef * 10n ** BigInt(extraScale), exp: exp - extraScale }));

const decimalArb: fc.Arbitrary<Decimal> = fc.oneof(
  { arbitrary: finiteDecimalArb, weight: 4 },
  { arbitrary: fc.constantFrom(...decimalPool), weight: 2 },
);

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc.array(fc.constantFrom(0x00, 0x01, 0xfe, 0xff, 0x61), { maxLength: 8 }).map((a) => Uint8Array.from(a)),
);

const stringArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }).filter(isWellFormed),
  fc.array(fc.constantFrom('\u0000', 'a', 'b', '\u00ff', 'é', '😀', '\uffff', '\u0001', '\u007f'), { maxLength: 6 })
    .map((parts) => parts.join('')),
);

const timestampMinNs = int64Min * 1_000_000_000n;
const timestampMaxNs = int64Max * 1_000_000_000n + 999_999_999n;
const timestampArb = fc.oneof(
  fc.bigInt({ min: timestampMinNs, max: timestampMaxNs }),
  fc.bigInt({ min: -3_000_000_000n, max: 3_000_000_000n }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(timestampMinNs, timestampMaxNs, 0n, -1n, 1n, 999_999_999n, 1_000_000_000n, -1_000_000_000n),
);

const uuidArb = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.constantFrom(new Uint8Array(16), new Uint8Array(16).fill(0xff)),
);

const codecs: AnyCodec[] = [
  codec<bigint>({
    name: 'int64',
    type: 'int',
    arb: int64Arb,
    compare: compareBig,
    canonical: (v) => v,
    encode: [enc.encodeVarintAscending, enc.encodeVarintDescending],
    decode: [enc.decodeVarintAscending, enc.decodeVarintDescending],
  }),
  codec<bigint>({
    name: 'uvarint',
    type: 'int',
    arb: uint64Arb,
    compare: compareBig,
    canonical: (v) => v,
    encode: [enc.encodeUvarintAscending, enc.encodeUvarintDescending],
    decode: [enc.decodeUvarintAscendingBig, enc.decodeUvarintDescendingBig],
  }),
  codec<number>({
    name: 'float',
    type: 'float',
    arb: floatArb,
    compare: compareFloat,
    canonical: (v) => (v === 0 ? 0 : v),
    encode: [enc.encodeFloatAscending, enc.encodeFloatDescending],
    decode: [enc.decodeFloatAscending, enc.decodeFloatDescending],
  }),
  codec<Decimal>({
    name: 'decimal',
    type: 'decimal',
    arb: decimalArb,
    compare: compareDecimal,
    canonical: normalizeDecimal,
    encode: [enc.encodeDecimalAscending, enc.encodeDecimalDescending],
    decode: [enc.decodeDecimalAscending, enc.decodeDecimalDescending],
  }),
  codec<Uint8Array>({
    name: 'bytes',
    type: 'bytes',
    arb: bytesArb,
    compare: compareBytes,
    canonical: (v) => Buffer.from(v),
    encode: [enc.encodeBytesAscending, enc.encodeBytesDescending],
    decode: [enc.decodeBytesAscending, enc.decodeBytesDescending],
  }),
  codec<string>({
    name: 'string',
    type: 'bytes',
    arb: stringArb,
    compare: compareCodePoints,
    canonical: (v) => v,
    encode: [enc.encodeStringAscending, enc.encodeStringDescending],
    decode: [enc.decodeStringAscending, enc.decodeStringDescending],
  }),
  codec<boolean>({
    name: 'bool',
    type: 'bool',
    arb: fc.boolean(),
    compare: (a, b) => Number(a) - Number(b),
    canonical: (v) => v,
    encode: [enc.encodeBoolAscending, enc.encodeBoolDescending],
    decode: [enc.decodeBoolAscending, enc.decodeBoolDescending],
  }),
  codec<bigint>({
    name: 'timestamp',
    type: 'timestamp',
    arb: timestampArb,
    compare: compareBig,
    canonical: (v) => v,
    encode: [enc.encodeTimestampAscending, enc.encodeTimestampDescending],
    decode: [enc.decodeTimestampAscending, enc.decodeTimestampDescending],
  }),
  codec<Uint8Array>({
    name: 'uuid',
    type: 'uuid',
    arb: uuidArb,
    compare: compareBytes,
    canonical: (v) => Buffer.from(v),
    encode: [enc.encodeUuidAscending, enc.encodeUuidDescending],
    decode: [enc.decodeUuidAscending, enc.decodeUuidDescending],
  }),
];

const directions = [
  { name: 'ascending', index: 0 as const, factor: 1 },
  { name: 'descending', index: 1 as const, factor: -1 },
];

// ------------------------------------------------------ per-type properties

for (const c of codecs) {
  describe(`${c.name} encoding`, () => {
    for (const dir of directions) {
      test(`${dir.name}: byte order matches value order`, () => {
        fc.assert(
          fc.property(c.arb, c.arb, (a, b) => {
            const ea = encodeWith((w) => c.encode[dir.index](w, a));
            const eb = encodeWith((w) => c.encode[dir.index](w, b));
            assert.equal(sign(Buffer.compare(ea, eb)), sign(dir.factor * c.compare(a, b)));
          }),
          { numRuns },
        );
      });

      test(`${dir.name}: round trips after a prefix, and peek/skip agree`, () => {
        fc.assert(
          fc.property(c.arb, fc.integer({ min: 0, max: 300 }), (v, tableId) => {
            const key = encodeWith((w) => {
              enc.appendTableIndexPrefix(w, tableId, 1);
              c.encode[dir.index](w, v);
              enc.encodeNullAscending(w);
            });
            const start = enc.decodeTablePrefix(key).offset;
            assert.equal(enc.peekType(key, start), c.type);
            const r = enc.newKeyReader(key, start);
            assert.deepEqual(c.decode[dir.index](r), c.canonical(v));
            assert.equal(r.offset, key.length - 1);
            assert.equal(enc.skipValue(key, start), key.length - 1);
          }),
          { numRuns },
        );
      });
    }
  });
}

// ------------------------------------------------------- composite keys

interface Column {
  codec: AnyCodec;
  desc: boolean;
}

const columnArb: fc.Arbitrary<Column> = fc.record({ codec: fc.constantFrom(...codecs), desc: fc.boolean() });

function rowArb(columns: Column[]): fc.Arbitrary<unknown[]> {
  return fc.tuple(...columns.map((col) => fc.option(col.codec.arb, { nil: null, freq: 4 })));
}

/** Two rows of one schema; the second copies a random-length prefix of the first so ties happen. */
const rowPairArb = fc
  .array(columnArb, { minLength: 1, maxLength: 5 })
  .chain((columns) =>
    fc.tuple(fc.constant(columns), rowArb(columns), rowArb(columns), fc.integer({ min: 0, max: columns.length })),
  )
  .map(([columns, a, b, shared]) => ({ columns, a, b: [...a.slice(0, shared), ...b.slice(shared)] }));

function encodeRow(columns: Column[], row: unknown[]): Buffer {
  return encodeWith((w) => {
    enc.appendTableIndexPrefix(w, 53, 2);
    columns.forEach((col, i) => {
      const v = row[i];
      if (v === null) {
        if (col.desc) enc.encodeNullDescending(w);
        else enc.encodeNullAscending(w);
      } else {
        col.codec.encode[col.desc ? 1 : 0](w, v);
      }
    });
  });
}

function compareRows(columns: Column[], a: unknown[], b: unknown[]): number {
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i]!;
    const va = a[i];
    const vb = b[i];
    let c: number;
    if (va === null || vb === null) c = va === vb ? 0 : va === null ? -1 : 1;
    else c = sign(col.codec.compare(va, vb));
    if (c !== 0) return col.desc ? -c : c;
  }
  return 0;
}

describe('composite keys', () => {
  test('byte order is lexicographic by component (NULL first asc, last desc)', () => {
    fc.assert(
      fc.property(rowPairArb, ({ columns, a, b }) => {
        const ka = encodeRow(columns, a);
        const kb = encodeRow(columns, b);
        assert.equal(sign(Buffer.compare(ka, kb)), compareRows(columns, a, b));
      }),
      { numRuns },
    );
  });

  test('decode, peek and skip walk every column', () => {
    fc.assert(
      fc.property(rowPairArb, ({ columns, a }) => {
        const key = encodeRow(columns, a);
        const prefix = enc.decodeTablePrefix(key);
        assert.deepEqual([prefix.tableId, prefix.indexId], [53, 2]);
        const r = enc.newKeyReader(key, prefix.offset);
        columns.forEach((col, i) => {
          const at = r.offset;
          const next = enc.skipValue(key, at);
          if (a[i] === null) {
            assert.equal(enc.peekType(key, at), 'null');
            assert.equal(enc.decodeIfNull(r), true);
          } else {
            assert.equal(enc.peekType(key, at), col.codec.type);
            assert.equal(enc.decodeIfNull(r), false);
            assert.deepEqual(col.codec.decode[col.desc ? 1 : 0](r), col.codec.canonical(a[i]));
          }
          assert.equal(r.offset, next);
        });
        assert.equal(r.offset, key.length);
      }),
      { numRuns },
    );
  });

  test('a table span holds exactly the keys with its prefix', () => {
    fc.assert(
      fc.property(rowPairArb, fc.integer({ min: 0, max: 70000 }), ({ columns, a }, otherTable) => {
        const key = encodeRow(columns, a);
        const start = enc.tablePrefix(53);
        const end = enc.prefixEnd(start);
        assert.ok(Buffer.compare(start, key) <= 0 && Buffer.compare(key, end) < 0);
        const other = enc.tablePrefix(otherTable);
        const inside = Buffer.compare(start, other) <= 0 && Buffer.compare(other, end) < 0;
        assert.equal(inside, otherTable === 53);
      }),
      { numRuns },
    );
  });
});

// ------------------------------------------------------- known encodings

describe('known encodings', () => {
  test('uvarint matches CockroachDB', () => {
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 0)), '88');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 109)), 'f5');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 110)), 'f66e');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 255)), 'f6ff');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 256)), 'f70100');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, uint64Max)), 'fdffffffffffffffff');
    assert.equal(hex((w) => enc.encodeUvarintDescending(w, 0)), '88');
    assert.equal(hex((w) => enc.encodeUvarintDescending(w, 1)), '87fe');
    assert.equal(hex((w) => enc.encodeUvarintDescending(w, 256)), '86feff');
  });

  test('signed varint matches CockroachDB', () => {
    assert.equal(hex((w) => enc.encodeVarintAscending(w, -1)), '87ff');
    assert.equal(hex((w) => enc.encodeVarintAscending(w, -255)), '8701');
    assert.equal(hex((w) => enc.encodeVarintAscending(w, -256)), '86ff00');
    assert.equal(hex((w) => enc.encodeVarintAscending(w, int64Min)), '808000000000000000');
    assert.equal(hex((w) => enc.encodeVarintAscending(w, int64Max)), 'fd7fffffffffffffff');
    assert.equal(hex((w) => enc.encodeVarintDescending(w, 0)), '87ff');
    assert.equal(hex((w) => enc.encodeVarintDescending(w, -1)), '88');
  });

  test('number and bigint inputs encode identically', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer()), (n) => {
        for (const [encode, name] of [
          [enc.encodeVarintAscending, 'asc'],
          [enc.encodeVarintDescending, 'desc'],
        ] as const) {
          assert.deepEqual(encodeWith((w) => encode(w, n)), encodeWith((w) => encode(w, BigInt(n))), name);
        }
        if (n >= 0) {
          const key = encodeWith((w) => enc.encodeUvarintAscending(w, n));
          assert.deepEqual(key, encodeWith((w) => enc.encodeUvarintAscending(w, BigInt(n))));
          assert.equal(enc.decodeUvarintAscending(enc.newKeyReader(key)), n);
          const desc = encodeWith((w) => enc.encodeUvarintDescending(w, n));
          assert.equal(enc.decodeUvarintDescending(enc.newKeyReader(desc)), n);
        }
      }),
      { numRuns },
    );
    // Integer doubles beyond 2^53 and -2^63 itself are accepted too.
    assert.equal(hex((w) => enc.encodeVarintAscending(w, -(2 ** 63))), '808000000000000000');
    assert.equal(hex((w) => enc.encodeVarintDescending(w, -(2 ** 63))), 'fd7fffffffffffffff');
    assert.equal(hex((w) => enc.encodeUvarintAscending(w, 2 ** 60)), 'fd1000000000000000');
  });

  test('table prefixes match CockroachDB (/Table/52/1 = \\xbc\\x89)', () => {
    assert.equal(enc.encodeTableIndexPrefix(52, 1).toString('hex'), 'bc89');
    assert.equal(enc.tablePrefix(52).toString('hex'), 'bc');
    assert.equal(enc.tablePrefix(1000).toString('hex'), 'f703e8');
    assert.deepEqual(enc.decodeTablePrefix(Buffer.from('f703e8898a', 'hex')), { tableId: 1000, indexId: 1, offset: 4 });
  });

  test('bytes escape 0x00 and terminate with 0x00 0x01; descending complements', () => {
    assert.equal(hex((w) => enc.encodeStringAscending(w, 'a\u0000b')), '126100ff620001');
    assert.equal(hex((w) => enc.encodeStringDescending(w, 'a\u0000b')), '139eff009dfffe');
    assert.equal(hex((w) => enc.encodeBytesAscending(w, new Uint8Array())), '120001');
    assert.equal(hex((w) => enc.encodeStringAscending(w, '')), '120001');
    assert.equal(hex((w) => enc.encodeStringAscending(w, 'é')), '12c3a90001');
  });

  test('floats: NaN first, ±0 share one encoding and decode as +0', () => {
    assert.equal(hex((w) => enc.encodeFloatAscending(w, NaN)), '02');
    assert.equal(hex((w) => enc.encodeFloatAscending(w, -0)), '04');
    assert.equal(hex((w) => enc.encodeFloatAscending(w, 0)), '04');
    assert.equal(hex((w) => enc.encodeFloatAscending(w, 1)), '053ff0000000000000');
    assert.equal(hex((w) => enc.encodeFloatAscending(w, -1)), '03400fffffffffffff');
    assert.equal(hex((w) => enc.encodeFloatDescending(w, NaN)), '06');
    assert.equal(hex((w) => enc.encodeFloatDescending(w, 1)), '03400fffffffffffff');
    for (const decode of [enc.decodeFloatAscending, enc.decodeFloatDescending]) {
      assert.ok(Object.is(decode(enc.newKeyReader(Buffer.from([0x04]))), 0));
    }
  });

  test('decimals: equal values encode identically, layout as documented', () => {
    const d = (s: string) => hex((w) => enc.encodeDecimalAscending(w, parseDecimal(s)));
    assert.equal(d('1'), '1c8914'); // E=1, pair 10 last -> 20
    assert.equal(d('1.00'), d('1'));
    assert.equal(d('100'), d('1e2'));
    assert.equal(d('0.000'), '1b');
    assert.equal(d('-1'), '1a87ffeb'); // varint(-1), ~20
    assert.equal(d('123.456'), '1c8b194570'); // E=3, pairs 12 34 56
    assert.equal(d('NaN'), '18');
    assert.equal(d('-Infinity'), '19');
    assert.equal(d('Infinity'), '1d');
    assert.equal(hex((w) => enc.encodeDecimalDescending(w, parseDecimal('NaN'))), '1e');
    assert.equal(hex((w) => enc.encodeDecimalDescending(w, parseDecimal('1'))), d('-1'));
  });

  test('bool, timestamp, UUID and NULL markers', () => {
    assert.equal(hex((w) => enc.encodeBoolAscending(w, false)), '20');
    assert.equal(hex((w) => enc.encodeBoolAscending(w, true)), '21');
    assert.equal(hex((w) => enc.encodeBoolDescending(w, true)), '22');
    assert.equal(hex((w) => enc.encodeBoolDescending(w, false)), '23');
    assert.equal(hex((w) => enc.encodeTimestampAscending(w, -1n)), '1487ff' + 'f93b9ac9ff'); // -1 s, 999999999 ns
    assert.equal(hex((w) => enc.encodeTimestampAscending(w, 1_500_000_000n)), '1489' + 'f91dcd6500');
    assert.equal(hex((w) => enc.encodeUuidAscending(w, new Uint8Array(16).fill(0xff))), '30' + 'ff'.repeat(16));
    assert.equal(hex((w) => enc.encodeUuidDescending(w, new Uint8Array(16).fill(0xff))), '31' + '00'.repeat(16));
    assert.equal(hex(enc.encodeNullAscending), '00');
    assert.equal(hex(enc.encodeNullDescending), 'ff');
  });
});

// ----------------------------------------------------- spans and writer

describe('prefixEnd', () => {
  test('increments the last non-0xff byte and drops trailing 0xff', () => {
    const pe = (h: string) => enc.prefixEnd(Buffer.from(h, 'hex')).toString('hex');
    assert.equal(pe('0102'), '0103');
    assert.equal(pe('01ffff'), '02');
    assert.equal(pe('01feff'), '01ff');
    assert.equal(pe('ffff'), 'ffff'); // no greater key: returned unchanged, as CockroachDB does
    assert.equal(pe(''), '');
  });

  test('every extension of a prefix sorts below prefixEnd', () => {
    fc.assert(
      fc.property(bytesArb, bytesArb, (prefix, suffix) => {
        fc.pre(prefix.some((b) => b !== 0xff));
        const end = enc.prefixEnd(prefix);
        const extended = Buffer.concat([prefix, suffix]);
        assert.ok(Buffer.compare(extended, end) < 0);
        assert.ok(Buffer.compare(Buffer.from(prefix), end) < 0);
      }),
      { numRuns },
    );
  });
});

describe('KeyWriter', () => {
  test('grows, resets to a prefix, and views share memory until the next write', () => {
    const w = enc.newKeyWriter(1);
    enc.appendTableIndexPrefix(w, 60, 1);
    const prefixLength = w.end;
    const long = 'x\u0000'.repeat(500);
    enc.encodeStringAscending(w, long);
    assert.equal(w.end, prefixLength + 1 + 500 * 3 + 2);
    const r = enc.newKeyReader(enc.keyView(w), prefixLength);
    assert.equal(enc.decodeStringAscending(r), long);
    enc.resetKeyWriter(w, prefixLength);
    enc.encodeVarintAscending(w, 7);
    assert.equal(enc.keyCopy(w).toString('hex'), 'c4898f');
    assert.throws(() => enc.resetKeyWriter(w, 99), isBurrowError('XX000'));
    enc.appendRaw(w, Buffer.from([0xab]));
    assert.equal(enc.keyView(w).toString('hex'), 'c4898fab');
  });
});

// --------------------------------------------------------------- errors

describe('errors', () => {
  test('out-of-range inputs are rejected with SQLSTATE codes', () => {
    const w = enc.newKeyWriter();
    assert.throws(() => enc.encodeVarintAscending(w, int64Max + 1n), isBurrowError('22003'));
    assert.throws(() => enc.encodeVarintDescending(w, int64Min - 1n), isBurrowError('22003'));
    assert.throws(() => enc.encodeVarintAscending(w, 2 ** 63), isBurrowError('22003'));
    assert.throws(() => enc.encodeUvarintAscending(w, -1), isBurrowError('22003'));
    assert.throws(() => enc.encodeUvarintAscending(w, uint64Max + 1n), isBurrowError('22003'));
    assert.throws(() => enc.encodeUvarintAscending(w, 1.5), isBurrowError('XX000'));
    assert.throws(() => enc.encodeTimestampAscending(w, timestampMaxNs + 1n), isBurrowError('22008'));
    assert.throws(() => enc.encodeTimestampDescending(w, timestampMinNs - 1n), isBurrowError('22008'));
    assert.throws(() => enc.encodeUuidAscending(w, new Uint8Array(15)), isBurrowError('XX000'));
  });

  test('every truncation of a valid encoding fails with XX001, never reads past the end', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codecs), fc.boolean(), fc.nat(), (c, desc, seed) => {
        const value = fc.sample(c.arb, { seed, numRuns: 1 })[0];
        const key = encodeWith((w) => c.encode[desc ? 1 : 0](w, value));
        for (let cut = 0; cut < key.length; cut++) {
          const part = key.subarray(0, cut);
          assert.throws(() => c.decode[desc ? 1 : 0](enc.newKeyReader(part)), isBurrowError('XX001'));
          if (cut > 0) assert.throws(() => enc.skipValue(part, 0), isBurrowError('XX001'));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('wrong markers and corrupt bodies fail with XX001', () => {
    const r = (h: string) => enc.newKeyReader(Buffer.from(h, 'hex'));
    assert.throws(() => enc.decodeVarintAscending(r('12')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeFloatAscending(r('06')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeFloatDescending(r('02')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeBytesAscending(r('13')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeBytesAscending(r('120002')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeDecimalAscending(r('1c8900')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeDecimalAscending(r('1c89ff')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeBoolAscending(r('22')), isBurrowError('XX001'));
    assert.throws(() => enc.decodeUvarintAscending(r('fd0020000000000000')), isBurrowError('XX001'));
    assert.equal(enc.decodeUvarintAscendingBig(r('fd0020000000000000')), 2n ** 53n);
    assert.throws(() => enc.peekType(Buffer.from([0x01]), 0), isBurrowError('XX001'));
    assert.throws(() => enc.peekType(Buffer.from([]), 0), isBurrowError('XX001'));
    assert.throws(() => enc.decodeTablePrefix(Buffer.from('bc', 'hex')), isBurrowError('XX001'));
  });
});
