import type { FastifyPluginAsync } from 'fastify';

/**
 * What the API hands each plugin it hosts (`buildApp({ plugins })`), for state only the API's process holds. A
 * plugin is built before the API exists (by the CLI, from the domain), so it receives this when it is registered.
 */
export interface PluginHost {
  /**
   * Stop personalising answers for this customer in this process now (an erasure went through), and drop what the
   * feature cache holds of them; other replicas learn it from the booking system on their next poll.
   */
  withholdPersonalisation(customerId: number): void;
}

export interface HostedPluginOptions {
  host: PluginHost;
}

/** A plugin the API hosts: its routes follow platform/http/route-contract.ts. */
export type HostedPlugin = FastifyPluginAsync<HostedPluginOptions>;
