import type { FastifyRequest } from 'fastify';
import { SpiritError } from '../../platform/errors.ts';

/**
 * Who acts, as recorded on every decision, lock and guardrail change: the credential's name and id, so two
 * "Ana"s stay apart.
 */
export function actorOf(request: FastifyRequest): { name: string; role: string } {
  const p = request.principal;
  if (!p) throw new SpiritError('unauthorized', 'a credential is required');
  return { name: `${p.name} (${p.kind} ${p.id})`, role: p.role };
}
