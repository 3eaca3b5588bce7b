// Owns turning a table row into KV entries and back:
//   primary index:   /Table/<id>/<pk index id>/<pk columns>  ->  value of non-PK columns
//   secondary index: /Table/<id>/<index id>/<index columns>[/<pk suffix>] -> value of
//                    PK suffix (unique indexes) and STORING columns
// A unique secondary index with a NULL in its columns keys by the PK suffix
// too (NULLs never conflict), as CockroachDB does.
// Rows are Datum[] in the order of TableDesc.columns. Per-descriptor layout
// is computed once and cached by descriptor object.
// valueColumnLocator finds columns' payloads in a primary value without
// decoding anything (batch scans decode only what they use, from the bytes).

import * as enc from '../../util/encoding.js';
import { maxEngineKeyBytes } from '../../util/limits.js';
import { BurrowError } from '../../util/errors.js';
import type { Datum, Row } from '../types/datum.js';
import type { SqlType } from '../types/types.js';
import type { IndexDesc, TableDesc } from '../catalog/descriptor.js';
import { decodeKeyDatum, encodeKeyDatum, type Direction } from './key-codec.js';
import {
  decodeValueDatum, encodeValueDatum, getUvarint, newValueWriter, putUvarint, skipValueDatum, type ValueReader, type ValueWriter,
} from './value-codec.js';

interface IndexLayout {
  index: IndexDesc;
  prefix: Buffer;
  keyOrdinals: number[];
  keyTypes: SqlType[];
  keyDirs: Direction[];
  suffixOrdinals: number[];
  suffixTypes: SqlType[];
  /** Value columns: [columnId, ordinal, type], sorted by column ID. */
  valueCols: [number, number, SqlType][];
}

export interface TableLayout {
  desc: TableDesc;
  primary: IndexLayout;
  secondaries: IndexLayout[];
  ordinalById: Map<number, number>;
  types: SqlType[];
}

const layouts = new WeakMap<TableDesc, TableLayout>();

function indexLayout(t: TableDesc, ix: IndexDesc, ordinalById: Map<number, number>, primary: boolean): IndexLayout {
  const ord = (id: number): number => ordinalById.get(id)!;
  const keyIds = primary || !ix.unique ? [...ix.columnIds, ...(primary ? [] : ix.suffixColumnIds)] : ix.columnIds;
  const valueIds = primary
    ? t.columns.map((c) => c.id).filter((id) => !ix.columnIds.includes(id))
    : ix.storeColumnIds;
  return {
    index: ix,
    prefix: enc.encodeTableIndexPrefix(t.id, ix.id),
    keyOrdinals: keyIds.map(ord),
    keyTypes: keyIds.map((id) => t.columns[ord(id)]!.type),
    keyDirs: keyIds.map((_, i) => (i < ix.columnIds.length ? ix.directions[i] ?? 'asc' : 'asc')),
    suffixOrdinals: !primary && ix.unique ? ix.suffixColumnIds.map(ord) : [],
    suffixTypes: !primary && ix.unique ? ix.suffixColumnIds.map((id) => t.columns[ord(id)]!.type) : [],
    valueCols: [...valueIds].sort((a, b) => a - b).map((id) => [id, ord(id), t.columns[ord(id)]!.type]),
  };
}

export function tableLayout(t: TableDesc): TableLayout {
  let l = layouts.get(t);
  if (l) return l;
  const ordinalById = new Map(t.columns.map((c, i) => [c.id, i]));
  l = {
    desc: t,
    primary: indexLayout(t, t.primaryIndex, ordinalById, true),
    secondaries: t.indexes.map((ix) => indexLayout(t, ix, ordinalById, false)),
    ordinalById,
    types: t.columns.map((c) => c.type),
  };
  layouts.set(t, l);
  return l;
}

const scratch = enc.newKeyWriter(256);

function checkKeySize(key: Buffer): Buffer {
  if (key.length > maxEngineKeyBytes - 64) {
    throw new BurrowError('54000', `key too large: ${key.length} bytes exceeds the maximum index key size of ${maxEngineKeyBytes - 64} bytes`, {
      hint: 'Index columns must be short; move long strings out of the primary key and indexes.',
    });
  }
  return key;
}

export function encodeIndexKeyPrefix(l: IndexLayout, values: readonly Datum[]): Buffer {
  enc.resetKeyWriter(scratch);
  enc.appendRaw(scratch, l.prefix);
  for (let i = 0; i < values.length; i++) encodeKeyDatum(scratch, values[i]!, l.keyTypes[i]!, l.keyDirs[i]!);
  return checkKeySize(enc.keyCopy(scratch));
}

export function primaryKey(l: TableLayout, row: Row): Buffer {
  const p = l.primary;
  enc.resetKeyWriter(scratch);
  enc.appendRaw(scratch, p.prefix);
  for (let i = 0; i < p.keyOrdinals.length; i++) encodeKeyDatum(scratch, row[p.keyOrdinals[i]!]!, p.keyTypes[i]!, p.keyDirs[i]!);
  return checkKeySize(enc.keyCopy(scratch));
}

const valueWriter: ValueWriter = newValueWriter(1024);

function encodeValueCols(cols: [number, number, SqlType][], row: Row, w: ValueWriter): void {
  let prevId = 0;
  for (const [id, ord, type] of cols) {
    const d = row[ord];
    if (d === null || d === undefined) continue;
    putUvarint(w, id - prevId);
    prevId = id;
    encodeValueDatum(w, d, type);
  }
}

export function primaryValue(l: TableLayout, row: Row): Buffer {
  valueWriter.end = 0;
  encodeValueCols(l.primary.valueCols, row, valueWriter);
  return Buffer.from(valueWriter.buf.subarray(0, valueWriter.end));
}

export interface IndexEntry {
  key: Buffer;
  value: Buffer;
}

/** The entry a row has in a secondary index (null if a partial index excludes it: the caller decides). */
export function secondaryEntry(ix: IndexLayout, row: Row, pkLayout: IndexLayout): IndexEntry {
  enc.resetKeyWriter(scratch);
  enc.appendRaw(scratch, ix.prefix);
  let hasNull = false;
  for (let i = 0; i < ix.keyOrdinals.length; i++) {
    const d = row[ix.keyOrdinals[i]!]!;
    if (d === null && i < ix.index.columnIds.length) hasNull = true;
    encodeKeyDatum(scratch, d, ix.keyTypes[i]!, ix.keyDirs[i]!);
  }
  valueWriter.end = 0;
  if (ix.index.unique) {
    // Unique: the PK goes in the value, or in the key too when a NULL makes the entry non-conflicting.
    const kw = enc.newKeyWriter(64);
    for (let i = 0; i < pkLayout.keyOrdinals.length; i++) {
      encodeKeyDatum(kw, row[pkLayout.keyOrdinals[i]!]!, pkLayout.keyTypes[i]!, pkLayout.keyDirs[i]!);
    }
    const pk = enc.keyView(kw);
    if (hasNull) enc.appendRaw(scratch, pk);
    putUvarint(valueWriter, pk.length);
    valueWriter.buf.set(pk, valueWriter.end);
    valueWriter.end += pk.length;
  }
  encodeValueCols(ix.valueCols, row, valueWriter);
  return { key: checkKeySize(enc.keyCopy(scratch)), value: Buffer.from(valueWriter.buf.subarray(0, valueWriter.end)) };
}

export function secondaryEntries(l: TableLayout, row: Row): IndexEntry[] {
  return l.secondaries.map((ix) => secondaryEntry(ix, row, l.primary));
}

/** Decodes a primary index entry into a full row (NULL for absent columns). */
export function decodePrimaryRow(l: TableLayout, key: Buffer, value: Buffer, needed?: Set<number>): Row {
  const row: Row = new Array(l.types.length).fill(null);
  const p = l.primary;
  const r = enc.newKeyReader(key, p.prefix.length);
  for (let i = 0; i < p.keyOrdinals.length; i++) row[p.keyOrdinals[i]!] = decodeKeyDatum(r, p.keyTypes[i]!, p.keyDirs[i]!);
  decodeValueInto(l, value, 0, row, needed);
  return row;
}

function decodeValueInto(l: TableLayout, value: Buffer, offset: number, row: Row, needed?: Set<number>): void {
  const vr = { buf: value, offset };
  let id = 0;
  while (vr.offset < value.length) {
    id += getUvarint(vr);
    const ord = l.ordinalById.get(id);
    if (ord === undefined) {
      throw new BurrowError('XX001', `row value names column ${id}, which table ${l.desc.name} does not have`);
    }
    if (needed && !needed.has(ord)) skipValueDatum(vr, l.types[ord]!);
    else row[ord] = decodeValueDatum(vr, l.types[ord]!);
  }
}

/**
 * Returns a function that finds the payloads of value columns ords (table
 * ordinals) in a primary index value starting at offset: pos[i] = where
 * ords[i]'s payload starts, or -1 when the column is NULL (absent). It reads
 * column IDs and steps over payloads, stopping past the last wanted column.
 * null when an ordinal is a primary key column (its value is in the key)
 * or repeated.
 */
export function valueColumnLocator(l: TableLayout, ords: readonly number[]): ((value: Buffer, offset: number, pos: Int32Array) => void) | null {
  let maxId = 0;
  for (const c of l.desc.columns) maxId = Math.max(maxId, c.id);
  const slotById = new Int32Array(maxId + 1).fill(-1);
  const typeById: (SqlType | undefined)[] = new Array(maxId + 1);
  for (const c of l.desc.columns) typeById[c.id] = c.type;
  const valueIds = new Set(l.primary.valueCols.map(([id]) => id));
  let lastWanted = 0;
  for (let i = 0; i < ords.length; i++) {
    const col = l.desc.columns[ords[i]!];
    if (!col || !valueIds.has(col.id) || slotById[col.id] !== -1) return null;
    slotById[col.id] = i;
    lastWanted = Math.max(lastWanted, col.id);
  }
  const vr: ValueReader = { buf: Buffer.alloc(0), offset: 0 };
  const n = ords.length;
  return (value, offset, pos) => {
    for (let i = 0; i < n; i++) pos[i] = -1;
    const len = value.length;
    let p = offset;
    let id = 0;
    while (p < len) {
      const b = value[p]!;
      if (b < 0x80) {
        id += b; // one-byte column ID delta: the usual case
        p++;
      } else {
        vr.buf = value;
        vr.offset = p;
        id += getUvarint(vr);
        p = vr.offset;
      }
      if (id > lastWanted) return;
      const type = typeById[id];
      if (type === undefined) {
        throw new BurrowError('XX001', `row value names column ${id}, which table ${l.desc.name} does not have`);
      }
      const slot = slotById[id]!;
      if (slot >= 0) {
        pos[slot] = p;
        if (id === lastWanted) return;
      }
      vr.buf = value;
      vr.offset = p;
      skipValueDatum(vr, type);
      p = vr.offset;
    }
  };
}

/**
 * Decodes a secondary index entry into a partial row: index columns, the PK
 * columns and stored columns are filled; the rest stay NULL.
 */
export function decodeSecondaryRow(l: TableLayout, ix: IndexLayout, key: Buffer, value: Buffer): Row {
  const row: Row = new Array(l.types.length).fill(null);
  const r = enc.newKeyReader(key, ix.prefix.length);
  for (let i = 0; i < ix.index.columnIds.length; i++) row[ix.keyOrdinals[i]!] = decodeKeyDatum(r, ix.keyTypes[i]!, ix.keyDirs[i]!);
  const vr = { buf: value, offset: 0 };
  if (ix.index.unique) {
    const n = getUvarint(vr);
    const pr = enc.newKeyReader(value.subarray(vr.offset, vr.offset + n), 0);
    const p = l.primary;
    for (let i = 0; i < p.keyOrdinals.length; i++) row[p.keyOrdinals[i]!] = decodeKeyDatum(pr, p.keyTypes[i]!, p.keyDirs[i]!);
    vr.offset += n;
  } else {
    for (let i = ix.index.columnIds.length; i < ix.keyOrdinals.length; i++) {
      row[ix.keyOrdinals[i]!] = decodeKeyDatum(r, ix.keyTypes[i]!, ix.keyDirs[i]!);
    }
  }
  decodeValueInto(l, value, vr.offset, row);
  return row;
}

export function indexSpan(l: IndexLayout): { start: Buffer; end: Buffer } {
  return { start: l.prefix, end: enc.prefixEnd(l.prefix) };
}

export function tableSpan(tableId: number): { start: Buffer; end: Buffer } {
  const p = enc.tablePrefix(tableId);
  return { start: p, end: enc.prefixEnd(p) };
}

export type { IndexLayout };
