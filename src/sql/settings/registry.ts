// Owns the registry of known cluster settings: name, type letter (as
// CockroachDB's SHOW CLUSTER SETTINGS prints it), encoded default, whether it
// is public, its description, and per-type details (enum values).
//
// Invariants: names are lower-case; `defaultEncoded` is in the same encoded
// form system.settings stores (see cluster-settings.ts): bool 'true'/'false',
// int and byte size as decimal integers, duration as Go's duration text,
// enum as the decimal value, string and version as given.

export type SettingType = 'b' | 'i' | 'd' | 'z' | 'e' | 's' | 'm' | 'f';

export interface SettingDef {
  name: string;
  type: SettingType;
  defaultEncoded: string;
  public: boolean;
  description: string;
  /** Enum settings: value names by their integer encoding. */
  enumValues?: Record<string, number>;
}

/** The cluster version this binary runs (the `version` setting). */
export const binaryVersion = '23.2';

const defs: SettingDef[] = [
  { name: 'bulkio.backup.file_size', type: 'z', defaultEncoded: String(128 * 1024 * 1024), public: true, description: 'target size for individual data files produced during BACKUP' },
  { name: 'cluster.organization', type: 's', defaultEncoded: '', public: true, description: 'organization name' },
  { name: 'diagnostics.reporting.enabled', type: 'b', defaultEncoded: 'true', public: true, description: 'enable reporting diagnostic metrics to cockroach labs, but is ignored for Trial or Free licenses' },
  { name: 'jobs.retention_time', type: 'd', defaultEncoded: '336h0m0s', public: true, description: 'the amount of time for which records for completed jobs are retained' },
  { name: 'kv.bulk_io_write.max_rate', type: 'z', defaultEncoded: String(1024 ** 4), public: true, description: 'the rate limit (bytes/sec) to use for writes to disk on behalf of bulk io ops' },
  { name: 'kv.closed_timestamp.side_transport_interval', type: 'd', defaultEncoded: '200ms', public: true, description: "the interval at which the closed timestamp side-transport attempts to advance each range's closed timestamp; set to 0 to disable the side-transport" },
  { name: 'kv.closed_timestamp.target_duration', type: 'd', defaultEncoded: '3s', public: true, description: 'if nonzero, attempt to provide closed timestamp notifications for timestamps trailing cluster time by approximately this duration' },
  { name: 'kv.rangefeed.enabled', type: 'b', defaultEncoded: 'false', public: true, description: 'if set, rangefeed registration is enabled' },
  { name: 'kv.snapshot_rebalance.max_rate', type: 'z', defaultEncoded: String(32 * 1024 * 1024), public: true, description: 'the rate limit (bytes/sec) to use for rebalance and upreplication snapshots' },
  { name: 'server.eventlog.enabled', type: 'b', defaultEncoded: 'true', public: true, description: 'if set, logged notable events are also stored in the table system.eventlog' },
  { name: 'server.time_until_store_dead', type: 'd', defaultEncoded: '5m0s', public: true, description: 'the time after which if there is no new gossiped information about a store, it is considered dead' },
  { name: 'sql.cross_db_views.enabled', type: 'b', defaultEncoded: 'false', public: true, description: 'if true, creating views that refer to other databases is allowed' },
  { name: 'sql.defaults.distsql', type: 'e', defaultEncoded: '1', public: true, description: 'default distributed SQL execution mode [off = 0, auto = 1, on = 2, always = 3]', enumValues: { off: 0, auto: 1, on: 2, always: 3 } },
  { name: 'sql.log.slow_query.latency_threshold', type: 'd', defaultEncoded: '0s', public: true, description: 'when set to non-zero, log statements whose service latency exceeds the threshold to a secondary logger on each node' },
  { name: 'sql.notices.enabled', type: 'b', defaultEncoded: 'true', public: true, description: 'enable notices in the server/client protocol being sent' },
  { name: 'sql.stats.automatic_collection.enabled', type: 'b', defaultEncoded: 'true', public: true, description: 'automatic statistics collection mode' },
  { name: 'sql.stats.automatic_collection.fraction_stale_rows', type: 'f', defaultEncoded: '0.2', public: true, description: 'target fraction of stale rows per table that will trigger a statistics refresh' },
  { name: 'sql.stats.automatic_collection.min_stale_rows', type: 'i', defaultEncoded: '500', public: true, description: 'target minimum number of stale rows per table that will trigger a statistics refresh' },
  { name: 'version', type: 'm', defaultEncoded: binaryVersion, public: true, description: "set the active cluster version in the format '<major>.<minor>'" },
  { name: 'kv.transaction.max_intents_bytes', type: 'i', defaultEncoded: '4194304', public: false, description: 'maximum number of bytes used to track locks in transactions' },
];

const byName = new Map(defs.map((d) => [d.name, d]));

export function lookupSetting(name: string): SettingDef | undefined {
  return byName.get(name.toLowerCase());
}

/** Every known setting, in name order. */
export function allSettings(): readonly SettingDef[] {
  return [...defs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
