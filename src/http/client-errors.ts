import { STATUS_CODES, type Server } from 'node:http';
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
 * when no answer is under way on the connection; then closes it.
 */
export function answerClientErrors(server: Server): void {
  const answering = new WeakSet<object>();
  server.on('request', (req, res) => {
    answering.add(req.socket);
    res.once('close', () => answering.delete(req.socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || answering.has(socket)) {
      socket.destroy();
      return;
    }
    const { status, message } = describe(error.code);
    const body = JSON.stringify(errorBody(status, message));
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}
