import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit-log.ts';
import { SpiritError } from '../errors.ts';
import './route-contract.ts';

/**
 * Who acts, as recorded on every decision, lock, guardrail change and audit row: the credential's name and key
 * id (so two "Ana"s stay apart), its role from the key record, and the request id that joins the logs.
 */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  if (!p) throw new SpiritError('unauthorized', 'a credential is required');
  return { name: `${p.name} (${p.kind} ${p.id})`, role: p.role, keyId: p.id, source: 'api', requestId: request.id };
}
