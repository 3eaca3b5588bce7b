// Owns the shapes of catalog descriptors (databases, schemas, tables, views,
// sequences), their privileges, and their JSON serialization as stored in
// system.descriptor. Descriptors are plain data; a new version is a new
// object (never mutate one that came from the cache).

import type { SqlType } from '../types/types.js';
import type { Direction } from '../rowenc/key-codec.js';

export type Privilege =
  | 'ALL' | 'CREATE' | 'DROP' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'ZONECONFIG' | 'CONNECT' | 'USAGE' | 'BACKUP'
  | 'RESTORE' | 'CHANGEFEED' | 'EXTERNALIOIMPLICITACCESS';

export interface UserPrivileges {
  user: string;
  privileges: Privilege[];
  withGrantOption: Privilege[];
}

export interface PrivilegeDesc {
  owner: string;
  users: UserPrivileges[];
}

export interface ColumnDesc {
  id: number;
  name: string;
  type: SqlType;
  nullable: boolean;
  /** SQL text of the DEFAULT expression. */
  defaultExpr: string | null;
  /** SQL text of a computed column's expression. */
  computeExpr: string | null;
  /** Hidden columns (rowid) are left out of `*`. */
  hidden: boolean;
  onUpdateExpr: string | null;
}

export interface IndexDesc {
  id: number;
  name: string;
  unique: boolean;
  columnIds: number[];
  directions: Direction[];
  /** STORING columns (secondary indexes only). */
  storeColumnIds: number[];
  /** Primary-key columns appended to the key (non-unique secondary indexes) or stored in the value (unique). */
  suffixColumnIds: number[];
  /** Partial index predicate (SQL text). */
  predicate: string | null;
}

export interface CheckDesc {
  name: string;
  expr: string;
  columnIds: number[];
}

export type FkAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyDesc {
  name: string;
  originTableId: number;
  originColumnIds: number[];
  referencedTableId: number;
  referencedColumnIds: number[];
  onDelete: FkAction;
  onUpdate: FkAction;
}

export interface SequenceOptions {
  increment: bigint;
  minValue: bigint;
  maxValue: bigint;
  start: bigint;
  cache: number;
  cycle: boolean;
  ownedBy: { tableId: number; columnId: number } | null;
}

export type DescState = 'public' | 'offline' | 'dropped' | 'adding';

export interface TableDesc {
  kind: 'table' | 'view' | 'sequence';
  id: number;
  name: string;
  parentId: number;
  schemaId: number;
  version: number;
  state: DescState;
  columns: ColumnDesc[];
  nextColumnId: number;
  primaryIndex: IndexDesc;
  indexes: IndexDesc[];
  nextIndexId: number;
  checks: CheckDesc[];
  outboundFks: ForeignKeyDesc[];
  inboundFks: ForeignKeyDesc[];
  /** Views: the SELECT text and the descriptors it depends on. */
  viewQuery: string | null;
  dependsOn: number[];
  dependedOnBy: number[];
  sequence: SequenceOptions | null;
  privileges: PrivilegeDesc;
  comment: string | null;
  /** Present while dropped, until GC clears the data. */
  dropTimeMicros: bigint | null;
}

export interface DatabaseDesc {
  kind: 'database';
  id: number;
  name: string;
  version: number;
  state: DescState;
  privileges: PrivilegeDesc;
}

export interface SchemaDesc {
  kind: 'schema';
  id: number;
  name: string;
  parentId: number;
  version: number;
  state: DescState;
  privileges: PrivilegeDesc;
}

export type Descriptor = TableDesc | DatabaseDesc | SchemaDesc;

function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? { $bigint: v.toString() } : v;
}

function reviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && '$bigint' in (v as Record<string, unknown>)) {
    return BigInt((v as { $bigint: string }).$bigint);
  }
  return v;
}

export function serializeDescriptor(d: Descriptor): Buffer {
  return Buffer.from(JSON.stringify(d, replacer), 'utf8');
}

export function deserializeDescriptor(b: Buffer): Descriptor {
  return JSON.parse(b.toString('utf8'), reviver) as Descriptor;
}

export function publicColumns(t: TableDesc): ColumnDesc[] {
  return t.columns;
}

export function findColumn(t: TableDesc, name: string): ColumnDesc | undefined {
  return t.columns.find((c) => c.name === name);
}

export function columnById(t: TableDesc, id: number): ColumnDesc {
  const c = t.columns.find((x) => x.id === id);
  if (!c) throw new Error(`column ${id} not in table ${t.name}`);
  return c;
}

export function allIndexes(t: TableDesc): IndexDesc[] {
  return [t.primaryIndex, ...t.indexes];
}
