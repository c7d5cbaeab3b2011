/**
 * How long to wait before the next attempt to reach a store that went away: short at first (a dropped connection
 * usually comes back at once), doubling up to a ceiling (a database restarting is not hammered), with jitter so
 * that many processes do not all reconnect in the same instant. `reset()` after a success.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly firstMs = 100,
    private readonly maxMs = 5000,
  ) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
