// Owns the PostgreSQL protocol 3.0 byte layout: framing incoming messages
// (with a size limit), reading their fields, and building backend messages.
// No I/O and no SQL here.

import { BurrowError } from '../util/errors.js';

export const maxMessageBytes = 64 * 1024 * 1024;
export const maxStartupBytes = 10_000;

export const protocolVersion3 = 196608;
export const sslRequestCode = 80877103;
export const gssEncRequestCode = 80877104;
export const cancelRequestCode = 80877102;

/** A cursor over one message body. */
export class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  byte(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }
  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end === -1) throw protocolError('missing string terminator');
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
  remaining(): number {
    return this.buf.length - this.offset;
  }
  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) throw protocolError('message is shorter than its fields');
  }
}

export function protocolError(msg: string): BurrowError {
  return new BurrowError('08P01', `invalid message format: ${msg}`);
}

/** Builds one backend message: type byte, int32 length, body. */
export class Writer {
  private parts: Buffer[] = [];
  private size = 0;
  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v, 0);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v, 0);
    return this.push(b);
  }
  byte(v: number): this {
    return this.push(Buffer.from([v]));
  }
  cstring(s: string): this {
    return this.push(Buffer.from(s + '\0', 'utf8'));
  }
  bytes(b: Buffer): this {
    return this.push(b);
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
  finish(type: string): Buffer {
    const out = Buffer.allocUnsafe(5 + this.size);
    out[0] = type.charCodeAt(0);
    out.writeInt32BE(4 + this.size, 1);
    let o = 5;
    for (const p of this.parts) {
      p.copy(out, o);
      o += p.length;
    }
    return out;
  }
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return new Writer().byte(status.charCodeAt(0)).finish('Z');
}

export function parameterStatus(name: string, value: string): Buffer {
  return new Writer().cstring(name).cstring(value).finish('S');
}

export function commandComplete(tag: string): Buffer {
  return new Writer().cstring(tag).finish('C');
}

export function authOk(): Buffer {
  return new Writer().int32(0).finish('R');
}

export function backendKeyData(pid: number, key: number): Buffer {
  return new Writer().int32(pid).int32(key).finish('K');
}

export interface ErrorFields {
  severity: 'ERROR' | 'FATAL' | 'NOTICE' | 'WARNING';
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: number | undefined;
}

export function errorOrNotice(type: 'E' | 'N', f: ErrorFields): Buffer {
  const w = new Writer();
  w.byte(0x53).cstring(f.severity); // S
  w.byte(0x56).cstring(f.severity); // V
  w.byte(0x43).cstring(f.code); // C
  w.byte(0x4d).cstring(f.message); // M
  if (f.detail) w.byte(0x44).cstring(f.detail); // D
  if (f.hint) w.byte(0x48).cstring(f.hint); // H
  if (f.position) w.byte(0x50).cstring(String(f.position)); // P
  w.byte(0);
  return w.finish(type);
}

export interface FieldDesc {
  name: string;
  tableOid: number;
  column: number;
  typeOid: number;
  typeLen: number;
  typeMod: number;
  format: number;
}

export function rowDescription(fields: FieldDesc[]): Buffer {
  const w = new Writer().int16(fields.length);
  for (const f of fields) {
    w.cstring(f.name).int32(f.tableOid).int16(f.column).int32(f.typeOid).int16(f.typeLen).int32(f.typeMod).int16(f.format);
  }
  return w.finish('T');
}

export function dataRow(values: (Buffer | null)[]): Buffer {
  let size = 2;
  for (const v of values) size += 4 + (v ? v.length : 0);
  const out = Buffer.allocUnsafe(5 + size);
  out[0] = 0x44; // D
  out.writeInt32BE(4 + size, 1);
  out.writeInt16BE(values.length, 5);
  let o = 7;
  for (const v of values) {
    if (v === null) {
      out.writeInt32BE(-1, o);
      o += 4;
    } else {
      out.writeInt32BE(v.length, o);
      v.copy(out, o + 4);
      o += 4 + v.length;
    }
  }
  return out;
}

export function parameterDescription(oids: number[]): Buffer {
  const w = new Writer().int16(oids.length);
  for (const o of oids) w.int32(o);
  return w.finish('t');
}

export const parseComplete = (): Buffer => new Writer().finish('1');
export const bindComplete = (): Buffer => new Writer().finish('2');
export const closeComplete = (): Buffer => new Writer().finish('3');
export const noData = (): Buffer => new Writer().finish('n');
export const emptyQueryResponse = (): Buffer => new Writer().finish('I');
export const portalSuspended = (): Buffer => new Writer().finish('s');
