// Owns the printer's entry points: `formatStatement(stmt)` renders one
// statement as canonical SQL (upper-case keywords, identifiers quoted only
// when needed, strings single-quoted), `formatStatements` a script.
// Invariant (checked by the tests): for every supported statement,
// format(parse(format(parse(sql)))) === format(parse(sql)).

import type { Statement } from './ast.js';
import {
  formatAlterDatabase, formatAlterIndex, formatAlterSchema, formatAlterSequence, formatAlterTable, formatComment,
  formatConfigureZone, formatCreateDatabase, formatCreateIndex, formatCreateSchema, formatCreateSequence,
  formatCreateTable, formatCreateView, formatDelete, formatDropDatabase, formatDropIndex, formatDropObjects,
  formatDropSchema, formatInsert, formatTruncate, formatUpdate,
} from './print-ddl.js';
import {
  formatBackupStatement, formatCopy, formatSessionStatement, formatShowStatement, formatUserStatement,
} from './print-misc.js';
import { formatSelect } from './print-select.js';

export { formatExpr } from './print-expr.js';
export { formatType, formatName, formatObjectName, formatString } from './print-names.js';

export function formatStatement(s: Statement): string {
  const out = formatDataStatement(s) ?? formatSessionStatement(s) ?? formatShowStatement(s)
    ?? formatUserStatement(s) ?? formatBackupStatement(s);
  if (out === null) throw new Error(`formatStatement: unsupported statement kind ${s.kind}`);
  return out;
}

export function formatStatements(stmts: Statement[]): string {
  return stmts.map((s) => `${formatStatement(s)};`).join('\n');
}

function formatDataStatement(s: Statement): string | null {
  switch (s.kind) {
    case 'select': return formatSelect(s);
    case 'insert': return formatInsert(s);
    case 'update': return formatUpdate(s);
    case 'delete': return formatDelete(s);
    case 'truncate': return formatTruncate(s);
    case 'createDatabase': return formatCreateDatabase(s);
    case 'dropDatabase': return formatDropDatabase(s);
    case 'alterDatabase': return formatAlterDatabase(s);
    case 'createSchema': return formatCreateSchema(s);
    case 'dropSchema': return formatDropSchema(s);
    case 'alterSchema': return formatAlterSchema(s);
    case 'createTable': return formatCreateTable(s);
    case 'dropTable': case 'dropView': case 'dropSequence': return formatDropObjects(s);
    case 'alterTable': return formatAlterTable(s);
    case 'createIndex': return formatCreateIndex(s);
    case 'dropIndex': return formatDropIndex(s);
    case 'alterIndex': return formatAlterIndex(s);
    case 'createView': return formatCreateView(s);
    case 'createSequence': return formatCreateSequence(s);
    case 'alterSequence': return formatAlterSequence(s);
    case 'configureZone': return formatConfigureZone(s);
    case 'comment': return formatComment(s);
    case 'copyFrom': case 'copyTo': return formatCopy(s);
    default: return null;
  }
}
