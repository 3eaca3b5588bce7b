// Owns creating the initial catalog of a new store, in one transaction: the
// system database and its tables, defaultdb and postgres with their public
// schemas, the root user and the admin role. Idempotent: a store that
// already has the system database is left as it is.

import type { KvDb } from '../../kv/db.js';
import { tableLayout, primaryKey, primaryValue } from '../rowenc/table-codec.js';
import { lookupId, setNextDescriptorId, writeDescriptor, writeNamespace } from './catalog-store.js';
import {
  SystemIds, adminRole, makeDatabaseDesc, makeSchemaDesc, roleMembersTable, rootUser, systemDatabase, systemTables,
  usersTable,
} from './system-schema.js';

export async function bootstrapCatalog(kv: KvDb): Promise<boolean> {
  return kv.runTxn(async (txn) => {
    if ((await lookupId(txn, 0, 0, 'system')) !== undefined) return false;
    writeDescriptor(txn, systemDatabase);
    writeNamespace(txn, 0, 0, 'system', SystemIds.systemDb);
    const sysPublic = makeSchemaDesc(SystemIds.systemPublicSchema, 'public', SystemIds.systemDb, 'node');
    writeDescriptor(txn, sysPublic);
    writeNamespace(txn, SystemIds.systemDb, 0, 'public', sysPublic.id);
    for (const t of systemTables) {
      writeDescriptor(txn, t);
      writeNamespace(txn, SystemIds.systemDb, SystemIds.systemPublicSchema, t.name, t.id);
    }
    for (const [dbId, schemaId, name] of [
      [SystemIds.defaultDb, SystemIds.defaultDbPublicSchema, 'defaultdb'],
      [SystemIds.postgresDb, SystemIds.postgresPublicSchema, 'postgres'],
    ] as const) {
      writeDescriptor(txn, makeDatabaseDesc(dbId, name, rootUser));
      writeNamespace(txn, 0, 0, name, dbId);
      writeDescriptor(txn, makeSchemaDesc(schemaId, 'public', dbId, adminRole));
      writeNamespace(txn, dbId, 0, 'public', schemaId);
    }
    const users = tableLayout(usersTable);
    for (const [name, isRole] of [[rootUser, false], [adminRole, true]] as const) {
      const row = [name, null, isRole];
      txn.put(primaryKey(users, row), primaryValue(users, row));
    }
    const members = tableLayout(roleMembersTable);
    const m = [adminRole, rootUser, true];
    txn.put(primaryKey(members, m), primaryValue(members, m));
    setNextDescriptorId(txn, SystemIds.firstUserId);
    return true;
  });
}
