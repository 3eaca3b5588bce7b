// Owns parsing userfile URIs, shared by the server's userfile storage and the
// CLI (both need the same answer, and this module is pure): the three URI
// forms, `$user` substitution, the default prefix, and CockroachDB's rule
// that a path must not change under Go's path.Clean.
//
//   userfile:///path                      -> defaultdb.public.userfiles_<user>
//   userfile://defaultdb.public.userfiles_$user/path
//   userfile://db.schema.prefix/path      (1 or 2 parts: defaultdb / public filled in)
//
// Invariant: `path` is the cleaned path with a leading '/' (or '' for the root).

import { BurrowError } from './errors.js';

export interface UserfileLocation {
  database: string;
  schema: string;
  /** Table name prefix: tables are <prefix>_upload_files and <prefix>_upload_payload. */
  prefix: string;
  /** Path inside the storage, with a leading '/', or '' for the root. */
  path: string;
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

export function normalizationError(p: string, cleaned: string): BurrowError {
  return new BurrowError(
    '22023',
    `path ${p} changes after normalization to ${cleaned}. userfile upload does not permit such path constructs`,
    { hint: 'Remove ".", "..", repeated "/" and any trailing "/" from the path.' },
  );
}

/** Throws CockroachDB's normalization error when p is not already clean. */
export function checkCleanPath(p: string): void {
  const cleaned = cleanPath(p);
  if (cleaned !== p) throw normalizationError(p, cleaned);
}

export function defaultUserfilePrefix(user: string): string {
  return `userfiles_${user}`;
}

export function isUserfileUri(s: string): boolean {
  return /^userfile:\/\//i.test(s);
}

/** Splits the authority `db.schema.prefix` (1 to 3 parts). */
function parseQualifiedPrefix(host: string, user: string): { database: string; schema: string; prefix: string } {
  const parts = host.replace(/\$user/g, user).split('.');
  if (parts.some((p) => p === '') || parts.length > 3) {
    throw new BurrowError('22023', `invalid userfile qualified table name prefix "${host}"`, {
      hint: 'Use userfile://database.schema.prefix/path, for example userfile://defaultdb.public.userfiles_root/file.csv.',
    });
  }
  if (parts.length === 3) return { database: parts[0]!, schema: parts[1]!, prefix: parts[2]! };
  if (parts.length === 2) return { database: parts[0]!, schema: 'public', prefix: parts[1]! };
  return { database: 'defaultdb', schema: 'public', prefix: parts[0]! };
}

/**
 * Parses a userfile URI for `user`. The path must be clean (checked here),
 * except that an empty path or a lone '/' means the root.
 */
export function parseUserfileUri(uri: string, user: string): UserfileLocation {
  const m = /^userfile:\/\/([^/?#]*)([^?#]*)/i.exec(uri);
  if (!m) throw new BurrowError('22023', `invalid userfile URI "${uri}"`, { hint: 'A userfile URI looks like userfile:///path or userfile://db.schema.prefix/path.' });
  const host = decodeURIComponent(m[1]!);
  let p = decodeURIComponent(m[2]!);
  const loc = host === ''
    ? { database: 'defaultdb', schema: 'public', prefix: defaultUserfilePrefix(user) }
    : parseQualifiedPrefix(host, user);
  if (p === '/' ) p = '';
  if (p !== '') checkCleanPath(p.startsWith('/') ? p : '/' + p);
  return { ...loc, path: p === '' ? '' : p.startsWith('/') ? p : '/' + p };
}

/** The canonical URI: userfile://db.schema.prefix/path. */
export function formatUserfileUri(loc: UserfileLocation): string {
  return `userfile://${loc.database}.${loc.schema}.${loc.prefix}${loc.path}`;
}

/** Joins a storage-relative path onto a location's path. */
export function joinUserfilePath(base: string, rel: string): string {
  if (rel === '') return base;
  return `${base}/${rel.replace(/^\/+/, '')}`;
}
