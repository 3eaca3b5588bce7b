// Owns an in-process logic-test backend: an SQL engine over a store, one
// session per user, and result formatting as the logic-test runner expects.

import type { Store } from '../../src/storage/store.js';
import { openSqlEngine, type SqlEngine } from '../../src/sql/engine.js';
import type { Session } from '../../src/sql/session/session.js';
import { formatDatum } from '../../src/sql/types/format.js';
import type { Datum } from '../../src/sql/types/datum.js';
import type { SqlType } from '../../src/sql/types/types.js';
import type { BackendResult, LogicBackend } from './logictest.js';
import { timestampToDecimalString } from '../../src/util/hlc.js';

export function formatForLogic(d: Datum, t: SqlType): string {
  if (d === null) return 'NULL';
  if (t.family === 'bool') return d ? 'true' : 'false';
  const s = formatDatum(d, t, { timezone: 'UTC' });
  return s === '' ? '·' : s;
}

export async function engineBackend(store: Store): Promise<LogicBackend & { engine: SqlEngine }> {
  const engine = await openSqlEngine(store);
  const sessions = new Map<string, Session>();
  return {
    engine,
    async exec(sql, user) {
      let s = sessions.get(user);
      if (!s) {
        s = engine.newSession(user, 'test');
        sessions.set(user, s);
      }
      const results = await s.query(sql);
      const asOf = timestampToDecimalString(store.clock.now());
      const last = [...results].reverse().find((r) => r.columns) ?? results[results.length - 1];
      if (!last || !last.columns) return { columns: [], rows: [], asOf } as BackendResult;
      const cols = last.columns;
      return { columns: cols.map((c) => c.name), rows: last.rows.map((r) => r.map((d, i) => formatForLogic(d, cols[i]!.type))), asOf };
    },
  };
}
