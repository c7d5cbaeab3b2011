import type { FastifyRequest } from 'fastify';

/**
 * For a plugin that calls the scoring API on behalf of its caller (GraphQL mutations, chat): the caller's own
 * credential, so the API sees who is pricing and applies their role and limits, and this server's own address.
 */
export function credentialOf(request: FastifyRequest): string {
  const key = request.headers['x-api-key'];
  if (typeof key === 'string' && key !== '') return key.trim();
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
}

/** The address the request came in on, so the plugin calls the very server it runs in. */
export function ownAddress(request: FastifyRequest): string {
  const { localAddress, localPort } = request.raw.socket;
  const host = (localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${host.includes(':') ? `[${host}]` : host}:${localPort}`;
}
