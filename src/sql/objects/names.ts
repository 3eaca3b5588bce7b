// Owns turning a relation name given as a string (nextval('db.s'), '"Quoted"')
// into an ObjectName the catalog resolves, with PostgreSQL's identifier rules:
// unquoted parts are lower-cased, quoted parts kept verbatim, `""` inside
// quotes is a quote. Also the qualified display name errors use.

import { BurrowError } from '../../util/errors.js';
import type { ObjectName } from '../parser/ast.js';

function splitParts(text: string): { part: string; quoted: boolean }[] {
  const out: { part: string; quoted: boolean }[] = [];
  let cur = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && inQuotes && text[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      inQuotes = !inQuotes;
      quoted = true;
    } else if (ch === '.' && !inQuotes) {
      out.push({ part: cur, quoted });
      cur = '';
      quoted = false;
    } else cur += ch;
  }
  out.push({ part: cur, quoted });
  return out;
}

/** Parses `name`, `schema.name` or `db.schema.name`; fn names the builtin for errors. */
export function parseRelationName(text: string, fn: string): ObjectName {
  const parts = splitParts(text).map((p) => (p.quoted ? p.part : p.part.trim().toLowerCase()));
  if (parts.some((p) => p === '') || parts.length > 3) {
    throw new BurrowError('42602', `${fn}(): invalid table name: ${text}`);
  }
  const [a, b, c] = parts;
  if (parts.length === 1) return { catalog: null, schema: null, name: a! };
  if (parts.length === 2) return { catalog: null, schema: a!, name: b! };
  return { catalog: a!, schema: b!, name: c! };
}

/** `db.schema.name`, as CockroachDB names relations in most errors. */
export function qualifiedName(db: string, schema: string, name: string): string {
  return `${db}.${schema}.${name}`;
}
