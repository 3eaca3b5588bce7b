// Owns CockroachDB's keyword categories, as far as the parser and printer
// need them. Invariants: all entries are lower case; a word that appears in
// none of these sets is an ordinary identifier or an unreserved keyword
// (both may be used as names anywhere). Reserved words can never be bare
// names; type/function-name words may name functions but not columns;
// column-name words may name columns but not functions (except the special
// forms the expression parser handles itself).

function wordSet(words: string): ReadonlySet<string> {
  return new Set(words.trim().split(/\s+/));
}

/** reserved_keyword plus cockroachdb_extra_reserved_keyword in sql.y. */
export const reservedKeywords = wordSet(`
  all analyse analyze and any array as asc asymmetric both case cast check
  collate column concurrently constraint create current_catalog current_date
  current_role current_schema current_time current_timestamp current_user
  default deferrable desc distinct do else end except false fetch for foreign
  from grant group having in index initially intersect into lateral leading
  limit localtime localtimestamp not nothing null offset on only or order
  placing primary references returning select session_user some symmetric
  table then to trailing true union unique user using variadic when where
  window with`);

/** type_func_name_keyword: usable as function and type names only. */
export const typeFuncNameKeywords = wordSet(`
  authorization collation cross family full ilike inner is isnull join left
  like natural none notnull outer overlaps right similar`);

/** col_name_keyword: usable as column names but not function names. */
export const colNameKeywords = wordSet(`
  annotate_type between bigint bit boolean box2d char character
  characteristics coalesce dec decimal exists extract extract_duration float
  geography geometry greatest grouping if iferror ifnull inout int integer
  interval iserror least nullif numeric out overlay point polygon position
  precision real row setof smallint string substring time timetz timestamp
  timestamptz treat trim values varbit varchar virtual work`);

/** True when a bare (unquoted) word may be used as a column or table name. */
export function isNameWord(word: string): boolean {
  return !reservedKeywords.has(word) && !typeFuncNameKeywords.has(word);
}

/** True when a bare word may be used as a function name. */
export function isFuncNameWord(word: string): boolean {
  return !reservedKeywords.has(word) && !colNameKeywords.has(word);
}

/** True when the printer must quote this name even if it is lower case. */
export function needsQuotingAsKeyword(word: string): boolean {
  return reservedKeywords.has(word) || typeFuncNameKeywords.has(word) || colNameKeywords.has(word);
}

/** Reserved words that are niladic functions, and the function each becomes. */
export const niladicFunctions: Readonly<Record<string, string>> = {
  current_date: 'current_date', current_time: 'current_time', current_timestamp: 'current_timestamp',
  localtime: 'localtime', localtimestamp: 'localtimestamp', current_user: 'current_user',
  current_role: 'current_user', user: 'current_user', session_user: 'session_user',
  current_schema: 'current_schema', current_catalog: 'current_database',
};

/** Column-name keywords that are still callable as ordinary functions. */
export const colNameFunctions: ReadonlySet<string> = new Set([
  'coalesce', 'greatest', 'least', 'nullif', 'if', 'ifnull', 'iferror', 'iserror', 'grouping',
  'extract', 'extract_duration', 'substring', 'overlay', 'trim', 'position', 'treat',
]);
