import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CommonErrors } from '../errors/common.errors';
import { DomainError, problemTypeUri } from '../errors/domain-error';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.filter';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a 100 kB URL, a header over
 * the limit, bytes that are not HTTP) get the same problem+json as every other error, instead
 * of Node's bare status line.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const problem = problemFor(error.code);
    const requestId = randomUUID();
    const body = JSON.stringify({
      type: problemTypeUri(problem.code),
      title: problem.kind.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      request_id: requestId,
    });
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.kind.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nX-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

function problemFor(code: string | undefined): DomainError {
  if (code === 'HPE_HEADER_OVERFLOW') return CommonErrors.HEADERS_TOO_LARGE('The request line or headers exceed 16 kB');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return CommonErrors.REQUEST_TIMEOUT('The request was not received in time');
  return CommonErrors.BAD_REQUEST('The request is not valid HTTP');
}
