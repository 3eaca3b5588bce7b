// Owns turning one parsed column definition into a column descriptor (for
// ALTER TABLE ADD COLUMN; CREATE TABLE handles table-level constraints too).

import type { ColumnDef, Expr } from '../parser/ast.js';
import { formatExpr } from '../parser/index.js';
import { T, isSerial, typeFromRef } from '../types/types.js';
import type { ColumnDesc } from '../catalog/descriptor.js';

export function colDescFor(id: number, def: ColumnDef): { col: ColumnDesc; unique: boolean; checks: Expr[] } {
  const type = typeFromRef(def.type);
  const col: ColumnDesc = { id, name: def.name, type, nullable: true, defaultExpr: null, computeExpr: null, hidden: false, onUpdateExpr: null };
  if (isSerial(def.type)) {
    col.defaultExpr = 'unique_rowid()';
    col.nullable = false;
    col.type = T.int;
  }
  let unique = false;
  const checks: Expr[] = [];
  for (const c of def.constraints) {
    if (c.kind === 'notNull') col.nullable = false;
    else if (c.kind === 'default') col.defaultExpr = formatExpr(c.expr);
    else if (c.kind === 'unique') unique = true;
    else if (c.kind === 'check') checks.push(c.expr);
    else if (c.kind === 'computed') col.computeExpr = formatExpr(c.expr);
  }
  return { col, unique, checks };
}
