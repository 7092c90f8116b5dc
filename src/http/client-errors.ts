import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from '../core/errors.js';

/** Node's errors for requests it could not read, as status and sentence. */
function describe(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request did not arrive in time; send the whole request at once' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'the request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'the request chunk extensions are too large' };
    default:
      return { status: 400, message: 'the request is not valid HTTP' };
  }
}

/**
 * Answers requests Node itself refuses (unfinished headers or body past the server's timeouts,
 * oversized headers, malformed HTTP) with the JSON error shape instead of Node's bare text,
 * unless an answer has already begun on the connection; then closes it.
 */
export function answerClientErrors(server: Server): void {
  const current = new WeakMap<object, ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    current.set(req.socket, res);
    res.once('close', () => {
      if (current.get(req.socket) === res) current.delete(req.socket);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || current.get(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, message } = describe(error.code);
    const body = JSON.stringify(errorBody(status, message));
    const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
    const res = current.get(socket);
    if (res) {
      // A request still being read (its body): answer through its response, which the app can no longer use.
      res.writeHead(status, headers).end(body);
    } else {
      const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    }
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}
