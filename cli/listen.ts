import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config.ts';
import { SpiritError } from '../platform/errors.ts';

/**
 * Starts the API on HOST:PORT and returns its address. An address that cannot be had is the operator's to change,
 * said in one line naming the setting; anything else is thrown as it came.
 */
export async function listenOnConfigured(app: FastifyInstance, config: Pick<Config, 'host' | 'port'>): Promise<string> {
  try {
    return await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const where = `${config.host}:${config.port}`;
    switch ((err as NodeJS.ErrnoException).code) {
      case 'EADDRINUSE':
        throw new SpiritError('address_in_use', `cannot serve on ${where}: the port is in use (another spirit-ml or another server); stop it, or set PORT to a free port`, 'PORT');
      case 'EACCES':
        throw new SpiritError('address_forbidden', `cannot serve on ${where}: this user may not open that port (below 1024 needs privileges); set PORT to 1024 or above`, 'PORT');
      case 'EADDRNOTAVAIL':
        throw new SpiritError('address_unavailable', `cannot serve on ${where}: HOST is not an address of this machine; set HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`, 'HOST');
      default:
        throw err;
    }
  }
}
