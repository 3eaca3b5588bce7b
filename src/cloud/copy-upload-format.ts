// Owns decoding the byte stream of a file-upload COPY
// (`COPY crdb_internal.user_file_upload FROM STDIN WITH destination = ...`)
// into the file's bytes, in order, without ever holding more than one
// incoming piece plus an unfinished field. Two formats:
//   text   (CockroachDB's own CLI): one field per row, rows end with '\n',
//          backslash escapes (\\ \n \r \t \b \f \v, octal \NNN, \xHH); `\.` ends
//   binary (ours, faster): PostgreSQL's binary COPY: signature, flags,
//          header extension, then tuples (int16 field count 1, int32 length,
//          bytes) and the int16 -1 trailer.

import { BurrowError } from '../util/errors.js';

export interface UploadDecoder {
  /** Decodes the next piece of COPY data; returns file bytes it completes (may be empty). */
  feed(chunk: Buffer): Buffer[];
  /** End of data: fails if the stream stopped mid-row or mid-tuple. */
  end(): Buffer[];
}

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** A tuple or row longer than this is refused (the CLI sends ~1 MiB pieces). */
export const maxUploadPieceBytes = 64 * 1024 * 1024;

function badData(msg: string): BurrowError {
  return new BurrowError('22P04', `invalid file upload data: ${msg}`);
}

export function newBinaryUploadDecoder(): UploadDecoder {
  let buf: Buffer = Buffer.alloc(0);
  let headerDone = false;
  let finished = false;
  return {
    feed(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const out: Buffer[] = [];
      let pos = 0;
      if (!headerDone) {
        if (buf.length < 19) return out;
        if (!buf.subarray(0, 11).equals(signature)) throw badData('binary COPY signature missing');
        const ext = buf.readUInt32BE(15);
        if (ext > 1024 * 1024) throw badData('header extension too long');
        if (buf.length < 19 + ext) return out;
        pos = 19 + ext;
        headerDone = true;
      }
      while (pos + 2 <= buf.length) {
        if (finished) throw badData('data after the end marker');
        const fields = buf.readInt16BE(pos);
        if (fields === -1) {
          finished = true;
          pos += 2;
          continue;
        }
        if (fields !== 1) throw badData(`expected 1 field per tuple, got ${fields}`);
        if (pos + 6 > buf.length) break;
        const len = buf.readInt32BE(pos + 2);
        if (len === -1) throw badData('NULL file piece');
        if (len < 0 || len > maxUploadPieceBytes) throw badData(`piece of ${len} bytes`);
        if (pos + 6 + len > buf.length) break;
        out.push(buf.subarray(pos + 6, pos + 6 + len));
        pos += 6 + len;
      }
      buf = buf.subarray(pos);
      // Keep what is buffered independent of the (reused) incoming chunk.
      if (buf.length > 0 && out.length > 0) buf = Buffer.from(buf);
      return out;
    },
    end() {
      if (!headerDone && buf.length === 0) return [];
      if (!headerDone || buf.length > 0) throw badData('the stream ended inside a tuple');
      return [];
    },
  };
}

const escapes: Record<number, number> = { 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };

/** Decodes one text-format field (escapes), bytes as they are. */
function unescapeField(b: Buffer): Buffer {
  if (b.indexOf(0x5c) < 0) return b;
  const out = Buffer.allocUnsafe(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x5c || i === b.length - 1) {
      out[n++] = c;
      continue;
    }
    const e = b[++i]!;
    if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < b.length && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x37; k++) v = v * 8 + (b[++i]! - 0x30);
      out[n++] = v & 0xff;
    } else if (e === 0x78 && i + 1 < b.length && /[0-9a-fA-F]/.test(String.fromCharCode(b[i + 1]!))) {
      let v = 0;
      for (let k = 0; k < 2 && i + 1 < b.length && /[0-9a-fA-F]/.test(String.fromCharCode(b[i + 1]!)); k++) v = v * 16 + parseInt(String.fromCharCode(b[++i]!), 16);
      out[n++] = v;
    } else out[n++] = escapes[e] ?? e;
  }
  return out.subarray(0, n);
}

export function newTextUploadDecoder(): UploadDecoder {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let finished = false;
  function rows(chunk: Buffer, out: Buffer[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      let line = chunk.subarray(start, nl);
      if (partial.length) {
        line = Buffer.concat([...partial, line]);
        partial = [];
        partialBytes = 0;
      }
      start = nl + 1;
      if (finished) throw badData('data after the end marker');
      if (line.length === 2 && line[0] === 0x5c && line[1] === 0x2e) {
        finished = true;
        continue;
      }
      if (line.length === 2 && line[0] === 0x5c && line[1] === 0x4e) throw badData('NULL file piece');
      out.push(unescapeField(line));
    }
    if (start < chunk.length) {
      partial.push(Buffer.from(chunk.subarray(start)));
      partialBytes += chunk.length - start;
      if (partialBytes > maxUploadPieceBytes) throw badData(`a row longer than ${maxUploadPieceBytes} bytes`);
    }
  }
  return {
    feed(chunk) {
      const out: Buffer[] = [];
      rows(chunk, out);
      return out;
    },
    end() {
      const out: Buffer[] = [];
      if (partial.length) rows(Buffer.from([0x0a]), out);
      return out;
    },
  };
}
