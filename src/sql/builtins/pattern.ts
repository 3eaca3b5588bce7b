// Owns pattern matching: LIKE/ILIKE, SIMILAR TO and POSIX regular
// expressions (~, ~*, regexp_* functions), each compiled once per
// (pattern, flags) and cached, so a constant pattern costs one compile per
// process and a per-row pattern one map lookup.
//
// Invariants:
// - LIKE's default escape is backslash; an empty escape disables escaping;
//   a pattern ending in the escape character is 22025, as in CockroachDB.
// - Regular expressions run as JavaScript RegExps with the `s` flag (`.`
//   matches newlines, as in PostgreSQL) and `u` when the pattern allows it.
// - Caches hold at most maxCachedPatterns entries each (cleared when full).

import { BurrowError } from '../../util/errors.js';

export type Matcher = (s: string) => boolean;

const maxCachedPatterns = 4096;
const likeCache = new Map<string, Matcher>();
const regexCache = new Map<string, RegExp>();

function remember<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= maxCachedPatterns) cache.clear();
    v = make();
    cache.set(key, v);
  }
  return v;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function checkEscape(escape: string): string | null {
  if (escape === '') return null;
  if ([...escape].length !== 1) {
    throw new BurrowError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  return escape;
}

interface LikeToken {
  kind: 'lit' | 'any' | 'one';
  text: string;
}

function tokenizeLike(pattern: string, escape: string | null): LikeToken[] {
  const out: LikeToken[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === escape) {
      if (i + 1 >= chars.length) throw new BurrowError('22025', 'LIKE pattern must not end with escape character');
      out.push({ kind: 'lit', text: chars[++i]! });
    } else if (c === '%') {
      if (out.at(-1)?.kind !== 'any') out.push({ kind: 'any', text: '' });
    } else if (c === '_') {
      out.push({ kind: 'one', text: '' });
    } else {
      out.push({ kind: 'lit', text: c });
    }
  }
  return out;
}

function literalRun(tokens: LikeToken[], from: number, to: number): string | null {
  let s = '';
  for (let i = from; i < to; i++) {
    if (tokens[i]!.kind !== 'lit') return null;
    s += tokens[i]!.text;
  }
  return s;
}

/** Fast paths for `abc`, `abc%`, `%abc`, `%abc%` (case-sensitive only). */
function likeFastPath(tokens: LikeToken[]): Matcher | null {
  const n = tokens.length;
  const startsAny = tokens[0]?.kind === 'any';
  const endsAny = n > 1 && tokens[n - 1]!.kind === 'any';
  const lit = literalRun(tokens, startsAny ? 1 : 0, endsAny ? n - 1 : n);
  if (lit === null) return null;
  if (n === 1 && startsAny) return () => true;
  if (startsAny && endsAny) return (s) => s.includes(lit);
  if (startsAny) return (s) => s.endsWith(lit);
  if (endsAny) return (s) => s.startsWith(lit);
  return (s) => s === lit;
}

function likeRegex(tokens: LikeToken[], caseInsensitive: boolean): RegExp {
  const body = tokens.map((t) => (t.kind === 'any' ? '.*' : t.kind === 'one' ? '.' : escapeRegex(t.text))).join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'isu' : 'su');
}

/** A matcher for `s LIKE pattern ESCAPE escape` (ILIKE when caseInsensitive), cached. */
export function compileLike(pattern: string, escape = '\\', caseInsensitive = false): Matcher {
  const key = `${caseInsensitive ? 'i' : 'c'}${escape}\u0000${pattern}`;
  return remember(likeCache, key, () => {
    const tokens = tokenizeLike(pattern, checkEscape(escape));
    const fast = caseInsensitive ? null : likeFastPath(tokens);
    if (fast !== null) return fast;
    const re = likeRegex(tokens, caseInsensitive);
    return (s) => re.test(s);
  });
}

// ------------------------------------------------------------ SIMILAR TO

function similarBody(pattern: string, escape: string | null): string {
  let out = '';
  let inClass = false;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === escape) {
      if (i + 1 >= chars.length) throw new BurrowError('22025', 'SIMILAR TO pattern must not end with escape character');
      out += escapeRegex(chars[++i]!);
    } else if (inClass) {
      out += c === '\\' ? '\\\\' : c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else if (c === '.' || c === '^' || c === '$' || c === '\\') {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}

/** A matcher for `s SIMILAR TO pattern ESCAPE escape`, cached. */
export function compileSimilar(pattern: string, escape = '\\'): Matcher {
  const key = `s${escape}\u0000${pattern}`;
  return remember(likeCache, key, () => {
    const re = buildRegex(`^(?:${similarBody(pattern, checkEscape(escape))})$`, '');
    return (s) => re.test(s);
  });
}

// --------------------------------------------------------------- regexps

function buildRegex(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags + 'su');
  } catch {
    try {
      return new RegExp(source, flags + 's');
    } catch (err) {
      throw new BurrowError('2201B', `invalid regular expression: ${(err as Error).message}`);
    }
  }
}

/** A compiled regular expression (`g` and `i` are the only JS flags callers pass), cached. */
export function compileRegex(pattern: string, flags = ''): RegExp {
  return remember(regexCache, `${flags}\u0000${pattern}`, () => buildRegex(pattern, flags));
}

/** A matcher for `s ~ pattern` (`~*` when caseInsensitive). */
export function compileRegexMatch(pattern: string, caseInsensitive = false): Matcher {
  const re = compileRegex(pattern, caseInsensitive ? 'i' : '');
  return (s) => re.test(s);
}

/** PostgreSQL regexp flags (g, i, c, n, ...) to JS flags; unknown letters are 22023. */
export function regexFlags(pgFlags: string): { js: string; global: boolean } {
  let js = '';
  let global = false;
  for (const f of pgFlags) {
    if (f === 'g') global = true;
    else if (f === 'i') js = 'i';
    else if (f === 'c') js = '';
    else if (!'nmpswx'.includes(f)) throw new BurrowError('22023', `invalid regexp flag: "${f}"`);
  }
  return { js, global };
}

/** PostgreSQL replacement text (\1..\9, \&) to a JS replacement string. */
export function pgReplacement(replacement: string): string {
  return replacement.replace(/\$/g, '$$$$').replace(/\\(\d|&|\\)/g, (_m, c: string) =>
    c === '&' ? '$&' : c === '\\' ? '\\' : `$${c}`);
}

export function regexpReplace(source: string, pattern: string, replacement: string, pgFlags = ''): string {
  const { js, global } = regexFlags(pgFlags);
  const re = compileRegex(pattern, js + (global ? 'g' : ''));
  re.lastIndex = 0;
  return source.replace(re, pgReplacement(replacement));
}

/** The first match, or its first parenthesized group when the pattern has one; null when none. */
export function regexpExtract(source: string, pattern: string): string | null {
  const re = compileRegex(pattern);
  const m = re.exec(source);
  if (m === null) return null;
  return m.length > 1 ? (m[1] ?? null) : m[0];
}
