// Owns the hard limits every layer enforces. One place so they are visible
// and consistent; each name carries its unit.

/** LMDB's compiled-in maximum key size. */
export const maxEngineKeyBytes = 1978;
/** MVCC adds a terminator and a 12-byte timestamp suffix (plus escaping) to each user key. */
export const mvccKeySuffixBytes = 14;
/** Largest value one KV entry may hold (userfile chunks are 4 MiB). */
export const maxValueBytes = 16 * 1024 * 1024;
/** Entries one export page buffers before yielding. */
export const exportPageEntries = 1024;
/** Bytes one ingest batch buffers before writing a transaction. */
export const ingestBatchBytes = 4 * 1024 * 1024;
/** Bytes of restored entries RESTORE gathers into one ingest transaction (one fsync each). */
export const restoreIngestBatchBytes = 8 * 1024 * 1024;
/** Commits one group-commit flush may take at once. */
export const groupCommitMaxCommits = 1024;
/** Writes one transaction may buffer before it must commit. */
export const maxTxnWriteBytes = 256 * 1024 * 1024;
/** Bytes one sort, hash join, aggregation or DISTINCT may hold before failing the query. */
export const maxOperatorMemoryBytes = 1024 * 1024 * 1024;
