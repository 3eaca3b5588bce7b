// Owns the checks that keep bad keys and values from reaching an engine:
// LMDB aborts on keys over its compiled-in maximum, so every engine rejects
// them up front with a clear error (the same on both engines, so tests on the
// memory engine catch what LMDB would).

import { BurrowError, SqlState } from '../util/errors.js';
import { maxEngineKeyBytes, maxValueBytes } from '../util/limits.js';

export function checkEngineKey(key: Buffer): void {
  if (key.length === 0 || key.length > maxEngineKeyBytes) {
    throw new BurrowError(
      SqlState.ProgramLimitExceeded,
      `key of ${key.length} bytes is out of range: keys must be 1 to ${maxEngineKeyBytes} bytes once encoded`,
      { hint: 'Shorten the indexed or primary key values; long strings belong in non-key columns.' },
    );
  }
}

export function checkEngineValue(value: Buffer): void {
  if (value.length > maxValueBytes) {
    throw new BurrowError(
      SqlState.ProgramLimitExceeded,
      `value of ${value.length} bytes exceeds the maximum of ${maxValueBytes} bytes`,
    );
  }
}
