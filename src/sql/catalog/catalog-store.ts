// Owns reading and writing catalog rows through a kv transaction: the
// namespace table ((parentID, parentSchemaID, name) -> id), the descriptor
// table (id -> serialized descriptor), and the descriptor ID generator.
// Everything goes through the transaction, so DDL is transactional and a
// historical transaction reads the catalog as of its timestamp.

import type { Txn } from '../../kv/txn.js';
import { BurrowError } from '../../util/errors.js';
import { encodeTableIndexPrefix } from '../../util/encoding.js';
import { decodePrimaryRow, primaryKey, primaryValue, tableLayout, indexSpan, encodeIndexKeyPrefix } from '../rowenc/table-codec.js';
import { deserializeDescriptor, serializeDescriptor, type Descriptor } from './descriptor.js';
import { SystemIds, descriptorTable, namespaceTable } from './system-schema.js';

const nsLayout = tableLayout(namespaceTable);
const descLayout = tableLayout(descriptorTable);
const idGenKey = Buffer.concat([encodeTableIndexPrefix(SystemIds.descIdGenerator, 1), Buffer.from([0x88])]);

export function namespaceKey(parentId: number, schemaId: number, name: string): Buffer {
  return primaryKey(nsLayout, [BigInt(parentId), BigInt(schemaId), name, null]);
}

export function descriptorKey(id: number): Buffer {
  return primaryKey(descLayout, [BigInt(id), null]);
}

export async function lookupId(txn: Txn, parentId: number, schemaId: number, name: string): Promise<number | undefined> {
  const key = namespaceKey(parentId, schemaId, name);
  const v = await txn.get(key);
  if (!v) return undefined;
  const row = decodePrimaryRow(nsLayout, key, v);
  return Number(row[3] as bigint);
}

export function writeNamespace(txn: Txn, parentId: number, schemaId: number, name: string, id: number): void {
  const row = [BigInt(parentId), BigInt(schemaId), name, BigInt(id)];
  txn.put(primaryKey(nsLayout, row), primaryValue(nsLayout, row));
}

export function deleteNamespace(txn: Txn, parentId: number, schemaId: number, name: string): void {
  txn.del(namespaceKey(parentId, schemaId, name));
}

export interface NamespaceEntry {
  parentId: number;
  schemaId: number;
  name: string;
  id: number;
}

/** Entries under a parent (and schema, if given), in name order. */
export async function listNamespace(txn: Txn, parentId: number, schemaId?: number): Promise<NamespaceEntry[]> {
  const values = schemaId === undefined ? [BigInt(parentId)] : [BigInt(parentId), BigInt(schemaId)];
  const start = encodeIndexKeyPrefix(nsLayout.primary, values);
  const end = Buffer.concat([start, Buffer.from([0xff])]);
  const out: NamespaceEntry[] = [];
  for await (const page of txn.scan(start, end)) {
    for (const { key, value } of page) {
      const row = decodePrimaryRow(nsLayout, key, value);
      out.push({ parentId: Number(row[0]), schemaId: Number(row[1]), name: row[2] as string, id: Number(row[3]) });
    }
  }
  return out;
}

export async function readDescriptor(txn: Txn, id: number): Promise<Descriptor | undefined> {
  const v = await txn.get(descriptorKey(id));
  if (!v) return undefined;
  const row = decodePrimaryRow(descLayout, descriptorKey(id), v);
  return deserializeDescriptor(row[1] as Buffer);
}

export function writeDescriptor(txn: Txn, d: Descriptor): void {
  const row = [BigInt(d.id), serializeDescriptor(d)];
  txn.put(primaryKey(descLayout, row), primaryValue(descLayout, row));
}

export function deleteDescriptor(txn: Txn, id: number): void {
  txn.del(descriptorKey(id));
}

export async function allDescriptors(txn: Txn): Promise<Descriptor[]> {
  const span = indexSpan(descLayout.primary);
  const out: Descriptor[] = [];
  for await (const page of txn.scan(span.start, span.end)) {
    for (const { key, value } of page) out.push(deserializeDescriptor(decodePrimaryRow(descLayout, key, value)[1] as Buffer));
  }
  return out;
}

export async function allocateDescriptorId(txn: Txn): Promise<number> {
  const v = await txn.get(idGenKey);
  const next = v ? v.readUInt32BE(0) : SystemIds.firstUserId;
  if (next >= 0xffffffff) throw new BurrowError('54000', 'descriptor IDs exhausted');
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(next + 1, 0);
  txn.put(idGenKey, b);
  return next;
}

export function setNextDescriptorId(txn: Txn, next: number): void {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(next, 0);
  txn.put(idGenKey, b);
}

export function isCatalogKey(key: Buffer): boolean {
  const d = indexSpan(descLayout.primary);
  const n = indexSpan(nsLayout.primary);
  return (Buffer.compare(key, d.start) >= 0 && Buffer.compare(key, d.end) < 0) || (Buffer.compare(key, n.start) >= 0 && Buffer.compare(key, n.end) < 0);
}
