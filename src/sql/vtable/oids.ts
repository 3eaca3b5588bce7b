// Owns the OIDs that pg_catalog shows for catalog objects, and decoding them
// back (pg_get_indexdef, pg_get_constraintdef take OIDs).
//
// Invariants: databases, schemas, tables, views and sequences use their
// descriptor IDs; types use typeOid(); virtual schemas and virtual tables
// count down from 2^32-1 (as CockroachDB's virtual IDs do); indexes,
// constraints and column defaults pack (table ID, ordinal) into disjoint
// ranges above 2^31, so every OID decodes to exactly one object; roles use a
// 32-bit FNV-1a hash of the name (stable across restarts).

const indexBase = 0x8000_0000;
const constraintBase = 0xa000_0000;
const attrdefBase = 0xc000_0000;
const rangeSize = 0x2000_0000;
const ordinalBits = 10;
const ordinalLimit = 1 << ordinalBits;

export const virtualSchemaOids: Readonly<Record<string, number>> = {
  crdb_internal: 4294967295,
  information_schema: 4294967294,
  pg_catalog: 4294967293,
  pg_extension: 4294967292,
};

/** First OID handed to virtual tables; each gets the next lower one. */
export const firstVirtualTableOid = 4294967291;

/** Access method OIDs (PostgreSQL's). */
export const btreeAmOid = 403;
export const defaultCollationOid = 100;

function pack(base: number, tableId: number, ordinal: number): number {
  const v = tableId * ordinalLimit + ordinal;
  if (ordinal >= ordinalLimit || v >= rangeSize) return 0;
  return base + v;
}

function unpack(base: number, oid: number): { tableId: number; ordinal: number } | null {
  if (oid < base || oid >= base + rangeSize) return null;
  const v = oid - base;
  return { tableId: Math.floor(v / ordinalLimit), ordinal: v % ordinalLimit };
}

export function indexOid(tableId: number, indexId: number): number {
  return pack(indexBase, tableId, indexId);
}

export function decodeIndexOid(oid: number): { tableId: number; indexId: number } | null {
  const u = unpack(indexBase, oid);
  return u && { tableId: u.tableId, indexId: u.ordinal };
}

export function constraintOid(tableId: number, ordinal: number): number {
  return pack(constraintBase, tableId, ordinal);
}

export function decodeConstraintOid(oid: number): { tableId: number; ordinal: number } | null {
  return unpack(constraintBase, oid);
}

export function attrdefOid(tableId: number, columnId: number): number {
  return pack(attrdefBase, tableId, columnId);
}

/** A role's OID: FNV-1a over the UTF-8 name, kept clear of the ranges above. */
export function roleOid(name: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(name, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 0x7000_0000) + 0x0100_0000;
}
