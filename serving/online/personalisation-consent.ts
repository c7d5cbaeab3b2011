import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { logConnectionLoss } from '../../platform/stopping.ts';

/**
 * Customers who must not get personalised answers: erased ones and those who withdrew consent. The set is small
 * and read from the booking system every few seconds (and at once when an erasure goes through this API), so an
 * erasure made by the CLI reaches every replica within one poll. While PostgreSQL is away the last set stays.
 *
 * Until the set has been read once, nobody is personalised: an API started while PostgreSQL is away does not know
 * whom to leave out, and personalising an erased customer is the one mistake here that cannot be taken back.
 */
export class PersonalisationConsent {
  private withheld = new Set<number>();
  private read = false;
  /** Withheld through this process, in order; a poll keeps those it may have started too early to see. */
  private recent: number[] = [];
  /** Reads started, and the latest one applied: a slow read that ends after a newer one is dropped. */
  private reads = 0;
  private applied = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  /** Whether the set has been read at least once (until then `allows` is false for everyone). */
  get known(): boolean {
    return this.read;
  }

  allows(customerId: number): boolean {
    return this.read && !this.withheld.has(customerId);
  }

  /** Takes effect in this process now, before the next poll sees it in the booking system. */
  withhold(customerId: number): void {
    this.withheld.add(customerId);
    this.recent.push(customerId);
  }

  async refresh(): Promise<void> {
    // Withholdings made before this read began are committed and in its answer; later ones may not be.
    const seen = this.recent.length;
    const read = ++this.reads;
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM customers WHERE erased_at IS NOT NULL OR NOT consent_personalisation');
    if (read < this.applied) return;
    this.applied = read;
    const withheld = new Set(rows.map((r) => Number(r.id)));
    for (const id of this.recent.slice(seen)) withheld.add(id);
    this.recent = this.recent.slice(seen);
    this.withheld = withheld;
    this.read = true;
  }

  async start(pollMs: number): Promise<void> {
    await this.refresh().catch((err) => this.log.warn('could not read personalisation consent; nobody is personalised until it is read', { error: (err as Error).message }));
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
