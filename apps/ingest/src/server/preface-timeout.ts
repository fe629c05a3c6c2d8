import type { Http2Server, Http2Session } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';
import type { Log } from '../base/log.js';

/**
 * Closes each connection of `server` that has not sent the HTTP/2 client preface and its SETTINGS frame
 * within `timeoutMs` of connecting: a TCP connection that says nothing (or only part of the preface) would
 * otherwise hold a socket and a session forever. Call it once the server is bound.
 *
 * grpc-js has no option for this, and nothing in it ever times such a connection out: it creates the
 * `http2.Server` itself and turns the socket timeout off (`http2Server.setTimeout(0)` in `createHttp2Server`),
 * and its keepalive and connection age/idle timers are off by default and only ping or send GOAWAY and wait
 * for the peer (with `grpc.max_connection_idle_ms` set, a silent connection stays open). Node, though, makes a `ServerHttp2Session` for every accepted socket at once and emits
 * the server's 'session' event before a byte is read; the session emits 'remoteSettings' when the client's
 * first SETTINGS frame arrives, which must directly follow the 24-byte preface (RFC 9113 §3.4): a gRPC client
 * sends both as soon as it connects. So one timer per session, cleared by 'remoteSettings' or the session's
 * end, closes exactly the connections that never spoke HTTP/2. (Bytes that differ from the preface need no
 * timer: Node already destroys the session on the first wrong byte; a silent peer or a prefix of the preface
 * makes nghttp2 wait for more.) The `http2.Server`s are reached through grpc-js's private `http2Servers` map,
 * as for the connection windows (`server.ts`; grpc-js 1.14): if it is gone, no connection is timed out.
 */
export function closeSilentConnections(server: grpc.Server, timeoutMs: number, log: Log): void {
  const internals = server as unknown as { http2Servers?: Map<Http2Server, unknown> };
  for (const http2Server of internals.http2Servers?.keys() ?? []) {
    http2Server.on('session', (session: Http2Session) => {
      const peer = `${session.socket?.remoteAddress}:${session.socket?.remotePort}`;
      const timer = setTimeout(() => {
        // Debug, not info: each line is one connection that never spoke, which a scan makes by the thousand.
        log.debug({ peer, timeoutMs }, 'connection closed: no HTTP/2 preface within the timeout');
        session.destroy();
      }, timeoutMs);
      timer.unref();
      const clear = (): void => clearTimeout(timer);
      session.once('remoteSettings', clear);
      session.once('close', clear);
    });
  }
}
