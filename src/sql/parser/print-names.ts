// Owns the printing of leaf syntax: identifiers (quoted only when needed,
// as CockroachDB's tree.Name does), qualified names, string and bytes
// literals, and type references.
// Invariants: every printed fragment lexes back to the same token(s):
// identifiers that are not lower-case bare words or that are keywords are
// double-quoted; strings use '' escaping, or e'' escapes when they hold
// control characters.

import type { IndexRef, ObjectName, SchemaName, TablePattern, TypeRef } from './ast.js';
import { isFuncNameWord, needsQuotingAsKeyword } from './keywords.js';

const BARE_IDENT = /^[a-z_][a-z0-9_$]*$/;

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** A name in a position where keywords other than unreserved ones need quotes. */
export function formatName(s: string): string {
  return BARE_IDENT.test(s) && !needsQuotingAsKeyword(s) ? s : quoteIdent(s);
}

/** A name where any keyword is accepted (column labels after AS, index after @). */
export function formatUnrestrictedName(s: string): string {
  return BARE_IDENT.test(s) ? s : quoteIdent(s);
}

export function formatNameList(names: string[]): string {
  return names.map(formatName).join(', ');
}

export function formatObjectName(n: ObjectName): string {
  let out = formatName(n.name);
  if (n.schema !== null) out = `${formatName(n.schema)}.${out}`;
  if (n.catalog !== null) out = `${formatName(n.catalog)}.${out}`;
  return out;
}

export function formatSchemaName(n: SchemaName): string {
  return n.catalog === null ? formatName(n.schema) : `${formatName(n.catalog)}.${formatName(n.schema)}`;
}

export function formatIndexRef(r: IndexRef): string {
  if (r.table !== null) return `${formatObjectName(r.table)}@${formatUnrestrictedName(r.index)}`;
  return [...r.prefix, r.index].map(formatName).join('.');
}

export function formatTablePattern(t: TablePattern): string {
  if (t.kind === 'tableName') return formatObjectName(t.name);
  return [...t.prefix.map(formatName), '*'].join('.');
}

/**
 * Function names: the first part may be any non-reserved word that the
 * parser accepts before `(` (including CURRENT_DATE-style niladic words).
 */
export function formatFuncName(parts: string[], callableKeywords: ReadonlySet<string>): string {
  const [first, ...rest] = parts;
  const head = BARE_IDENT.test(first!) && (isFuncNameWord(first!) || callableKeywords.has(first!))
    ? first!
    : quoteIdent(first!);
  return [head, ...rest.map(formatUnrestrictedName)].join('.');
}

const NEEDS_ESCAPES = /[\x00-\x1f\x7f]/;

/** A SQL string literal. */
export function formatString(s: string): string {
  if (!NEEDS_ESCAPES.test(s)) return `'${s.replace(/'/g, "''")}'`;
  let out = "e'";
  for (const ch of s) out += escapeChar(ch);
  return `${out}'`;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n': return '\\n';
    case '\t': return '\\t';
    case '\r': return '\\r';
    case '\\': return '\\\\';
    case "'": return "\\'";
    default: {
      const c = ch.codePointAt(0)!;
      return c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
    }
  }
}

/** A bytes literal from its hex digits: b'...' with printable ASCII kept. */
export function formatBytes(hex: string): string {
  let out = "b'";
  for (let i = 0; i < hex.length; i += 2) {
    const b = parseInt(hex.slice(i, i + 2), 16);
    if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${hex.slice(i, i + 2)}`;
  }
  return `${out}'`;
}

export function formatType(t: TypeRef): string {
  let out = t.userDefined !== null ? formatObjectName(t.userDefined) : t.name;
  if (t.params.length > 0) out += `(${t.params.join(',')})`;
  for (let d = 0; d < t.arrayDims; d++) out += '[]';
  return out;
}
