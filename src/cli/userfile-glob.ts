// Owns userfile pattern matching for `burrow userfile list|get|delete`:
// Go's path.Match (the matcher CockroachDB's CLI uses), the split of a
// pattern into the literal directory before its first wildcard and the rest,
// and the selection of stored file names a pattern names.
//
// Semantics (Go's path.Match): `*` matches any run of characters other than
// '/', `?` one character other than '/', `[...]` a class (ranges `a-z`,
// negation `[^...]`, `\` escapes inside), `\c` the character c; the whole
// name must match. A malformed pattern is an error ("syntax error in
// pattern"), also when the name fails to match before the error is reached.
// Characters are Unicode code points (Go decodes runes), so `?` matches one
// non-ASCII character.
//
// A pattern without wildcard characters names a file or a directory-like
// prefix: the file of that exact name and every file under `<name>/`.

export class PatternSyntaxError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

/** True when p has a character that path.Match treats specially. */
export function hasGlob(p: string): boolean {
  return /[*?[\\]/.test(p);
}

function scanChunk(pattern: string[], from: number): { star: boolean; chunkStart: number; chunkEnd: number } {
  let i = from;
  let star = false;
  while (i < pattern.length && pattern[i] === '*') {
    i++;
    star = true;
  }
  const chunkStart = i;
  let inrange = false;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 < pattern.length) i++;
    } else if (c === '[') inrange = true;
    else if (c === ']') inrange = false;
    else if (c === '*' && !inrange) break;
  }
  return { star, chunkStart, chunkEnd: i };
}

/** One character of a class (`\` escapes); throws on a malformed class. Returns the char and the next index. */
function getEsc(chunk: string[], i: number, end: number): [string, number] {
  if (i >= end || chunk[i] === '-' || chunk[i] === ']') throw new PatternSyntaxError();
  if (chunk[i] === '\\') {
    i++;
    if (i >= end) throw new PatternSyntaxError();
  }
  const r = chunk[i]!;
  i++;
  if (i >= end) throw new PatternSyntaxError();
  return [r, i];
}

/**
 * Matches chunk = pattern[start, end) against the start of s (from si).
 * Returns the index in s after the match, or -1. Throws on a malformed chunk.
 */
function matchChunk(pattern: string[], start: number, end: number, s: string[], si: number): number {
  let failed = false;
  let i = start;
  while (i < end) {
    if (!failed && si >= s.length) failed = true;
    const c = pattern[i]!;
    if (c === '[') {
      let r = '';
      if (!failed) r = s[si++]!;
      i++;
      let negated = false;
      if (i < end && pattern[i] === '^') {
        negated = true;
        i++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (i < end && pattern[i] === ']' && nrange > 0) {
          i++;
          break;
        }
        let lo: string;
        let hi: string;
        [lo, i] = getEsc(pattern, i, end);
        hi = lo;
        if (pattern[i] === '-') [hi, i] = getEsc(pattern, i + 1, end);
        if (!failed && lo.codePointAt(0)! <= r.codePointAt(0)! && r.codePointAt(0)! <= hi.codePointAt(0)!) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[si] === '/') failed = true;
        si++;
      }
      i++;
    } else {
      if (c === '\\') {
        i++;
        if (i >= end) throw new PatternSyntaxError();
      }
      if (!failed) {
        if (pattern[i] !== s[si]) failed = true;
        si++;
      }
      i++;
    }
  }
  return failed ? -1 : si;
}

/** Go's path.Match(pattern, name). Throws PatternSyntaxError for a malformed pattern. */
export function pathMatch(patternStr: string, nameStr: string): boolean {
  const pattern = Array.from(patternStr);
  const name = Array.from(nameStr);
  let p = 0;
  let n = 0;
  outer: while (p < pattern.length) {
    const { star, chunkStart, chunkEnd } = scanChunk(pattern, p);
    p = chunkEnd;
    if (star && chunkStart === chunkEnd) {
      // A trailing * matches the rest unless it has a '/'.
      return !name.slice(n).includes('/');
    }
    let err: unknown = null;
    try {
      const t = matchChunk(pattern, chunkStart, chunkEnd, name, n);
      // The last chunk must use up the name; otherwise a star could still match.
      if (t >= 0 && (t === name.length || p < pattern.length)) {
        n = t;
        continue;
      }
    } catch (e) {
      err = e;
    }
    if (err) throw err;
    if (star) {
      for (let i = n; i < name.length && name[i] !== '/'; i++) {
        const t = matchChunk(pattern, chunkStart, chunkEnd, name, i + 1);
        if (t >= 0) {
          if (p === pattern.length && t < name.length) continue;
          n = t;
          continue outer;
        }
      }
    }
    // No match: the rest of the pattern must still be well formed.
    while (p < pattern.length) {
      const c = scanChunk(pattern, p);
      p = c.chunkEnd;
      matchChunk(pattern, c.chunkStart, c.chunkEnd, [], 0);
    }
    return false;
  }
  return n === name.length;
}

/** Go's path.Dir for a rooted path: "/a/b" -> "/a", "/a" -> "/", "/" -> "/". */
export function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  if (i <= 0) return '/';
  return p.slice(0, i);
}

export function pathBase(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * What a (rooted) path pattern selects among stored file names (which start
 * with '/'). `dir` is the directory the names are relative to when a get
 * keeps relative paths: the directory before the first wildcard, or the
 * parent of a literal name.
 */
export interface PathSelector {
  /** Stored names to consider all start with this ('' = every name). */
  scanPrefix: string;
  /** Directory (rooted, no trailing '/' except the root itself) names are relative to. */
  dir: string;
  matches(name: string): boolean;
}

/**
 * Builds the selector for a rooted pattern ('/' or '' = everything). A
 * literal pattern selects the file of that name and everything under it as
 * a directory; a glob pattern matches whole names with path.Match. Throws
 * PatternSyntaxError for a malformed pattern (checked up front, so an empty
 * store still reports it).
 */
export function pathSelector(pattern: string): PathSelector {
  let p = pattern === '' ? '/' : pattern;
  if (!p.startsWith('/')) p = '/' + p;
  if (p === '/') return { scanPrefix: '', dir: '/', matches: () => true };
  if (!hasGlob(p)) {
    const literal = p.replace(/\/+$/, '');
    return {
      scanPrefix: literal,
      dir: pathDir(literal),
      matches: (name) => name === literal || name.startsWith(literal + '/'),
    };
  }
  const first = p.search(/[*?[\\]/);
  const dir = pathDir(p.slice(0, first + 1));
  pathMatch(p, ''); // malformed patterns fail here, whatever is stored
  return {
    scanPrefix: dir === '/' ? '' : dir + '/',
    dir,
    matches: (name) => pathMatch(p, name),
  };
}

/** name relative to dir (both rooted); name is dir itself or under it. */
export function relativeTo(dir: string, name: string): string {
  if (dir === '/') return name.replace(/^\/+/, '');
  if (name.startsWith(dir + '/')) return name.slice(dir.length + 1);
  return pathBase(name);
}
