// Owns a collection's encryption key: ENCRYPTION-INFO at the collection root
// holds the salt (one per collection, made by the first encrypted backup)
// and a key check value; every layer of the collection is encrypted with the
// key derived from it and the passphrase.

import { BurrowError } from '../util/errors.js';
import type { ExternalStorage } from '../cloud/external-storage.js';
import { keyFromInfo, newEncryptionInfo, type EncryptionKey } from './encryption.js';
import { encryptionInfoName } from './layout.js';

/** The collection's key; with create, makes ENCRYPTION-INFO when the collection has none. */
export async function collectionKey(s: ExternalStorage, passphrase: string, create: boolean): Promise<EncryptionKey> {
  if (await s.exists(encryptionInfoName)) return keyFromInfo(await s.readAll(encryptionInfoName), passphrase);
  if (!create) {
    throw new BurrowError('22023', `${encryptionInfoName} not found in ${s.uri}: the backups there were not taken with encryption_passphrase`, {
      hint: 'Leave out encryption_passphrase for this collection.',
    });
  }
  const { info, key } = await newEncryptionInfo(passphrase);
  await s.writeAll(encryptionInfoName, info);
  return key;
}
