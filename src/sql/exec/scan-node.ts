// Owns reading a table: a scan of one index over a list of key spans
// (computed at run time from constraint values, so placeholders work), a
// point lookup when the whole primary key is fixed, and an index join back
// to the primary index when a secondary index does not cover the needed
// columns. Rows come out in table column order.
//
// Batch form (ColumnScan.columnVisitor): a forward, unlimited primary-index
// scan can instead hand each row's value bytes, with the positions of the
// wanted columns' payloads, to a callback: no row, key or value object per
// row (kv scanVisit underneath). Aggregation without GROUP BY uses it.

import * as enc from '../../util/encoding.js';
import type { Datum, Row } from '../types/datum.js';
import type { TableDesc } from '../catalog/descriptor.js';
import {
  decodePrimaryRow, decodeSecondaryRow, primaryKey, tableLayout, valueColumnLocator, type IndexLayout, type TableLayout,
} from '../rowenc/table-codec.js';
import { encodeKeyDatum } from '../rowenc/key-codec.js';
import { batchRows, checkpoint, evalExpr, type CExpr, type ExecCtx, type OutCol, type RelNode } from '../plan/types.js';

/** Constraints on an index's leading columns: equality value lists, then an optional range. */
export interface IndexConstraint {
  /** One list of alternatives per leading equality column (IN lists give several). */
  eq: CExpr[][];
  range: { lo: CExpr | null; loInclusive: boolean; hi: CExpr | null; hiInclusive: boolean } | null;
}

export interface ScanSpec {
  desc: TableDesc;
  alias: string;
  /** 0 = primary index, otherwise the secondary's position + 1. */
  indexPos: number;
  constraint: IndexConstraint;
  reverse: boolean;
  /** Stop after this many rows (a LIMIT directly above with no filter between). */
  limitHint: number | null;
  /** The secondary index holds every column the query needs. */
  covering: boolean;
  /** An index hint (`t@idx`, `t@{FORCE_INDEX=idx}`) fixed indexPos: index selection keeps it. */
  forced?: boolean;
  /** Column ordinals the query reads (filled while planning); undefined = all. Others are left NULL. */
  needed?: Set<number>;
}

/**
 * One row of a column visit: the row's value bytes are buf, and pos[i] is
 * where the payload of the i-th wanted column starts in buf (decode it with
 * value-codec), or -1 when that column is NULL. Valid during the call only.
 */
export type ColumnVisitor = (buf: Buffer, pos: Int32Array) => void;

export interface ColumnScan {
  /**
   * A batch form of run() reading table columns ords (ordinals, all
   * non-key columns of the primary index): visits every row the scan would
   * produce, in the same order. null when this scan cannot (point lookup,
   * secondary index, reverse, limit, or a key column among ords).
   */
  columnVisitor(ords: readonly number[]): ((ctx: ExecCtx, visit: ColumnVisitor) => Promise<void>) | null;
}

/** Rows per storage page in column visits (between pages: pending-commit waits, checkpoint). */
const visitPageRows = 16_384;

function indexOf(l: TableLayout, pos: number): IndexLayout {
  return pos === 0 ? l.primary : l.secondaries[pos - 1]!;
}

function cartesian(lists: Datum[][]): Datum[][] {
  let out: Datum[][] = [[]];
  for (const list of lists) {
    const next: Datum[][] = [];
    for (const prefix of out) for (const v of list) next.push([...prefix, v]);
    out = next;
    if (out.length > 10_000) break;
  }
  return out;
}

interface Span {
  start: Buffer;
  end: Buffer;
}

async function computeSpans(l: TableLayout, ix: IndexLayout, c: IndexConstraint, ctx: ExecCtx): Promise<Span[] | 'empty'> {
  const eqValues: Datum[][] = [];
  for (const alts of c.eq) {
    const vs: Datum[] = [];
    for (const e of alts) {
      const v = await evalExpr(e, [], ctx);
      if (v !== null) vs.push(v); // col = NULL matches nothing
    }
    if (vs.length === 0) return 'empty';
    eqValues.push(vs);
  }
  const spans: Span[] = [];
  for (const prefixVals of cartesian(eqValues)) {
    const w = enc.newKeyWriter(64);
    enc.appendRaw(w, ix.prefix);
    prefixVals.forEach((v, i) => encodeKeyDatum(w, v, ix.keyTypes[i]!, ix.keyDirs[i]!));
    const prefix = enc.keyCopy(w);
    if (!c.range) {
      spans.push({ start: prefix, end: enc.prefixEnd(prefix) });
      continue;
    }
    const i = prefixVals.length;
    const type = ix.keyTypes[i]!;
    const desc = ix.keyDirs[i] === 'desc';
    const lo = c.range.lo ? await evalExpr(c.range.lo, [], ctx) : undefined;
    const hi = c.range.hi ? await evalExpr(c.range.hi, [], ctx) : undefined;
    if (lo === null || hi === null) return 'empty';
    const bound = (v: Datum, inclusiveSide: 'start' | 'end', inclusive: boolean): Buffer => {
      const bw = enc.newKeyWriter(64);
      enc.appendRaw(bw, prefix);
      encodeKeyDatum(bw, v, type, desc ? 'desc' : 'asc');
      const k = enc.keyCopy(bw);
      // start: inclusive -> k, exclusive -> after all keys with this value; end: inclusive -> after, exclusive -> k.
      if (inclusiveSide === 'start') return inclusive ? k : enc.prefixEnd(k);
      return inclusive ? enc.prefixEnd(k) : k;
    };
    // NULLs sort first ascending (last descending); a range never matches NULL.
    const nullW = enc.newKeyWriter(64);
    enc.appendRaw(nullW, prefix);
    encodeKeyDatum(nullW, null, type, desc ? 'desc' : 'asc');
    const afterNull = enc.prefixEnd(enc.keyCopy(nullW));
    const beforeNull = enc.keyCopy(nullW);
    let start: Buffer;
    let end: Buffer;
    if (!desc) {
      start = lo !== undefined ? bound(lo, 'start', c.range.loInclusive) : afterNull;
      end = hi !== undefined ? bound(hi, 'end', c.range.hiInclusive) : enc.prefixEnd(prefix);
    } else {
      start = hi !== undefined ? bound(hi, 'start', c.range.hiInclusive) : prefix;
      end = lo !== undefined ? bound(lo, 'end', c.range.loInclusive) : beforeNull;
    }
    if (Buffer.compare(start, end) < 0) spans.push({ start, end });
  }
  spans.sort((a, b) => Buffer.compare(a.start, b.start));
  return spans;
}

function isPointLookup(l: TableLayout, s: ScanSpec): boolean {
  return s.indexPos === 0 && !s.constraint.range && s.constraint.eq.length === l.primary.keyOrdinals.length && s.constraint.eq.every((a) => a.length === 1);
}

export function scanNode(spec: ScanSpec): RelNode & ColumnScan {
  const l = tableLayout(spec.desc);
  const ix = indexOf(l, spec.indexPos);
  const cols: OutCol[] = spec.desc.columns.map((c) => ({ name: c.name, type: c.type, table: spec.alias, hidden: c.hidden }));
  const point = isPointLookup(l, spec);
  const eqText = spec.constraint.eq.map((alts, i) => `${spec.desc.columns[ix.keyOrdinals[i]!]!.name} = ${alts.map((a) => a.text).join('|')}`);
  return {
    cols,
    columnVisitor(ords) {
      if (point || spec.indexPos !== 0 || spec.reverse || spec.limitHint !== null) return null;
      const locate = ords.length > 0 ? valueColumnLocator(l, ords) : null;
      if (ords.length > 0 && !locate) return null;
      return async (ctx, visit) => {
        const spans = await computeSpans(l, ix, spec.constraint, ctx);
        if (spans === 'empty') return;
        const pos = new Int32Array(ords.length);
        const onRow = (_key: Buffer, value: Buffer, at: number): void => {
          if (locate) locate(value, at, pos);
          visit(value, pos);
        };
        const between = (): Promise<void> => checkpoint(ctx);
        for (const span of spans) {
          await checkpoint(ctx);
          await ctx.txn.scanVisit(span.start, span.end, onRow, { pageRows: visitPageRows, between });
        }
      };
    },
    explain: () => ({
      name: point ? 'point lookup' : 'scan',
      details: [
        `table: ${spec.desc.name}@${ix.index.name}`,
        ...(eqText.length || spec.constraint.range ? [`spans: ${[...eqText, ...(spec.constraint.range ? ['range'] : [])].join(', ')}`] : ['spans: FULL SCAN']),
        ...(spec.reverse ? ['reverse'] : []),
        ...(spec.limitHint !== null ? [`limit: ${spec.limitHint}`] : []),
        ...(spec.indexPos !== 0 && !spec.covering ? ['index join: primary'] : []),
      ],
      children: [],
    }),
    async *run(ctx) {
      if (point) {
        const row: Row = new Array(cols.length).fill(null);
        for (let i = 0; i < l.primary.keyOrdinals.length; i++) {
          const v = await evalExpr(spec.constraint.eq[i]![0]!, [], ctx);
          if (v === null) return;
          row[l.primary.keyOrdinals[i]!] = v;
        }
        const key = primaryKey(l, row);
        const value = await ctx.txn.get(key);
        if (value) yield [decodePrimaryRow(l, key, value, spec.needed)];
        return;
      }
      const spans = await computeSpans(l, ix, spec.constraint, ctx);
      if (spans === 'empty') return;
      let left = spec.limitHint ?? Infinity;
      const ordered = spec.reverse ? [...spans].reverse() : spans;
      for (const span of ordered) {
        for await (const page of ctx.txn.scan(span.start, span.end, { reverse: spec.reverse, limit: left === Infinity ? undefined : left, pageRows: Math.min(batchRows * 4, left) })) {
          await checkpoint(ctx);
          let rows: Row[];
          if (spec.indexPos === 0) {
            const needed = spec.needed;
            rows = page.map((kv) => decodePrimaryRow(l, kv.key, kv.value, needed));
          }
          else {
            rows = page.map((kv) => decodeSecondaryRow(l, ix, kv.key, kv.value));
            if (!spec.covering) rows = await indexJoin(l, rows, ctx);
          }
          left -= rows.length;
          if (rows.length > 0) yield rows;
          if (left <= 0) return;
        }
      }
    },
  };
}

async function indexJoin(l: TableLayout, partial: Row[], ctx: ExecCtx): Promise<Row[]> {
  const out: Row[] = [];
  for (const r of partial) {
    const key = primaryKey(l, r);
    const v = await ctx.txn.get(key);
    if (v) out.push(decodePrimaryRow(l, key, v));
  }
  return out;
}
