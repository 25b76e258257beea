import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Takes the caller's request id when it is a sane token (a gateway's or a departmental system's, so
 * logs line up across systems), otherwise makes one. Anything else is discarded: it lands in logs.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming)) return incoming;
  return randomUUID();
}
