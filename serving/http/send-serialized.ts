import type { FastifyReply } from 'fastify';

/**
 * Sends a body the route's response serializer already produced (`reply.serialize`), as JSON and without serialising
 * it again: fastify passes a string with a JSON content type through untouched. For answers shared by many requests,
 * which are encoded once. The reply is taken untyped because the body is the schema's output, not its input.
 */
export function sendSerialized(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}
