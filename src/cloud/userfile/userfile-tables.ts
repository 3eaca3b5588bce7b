// Owns the two tables behind one userfile prefix: finding them, creating
// them on first write (both in the caller's transaction, with CockroachDB's
// names, columns and foreign key), and their privileges: the creating user
// owns them and holds SELECT, INSERT, DROP, DELETE (with GRANT) on both;
// every other user is revoked except admin (and root, an admin member).
//
// The DDL is a constant statement parsed once; table names are set in its
// AST, never spliced into SQL text.

import { BurrowError } from '../../util/errors.js';
import type { UserfileLocation } from '../../util/userfile-uri.js';
import { parse } from '../../sql/parser/index.js';
import type { CreateTableStatement, Statement } from '../../sql/parser/ast.js';
import type { StmtEnv } from '../../sql/session/stmt-env.js';
import type { Privilege, TableDesc } from '../../sql/catalog/descriptor.js';
import { writeDescriptor } from '../../sql/catalog/catalog-store.js';
import { adminRole, rootUser } from '../../sql/catalog/system-schema.js';
import { execCreateTable } from '../../sql/ddl/create-table.js';
import { requirePrivilege } from '../../sql/privilege/check.js';

export interface UserfileTables {
  files: TableDesc;
  payload: TableDesc;
}

const filesDdl = `CREATE TABLE f (
  filename STRING PRIMARY KEY,
  file_id UUID UNIQUE NOT NULL DEFAULT gen_random_uuid(),
  file_size INT NOT NULL,
  username STRING NOT NULL,
  upload_time TIMESTAMP DEFAULT now())`;
const payloadDdl = `CREATE TABLE p (
  file_id UUID,
  byte_offset INT,
  payload BYTES,
  CONSTRAINT file_id_fk FOREIGN KEY (file_id) REFERENCES f (file_id),
  PRIMARY KEY (file_id, byte_offset))`;

/** Column ordinals, fixed by the DDL above. */
export const FilesCol = { filename: 0, fileId: 1, fileSize: 2, username: 3, uploadTime: 4 } as const;
export const PayloadCol = { fileId: 0, byteOffset: 1, payload: 2 } as const;

const ownerPrivileges: Privilege[] = ['SELECT', 'INSERT', 'DROP', 'DELETE'];

export function filesTableName(loc: UserfileLocation): string {
  return `${loc.prefix}_upload_files`;
}

export function payloadTableName(loc: UserfileLocation): string {
  return `${loc.prefix}_upload_payload`;
}

async function findTable(env: StmtEnv, loc: UserfileLocation, name: string): Promise<TableDesc | undefined> {
  const db = await env.catalog.getDatabase(env.txn, loc.database);
  if (!db) throw new BurrowError('3D000', `database "${loc.database}" does not exist`);
  const schema = await env.catalog.getSchema(env.txn, db, loc.schema);
  if (!schema) throw new BurrowError('3F000', `schema "${loc.schema}" does not exist`);
  const id = await env.catalog.lookup(env.txn, db.id, schema.id, name);
  if (id === undefined) return undefined;
  const d = await env.catalog.getById(env.txn, id);
  if (!d || d.kind !== 'table' || d.state !== 'public') return undefined;
  return d;
}

function validate(loc: UserfileLocation, t: UserfileTables): void {
  const want = ['filename', 'file_id', 'file_size', 'username', 'upload_time'];
  const wantP = ['file_id', 'byte_offset', 'payload'];
  const names = (d: TableDesc) => d.columns.filter((c) => !c.hidden).map((c) => c.name);
  if (want.some((n, i) => names(t.files)[i] !== n) || wantP.some((n, i) => names(t.payload)[i] !== n)) {
    throw new BurrowError('42P07', `tables ${filesTableName(loc)} and ${payloadTableName(loc)} exist but are not userfile tables`, {
      hint: 'Use another prefix in the URI (userfile://db.schema.prefix/path), or rename the existing tables.',
    });
  }
}

/** The tables of loc, checking `priv` on both; undefined when they do not exist yet. */
export async function findUserfileTables(env: StmtEnv, loc: UserfileLocation, priv: Privilege): Promise<UserfileTables | undefined> {
  const files = await findTable(env, loc, filesTableName(loc));
  const payload = await findTable(env, loc, payloadTableName(loc));
  if (!files || !payload) return undefined;
  const t = { files, payload };
  validate(loc, t);
  await requirePrivilege(env, files, priv);
  await requirePrivilege(env, payload, priv);
  return t;
}

function createStatement(ddl: string, loc: UserfileLocation, name: string, refName?: string): CreateTableStatement {
  const stmt = parse(ddl)[0] as Statement;
  if (stmt.kind !== 'createTable') throw new Error('userfile DDL is not CREATE TABLE');
  stmt.name = { catalog: loc.database, schema: loc.schema, name };
  for (const d of stmt.defs) {
    if (d.kind === 'foreignKeyConstraint' && refName) d.ref.table = { catalog: loc.database, schema: loc.schema, name: refName };
  }
  return stmt;
}

function restrictPrivileges(t: TableDesc, user: string): TableDesc {
  const all: Privilege[] = ['ALL'];
  const users = [
    { user: adminRole, privileges: all, withGrantOption: all },
    { user: rootUser, privileges: all, withGrantOption: all },
  ];
  if (user !== rootUser && user !== adminRole) {
    users.push({ user, privileges: [...ownerPrivileges], withGrantOption: [...ownerPrivileges] });
  }
  return { ...t, privileges: { owner: user, users } };
}

/** The tables of loc, created (in env.txn) when missing; checks INSERT. */
export async function ensureUserfileTables(env: StmtEnv, loc: UserfileLocation): Promise<UserfileTables> {
  const found = await findUserfileTables(env, loc, 'INSERT');
  if (found) return found;
  const filesName = filesTableName(loc);
  const payloadName = payloadTableName(loc);
  if (!(await findTable(env, loc, filesName))) await execCreateTable(createStatement(filesDdl, loc, filesName), env);
  if (!(await findTable(env, loc, payloadName))) await execCreateTable(createStatement(payloadDdl, loc, payloadName, filesName), env);
  const files = (await findTable(env, loc, filesName))!;
  const payload = (await findTable(env, loc, payloadName))!;
  const t = { files: restrictPrivileges(files, env.session.user), payload: restrictPrivileges(payload, env.session.user) };
  writeDescriptor(env.txn, t.files);
  writeDescriptor(env.txn, t.payload);
  validate(loc, t);
  return t;
}
