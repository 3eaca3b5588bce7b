// Owns turning a URI into an ExternalStorage: the scheme registry (userfile,
// nodelocal; s3 is not built), the services a storage needs from the server,
// and who may use which scheme (nodelocal: admins only, as CockroachDB).

import { BurrowError } from '../util/errors.js';
import type { KvDb } from '../kv/db.js';
import type { StmtEnv } from '../sql/session/stmt-env.js';
import { userIsAdmin } from '../sql/privilege/check.js';
import type { ExternalStorage } from './external-storage.js';
import { openUserfileStorage } from './userfile/userfile-storage.js';
import { openNodelocalStorage } from './nodelocal/nodelocal-storage.js';

/** What storages need from the running server. */
export interface CloudServices {
  kv: KvDb;
  /** Root of nodelocal://1/ (the server's --external-io-dir); undefined: nodelocal is disabled. */
  externalIoDir: string | undefined;
}

/** Who is asking: the user and a way to run internal transactions as that user. */
export interface CloudCaller {
  user: string;
  runInternal<T>(fn: (env: StmtEnv) => Promise<T>): Promise<T>;
}

export function uriScheme(uri: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri);
  if (!m) {
    throw new BurrowError('22023', `invalid storage URI "${uri}"`, {
      hint: "Use userfile:///path (files in this database) or nodelocal://1/path (files under the server's --external-io-dir).",
    });
  }
  return m[1]!.toLowerCase();
}

/** Splits a URI naming one file into the URI of its folder and its base name. */
export function splitStorageUri(uri: string): { root: string; file: string; path: string } {
  uriScheme(uri);
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)([^?#]*)/.exec(uri)!;
  const p = m[2]!;
  const i = p.lastIndexOf('/');
  const file = p.slice(i + 1);
  if (file === '') throw new BurrowError('22023', `storage URI "${uri}" does not name a file`);
  return { root: m[1]! + p.slice(0, Math.max(i, 0)), file, path: p };
}

function nodelocalPath(uri: string): string {
  const m = /^nodelocal:\/\/([^/?#]*)([^?#]*)/i.exec(uri)!;
  if (m[1] !== '1' && m[1] !== 'self') {
    throw new BurrowError('22023', `nodelocal URI "${uri}" names node ${m[1]}: this is a single-node server`, { hint: 'Use nodelocal://1/path.' });
  }
  return decodeURIComponent(m[2]!);
}

/** Opens the storage a URI names, checking the caller may use it. */
export async function openStorageForUri(uri: string, caller: CloudCaller, services: CloudServices): Promise<ExternalStorage> {
  const scheme = uriScheme(uri);
  switch (scheme) {
    case 'userfile':
      return openUserfileStorage({ user: caller.user, kv: services.kv, runInternal: (fn) => caller.runInternal(fn) }, uri);
    case 'nodelocal': {
      const admin = await caller.runInternal((env) => userIsAdmin(env.txn, caller.user));
      if (!admin) throw new BurrowError('42501', 'only users with the admin role are allowed to access nodelocal storage');
      if (!services.externalIoDir) throw new BurrowError('0A000', 'nodelocal storage is disabled on this server (--external-io-dir=disabled)');
      return openNodelocalStorage(services.externalIoDir, nodelocalPath(uri));
    }
    case 's3': case 'gs': case 'azure': case 'http': case 'https':
      throw new BurrowError('0A000', `unimplemented: ${scheme} storage is not supported by this server`, {
        hint: 'Use userfile:///path or nodelocal://1/path.',
      });
    default:
      throw new BurrowError('22023', `unsupported storage scheme: "${scheme}"`, { hint: 'Use userfile:///path or nodelocal://1/path.' });
  }
}
