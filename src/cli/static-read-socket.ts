// Owns a client TCP socket that reads into one fixed buffer (net's `onread`)
// instead of a fresh 64 KiB buffer per read, for a driver (node-postgres)
// that still expects 'data' events.
//
// Normally every read is handed to the 'data' listeners as a copy. While a
// consumer has diverted the socket, reads go to it instead, as a view of the
// fixed buffer that is valid only during the call: the consumer copies what it
// keeps. A bulk reader (userfile get) therefore allocates nothing per read,
// so a 1 GiB download leaves no garbage for the collector to fall behind on.
//
// Over TLS the driver wraps this socket; TLS then reads the connection itself
// and the onread callback is not called again, so diverting has no effect and
// the consumer must read the TLS socket's 'data' events (see divertable()).

import net from 'node:net';

export const staticReadBufferBytes = 256 * 1024;

export type BytesConsumer = (bytes: Buffer) => void;

export interface StaticReadSocket {
  socket: net.Socket;
  /** Sends reads to fn (a view, valid during the call) instead of 'data' events; null restores the events. */
  divert(fn: BytesConsumer | null): void;
  /** Whether reads still arrive through this socket's callback (false once TLS has wrapped it). */
  divertable(stream: unknown): boolean;
}

export function staticReadSocket(bufferBytes = staticReadBufferBytes): StaticReadSocket {
  let diverted: BytesConsumer | null = null;
  const buffer = Buffer.allocUnsafeSlow(bufferBytes);
  const socket: net.Socket = new net.Socket({
    onread: {
      buffer,
      callback(bytesRead: number): boolean {
        const bytes = buffer.subarray(0, bytesRead);
        if (diverted) diverted(bytes);
        else socket.emit('data', Buffer.from(bytes));
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  return {
    socket,
    divert: (fn) => void (diverted = fn),
    divertable: (stream) => stream === socket,
  };
}
