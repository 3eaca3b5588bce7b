// Owns the pg_catalog virtual tables that are not about relations: roles
// (pg_roles, pg_user, pg_auth_members), pg_settings, pg_am, pg_collation,
// pg_tablespace, pg_statio_*_tables, and the tables clients query but
// Burrow has nothing to put in (pg_proc, pg_inherits, pg_enum, pg_policy,
// pg_statistic_ext, pg_publication(_rel), pg_rewrite, pg_trigger,
// pg_depend, pg_extension, pg_matviews, pg_shdescription): they exist,
// typed, and are empty, so psql's and ORMs' queries plan and run.
//
// Invariants: role OIDs are roleOid(name); admin and its members are
// superusers; pg_settings shows the session's own variables.

import { defaultVars } from '../session/session-vars.js';
import { roleOid } from './oids.js';
import { dbTables, pgCatalogOid } from './pg-catalog.js';
import { schemaNameOf } from './snapshot.js';
import type { RoleInfo } from './snapshot.js';
import { vtable, type VirtualTableDef, type VtContext } from './vtable.js';

const empty = (name: string, spec: string): VirtualTableDef => vtable('pg_catalog', name, spec, () => []);

const isSuper = (r: RoleInfo): boolean => r.name === 'admin' || r.memberOf.some((m) => m.role === 'admin');

const roles = vtable('pg_catalog', 'pg_roles',
  `oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcatupdate bool,
   rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz,
   rolbypassrls bool, rolconfig text[]`,
  (c) => c.snap.roles.map((r) => ({
    oid: roleOid(r.name), rolname: r.name, rolsuper: isSuper(r), rolinherit: true, rolcreaterole: isSuper(r),
    rolcreatedb: isSuper(r), rolcatupdate: false, rolcanlogin: !r.isRole, rolreplication: false, rolconnlimit: -1,
    rolpassword: '********', rolbypassrls: false,
  })));

const users = vtable('pg_catalog', 'pg_user',
  `usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, passwd text,
   valuntil timestamptz, useconfig text[]`,
  (c) => c.snap.roles.filter((r) => !r.isRole).map((r) => ({
    usename: r.name, usesysid: roleOid(r.name), usecreatedb: isSuper(r), usesuper: isSuper(r), userepl: false,
    usebypassrls: false, passwd: '********',
  })));

const authMembers = vtable('pg_catalog', 'pg_auth_members', 'roleid oid, member oid, grantor oid, admin_option bool', (c) =>
  c.snap.roles.flatMap((r) => r.memberOf.map((m) => ({
    roleid: roleOid(m.role), member: roleOid(r.name), grantor: roleOid('node'), admin_option: m.admin,
  }))));

function settingRows(c: VtContext) {
  const defaults = defaultVars();
  return [...defaults.keys()].sort().map((name) => ({
    name, setting: c.evalCtx.sessionVar(name) ?? defaults.get(name)!, category: null, short_desc: '', extra_desc: '',
    context: 'user', vartype: 'string', source: 'session', boot_val: defaults.get(name)!, reset_val: defaults.get(name)!,
    pending_restart: false,
  }));
}

const settings = vtable('pg_catalog', 'pg_settings',
  `name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, vartype text,
   source text, min_val text, max_val text, enumvals text[], boot_val text, reset_val text, sourcefile text,
   sourceline int4, pending_restart bool`,
  settingRows);

const am = vtable('pg_catalog', 'pg_am', 'oid oid, amname name, amhandler oid, amtype char', () => [
  { oid: 2, amname: 'heap', amhandler: 0, amtype: 't' },
  { oid: 403, amname: 'btree', amhandler: 0, amtype: 'i' },
  { oid: 405, amname: 'hash', amhandler: 0, amtype: 'i' },
  { oid: 2742, amname: 'gin', amhandler: 0, amtype: 'i' },
]);

const collation = vtable('pg_catalog', 'pg_collation',
  `oid oid, collname name, collnamespace oid, collowner oid, collprovider char, collisdeterministic bool,
   collencoding int4, collcollate text, collctype text, collversion text`,
  () => [[100, 'default', 'd', ''], [950, 'C', 'c', 'C'], [951, 'POSIX', 'c', 'POSIX']].map(([oid, name, provider, locale]) => ({
    oid, collname: name, collnamespace: pgCatalogOid, collowner: roleOid('node'), collprovider: provider,
    collisdeterministic: true, collencoding: oid === 100 ? -1 : 6, collcollate: locale, collctype: locale,
  })));

const tablespace = vtable('pg_catalog', 'pg_tablespace', 'oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]', () => [
  { oid: 1663, spcname: 'pg_default', spcowner: roleOid('node') },
  { oid: 1664, spcname: 'pg_global', spcowner: roleOid('node') },
]);

const statioSpec = `relid oid, schemaname name, relname name, heap_blks_read int8, heap_blks_hit int8, idx_blks_read int8,
  idx_blks_hit int8, toast_blks_read int8, toast_blks_hit int8, tidx_blks_read int8, tidx_blks_hit int8`;

function statioRows(c: VtContext) {
  return dbTables(c).filter((t) => t.kind === 'table').map((t) => ({ relid: t.id, schemaname: schemaNameOf(c.snap, t), relname: t.name }));
}

const statioAll = vtable('pg_catalog', 'pg_statio_all_tables', statioSpec, statioRows);
const statioUser = vtable('pg_catalog', 'pg_statio_user_tables', statioSpec, statioRows);

const emptyTables: VirtualTableDef[] = [
  empty('pg_proc', `oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4,
    provariadic oid, prokind char, prosecdef bool, proleakproof bool, proisstrict bool, proretset bool, provolatile char,
    proparallel char, pronargs int2, pronargdefaults int2, prorettype oid, proargtypes oid[], proallargtypes oid[],
    proargmodes text[], proargnames text[], proargdefaults text, protrftypes oid[], prosrc text, probin text,
    proconfig text[], proacl text[], proisagg bool, proiswindow bool`),
  empty('pg_inherits', 'inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool'),
  empty('pg_enum', 'oid oid, enumtypid oid, enumsortorder float4, enumlabel name'),
  empty('pg_policy', `oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], polqual text,
    polwithcheck text`),
  empty('pg_statistic_ext', `oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4,
    stxkeys int2[], stxkind text[]`),
  empty('pg_publication', `oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool,
    pubdelete bool, pubtruncate bool, pubviaroot bool`),
  empty('pg_publication_rel', 'oid oid, prpubid oid, prrelid oid'),
  empty('pg_rewrite', 'oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, ev_qual text, ev_action text'),
  empty('pg_trigger', `oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char,
    tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool, tginitdeferred bool,
    tgnargs int2, tgattr int2[], tgargs bytes, tgqual text, tgoldtable name, tgnewtable name`),
  empty('pg_depend', 'classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char'),
  empty('pg_extension', `oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion text,
    extconfig oid[], extcondition text[]`),
  empty('pg_matviews', `schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool,
    ispopulated bool, definition text`),
  empty('pg_shdescription', 'objoid oid, classoid oid, description text'),
];

export const pgCatalogMiscTables: VirtualTableDef[] = [
  roles, users, authMembers, settings, am, collation, tablespace, statioAll, statioUser, ...emptyTables,
];
