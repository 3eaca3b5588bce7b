// Tests SCRAM-SHA-256 password storage against RFC 7677's worked example
// (user "user", password "pencil"), and the stored-form round trip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveScramCredentials, formatScramCredentials, hashPassword, isScramHash, scramCredentials, serverSignature,
  verifyClientProof, verifyPassword,
} from '../../../src/sql/privilege/scram.js';

const rfc = {
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  iterations: 4096,
  clientFirstBare: 'n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinalNoProof: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

test('RFC 7677 example: the client proof verifies and the server signature matches', () => {
  const c = deriveScramCredentials('pencil', rfc.salt, rfc.iterations);
  const authMessage = `${rfc.clientFirstBare},${rfc.serverFirst},${rfc.clientFinalNoProof}`;
  assert.equal(verifyClientProof(c, authMessage, Buffer.from(rfc.proof, 'base64')), true);
  assert.equal(serverSignature(c, authMessage).toString('base64'), rfc.serverSignature);
  const wrong = deriveScramCredentials('pencils', rfc.salt, rfc.iterations);
  assert.equal(verifyClientProof(wrong, authMessage, Buffer.from(rfc.proof, 'base64')), false);
});

test('stored form round-trips and verifies the password only', () => {
  const stored = hashPassword('s3cret', 4096);
  assert.match(stored, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  assert.equal(stored.includes('s3cret'), false);
  assert.equal(verifyPassword(stored, 's3cret'), true);
  assert.equal(verifyPassword(Buffer.from(stored), 's3cret'), true);
  assert.equal(verifyPassword(stored, 's3cret '), false);
  assert.equal(verifyPassword(null, ''), false);
  const c = scramCredentials(stored)!;
  assert.equal(c.iterations, 4096);
  assert.equal(formatScramCredentials(c), stored);
  assert.equal(isScramHash('md5abc'), false);
  assert.notEqual(hashPassword('x', 4096), hashPassword('x', 4096), 'salts are random');
});
