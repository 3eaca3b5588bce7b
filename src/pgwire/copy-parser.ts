// Owns parsing COPY FROM STDIN data as it streams in: PostgreSQL's text
// format (tab-separated, \N for NULL, backslash escapes, `\.` end marker)
// and CSV (quotes, doubled quotes, embedded newlines, unquoted empty = NULL,
// optional header line). Memory held: the incomplete last line only, bounded
// by maxCopyLineBytes.

import { StringDecoder } from 'node:string_decoder';
import { BurrowError } from '../util/errors.js';

export const maxCopyLineBytes = 64 * 1024 * 1024;

export interface CopyFormat {
  csv: boolean;
  delimiter: string;
  nullString: string;
  header: boolean;
  quote: string;
  escape: string;
}

export function copyFormat(options: { name: string; value: string | boolean }[]): CopyFormat {
  const get = (n: string) => options.find((o) => o.name === n)?.value;
  const format = String(get('format') ?? 'text').toLowerCase();
  if (format === 'binary') throw new BurrowError('0A000', 'unimplemented: binary COPY format');
  const csv = format === 'csv';
  const quote = String(get('quote') ?? '"');
  return {
    csv,
    delimiter: String(get('delimiter') ?? (csv ? ',' : '\t')),
    nullString: String(get('null') ?? (csv ? '' : '\\N')),
    header: get('header') === true || get('header') === 'true',
    quote,
    escape: String(get('escape') ?? quote),
  };
}

function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      default:
        if (/[0-7]/.test(n)) {
          const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
          out += String.fromCharCode(parseInt(m, 8));
          i += m.length - 1;
        } else out += n;
    }
  }
  return out;
}

export interface CopyParser {
  /** Feeds bytes; returns the complete rows they finish. */
  feed(chunk: Buffer): (string | null)[][];
  /** End of data: returns the last row if the data did not end with a newline. */
  end(): (string | null)[][];
}

export function newCopyParser(f: CopyFormat): CopyParser {
  let pending = '';
  const decoder = new StringDecoder('utf8'); // keeps characters split across chunks whole
  let headerSkipped = !f.header;
  let done = false;

  function textLine(line: string): (string | null)[] | null {
    if (line === '\\.') {
      done = true;
      return null;
    }
    return line.split(f.delimiter).map((v) => (v === f.nullString ? null : unescapeText(v)));
  }

  /** Parses CSV records from text; returns rows and the unconsumed tail (an incomplete record). */
  function csvRecords(text: string, final: boolean): { rows: (string | null)[][]; rest: string } {
    const rows: (string | null)[][] = [];
    let i = 0;
    let recordStart = 0;
    let fields: (string | null)[] = [];
    let field = '';
    let quoted = false;
    let inQuotes = false;
    while (i < text.length) {
      const c = text[i]!;
      if (inQuotes) {
        if (c === f.escape && f.escape !== f.quote && text[i + 1] === f.quote) {
          field += f.quote;
          i += 2;
          continue;
        }
        if (c === f.quote) {
          if (text[i + 1] === f.quote && f.escape === f.quote) {
            field += f.quote;
            i += 2;
            continue;
          }
          if (i + 1 >= text.length && !final) break;
          inQuotes = false;
          i++;
          continue;
        }
        field += c;
        i++;
        continue;
      }
      if (c === f.quote) {
        inQuotes = true;
        quoted = true;
        i++;
        continue;
      }
      if (c === f.delimiter) {
        fields.push(!quoted && field === f.nullString ? null : field);
        field = '';
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n' || c === '\r') {
        fields.push(!quoted && field === f.nullString ? null : field);
        if (!(fields.length === 1 && fields[0] === '\\.')) rows.push(fields);
        else done = true;
        fields = [];
        field = '';
        quoted = false;
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        recordStart = i;
        continue;
      }
      field += c;
      i++;
    }
    if (final && (field.length > 0 || fields.length > 0 || quoted)) {
      if (inQuotes) throw new BurrowError('22P04', 'unterminated CSV quoted field');
      fields.push(!quoted && field === f.nullString ? null : field);
      rows.push(fields);
      return { rows, rest: '' };
    }
    return { rows, rest: text.slice(recordStart) };
  }

  function take(text: string, final: boolean): (string | null)[][] {
    if (done) return [];
    let rows: (string | null)[][];
    if (f.csv) {
      const r = csvRecords(text, final);
      rows = r.rows;
      pending = r.rest;
    } else {
      const lines = text.split('\n');
      pending = final ? '' : lines.pop()!;
      if (final && lines.length && lines[lines.length - 1] === '') lines.pop();
      rows = [];
      for (const l of lines) {
        const r = textLine(l.endsWith('\r') ? l.slice(0, -1) : l);
        if (done) break;
        if (r) rows.push(r);
      }
    }
    if (pending.length > maxCopyLineBytes) throw new BurrowError('54000', `COPY row exceeds ${maxCopyLineBytes} bytes`);
    if (!headerSkipped && rows.length > 0) {
      rows.shift();
      headerSkipped = true;
    }
    return rows;
  }

  return {
    feed: (chunk) => take(pending + decoder.write(chunk), false),
    end: () => take(pending + decoder.end(), true),
  };
}
