import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { logConnectionLoss } from '../../platform/stopping.ts';

/**
 * Customers who must not get personalised answers: erased ones and those who withdrew consent. The set is small
 * and read from the booking system every few seconds (and at once when an erasure goes through this API), so an
 * erasure made by the CLI reaches every replica within one poll. While PostgreSQL is away the last set stays.
 */
export class PersonalisationConsent {
  private withheld = new Set<number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  allows(customerId: number): boolean {
    return !this.withheld.has(customerId);
  }

  /** Takes effect in this process now, before the next poll sees it in the booking system. */
  withhold(customerId: number): void {
    this.withheld.add(customerId);
  }

  async refresh(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM customers WHERE erased_at IS NOT NULL OR NOT consent_personalisation');
    this.withheld = new Set(rows.map((r) => Number(r.id)));
  }

  async start(pollMs: number): Promise<void> {
    await this.refresh().catch((err) => this.log.warn('could not read personalisation consent; retrying', { error: (err as Error).message }));
    this.timer = setInterval(() => {
      // Ctrl+C stops an embedded PostgreSQL at the same moment: a poll it cuts short is part of stopping, not a fault.
      this.refresh().catch((err) => logConnectionLoss(this.log, 'could not read personalisation consent; the last set stays', { error: (err as Error).message }));
    }, pollMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
