// Owns the collection layout, as CockroachDB lays a collection out:
//   <YYYY>/<MM>/<DD-HHMMSS.ss>/                 a full backup (its end time, UTC)
//   incrementals/<full folder>/<YYYYMMDD>/<HHMMSS.ss>/   its incremental layers
//   metadata/latest/LATEST-<inverted end time>  the newest full backup (one file
//                                               per backup: never overwritten, so
//                                               no reader sees a torn pointer)
//   ENCRYPTION-INFO                             salt and key check, when encrypted
// and inside every layer folder: BACKUP-LOCK-<job id> (first), data/<n>.sst,
// BACKUP_MANIFEST and BACKUP_MANIFEST-CHECKSUM (last). A folder without a
// manifest is not a backup.

import { BurrowError } from '../util/errors.js';
import type { Timestamp } from '../util/hlc.js';
import type { ExternalStorage } from '../cloud/external-storage.js';

export const manifestName = 'BACKUP_MANIFEST';
export const manifestChecksumName = 'BACKUP_MANIFEST-CHECKSUM';
export const encryptionInfoName = 'ENCRYPTION-INFO';
export const latestDir = 'metadata/latest';
export const incrementalsDir = 'incrementals';
export const lockPrefix = 'BACKUP-LOCK-';

const fullFolderRe = /^\d{4}\/\d{2}\/\d{2}-\d{6}\.\d{2}$/;
const incFolderRe = /^\d{8}\/\d{6}\.\d{2}$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function utcParts(ts: Timestamp): { d: Date; hundredths: number } {
  const ms = Number(ts.wall / 1_000_000n);
  const d = new Date(ms);
  const hundredths = Math.floor(Number((ts.wall / 10_000_000n) % 100n));
  return { d, hundredths };
}

/** `2021/03/23-213101.37`. */
export function fullFolderName(ts: Timestamp): string {
  const { d, hundredths } = utcParts(ts);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(hundredths)}`;
}

/** `20210323/213201.12`. */
export function incrementalFolderName(ts: Timestamp): string {
  const { d, hundredths } = utcParts(ts);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}/${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(hundredths)}`;
}

export function incrementalsPath(fullFolder: string): string {
  return `${incrementalsDir}/${fullFolder}`;
}

/** Accepts `2021/03/23-213101.37` with or without a leading '/', as CockroachDB does. */
export function normalizeFolder(s: string): string {
  const f = s.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!fullFolderRe.test(f)) {
    throw new BurrowError('22023', `invalid backup subdirectory "${s}"`, {
      hint: 'Use a path from SHOW BACKUPS IN \'<collection>\', such as 2021/03/23-213101.37, or LATEST.',
    });
  }
  return f;
}

export function isFullFolder(s: string): boolean {
  return fullFolderRe.test(s);
}

/** LATEST-<20-digit inverted wall time>: the newest sorts first. */
export function latestFileName(endTs: Timestamp): string {
  const inverted = (1n << 64n) - 1n - endTs.wall;
  return `LATEST-${inverted.toString().padStart(20, '0')}`;
}

export function pathDoesNotContainLatest(): BurrowError {
  return new BurrowError('58P01', 'path does not contain a completed latest backup', {
    hint: "Run BACKUP ... INTO '<collection>' first, or check the collection URI with SHOW BACKUPS IN '<collection>'.",
  });
}

/** Full backup folders that hold a manifest, oldest first. */
export async function listFullBackups(s: ExternalStorage): Promise<string[]> {
  const files = await s.list('');
  const out: string[] = [];
  for (const f of files) {
    if (!f.name.endsWith(`/${manifestName}`)) continue;
    const folder = f.name.slice(0, -manifestName.length - 1);
    if (isFullFolder(folder)) out.push(folder);
  }
  return out.sort();
}

/** The newest full backup: the first LATEST pointer whose folder has a manifest. */
export async function resolveLatest(s: ExternalStorage): Promise<string> {
  const pointers = await s.list(`${latestDir}/LATEST-`);
  for (const p of pointers) {
    const folder = (await s.readAll(p.name)).toString('utf8').trim().replace(/^\/+/, '');
    if (isFullFolder(folder) && (await s.exists(`${folder}/${manifestName}`))) return folder;
  }
  // A collection written before any pointer (or whose pointer was lost): the newest manifest.
  const all = await listFullBackups(s);
  if (all.length === 0) throw pathDoesNotContainLatest();
  return all[all.length - 1]!;
}

/** Incremental layer folders of a full backup (paths from the collection root) that hold a manifest, oldest first. */
export async function listIncrementals(s: ExternalStorage, fullFolder: string): Promise<string[]> {
  const base = `${incrementalsPath(fullFolder)}/`;
  const files = await s.list(base);
  const out: string[] = [];
  for (const f of files) {
    if (!f.name.endsWith(`/${manifestName}`)) continue;
    const rel = f.name.slice(base.length, -manifestName.length - 1);
    if (incFolderRe.test(rel)) out.push(`${base}${rel}`);
  }
  return out.sort();
}
