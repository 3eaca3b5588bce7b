// Owns wiring the view and sequence statements into the session's
// dispatcher (CREATE [OR REPLACE] VIEW, CREATE SEQUENCE, ALTER SEQUENCE).
// DROP VIEW/SEQUENCE stay with ddl.ts. Idempotent.

import type { Statement } from '../parser/ast.js';
import { registerStatementHandler } from '../session/dispatch.js';
import { execAlterSequence, execCreateSequence } from './sequence-ddl.js';
import { execCreateView } from './views.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

export function registerObjectHandlers(): void {
  registerStatementHandler('createView', (s, env) => execCreateView(s as Of<'createView'>, env));
  registerStatementHandler('createSequence', (s, env) => execCreateSequence(s as Of<'createSequence'>, env));
  registerStatementHandler('alterSequence', (s, env) => execAlterSequence(s as Of<'alterSequence'>, env));
}
