import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { PgListener } from '../../platform/pg-listener.ts';
import type { GuardrailPolicy } from '../../models/price/guardrail-policy.ts';
import { GUARDRAILS_CHANNEL, loadGuardrails } from './guardrail-store.ts';

/**
 * The guardrail rules an API process holds in memory: loaded before the API serves, reloaded when a change is
 * announced (NOTIFY at its commit) and whenever the listener reconnects, so a price never waits on PostgreSQL
 * for its guardrails. A reload that fails keeps the rules already held (and says so in the log): an outage of
 * PostgreSQL must not leave prices unguarded.
 */
export class GuardrailBook {
  private current: GuardrailPolicy | undefined;
  private reloading: Promise<void> | undefined;
  private again = false;
  private readonly listener: PgListener;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {
    this.listener = new PgListener(pool, GUARDRAILS_CHANNEL, log, {
      notified: () => void this.reload(),
      connected: () => void this.reload(),
    });
  }

  /** Loads the rules (failing if there are none: the API must not serve unguarded prices) and starts listening. */
  async start(): Promise<void> {
    this.current = (await loadGuardrails(this.pool)).policy;
    await this.listener.start();
  }

  get policy(): GuardrailPolicy {
    if (!this.current) throw new Error('guardrails are not loaded: call start() first');
    return this.current;
  }

  /** Reloads now; announcements during a reload are coalesced into one more reload after it. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.again = false;
        try {
          const { policy } = await loadGuardrails(this.pool);
          if (policy.version !== this.current?.version) this.log.info('guardrails loaded', { version: policy.version, rules: policy.rules.length });
          this.current = policy;
        } catch (err) {
          this.log.warn('guardrails could not be reloaded; the rules already loaded stay in force', { version: this.current?.version, error: (err as Error).message });
        }
      } while (this.again);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  async close(): Promise<void> {
    await this.listener.close();
    await this.reloading;
  }
}
