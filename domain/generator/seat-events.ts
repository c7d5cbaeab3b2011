/**
 * Future changes to departures' seats, applied when the replay of requests reaches their moment: a booking
 * holds seats from its booking moment, a cancellation gives them back. A binary min-heap on parallel arrays;
 * equal moments may pop in any order because seat changes add up the same.
 */
export const HOLD = 0;
export const RELEASE = 1;

export class SeatEvents {
  private atMs = new Float64Array(1024);
  private departure = new Int32Array(1024);
  private seats = new Int32Array(1024);
  private kind = new Uint8Array(1024);
  size = 0;

  push(atMs: number, departure: number, seats: number, kind: number): void {
    if (this.size === this.atMs.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.atMs[parent] <= atMs) break;
      this.move(parent, i);
      i = parent;
    }
    this.atMs[i] = atMs;
    this.departure[i] = departure;
    this.seats[i] = seats;
    this.kind[i] = kind;
  }

  /** Applies, in time order, every event up to and including `untilMs`. */
  drain(untilMs: number, apply: (departure: number, seats: number, kind: number) => void): void {
    while (this.size > 0 && this.atMs[0] <= untilMs) {
      apply(this.departure[0], this.seats[0], this.kind[0]);
      this.popRoot();
    }
  }

  private popRoot(): void {
    const last = --this.size;
    if (last === 0) return;
    const t = this.atMs[last];
    const d = this.departure[last];
    const s = this.seats[last];
    const k = this.kind[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.atMs[r] < this.atMs[l] ? r : l;
      if (this.atMs[c] >= t) break;
      this.move(c, i);
      i = c;
    }
    this.atMs[i] = t;
    this.departure[i] = d;
    this.seats[i] = s;
    this.kind[i] = k;
  }

  private move(from: number, to: number): void {
    this.atMs[to] = this.atMs[from];
    this.departure[to] = this.departure[from];
    this.seats[to] = this.seats[from];
    this.kind[to] = this.kind[from];
  }

  private grow(): void {
    const n = this.atMs.length * 2;
    const a = new Float64Array(n);
    a.set(this.atMs);
    this.atMs = a;
    const d = new Int32Array(n);
    d.set(this.departure);
    this.departure = d;
    const s = new Int32Array(n);
    s.set(this.seats);
    this.seats = s;
    const k = new Uint8Array(n);
    k.set(this.kind);
    this.kind = k;
  }
}
