// Owns tokenization of CockroachDB/PostgreSQL SQL text.
// Invariants: `lex` returns every token of the input followed by exactly one
// 'eof' token; each token's `start`/`end` are UTF-16 indexes into the source
// (equal to byte offsets for ASCII text; syntax-error.ts converts them to
// character positions). Unquoted words are lower-cased in `text`; quoted
// identifiers keep their case. Numbers keep their literal text. String and
// bytes tokens hold the decoded value (bytes as lower-case hex digits).
// Lexical errors are thrown as positioned 42601 BurrowErrors.

import { lexicalError } from './syntax-error.js';

export type TokenKind =
  | 'word' // unquoted identifier or keyword, lower-cased
  | 'qident' // "quoted identifier"
  | 'string' // 'string', e'string', $$string$$
  | 'bytes' // b'...' or x'...', text is hex
  | 'int'
  | 'decimal'
  | 'float'
  | 'placeholder' // $n, text is the digits
  | 'op' // operators and punctuation
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const CH_QUOTE = 39; // '
const CH_DQUOTE = 34; // "
const CH_DOLLAR = 36;
const CH_DOT = 46;
const CH_BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === CH_DOLLAR;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** Multi-character operators, longest first within each leading character. */
const OPERATORS_BY_FIRST: Record<string, readonly string[]> = {
  ':': [':::', '::', ':'],
  '-': ['->>', '->', '-'],
  '#': ['#>>', '#>', '#-', '#'],
  '@': ['@>', '@'],
  '<': ['<@', '<<', '<=', '<>', '<'],
  '>': ['>>', '>=', '>'],
  '?': ['?|', '?&', '?'],
  '|': ['||', '|'],
  '!': ['!~*', '!~', '!='],
  '~': ['~*', '~'],
  '&': ['&&', '&'],
  '/': ['//', '/'],
};

const SINGLE_CHAR_OPS = new Set(['=', '%', '^', '*', '+', ',', '(', ')', '[', ']', ';', '.', '{', '}']);

interface LexState {
  sql: string;
  i: number;
  out: Token[];
}

/** Tokenizes the whole input. */
export function lex(sql: string): Token[] {
  const st: LexState = { sql, i: 0, out: [] };
  const n = sql.length;
  while (true) {
    skipSpaceAndComments(st);
    if (st.i >= n) break;
    lexOne(st);
  }
  st.out.push({ kind: 'eof', text: 'EOF', start: n, end: n });
  return st.out;
}

function skipSpaceAndComments(st: LexState): void {
  const { sql } = st;
  const n = sql.length;
  while (st.i < n) {
    const c = sql.charCodeAt(st.i);
    if (isSpace(c)) {
      st.i++;
    } else if (c === 45 && sql.charCodeAt(st.i + 1) === 45) {
      const nl = sql.indexOf('\n', st.i);
      st.i = nl === -1 ? n : nl + 1;
    } else if (c === 47 && sql.charCodeAt(st.i + 1) === 42) {
      skipBlockComment(st);
    } else {
      return;
    }
  }
}

function skipBlockComment(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  let depth = 0;
  while (st.i < sql.length) {
    if (sql.startsWith('/*', st.i)) {
      depth++;
      st.i += 2;
    } else if (sql.startsWith('*/', st.i)) {
      depth--;
      st.i += 2;
      if (depth === 0) return;
    } else {
      st.i++;
    }
  }
  throw lexicalError(sql, start, 'unterminated comment');
}

function lexOne(st: LexState): void {
  const { sql } = st;
  const c = sql.charCodeAt(st.i);
  const next = sql.charCodeAt(st.i + 1);
  if (next === CH_QUOTE && isPrefixedStringStart(c)) return lexPrefixedString(st, c);
  if (isIdentStart(c)) return lexWord(st);
  if (isDigit(c) || (c === CH_DOT && isDigit(next))) return lexNumber(st);
  if (c === CH_QUOTE) return lexStandardString(st);
  if (c === CH_DQUOTE) return lexQuotedIdent(st);
  if (c === CH_DOLLAR) return lexDollar(st);
  lexOperator(st);
}

/** e'..', b'..', x'..' (either case). */
function isPrefixedStringStart(c: number): boolean {
  return c === 101 || c === 69 || c === 98 || c === 66 || c === 120 || c === 88;
}

function lexWord(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  let i = start + 1;
  while (i < sql.length && isIdentPart(sql.charCodeAt(i))) i++;
  st.i = i;
  st.out.push({ kind: 'word', text: sql.slice(start, i).toLowerCase(), start, end: i });
}

function lexNumber(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  let i = start;
  if (sql.charCodeAt(i) === 48 && (sql[i + 1] === 'x' || sql[i + 1] === 'X') && isHexDigit(sql.charCodeAt(i + 2))) {
    i += 2;
    while (isHexDigit(sql.charCodeAt(i))) i++;
    st.i = i;
    st.out.push({ kind: 'int', text: sql.slice(start, i), start, end: i });
    return;
  }
  let kind: TokenKind = 'int';
  while (isDigit(sql.charCodeAt(i))) i++;
  if (sql.charCodeAt(i) === CH_DOT && sql.charCodeAt(i + 1) !== CH_DOT) {
    kind = 'decimal';
    i++;
    while (isDigit(sql.charCodeAt(i))) i++;
  }
  i = lexExponent(sql, i, () => (kind = 'float'));
  st.i = i;
  st.out.push({ kind, text: sql.slice(start, i), start, end: i });
}

/** Consumes an exponent suffix (e.g. `e-5`) if one is present. */
function lexExponent(sql: string, i: number, onExponent: () => void): number {
  const e = sql.charCodeAt(i);
  if (e !== 101 && e !== 69) return i;
  let j = i + 1;
  const sign = sql.charCodeAt(j);
  if (sign === 43 || sign === 45) j++;
  if (!isDigit(sql.charCodeAt(j))) return i;
  while (isDigit(sql.charCodeAt(j))) j++;
  onExponent();
  return j;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** 'abc' with '' as the only escape (standard_conforming_strings). */
function lexStandardString(st: LexState): void {
  const start = st.i;
  const value = readQuoted(st, start, start + 1, false);
  st.out.push({ kind: 'string', text: value, start, end: st.i });
}

function lexPrefixedString(st: LexState, prefix: number): void {
  const start = st.i;
  if (prefix === 120 || prefix === 88) {
    const hex = readQuoted(st, start, start + 2, false);
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      throw lexicalError(st.sql, start, 'invalid hexadecimal bytes literal');
    }
    st.out.push({ kind: 'bytes', text: hex.toLowerCase(), start, end: st.i });
    return;
  }
  const raw = readQuoted(st, start, start + 2, true);
  if (prefix === 101 || prefix === 69) {
    st.out.push({ kind: 'string', text: decodeEscapes(st.sql, start, raw), start, end: st.i });
  } else {
    st.out.push({ kind: 'bytes', text: decodeBytes(st.sql, start, raw), start, end: st.i });
  }
}

/**
 * Reads a single-quoted body starting at `from` (just after the quote) of
 * the token that begins at `tokenStart`; leaves st.i after the closing
 * quote and returns the body with '' collapsed. With `backslashes`, a
 * backslash protects the next character (which stays in the result for
 * decodeEscapes/decodeBytes).
 */
function readQuoted(st: LexState, tokenStart: number, from: number, backslashes: boolean): string {
  const { sql } = st;
  let out = '';
  let chunkStart = from;
  for (let i = from; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (backslashes && c === CH_BACKSLASH) {
      i++;
      continue;
    }
    if (c !== CH_QUOTE) continue;
    out += sql.slice(chunkStart, i);
    if (sql.charCodeAt(i + 1) !== CH_QUOTE) {
      st.i = i + 1;
      return out;
    }
    out += backslashes ? "\\'" : "'";
    i++;
    chunkStart = i + 1;
  }
  throw lexicalError(sql, tokenStart, 'unterminated string');
}

const SIMPLE_ESCAPES: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9 };

/**
 * Decodes one backslash escape at raw[i]; returns the code it denotes, the
 * characters consumed and whether it is a raw byte (\x, octal) rather than
 * a character.
 */
function decodeEscapeAt(sql: string, tokenStart: number, raw: string, i: number): [number, number, boolean] {
  const ch = raw[i + 1] ?? '';
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return [simple, 2, false];
  if (ch === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 2, i + 4));
    if (!m) throw lexicalError(sql, tokenStart, 'invalid syntax');
    return [parseInt(m[0], 16), 2 + m[0].length, true];
  }
  if (ch === 'u' || ch === 'U') {
    const width = ch === 'u' ? 4 : 8;
    const hex = raw.slice(i + 2, i + 2 + width);
    if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw lexicalError(sql, tokenStart, 'invalid syntax');
    return [parseInt(hex, 16), 2 + width, false];
  }
  const oct = /^[0-7]{1,3}/.exec(raw.slice(i + 1, i + 4));
  if (oct) return [parseInt(oct[0], 8) & 0xff, 1 + oct[0].length, true];
  return [ch.codePointAt(0) ?? 0, 1 + ch.length, false];
}

/** e'...' bodies: backslash escapes become characters (\x bytes as Latin-1 code points). */
function decodeEscapes(sql: string, tokenStart: number, raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length;) {
    if (raw.charCodeAt(i) !== CH_BACKSLASH) {
      out += raw[i];
      i++;
      continue;
    }
    const [code, len] = decodeEscapeAt(sql, tokenStart, raw, i);
    out += String.fromCodePoint(code);
    i += len;
  }
  return out;
}

/** b'...' bodies: characters become their UTF-8 bytes, \x and octal escapes raw bytes. */
function decodeBytes(sql: string, tokenStart: number, raw: string): string {
  let hex = '';
  for (let i = 0; i < raw.length;) {
    if (raw.charCodeAt(i) !== CH_BACKSLASH) {
      const cp = raw.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      hex += Buffer.from(ch, 'utf8').toString('hex');
      i += ch.length;
      continue;
    }
    const [code, len, isByte] = decodeEscapeAt(sql, tokenStart, raw, i);
    hex += isByte ? code.toString(16).padStart(2, '0') : Buffer.from(String.fromCodePoint(code), 'utf8').toString('hex');
    i += len;
  }
  return hex;
}

function lexQuotedIdent(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  let out = '';
  let i = start + 1;
  while (i < sql.length) {
    const q = sql.indexOf('"', i);
    if (q === -1) break;
    out += sql.slice(i, q);
    if (sql.charCodeAt(q + 1) === CH_DQUOTE) {
      out += '"';
      i = q + 2;
      continue;
    }
    if (out.length === 0) throw lexicalError(sql, start, 'zero-length delimited identifier');
    st.i = q + 1;
    st.out.push({ kind: 'qident', text: out, start, end: st.i });
    return;
  }
  throw lexicalError(sql, start, 'unterminated quoted identifier');
}

/** $1 placeholders, or $$..$$ / $tag$..$tag$ dollar-quoted strings. */
function lexDollar(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  let i = start + 1;
  if (isDigit(sql.charCodeAt(i))) {
    while (isDigit(sql.charCodeAt(i))) i++;
    st.i = i;
    st.out.push({ kind: 'placeholder', text: sql.slice(start + 1, i), start, end: i });
    return;
  }
  while (i < sql.length && isIdentStart(sql.charCodeAt(i))) i++;
  if (sql.charCodeAt(i) !== CH_DOLLAR) throw lexicalError(sql, start, 'invalid syntax');
  const tag = sql.slice(start, i + 1);
  const close = sql.indexOf(tag, i + 1);
  if (close === -1) throw lexicalError(sql, start, 'unterminated string');
  st.i = close + tag.length;
  st.out.push({ kind: 'string', text: sql.slice(i + 1, close), start, end: st.i });
}

function lexOperator(st: LexState): void {
  const { sql } = st;
  const start = st.i;
  const ch = sql[start]!;
  const candidates = OPERATORS_BY_FIRST[ch];
  if (candidates !== undefined) {
    for (const op of candidates) {
      if (sql.startsWith(op, start)) {
        st.i = start + op.length;
        st.out.push({ kind: 'op', text: op, start, end: st.i });
        return;
      }
    }
  } else if (SINGLE_CHAR_OPS.has(ch)) {
    st.i = start + 1;
    st.out.push({ kind: 'op', text: ch, start, end: st.i });
    return;
  }
  throw lexicalError(sql, start, `invalid character "${ch}"`);
}
