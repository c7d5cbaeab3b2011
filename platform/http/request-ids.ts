import type { FastifyRequest } from 'fastify';
import './route-contract.ts';

/** Our id for a request and the caller's own, as every log line about the request carries them. */
export function requestIds(request: FastifyRequest): { reqId: string; callerRequestId: string | undefined } {
  return { reqId: request.id, callerRequestId: request.callerRequestId };
}
