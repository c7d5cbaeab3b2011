/**
 * Trip requests drawn customer by customer, kept in compact columns (≈ 30 bytes each, no row text) until they
 * are replayed in time order: a request is a customer asking, at a moment, for a trip around a travel date for a
 * party, with up to three itineraries to quote.
 */
export const MAX_OPTIONS = 3;

export class TripRequests {
  count = 0;
  customer = new Int32Array(1024);
  requestMs = new Float64Array(1024);
  travelDay = new Int32Array(1024);
  party = new Uint8Array(1024);
  channel = new Uint8Array(1024);
  /** MAX_OPTIONS itinerary indices per request, −1 where fewer were asked for. */
  options = new Int16Array(1024 * MAX_OPTIONS);

  push(customer: number, requestMs: number, travelDay: number, party: number, channel: number, options: readonly number[]): void {
    if (this.count === this.customer.length) this.grow();
    const k = this.count++;
    this.customer[k] = customer;
    this.requestMs[k] = requestMs;
    this.travelDay[k] = travelDay;
    this.party[k] = party;
    this.channel[k] = channel;
    for (let j = 0; j < MAX_OPTIONS; j++) this.options[k * MAX_OPTIONS + j] = j < options.length ? options[j] : -1;
  }

  /** Request indices by request time; ties (rare, whole seconds) by index, so the order is reproducible. */
  timeOrder(): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    const t = this.requestMs;
    return order.sort((a, b) => t[a] - t[b] || a - b);
  }

  private grow(): void {
    const size = this.customer.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Int16Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.customer = grow(this.customer, size);
    this.requestMs = grow(this.requestMs, size);
    this.travelDay = grow(this.travelDay, size);
    this.party = grow(this.party, size);
    this.channel = grow(this.channel, size);
    this.options = grow(this.options, size * MAX_OPTIONS);
  }
}
